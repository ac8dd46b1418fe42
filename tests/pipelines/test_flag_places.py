"""Where a flag belongs: a rater's agency and region are those of most of its ratees, and a
unit's curve flag carries the unit's agency, so that a session scoped to an agency sees it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.fairness.audit import AuditResult
from ml.pipelines.flags import _rater_places, flag_records


def _reference(frame: pd.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """One group at a time with ``Series.mode`` (the implementation before, kept as the
    reference)."""
    rated = frame[frame["rater_id"].notna()]
    out: dict[str, tuple[str | None, str | None]] = {}
    for rater, sub in rated.groupby("rater_id", sort=False):
        agency, region = sub["agency_id"].mode(), sub["region"].mode()
        out[str(rater)] = (
            str(agency.iloc[0]) if len(agency) else None,
            str(region.iloc[0]) if len(region) else None,
        )
    return out


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300))
def test_a_rater_s_place_is_the_most_common_among_its_ratees(seed: int, rows: int) -> None:
    rng = np.random.default_rng(seed)

    def column(values: list[str | None]) -> list[str | None]:
        return [values[i] for i in rng.integers(0, len(values), rows)]

    frame = pd.DataFrame(
        {
            "rater_id": column(["R1", "R2", "R3", None]),
            "agency_id": column(["A", "B", "C", None]),
            "region": column(["X", "Y", None]),
        }
    )
    got = _rater_places(frame)
    expected = {r: v for r, v in _reference(frame).items() if v != (None, None)}
    assert got == expected


def test_a_curve_flag_carries_its_unit_s_agency() -> None:
    frame = pd.DataFrame(
        {
            "employee_id": ["E1", "E2", "E3"],
            "rater_id": ["R1", "R1", "R2"],
            "unit_id": ["U1", "U1", "U2"],
            "agency_id": ["BKN", "BKN", "PEMKAB-KEPAHIANG"],
            "region": ["X", "X", "Y"],
        }
    )
    curve = pd.DataFrame(
        {"unit_id": ["U1", "U2"], "period": ["2025", "2025"], "n": [12, 15], "count": [9, 10],
         "allowed": [7, 8], "message": ["too many at the top", "too many at the top"]}
    )  # fmt: skip
    empty = pd.DataFrame({"flagged": pd.Series(dtype=bool)})
    result = AuditResult(
        frame=frame, target="ratings", rater_flags=empty, group_disparity=empty,
        score_flags=pd.DataFrame(), predikat_mismatches=pd.DataFrame(), curve_breaks=curve,
    )  # fmt: skip
    records = {r.subject: r for r in flag_records(result)}
    assert records["U1/2025"].agency_id == "BKN"
    assert records["U2/2025"].agency_id == "PEMKAB-KEPAHIANG"
