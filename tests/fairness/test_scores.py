"""The distribution curve as a compliance family of its own: one finding per unit and period,
units below the minimum size left out (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

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


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(0, 400),
    units=st.integers(1, 12),
    baik=st.floats(0.3, 0.95),
    seed=st.integers(0, 10_000),
)
def test_curve_breaks_equal_checking_each_unit_on_its_own(
    rows: int, units: int, baik: float, seed: int
) -> None:
    """The counts-first curve check against the plain one (every unit and period grouped and
    checked in turn): the same findings, with repeated ratings of a person, missing predikat
    and units without an id."""
    from ml.scoring import OrgRating, check_distribution

    rng = np.random.default_rng(seed)
    predikat = np.array(["SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", None], dtype=object)
    unit = rng.choice(np.array([*(f"U{i}" for i in range(units)), None], dtype=object), rows)
    frame = pd.DataFrame(
        {
            "employee_id": [f"E{i}" for i in rng.integers(0, max(rows // 2, 1), rows)],
            "unit_id": unit,
            "period": rng.choice(["2024", "2025"], rows),
            # BAIK from a loose share to one most units break the curve with (0.9)
            "predikat": rng.choice(predikat, rows, p=_shares(baik)),
        }
    )
    expected = []
    known = frame[frame["unit_id"].notna()].drop_duplicates(["employee_id", "period"])
    for (u, period), sub in known.groupby(["unit_id", "period"], sort=True):
        if len(sub) < MIN_CURVE_UNIT:
            continue
        counts = {str(k): int(v) for k, v in sub["predikat"].value_counts().items()}
        broken = check_distribution(counts, OrgRating.BAIK)
        if broken:
            worst = max(broken, key=lambda v: abs(v.count - v.allowed))
            expected.append((u, period, len(sub), worst.count, worst.allowed,
                             "; ".join(v.message for v in broken)))  # fmt: skip
    got = curve_breaks(frame)
    assert list(got.itertuples(index=False, name=None)) == expected


def _shares(baik: float) -> list[float]:
    """SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG and missing: 5 % missing, ``baik`` of the
    rest BAIK, the others in fixed proportions."""
    rest = 0.95 * (1 - baik)
    return [0.5 * rest, 0.95 * baik, 0.35 * rest, 0.15 * rest, 0.05]
