"""The expected-appraisal model (design §4): the official rating an appraisal would get from the
evidence alone — KPI attainment, independently assessed competencies, service users' feedback,
360° input, position — never from the rater or a protected attribute. The fairness audit reads
its residuals (given − expected) to measure raters against evidence they do not produce.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ml.training.boosting import as_frame, lgb_params, load_boosted, save_boosted, train_booster


class ExpectedAppraisalRegressor(RegressorMixin, BaseEstimator):
    """Gradient-boosted regression of the rating value on the evidence.

    Parameters mirror :class:`ml.training.need.TrainingNeedClassifier` (without calibration).
    A model that may not see the rater must not see the unit either: one head rates a unit, so
    the unit would carry the rater's leniency. :mod:`ml.training.appraisal_examples` builds
    inputs without either.

    Attributes
    ----------
    booster_ : lightgbm.Booster
    best_iteration_ : int
    feature_names_in_ : ndarray of shape (n_features,)
    """

    def __init__(
        self,
        n_estimators: int = 1000,
        learning_rate: float = 0.05,
        num_leaves: int = 31,
        max_depth: int = -1,
        min_child_samples: int = 50,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        reg_lambda: float = 1.0,
        early_stopping_rounds: int = 50,
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
        self.validation_fraction = validation_fraction
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    def fit(
        self, X: Any, y: Any, *, eval_set: tuple[Any, Any] | None = None
    ) -> ExpectedAppraisalRegressor:
        """X : DataFrame of shape (n_appraisals, n_features); y : rating values."""
        if y is None:
            raise ValueError("requires y to be passed, but the target y is None")
        frame = as_frame(self, X, reset=True)
        target = column_or_1d(y, warn=True).astype(np.float64)
        if len(target) != len(frame) or not np.isfinite(target).all():
            raise ValueError(f"y must be {len(frame)} finite rating values")
        if eval_set is None:
            frame, val, target, y_val = train_test_split(
                frame, target, test_size=self.validation_fraction, random_state=self.random_state
            )
        else:
            val = as_frame(self, eval_set[0], reset=False)
            y_val = np.asarray(eval_set[1], dtype=np.float64)
        self.booster_ = train_booster(
            lgb_params(self, "regression"), frame, target, val, y_val,
            n_estimators=self.n_estimators, early_stopping_rounds=self.early_stopping_rounds,
        )  # fmt: skip
        self.best_iteration_ = int(self.booster_.best_iteration or self.booster_.num_trees())
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Expected rating value per appraisal, shape (n_appraisals,)."""
        check_is_fitted(self)
        frame = as_frame(self, X, reset=False)
        return np.asarray(self.booster_.predict(frame, num_iteration=self.best_iteration_))

    def save(self, directory: Path) -> None:
        check_is_fitted(self)
        save_boosted(self, directory, "appraisal_model.json", {})

    @classmethod
    def load(cls, directory: Path) -> ExpectedAppraisalRegressor:
        model, _ = load_boosted(cls, directory, "appraisal_model.json")
        return model
