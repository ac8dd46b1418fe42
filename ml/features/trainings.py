"""Training features: per competency (JP in the last 12/24/36 months, programmes, recency,
post-scores, drop-outs) and per employee (JP this year against the 20 JP minimum).

``trainings`` carry the roster position ``emp`` (see :meth:`ml.features.keys.Keys.with_positions`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import Keys, code_of, expand, months_between
from ml.scoring import development_hours_by_employee

JP_WINDOWS_MONTHS = (12, 24, 36)


def competency_training_features(
    trainings: pd.DataFrame, catalog: pd.DataFrame, keys: Keys, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One row per (employee, competency) a finished programme targeted, indexed by pair key."""
    t = trainings[trainings["status"].isin(["COMPLETED", "DROPPED"])]
    row, code = _rows_per_competency(t["program_id"], catalog, keys)
    pair = keys.pair(t["emp"].to_numpy()[row], code)

    completed = (t["status"] == "COMPLETED").to_numpy()[row]
    age = months_between(t["end_date"].to_numpy()[row], as_of)
    jp = t["jp"].to_numpy(float)[row]
    columns = {f"jp_{m}m": np.where(completed & (age < m), jp, 0.0) for m in JP_WINDOWS_MONTHS}
    frame = pd.DataFrame(
        {
            **columns,
            "programs_completed": completed.astype("int64"),
            "dropped_count": (~completed).astype("int64"),
            "months_since": np.where(completed, age, np.nan),
            "post_score": np.where(completed, t["post_score"].to_numpy(float)[row], np.nan),
        }
    )[pair >= 0]
    grouped = frame.groupby(pair[pair >= 0], sort=False)
    sums = grouped[[*columns, "programs_completed", "dropped_count"]].sum()
    return sums.assign(
        months_since_training=grouped["months_since"].min(),
        mean_post_score=grouped["post_score"].mean(),
    ).rename_axis("pair")


def _rows_per_competency(
    program_id: pd.Series, catalog: pd.DataFrame, keys: Keys
) -> tuple[np.ndarray, np.ndarray]:
    """Expand trainings to one (training row, competency position) per code of the programme."""
    programs = list(catalog["program_id"])
    links = catalog.assign(code=catalog["competency_codes"].str.split(";")).explode("code")
    link_program = code_of(links["program_id"], programs)
    order = np.argsort(link_program, kind="stable")
    row, link = expand(code_of(program_id, programs), link_program[order])
    return row, keys.code(links["code"])[order][link]


def employee_training_features(
    trainings: pd.DataFrame, as_of: pd.Timestamp, minimum_jp: int = 20
) -> pd.DataFrame:
    """One row per employee with any finished training, indexed by roster position.

    ``jp_this_year`` counts completed JP in ``as_of``'s calendar year up to ``as_of``
    (PP 11/2017 as amended by PP 17/2020 sets the yearly minimum).
    """
    by_position = trainings.assign(employee_id=trainings["emp"])
    this_year = development_hours_by_employee(by_position, as_of.year, minimum_jp=minimum_jp)
    completed = trainings[trainings["status"] == "COMPLETED"]
    age = months_between(completed["end_date"], as_of)
    last12 = completed["jp"].where(age < 12, 0).groupby(completed["emp"].to_numpy()).sum()
    return pd.DataFrame(
        {"jp_this_year": this_year["jp_taken"].astype("float64"), "jp_last_12m": last12}
    ).rename_axis("emp")
