"""Training features: per competency (JP in the last 12/24/36 months, programmes, recency,
post-scores, drop-outs) and per employee (JP this year against the 20 JP minimum).

``trainings`` carry the roster position ``emp`` (see :meth:`ml.features.keys.Keys.with_positions`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.contract.codes import TrainingStatus
from ml.features.keys import (
    DAYS_PER_MONTH,
    Keys,
    code_of,
    expand,
    group_mean,
    months_before,
)
from ml.scoring import PP_17_2020, development_hours_by_employee

JP_WINDOWS_MONTHS = (12, 24, 36)


def competency_training_features(
    trainings: pd.DataFrame, catalog: pd.DataFrame, keys: Keys, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One row per (employee, competency) a finished programme targeted, indexed by pair key."""
    finished_status = [TrainingStatus.COMPLETED, TrainingStatus.DROPPED]
    finished = trainings["status"].isin(finished_status).to_numpy()
    t = trainings[finished]
    row, code = _rows_per_competency(t["program_id"], catalog, keys)
    pair = keys.pair(t["emp"].to_numpy()[row], code)
    valid = pair >= 0
    row, pair = row[valid], pair[valid]
    groups, group = np.unique(pair, return_inverse=True)
    size = len(groups)

    completed = (t["status"] == TrainingStatus.COMPLETED).to_numpy()[row]
    end = t["end_date"].to_numpy()[row]
    age = (as_of.to_datetime64() - end) / np.timedelta64(1, "D") / DAYS_PER_MONTH
    jp = t["jp"].to_numpy(float)[row]

    def total(weights: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=weights, minlength=size)

    columns = {
        f"jp_{m}m": total(np.where(completed & (end > months_before(as_of, m)), jp, 0.0))
        for m in JP_WINDOWS_MONTHS
    }
    # the most recent completion: the smallest age among completed rows of each group
    recent = np.full(size, np.inf)
    np.minimum.at(recent, group[completed], age[completed])
    return pd.DataFrame(
        {
            **columns,
            "programs_completed": total(completed.astype(float)),
            "dropped_count": total((~completed).astype(float)),
            "months_since_training": np.where(np.isinf(recent), np.nan, recent),
            "mean_post_score": group_mean(
                group, np.where(completed, t["post_score"].to_numpy(float)[row], np.nan), size
            ),
        },
        index=pd.Index(groups, name="pair"),
    )


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
    trainings: pd.DataFrame, as_of: pd.Timestamp, minimum_jp: int = PP_17_2020.minimum_jp
) -> pd.DataFrame:
    """One row per employee with any finished training, indexed by roster position.

    ``jp_this_year`` counts completed JP in ``as_of``'s calendar year up to ``as_of``
    (PP 11/2017 as amended by PP 17/2020 sets the yearly minimum).
    """
    by_position = trainings.assign(employee_id=trainings["emp"])
    this_year = development_hours_by_employee(by_position, as_of.year, minimum_jp=minimum_jp)
    completed = trainings[(trainings["status"] == TrainingStatus.COMPLETED).to_numpy()]
    recent = (completed["end_date"] > months_before(as_of, 12)).to_numpy()
    last12 = (
        completed["jp"]
        .where(recent, 0)
        .astype("float64")
        .groupby(completed["emp"].to_numpy())
        .sum()
    )
    return pd.DataFrame(
        {"jp_this_year": this_year["jp_taken"].astype("float64"), "jp_last_12m": last12}
    ).rename_axis("emp")
