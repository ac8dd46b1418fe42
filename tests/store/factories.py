"""Flags as an audit run would raise them, and a clock that the tests control."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ml.store import FlagRecord, stable_flag_id

START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


class Clock:
    """Each call is one minute later than the last, starting just after ``START``."""

    def __init__(self, start: datetime = START, step: timedelta = timedelta(minutes=1)) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


def rater_flag(rater: str, **fields: Any) -> FlagRecord:
    """A LENIENT rater flag on ``rater``; any field can be overridden, the id follows the
    identity unless given."""
    values: dict[str, Any] = {
        "family": "RATER",
        "kind": "LENIENT",
        "subject": rater,
        "group_label": None,
        "agency_id": "A01",
        "region": "JAWA_BARAT",
        "n": 24,
        "effect": 0.45,
        "ci_low": 0.2,
        "ci_high": 0.7,
        "q_value": 0.01,
        "evidence": {"ratees": 24, "mean_residual": 0.5},
    } | fields
    values.setdefault(
        "flag_id",
        stable_flag_id(values["family"], values["kind"], values["subject"], values["group_label"]),
    )
    return FlagRecord(**values)
