"""Residuals: each official rating minus the rating the evidence predicts (the expected-appraisal
model of :mod:`ml.training.appraisal`), cross-fitted so that no rater's ratings help predict
themselves."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from ml.contract import protected
from ml.errors import InputError
from ml.fairness.statistics import cluster_means
from ml.features.point_in_time import Tables
from ml.training.appraisal import ExpectedAppraisalRegressor
from ml.training.appraisal_examples import APPRAISAL_NOT_FEATURES, OFFICIAL, appraisal_examples
from ml.training.design import Design

FOLDS = 5
ROUNDS = 3
# Besides the protected attributes, the audit reads where a person works: group comparisons
# are made within units, regions and agencies.
ORGANISATION_COLUMNS = ("unit_id", "region", "agency_id")
# Evidence that comes from the ratings under audit themselves (see ``audit_frame``).
NOT_INDEPENDENT = ("consensus_rating",)
# Not evidence for the audit's expectation, although the appraisal model may use it: an agency
# has few heads who rate, so its identifier lets the model learn their leniency as the
# agency's level (the reason the unit and the rater are left out everywhere). Measured on a
# generated workforce (seed 36): with it, the standardised errors of biased raters spread 1.4–1.5
# (0.64–0.96 when the model learns from ratings without the injected biases); without it,
# 1.05–1.12. Group comparisons within an agency difference an agency's level out anyway.
NOT_AUDIT_EVIDENCE = ("agency_id",)
ATTRIBUTE_COLUMNS = ("employee_id", *protected.SOURCE_COLUMNS, *ORGANISATION_COLUMNS)


def audit_frame(
    tables: Tables,
    people: pd.DataFrame,
    *,
    role: str = OFFICIAL,
    folds: int = FOLDS,
    rounds: int = ROUNDS,
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
    examples, target = appraisal_examples(tables, role=role)
    y = examples["rating_value"].to_numpy(float)
    rater = examples["rater_id"].astype("object")
    # An appraisal without a rater (some exports) forms its own group: it counts for group
    # audits, never for rater audits.
    cluster = rater.where(rater.notna(), "employee:" + examples["employee_id"].astype("object"))
    if min(folds, cluster.nunique()) < 2:
        raise InputError("the audit needs appraisals from at least two raters (or employees)")
    excluded = (*APPRAISAL_NOT_FEATURES, *NOT_AUDIT_EVIDENCE)
    expected = _cross_fit(examples, excluded, cluster, folds, rounds, seed, step, "")
    # Group and differential tests need evidence produced outside the ratings under audit: the
    # leave-one-out consensus of the same role's ratings carries a workforce-wide group gap as
    # much as the rating does, and conditioning on it would take the gap out of the residual.
    if examples["consensus_rating"].notna().any():
        independent = _cross_fit(
            examples, (*excluded, *NOT_INDEPENDENT), cluster, folds, rounds, seed,
            step,
            " (independent evidence)",
        )  # fmt: skip
    else:
        independent = expected
    frame = examples.assign(
        expected=expected,
        residual=y - expected,
        independent_expected=independent,
        independent_residual=y - independent,
    )
    # Everything ``people`` holds: the default attributes' sources, the organisation, and any
    # further protected attribute the audit was asked to compare.
    attributes = people.drop_duplicates("employee_id")
    frame = frame.merge(attributes, on="employee_id", how="left", suffixes=("", "_employee"))
    if "agency_id_employee" in frame:
        frame["agency_id"] = frame["agency_id"].fillna(frame.pop("agency_id_employee"))
    derived = protected.derive(frame, frame["period_end"].dt.year.to_numpy())
    frame["age_band"] = derived["age_band"].to_numpy()
    frame["gender"] = derived["gender"].to_numpy()
    return frame, target


def _cross_fit(
    examples: pd.DataFrame,
    exclude: tuple[str, ...],
    cluster: pd.Series,
    folds: int,
    rounds: int,
    seed: int,
    step: Callable[[str], None],
    label: str,
) -> np.ndarray:
    """Expected ratings from the evidence (every column but ``exclude``), cross-fitted by
    ``cluster`` (the rater)."""
    design = Design.from_frame(examples, exclude=exclude)
    X, y = design.matrix(examples), examples["rating_value"].to_numpy(float)
    splits = min(folds, cluster.nunique())
    # Backfitting towards the joint fit rating = f(evidence) + rater effect + noise: the model
    # learns from ratings that carry their raters' leniency, so each round after the first
    # learns from ratings with each rater's current effect taken out — unshrunk (a shrunk
    # effect leaves part of the leniency in what the model learns: measured on seed 36, lenient
    # and severe raters came out about 0.05 step short with two rounds of shrunk effects) and
    # centred on the typical (median) rater, which fixes where "no effect" lies: f takes the
    # typical rater's level, not the mean over raters who lean one way more often than the other.
    learn = y
    for round_ in range(1, rounds + 1):
        expected = np.full(len(examples), np.nan)
        for i, (fit, held) in enumerate(GroupKFold(n_splits=splits).split(X, y, cluster)):
            step(f"expected ratings{label}, round {round_}/{rounds}, fold {i + 1}/{splits}")
            model = ExpectedAppraisalRegressor(random_state=seed)
            model.fit(X.iloc[fit], learn[fit])
            expected[held] = model.predict(X.iloc[held])
        learn = y - _rater_effects(y - expected, cluster, examples["employee_id"])
    return expected


def _rater_effects(residual: np.ndarray, rater: pd.Series, employee: pd.Series) -> np.ndarray:
    """Each row's rater effect: the rater's mean residual minus the median rater's (0 for an
    appraisal without a rater)."""
    means = cluster_means(
        pd.Series(residual), rater.reset_index(drop=True), employee.reset_index(drop=True)
    ).mean
    real = ~means.index.astype("str").str.startswith("employee:")
    centre = float(np.median(means[real])) if real.any() else 0.0
    effect = rater.map(means - centre).to_numpy(float)
    return np.where(rater.astype("str").str.startswith("employee:"), 0.0, effect)
