"""Competency features from assessments: the last level, its age and method, and the trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import DAYS_PER_MONTH, Keys, group_slope


def assessment_features(assessments: pd.DataFrame, keys: Keys, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per assessed (employee, competency), indexed by pair key (sorted).

    ``assessments`` carry the roster position ``emp`` (see :meth:`Keys.with_positions`).
    Columns: ``last_level``, ``assessment_age_months``, ``last_method``, ``n_assessments`` and
    ``level_trend_per_year`` (least-squares slope over all past assessments; NaN below two dates).
    """
    pair = keys.pair(assessments["emp"].to_numpy(), keys.code(assessments["competency_code"]))
    ok = pair >= 0
    day = (assessments["assessed_on"].to_numpy()[ok] - as_of.to_datetime64()) / np.timedelta64(
        1, "D"
    )
    pair, level = pair[ok], assessments["level"].to_numpy(float)[ok]
    method = assessments["method"].to_numpy()[ok] if len(pair) else np.empty(0, dtype=object)
    order = np.lexsort((day, pair))
    pair, day, level, method = pair[order], day[order], level[order], method[order]
    starts = np.flatnonzero(np.append(True, pair[1:] != pair[:-1]))[: len(pair)]  # runs of a pair
    ends = np.append(starts[1:], len(pair))[: len(starts)] - 1
    run = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(pair))))
    return pd.DataFrame(
        {
            "last_level": level[ends],
            "last_assessed_on": as_of.to_datetime64()
            + (day[ends] * 86400).astype("timedelta64[s]"),
            "assessment_age_months": -day[ends] / DAYS_PER_MONTH,
            "last_method": pd.array(method[ends], dtype="str"),
            "n_assessments": (ends - starts + 1).astype("int64"),
            "level_trend_per_year": group_slope(run, day / 365.25, level, len(starts)),
        },
        index=pd.Index(pair[starts], name="pair"),
    )


def deterministic_gap(
    required: pd.Series,
    last_level: pd.Series,
    last_assessed_on: pd.Series,
    stale_after: np.datetime64,
) -> pd.Series:
    """max(0, required − last level) (DESIGN §2.3); unknown (NaN) when unassessed or when the
    last assessment is on or before ``stale_after`` (``as_of`` minus the staleness in months)."""
    fresh = (last_assessed_on > stale_after).to_numpy() & last_level.notna().to_numpy()
    return (required - last_level).clip(lower=0).where(fresh, np.nan)
