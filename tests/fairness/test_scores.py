"""The distribution curve as a compliance family of its own: one finding per unit and period,
units below the minimum size left out (issue 14)."""

from __future__ import annotations

import pandas as pd

from ml.fairness.scores import MIN_CURVE_UNIT, curve_breaks, curve_units


def _unit(unit: str, predikat: list[str], period: str = "2023") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "employee_id": [f"{unit}-{i}" for i in range(len(predikat))],
            "period": period, "unit_id": unit, "predikat": predikat,
        }
    )  # fmt: skip


def test_one_finding_per_unit_and_period_and_small_units_left_out() -> None:
    big = _unit("U1", ["SANGAT_BAIK"] * 12)  # breaks the share of SANGAT_BAIK (and more)
    tiny = _unit("U2", ["SANGAT_BAIK"] * 3)  # too small to judge a share
    other = _unit("U3", ["BAIK"] * 12)
    panel = pd.concat([big, big])  # a panel rates each person twice: still one person each
    frame = pd.concat([panel, tiny, other], ignore_index=True)
    breaks = curve_breaks(frame).set_index("unit_id")
    assert "U2" not in breaks.index  # three people: not judged
    assert breaks.index.is_unique  # one finding per unit and period, every broken rule in it
    assert breaks.loc["U1", "n"] == 12
    assert breaks.loc["U1", "count"] != breaks.loc["U1", "allowed"]
    assert curve_units(frame) == 2 and MIN_CURVE_UNIT > 3
