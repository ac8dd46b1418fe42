"""Training features: per competency (JP in the last 12/24/36 months, programmes, recency,
post-scores, drop-outs) and per employee (JP this year against the 20 JP minimum)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import Keys, months_between
from ml.scoring import development_hours_by_employee

JP_WINDOWS_MONTHS = (12, 24, 36)


def competency_training_features(
    trainings: pd.DataFrame, catalog: pd.DataFrame, keys: Keys, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One row per (employee, competency) a finished programme targeted, indexed by pair key."""
    codes = catalog.set_index("program_id")["competency_codes"].str.split(";")
    t = trainings[trainings["status"].isin(["COMPLETED", "DROPPED"])]
    t = t.assign(competency_code=codes.reindex(t["program_id"]).to_numpy())
    t = t.explode("competency_code").dropna(subset=["competency_code"])
    pair = keys.pair(t["employee_id"], t["competency_code"])
    t = t.assign(pair=pair)[pair >= 0]
    completed = (t["status"] == "COMPLETED").to_numpy()
    age = months_between(t["end_date"], as_of)
    columns = {
        f"jp_{m}m": np.where(completed & (age < m), t["jp"].to_numpy(float), 0.0)
        for m in JP_WINDOWS_MONTHS
    }
    frame = pd.DataFrame(
        {
            **columns,
            "programs_completed": completed.astype("int64"),
            "dropped_count": (~completed).astype("int64"),
            "months_since": np.where(completed, age, np.nan),
            "post_score": np.where(completed, t["post_score"].to_numpy(float), np.nan),
        }
    )
    grouped = frame.groupby(t["pair"].to_numpy(), sort=False)
    sums = grouped[[*columns, "programs_completed", "dropped_count"]].sum()
    return sums.assign(
        months_since_training=grouped["months_since"].min(),
        mean_post_score=grouped["post_score"].mean(),
    ).rename_axis("pair")


def employee_training_features(
    trainings: pd.DataFrame, keys: Keys, as_of: pd.Timestamp, minimum_jp: int = 20
) -> pd.DataFrame:
    """One row per employee with any finished training, indexed by roster position.

    ``jp_this_year`` counts completed JP in ``as_of``'s calendar year up to ``as_of``;
    ``jp_shortfall`` is what remains to the yearly minimum (PP 11/2017 as amended by PP 17/2020).
    """
    emp = keys.employee(trainings["employee_id"])
    t = trainings.assign(emp=emp)[emp >= 0]
    this_year = development_hours_by_employee(t, as_of.year, minimum_jp=minimum_jp)
    completed = t[t["status"] == "COMPLETED"]
    age = months_between(completed["end_date"], as_of)
    last12 = completed["jp"].where(age < 12, 0).groupby(completed["emp"].to_numpy()).sum()
    positions = pd.Index(keys.employee(this_year.index.to_series()))
    return pd.DataFrame(
        {
            "jp_this_year": pd.Series(this_year["jp_taken"].to_numpy(), index=positions),
            "jp_last_12m": last12.astype("float64"),
        }
    ).rename_axis("emp")
