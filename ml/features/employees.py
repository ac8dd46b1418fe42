"""Static employee features: tenure, grade, education, position. Never a protected attribute:
gender and age are for the fairness audit alone (UU 27/2022; merit system, PP 11/2017)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.contract.codes import PNS_GRADES, PPPK_GRADES, Education

EDUCATION_RANK = {e.value: i + 1 for i, e in enumerate(Education)}


def employee_features(employees: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per employee, in roster order (indexed by roster position)."""
    rank = pd.Series(np.nan, index=employees.index)
    for grades in (PNS_GRADES, PPPK_GRADES):
        rank = rank.fillna(employees["grade"].map({g: i + 1 for i, g in enumerate(grades)}))
    return pd.DataFrame(
        {
            "tenure_years": (as_of - employees["hire_date"]).dt.days.to_numpy() / 365.25,
            "grade": employees["grade"].to_numpy(),
            "grade_rank": rank.to_numpy(),
            "education": employees["education"].to_numpy(),
            "education_rank": employees["education"].map(EDUCATION_RANK).to_numpy(float),
            "position_type": employees["position_type"].to_numpy(),
            "employment_type": employees["employment_type"].to_numpy(),
            "agency_id": employees["agency_id"].to_numpy(),
        }
    ).rename_axis("emp")
