"""Competency features from assessments: the last level, its age and method, the trend, and an
estimate of today's level from every past assessment."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import DAYS_PER_MONTH, Keys, group_slope, text_of

# Measurement error (standard deviation, in levels) assumed for each method: an assessment centre
# observes a competency through several exercises and trained assessors, 360° input and other
# methods through fewer, untrained eyes. Replace with test–retest figures where an agency has them.
METHOD_ERROR_SD = {
    "ASSESSMENT_CENTER": 0.35,
    "UJI_KOMPETENSI": 0.4,
    "PENILAIAN_360": 0.6,
    "LAINNYA": 0.7,
}
UNKNOWN_METHOD_ERROR_SD = 0.7
ROUNDING_VARIANCE = 1 / 12  # a level is a rounded score: uniform error of ±0.5
DECAY_YEARS = 3.0  # an assessment's weight falls by e every 3 years (competencies drift)


def assessment_features(assessments: pd.DataFrame, keys: Keys, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per assessed (employee, competency), indexed by pair key (sorted).

    ``assessments`` carry the roster position ``emp`` (see :meth:`Keys.with_positions`).
    Columns: ``last_level``, ``assessment_age_months``, ``last_method``, ``n_assessments`` and
    ``level_trend_per_year`` (least-squares slope over all past assessments; NaN below two dates),
    ``level_estimate`` (the mean of all past levels, each weighted by its method's precision and
    its recency: one noisy assessment says less than several) and ``level_estimate_weight`` (the
    sum of those weights: how much evidence the estimate rests on).
    """
    pair = keys.pair(assessments["emp"].to_numpy(), keys.code(assessments["competency_code"]))
    ok = pair >= 0
    day = (assessments["assessed_on"].to_numpy()[ok] - as_of.to_datetime64()) / np.timedelta64(
        1, "D"
    )
    pair, level = pair[ok], assessments["level"].to_numpy(float)[ok]
    # methods as codes into their few distinct values: millions of rows move integers, and each
    # method's error is looked up once
    methods = pd.Categorical(assessments["method"])
    method = methods.codes[ok]
    order = np.lexsort((day, pair))
    pair, day, level, method = pair[order], day[order], level[order], method[order]
    starts = np.flatnonzero(np.append(True, pair[1:] != pair[:-1]))[: len(pair)]  # runs of a pair
    ends = np.append(starts[1:], len(pair))[: len(starts)] - 1
    run = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(pair))))
    per_method = [METHOD_ERROR_SD.get(m, UNKNOWN_METHOD_ERROR_SD) for m in methods.categories]
    error_sd = np.append(per_method, UNKNOWN_METHOD_ERROR_SD)[method]  # code −1: no method
    weight = np.exp(day / 365.25 / DECAY_YEARS) / (error_sd**2 + ROUNDING_VARIANCE)
    weight_sum = np.add.reduceat(weight, starts) if len(starts) else np.empty(0)
    weighted = np.add.reduceat(weight * level, starts) if len(starts) else np.empty(0)
    return pd.DataFrame(
        {
            "last_level": level[ends],
            "last_assessed_on": as_of.to_datetime64()
            + (day[ends] * 86400).astype("timedelta64[s]"),
            "assessment_age_months": -day[ends] / DAYS_PER_MONTH,
            "last_method": text_of(list(methods.categories.astype(str)), method[ends]),
            "n_assessments": (ends - starts + 1).astype("int64"),
            "level_trend_per_year": group_slope(run, day / 365.25, level, len(starts)),
            "level_estimate": weighted / np.where(weight_sum > 0, weight_sum, 1.0),
            "level_estimate_weight": weight_sum,
        },
        index=pd.Index(pair[starts], name="pair"),
    )


def deterministic_gap(
    required: pd.Series,
    last_level: pd.Series,
    last_assessed_on: pd.Series,
    stale_after: np.datetime64,
) -> pd.Series:
    """max(0, required − last level) (design §2.3); unknown (NaN) when unassessed or when the
    last assessment is on or before ``stale_after`` (``as_of`` minus the staleness in months)."""
    fresh = (last_assessed_on > stale_after).to_numpy() & last_level.notna().to_numpy()
    return (required - last_level).clip(lower=0).where(fresh, np.nan)


def ability_estimate(
    emp: np.ndarray, required: np.ndarray, estimate: np.ndarray, weight: np.ndarray, n: int
) -> np.ndarray:
    """Per employee (roster position 0 … n−1): the evidence-weighted mean of estimated level minus
    required level over every assessed competency of the position; NaN when none is assessed.

    Competencies of one person are strongly correlated (the general factor of assessment-centre
    ratings), so this tells something about competencies that were never assessed themselves.
    """
    known = ~np.isnan(estimate)
    w = np.where(known, weight, 0.0)
    total = np.bincount(emp, weights=w, minlength=n)
    above = np.bincount(emp, weights=np.where(known, w * (estimate - required), 0.0), minlength=n)
    return np.where(total > 0, above / np.where(total > 0, total, 1.0), np.nan)
