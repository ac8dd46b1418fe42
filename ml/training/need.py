"""The training-need model (design §4): the probability that an employee's level in a
competency is below what the position requires, from what is known before the date.

LightGBM on the per-competency features (one model, the competency as a feature), early-stopped
and calibrated on validation data (isotonic or Platt, whichever predicts held-out rows better).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ml.training.boosting import as_frame, lgb_params, load_boosted, save_boosted, train_booster
from ml.training.calibration import Calibrator, choose_calibrator, fit_calibrator
from ml.training.treeshap import pattern_explainer

# Below this many rows LightGBM's own walk is quicker than the pattern tables' fixed cost per
# tree; the two give the same raw scores either way.
PATTERN_MIN_ROWS = 5_000


class TrainingNeedClassifier(ClassifierMixin, BaseEstimator):
    """Calibrated gradient-boosted classifier of training need.

    The default size (at most 400 trees of 7 leaves, depth 3) is the point picked on the
    quality-versus-cost curve of ``bench/scoring.py``: exact TreeSHAP cost grows with trees ×
    leaves × depth, and this size explains ~14,000 rows/s against ~1,000 for 200 trees of 31
    leaves, for a test ROC AUC 0.001 lower (50,000 employees, seed 3).

    Parameters
    ----------
    n_estimators : int
        Most boosting rounds; early stopping on the validation set picks the number used.
    learning_rate, num_leaves, max_depth, min_child_samples, subsample, colsample_bytree, reg_lambda
        LightGBM's parameters of the same names.
    calibration : {"auto", "isotonic", "sigmoid", "none"}
        "auto" chooses isotonic or sigmoid on the validation set (cross-fitted log-loss).
    validation_fraction : float
        Share of the training rows held out when ``fit`` gets no ``eval_set`` (stratified,
        random: pass an ``eval_set`` split by employee for real data).
    random_state : int
    n_jobs : int or None
        LightGBM threads (None: all cores).

    Attributes
    ----------
    booster_ : lightgbm.Booster
    calibrator_ : Calibrator
    calibration_losses_ : dict of str to float
        Cross-fitted validation log-loss of each calibration candidate.
    best_iteration_ : int
    classes_ : ndarray of shape (2,)
    feature_names_in_ : ndarray of shape (n_features,)
    """

    def __init__(
        self,
        n_estimators: int = 400,
        learning_rate: float = 0.1,
        num_leaves: int = 7,
        max_depth: int = 3,
        min_child_samples: int = 50,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int = 50,
        calibration: Literal["auto", "isotonic", "sigmoid", "none"] = "auto",
        validation_fraction: float = 0.2,
        random_state: int = 0,
        n_jobs: int | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.early_stopping_rounds = early_stopping_rounds
        self.calibration = calibration
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False  # a need or not: binary by design
        tags.input_tags.allow_nan = True  # missing evidence is routine; the trees route it
        return tags

    def fit(
        self, X: Any, y: Any, *, eval_set: tuple[Any, Any] | None = None
    ) -> TrainingNeedClassifier:
        """Fit on ``X``/``y``; ``eval_set`` (X_val, y_val) drives early stopping and calibration.

        X : DataFrame of shape (n_examples, n_features); categorical columns as pandas
            ``category`` (see :class:`ml.training.design.Design`).
        y : array-like of shape (n_examples,), two classes (the positive one: need).
        """
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        frame = as_frame(self, X, reset=True)
        target = column_or_1d(y, warn=True)
        if len(target) != len(frame):
            raise ValueError(f"y has {len(target)} labels for {len(frame)} rows of X")
        check_classification_targets(target)
        kind = type_of_target(target)
        if kind != "binary":
            raise ValueError(
                f"Only binary classification is supported (need or not); the target is {kind}"
            )
        self.classes_ = np.unique(target)
        if len(self.classes_) < 2:
            raise ValueError("Classifier can't train when only one class is present.")
        y01 = (target == self.classes_[1]).astype(np.float64)
        if eval_set is None:
            frame, val, y01, y_val = train_test_split(
                frame, y01, test_size=self.validation_fraction, stratify=y01,
                random_state=self.random_state,
            )  # fmt: skip
        else:
            val = as_frame(self, eval_set[0], reset=False)
            y_val = (np.asarray(eval_set[1]) == self.classes_[1]).astype(np.float64)
        y_val = np.asarray(y_val, dtype=np.float64)
        self.booster_ = train_booster(
            lgb_params(self, "binary"), frame, y01, val, y_val,
            n_estimators=self.n_estimators, early_stopping_rounds=self.early_stopping_rounds,
        )  # fmt: skip
        self.best_iteration_ = int(self.booster_.best_iteration or self.booster_.num_trees())
        raw = np.asarray(self.booster_.predict(val, raw_score=True), dtype=np.float64)
        enough = min(y_val.sum(), (1 - y_val).sum()) >= 2 and len(y_val) >= 20
        if self.calibration == "auto" and enough:
            self.calibrator_, self.calibration_losses_ = choose_calibrator(
                raw, y_val, self.random_state
            )
        else:
            kind = "none" if self.calibration == "auto" else self.calibration
            self.calibrator_ = fit_calibrator(raw, y_val, kind)
            self.calibration_losses_ = {}
        return self

    def decision_function(self, X: Any) -> np.ndarray:
        """Raw score (log-odds before calibration): what TreeSHAP contributions add up to."""
        check_is_fitted(self)
        frame = as_frame(self, X, reset=False)
        # shallow trees: the pattern tables (ml.training.treeshap) give LightGBM's own numbers,
        # to the last bit, at a fraction of the cost on millions of rows; only where they hold
        # the trees this prediction uses and the frame has the model's columns in order
        patterns = pattern_explainer(self.booster_)
        if (
            patterns is not None
            and len(patterns.trees) == self.best_iteration_
            and list(map(str, frame.columns)) == patterns.feature_names
            and len(frame) >= PATTERN_MIN_ROWS
        ):
            return patterns.raw_score(frame)
        return np.asarray(
            self.booster_.predict(frame, raw_score=True, num_iteration=self.best_iteration_)
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated probabilities, shape (n_examples, 2): column 1 is the need."""
        check_is_fitted(self)
        p = self.calibrator_(self.decision_function(X))
        return np.column_stack([1 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        positive = self.predict_proba(X)[:, 1] >= 0.5
        return np.asarray(self.classes_[positive.astype(int)])

    def save(self, directory: Path) -> None:
        """Write the booster (LightGBM's text format) and the rest as JSON: no pickles."""
        check_is_fitted(self)
        extra = {
            "classes": self.classes_.tolist(),
            "calibrator": self.calibrator_.to_dict(),
            "calibration_losses": self.calibration_losses_,
        }
        save_boosted(self, directory, "need_model.json", extra)

    @classmethod
    def load(cls, directory: Path) -> TrainingNeedClassifier:
        model, state = load_boosted(cls, directory, "need_model.json")
        model.classes_ = np.asarray(state["classes"])
        model.calibrator_ = Calibrator.from_dict(state["calibrator"])
        model.calibration_losses_ = state["calibration_losses"]
        return model
