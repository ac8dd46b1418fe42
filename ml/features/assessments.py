"""Competency features from assessments: the last level, its age and method, and the trend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import Keys, months_between, slope


def assessment_features(assessments: pd.DataFrame, keys: Keys, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per assessed (employee, competency), indexed by pair key.

    ``assessments`` carry the roster position ``emp`` (see :meth:`Keys.with_positions`).

    Columns: ``last_level``, ``assessment_age_months``, ``last_method``, ``n_assessments`` and
    ``level_trend_per_year`` (least-squares slope over all past assessments; NaN below two dates).
    """
    pair = keys.pair(assessments["emp"].to_numpy(), keys.code(assessments["competency_code"]))
    a = assessments.assign(pair=pair)[pair >= 0]
    a = a.sort_values(["pair", "assessed_on"], kind="stable")
    last = a.drop_duplicates("pair", keep="last").set_index("pair")
    years_before = (a["assessed_on"] - as_of) / pd.Timedelta(days=365.25)
    return pd.DataFrame(
        {
            "last_level": last["level"].astype("float64"),
            "assessment_age_months": months_between(last["assessed_on"], as_of),
            "last_method": last["method"],
            "n_assessments": a.groupby("pair", sort=False).size().astype("int64"),
            "level_trend_per_year": slope(years_before, a["level"], a["pair"].to_numpy()),
        }
    ).rename_axis("pair")


def deterministic_gap(
    required: pd.Series, last_level: pd.Series, age_months: pd.Series, stale_months: float
) -> pd.Series:
    """max(0, required − last level) (DESIGN §2.3); unknown (NaN) when unassessed or stale."""
    fresh = age_months <= stale_months
    return (required - last_level).clip(lower=0).where(fresh & last_level.notna(), np.nan)
