"""Baselines the need model must beat: the last assessed gap carried forward, and a logistic
regression on the same features (one-hot categories, imputed and scaled numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ml.training.design import Design


def carried_forward_gap(examples: pd.DataFrame, fill: float) -> np.ndarray:
    """Required minus the last assessed level, however old; ``fill`` where never assessed (the
    planner's rule of thumb: the last result still holds)."""
    gap = examples["required_level"].to_numpy(np.float64) - examples["last_level"].to_numpy(
        np.float64
    )
    return np.where(np.isnan(gap), fill, gap)


def logistic_baseline(design: Design, X: pd.DataFrame, y: np.ndarray) -> Pipeline:
    """A logistic regression on the design's columns, fitted on ``X``/``y``."""
    numeric = make_pipeline(
        SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
        StandardScaler(),
    )
    encode = ColumnTransformer(
        [
            ("numeric", numeric, list(design.numeric)),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), list(design.categorical)),
        ]
    )
    model = make_pipeline(encode, LogisticRegression(max_iter=1000))
    return model.fit(logistic_inputs(design, X), y)


def logistic_inputs(design: Design, X: pd.DataFrame) -> pd.DataFrame:
    """The design matrix with categories as plain text ("" when missing) for one-hot encoding."""
    frame = X.copy()
    for name in design.categorical:
        frame[name] = frame[name].astype("object").where(frame[name].notna(), "")
    return frame
