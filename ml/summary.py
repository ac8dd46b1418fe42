"""The short workforce summary printed by ``talenta demo``: who is there, how they were rated,
and how well they fit their positions (Job-Person Match, JPM)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.pipeline import STALE_MONTHS, FeatureSet
from ml.scoring import BRIN_3_2023, Predikat


def workforce_summary(
    tables: dict[str, pd.DataFrame], features: FeatureSet
) -> dict[str, pd.DataFrame]:
    """Titled tables: employees per agency, predikat in the last period, JPM categories."""
    return {
        "employees per agency": employees_per_agency(tables["employees"]),
        "predikat, last period (official raters)": predikat_distribution(tables["appraisals"]),
        "Job-Person Match over recently assessed competencies (BRIN 3/2023)": jpm_categories(
            features.employees
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


def jpm_categories(employee_features: pd.DataFrame) -> pd.DataFrame:
    """Employees per JPM category, read off the feature pipeline's per-employee view.

    JPM = Σ min(actual, required) / Σ required × 100 (design §2.3) over the competencies with a
    fresh level; an employee with none is counted as unknown.
    """
    category = employee_features["jpm_known_category"]
    counts = category.value_counts()
    order = [c.value for _, c in BRIN_3_2023.bands] + [BRIN_3_2023.below.value]
    rows = [(c, int(counts.get(c, 0))) for c in order]
    rows.append((f"UNKNOWN (no assessment in {STALE_MONTHS} months)", int(category.isna().sum())))
    frame = pd.DataFrame(rows, columns=["category", "employees"])
    frame["share %"] = np.round(100 * frame["employees"] / max(len(category), 1), 1)
    return frame
