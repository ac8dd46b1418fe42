"""LightGBM with early stopping on a validation set, shared by both models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data


def as_frame(estimator: Any, X: Any, *, reset: bool) -> pd.DataFrame:
    """``X`` as a DataFrame. A DataFrame passes as is (its categorical columns carry the category
    codes the trees split on); anything else is validated by scikit-learn and takes the fitted
    column names, or x0, x1, … when the model was fitted on an array."""
    if isinstance(X, pd.DataFrame):
        if reset:
            estimator.feature_names_in_ = np.asarray(X.columns, dtype=object)
            estimator.n_features_in_ = X.shape[1]
        elif list(X.columns) != list(estimator.feature_names_in_):
            raise ValueError(
                f"X has columns {list(X.columns)}, the model was fitted on "
                f"{list(estimator.feature_names_in_)}"
            )
        if len(X) == 0:
            raise ValueError(
                "Found array with 0 sample(s) (shape=(0, n)) while a minimum of 1 is required."
            )
        return X
    array = validate_data(estimator, X, reset=reset, ensure_all_finite="allow-nan")
    fallback = [f"x{i}" for i in range(array.shape[1])]
    return pd.DataFrame(array, columns=list(getattr(estimator, "feature_names_in_", fallback)))


def train_booster(
    params: dict[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    X_val: pd.DataFrame,
    y_val: np.ndarray,
    *,
    n_estimators: int,
    early_stopping_rounds: int,
) -> lgb.Booster:
    """Boost up to ``n_estimators`` rounds, keeping the round with the best validation loss."""
    train = lgb.Dataset(X, y, free_raw_data=True)
    valid = lgb.Dataset(X_val, y_val, reference=train)
    return lgb.train(
        {**params, "verbosity": -1},
        train,
        num_boost_round=n_estimators,
        valid_sets=[valid],
        callbacks=[lgb.early_stopping(early_stopping_rounds, verbose=False)],
    )


def lgb_params(estimator: Any, objective: str) -> dict[str, Any]:
    """LightGBM's parameters from an estimator's scikit-learn-style hyper-parameters."""
    return {
        "objective": objective,
        "learning_rate": estimator.learning_rate,
        "num_leaves": estimator.num_leaves,
        "max_depth": estimator.max_depth,
        "min_data_in_leaf": estimator.min_child_samples,
        "bagging_fraction": estimator.subsample,
        "bagging_freq": 1 if estimator.subsample < 1 else 0,
        "feature_fraction": estimator.colsample_bytree,
        "lambda_l2": estimator.reg_lambda,
        "seed": estimator.random_state,
        "num_threads": estimator.n_jobs or 0,
        "deterministic": True,
        "force_row_wise": True,
    }


def save_boosted(estimator: Any, directory: Path, state_file: str, extra: dict[str, Any]) -> None:
    """The booster in LightGBM's text format (up to the best iteration) and the estimator's
    parameters, features and ``extra`` as JSON: no pickles."""
    directory.mkdir(parents=True, exist_ok=True)
    estimator.booster_.save_model(
        str(directory / "booster.txt"), num_iteration=estimator.best_iteration_
    )
    state = {
        "params": estimator.get_params(),
        "features": list(estimator.booster_.feature_name()),
        "best_iteration": estimator.best_iteration_,
        **extra,
    }
    (directory / state_file).write_text(json.dumps(state, indent=2, default=str))


def load_boosted(cls: Any, directory: Path, state_file: str) -> tuple[Any, dict[str, Any]]:
    """An estimator saved by :func:`save_boosted`, and its JSON state for the rest."""
    state = json.loads((directory / state_file).read_text())
    model = cls(**state["params"])
    model.booster_ = lgb.Booster(model_file=str(directory / "booster.txt"))
    model.feature_names_in_ = np.asarray(state["features"], dtype=object)
    model.n_features_in_ = len(state["features"])
    # saved up to the best iteration: every tree kept is one to use
    model.best_iteration_ = int(model.booster_.num_trees())
    return model, state
