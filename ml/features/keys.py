"""Integer keys for employees and (employee, competency) pairs.

Grouping and joining on 18-character NIP strings is what makes naive feature code slow; every
builder maps them once to positions in the employee roster and works on integers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Keys:
    employees: pd.Index  # employee_id, in roster order
    codes: pd.Index  # competency_code

    @classmethod
    def of(cls, employee_ids: pd.Series, codes: pd.Series) -> Keys:
        return cls(pd.Index(employee_ids.to_numpy()), pd.Index(sorted(codes.dropna().unique())))

    def employee(self, employee_ids: pd.Series) -> np.ndarray:
        """Roster position of each id; −1 for an id not on the roster."""
        return np.asarray(self.employees.get_indexer(pd.Index(employee_ids)), dtype=np.int64)

    def code(self, codes: pd.Series) -> np.ndarray:
        """Position of each competency code; −1 for an unknown code."""
        return np.asarray(self.codes.get_indexer(pd.Index(codes)), dtype=np.int64)

    def pair(self, emp: np.ndarray, code: np.ndarray) -> np.ndarray:
        """One int64 per (roster position, code position); −1 where either is unknown."""
        return np.where((emp >= 0) & (code >= 0), emp * len(self.codes) + code, -1)

    def with_positions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` restricted to rostered employees, with their roster position as ``emp``."""
        emp = self.employee(frame["employee_id"])
        return frame.assign(emp=emp)[emp >= 0]


def months_between(earlier: pd.Series | np.ndarray, later: pd.Timestamp) -> np.ndarray:
    """Whole-and-fractional months from ``earlier`` to ``later`` (30.4375-day months)."""
    days = (later - pd.to_datetime(earlier)) / pd.Timedelta(days=1)
    return np.asarray(days, dtype=float) / 30.4375


def slope(x: pd.Series, y: pd.Series, group: np.ndarray) -> pd.Series:
    """Least-squares slope of ``y`` on ``x`` within each group (NaN below two distinct x)."""
    frame = pd.DataFrame(
        {"g": group, "n": 1.0, "x": x.to_numpy(float), "y": y.to_numpy(float)}
    ).dropna()
    frame["xx"] = frame["x"] ** 2
    frame["xy"] = frame["x"] * frame["y"]
    s = frame.groupby("g", sort=False)[["n", "x", "y", "xx", "xy"]].sum()
    denominator = s["n"] * s["xx"] - s["x"] ** 2
    valid = denominator > 1e-9 * s["n"] ** 2
    return ((s["n"] * s["xy"] - s["x"] * s["y"]) / denominator).where(valid)
