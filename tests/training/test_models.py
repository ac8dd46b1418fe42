"""The two estimators: scikit-learn's contract, calibration, saving and loading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from ml.training.appraisal import ExpectedAppraisalRegressor
from ml.training.calibration import choose_calibrator
from ml.training.need import TrainingNeedClassifier

SMALL = {"n_estimators": 20, "min_child_samples": 1, "early_stopping_rounds": 5, "n_jobs": 1}


@parametrize_with_checks(
    [TrainingNeedClassifier(**SMALL), ExpectedAppraisalRegressor(**SMALL)],
)
def test_scikit_learn_contract(estimator: object, check: Callable[[object], None]) -> None:
    check(estimator)


def _data(n: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "kind": pd.Categorical(rng.choice(["x", "y", "z"], n)),
        }
    )
    logit = 1.5 * X["a"] - X["b"] + (X["kind"] == "z") * 1.0
    return X, rng.random(n) < 1 / (1 + np.exp(-logit.to_numpy()))


def test_probabilities_are_calibrated_and_saved_models_answer_the_same(tmp_path: Path) -> None:
    X, y = _data()
    Xv, yv = _data(2000, seed=1)
    model = TrainingNeedClassifier(n_estimators=200).fit(X, y, eval_set=(Xv, yv))
    assert model.calibrator_.kind in ("isotonic", "sigmoid")
    assert set(model.calibration_losses_) == {"isotonic", "sigmoid", "none"}
    Xt, yt = _data(4000, seed=2)
    p = model.predict_proba(Xt)[:, 1]
    assert ((p > 0) & (p < 1)).all()
    assert abs(p.mean() - yt.mean()) < 0.03
    model.save(tmp_path)
    again = TrainingNeedClassifier.load(tmp_path)
    np.testing.assert_allclose(again.predict_proba(Xt), model.predict_proba(Xt))


def test_the_calibrator_is_chosen_out_of_sample() -> None:
    rng = np.random.default_rng(3)
    raw = rng.normal(size=4000)
    # True probabilities a sigmoid of the raw score: Platt should win or tie isotonic.
    y = rng.random(4000) < 1 / (1 + np.exp(-(2 * raw - 1)))
    calibrator, losses = choose_calibrator(raw, y.astype(float))
    assert losses["sigmoid"] <= losses["isotonic"] + 1e-3
    assert calibrator.kind == "sigmoid"
    assert calibrator.a == pytest.approx(2, abs=0.3)


def test_the_appraisal_model_round_trips(tmp_path: Path) -> None:
    X, _ = _data()
    y = X["a"].to_numpy() * 0.5 + 1
    model = ExpectedAppraisalRegressor(n_estimators=100).fit(X, y)
    model.save(tmp_path)
    np.testing.assert_allclose(
        ExpectedAppraisalRegressor.load(tmp_path).predict(X), model.predict(X)
    )


def test_few_positives_in_validation_do_not_break_calibration() -> None:
    X, y = _data(2000)
    Xv, yv = _data(40, seed=4)
    yv = np.zeros(40, dtype=bool)
    yv[:3] = True  # three positives: a random two-fold split could leave one fold without any
    model = TrainingNeedClassifier(n_estimators=50, n_jobs=1).fit(X, y, eval_set=(Xv, yv))
    assert model.calibrator_.kind in ("isotonic", "sigmoid")
