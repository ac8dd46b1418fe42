"""LightGBM with early stopping on a validation set, shared by both models."""

from __future__ import annotations

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
