"""Residuals: each official rating minus the rating the evidence predicts (the expected-appraisal
model of :mod:`ml.training.appraisal`), cross-fitted so that no rater's ratings help predict
themselves."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from ml.codes import age_band
from ml.features.point_in_time import Tables
from ml.training.appraisal import ExpectedAppraisalRegressor
from ml.training.appraisal_examples import APPRAISAL_NOT_FEATURES, appraisal_examples
from ml.training.design import Design

FOLDS = 5
ATTRIBUTE_COLUMNS = ("employee_id", "gender", "birth_year", "unit_id", "region", "agency_id")


def audit_frame(
    tables: Tables,
    people: pd.DataFrame,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, str]:
    """One row per official appraisal: the rating (as a number), the evidence, the expected
    rating, the residual, and the ratee's protected attributes and organisation.

    ``people`` holds ``ATTRIBUTE_COLUMNS`` of the employees table: the audit is the one place
    that reads gender and age, and it reads them here, after the model has done its work.

    Cross-fitting: the appraisals are split into ``folds`` groups *by rater*; each group's
    expected ratings come from a model fitted on the others. A rater's leniency therefore cannot
    leak into the expectation it is measured against, not even through correlated evidence.
    """
    step = progress or (lambda _: None)
    step("evidence")
    examples, target = appraisal_examples(tables)
    design = Design.from_frame(examples, exclude=APPRAISAL_NOT_FEATURES)
    X, y = design.matrix(examples), examples["rating_value"].to_numpy(float)
    rater = examples["rater_id"].astype("object")
    # An appraisal without a rater (some exports) forms its own group: it counts for group
    # audits, never for rater audits.
    cluster = rater.where(rater.notna(), "employee:" + examples["employee_id"].astype("object"))
    expected = np.full(len(examples), np.nan)
    splits = min(folds, cluster.nunique())
    if splits < 2:
        raise ValueError("the audit needs appraisals from at least two raters (or employees)")
    for i, (fit, held) in enumerate(GroupKFold(n_splits=splits).split(X, y, cluster)):
        step(f"expected ratings, fold {i + 1}/{splits}")
        model = ExpectedAppraisalRegressor(random_state=seed)
        model.fit(X.iloc[fit], y[fit])
        expected[held] = model.predict(X.iloc[held])
    frame = examples.assign(expected=expected, residual=y - expected)
    attributes = people[list(ATTRIBUTE_COLUMNS)].drop_duplicates("employee_id")
    frame = frame.merge(attributes, on="employee_id", how="left", suffixes=("", "_employee"))
    if "agency_id_employee" in frame:
        frame["agency_id"] = frame["agency_id"].fillna(frame.pop("agency_id_employee"))
    year = frame["period_end"].dt.year.to_numpy()
    birth = frame["birth_year"].to_numpy(np.float64, na_value=np.nan)
    frame["age_band"] = age_band(year - birth)
    frame["gender"] = frame["gender"].astype("object").fillna("")
    return frame, target
