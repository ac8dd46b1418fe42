"""The short workforce summary printed by ``talenta demo``: who is there, how they were rated,
and how well they fit their positions (Job-Person Match, JPM)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.pipeline import STALE_MONTHS
from ml.scoring import BRIN_3_2023, Predikat


def workforce_summary(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Titled tables: employees per agency, predikat in the last period, JPM categories."""
    return {
        "employees per agency": employees_per_agency(tables["employees"]),
        "predikat, last period (official raters)": predikat_distribution(tables["appraisals"]),
        "Job-Person Match over recently assessed competencies (BRIN 3/2023)": jpm_categories(
            tables["employees"],
            tables["position_requirements"],
            tables["competency_assessments"],
        ),
    }


def employees_per_agency(employees: pd.DataFrame) -> pd.DataFrame:
    return (
        employees.groupby("agency_id")
        .agg(employees=("employee_id", "size"), units=("unit_id", "nunique"),
             regions=("region", lambda r: ", ".join(sorted(r.dropna().unique()))))
        .reset_index()
        .sort_values("employees", ascending=False, kind="stable")
    )  # fmt: skip


def predikat_distribution(appraisals: pd.DataFrame) -> pd.DataFrame:
    official = appraisals[appraisals["rater_role"] == "ATASAN"]
    last = official[official["period"] == official["period"].max()]
    counts = last["predikat"].value_counts().reindex([p.value for p in Predikat], fill_value=0)
    return pd.DataFrame(
        {
            "predikat": counts.index,
            "employees": counts.to_numpy(),
            "share %": np.round(100 * counts.to_numpy() / max(len(last), 1), 1),
        }
    )


def latest_levels(assessments: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The last assessed level per (employee, competency) within ``STALE_MONTHS`` of ``as_of``."""
    fresh = assessments[
        (assessments["assessed_on"] <= as_of)
        & (assessments["assessed_on"] > as_of - pd.DateOffset(months=STALE_MONTHS))
    ]
    fresh = fresh.sort_values("assessed_on", kind="stable")
    return fresh.drop_duplicates(["employee_id", "competency_code"], keep="last")


def jpm_categories(
    employees: pd.DataFrame, requirements: pd.DataFrame, assessments: pd.DataFrame
) -> pd.DataFrame:
    """Employees per JPM category over their recently assessed required competencies.

    JPM = Σ min(actual, required) / Σ required × 100 (DESIGN §2.3); an employee without a recent
    assessment of any required competency is counted as unknown.
    """
    as_of = assessments["assessed_on"].max()
    levels = latest_levels(assessments, as_of)[["employee_id", "competency_code", "level"]]
    need = employees[["employee_id", "position_id"]].merge(requirements, on="position_id")
    known = need.merge(levels, on=["employee_id", "competency_code"])
    known = known.assign(capped=np.minimum(known["level"], known["required_level"]))
    sums = known.groupby("employee_id")[["capped", "required_level"]].sum()
    percent = 100 * sums["capped"] / sums["required_level"]
    categories = pd.Series(BRIN_3_2023.categorize_many(percent.to_numpy()), index=percent.index)
    counts = categories.value_counts()
    order = [c.value for _, c in BRIN_3_2023.bands] + [BRIN_3_2023.below.value]
    rows = [(c, int(counts.get(c, 0))) for c in order]
    rows.append(
        (f"UNKNOWN (no assessment in {STALE_MONTHS} months)", len(employees) - len(percent))
    )
    frame = pd.DataFrame(rows, columns=["category", "employees"])
    frame["share %"] = np.round(100 * frame["employees"] / max(len(employees), 1), 1)
    return frame
