"""What goes into and comes out of the review trail: plain frozen values, no sessions attached."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, get_args

from ml.errors import InputError


class Decision(StrEnum):
    """A committee member's decision on a flag."""

    CONFIRMED = "CONFIRMED"
    DISMISSED = "DISMISSED"
    NEEDS_INFO = "NEEDS_INFO"


OPEN = "OPEN"  # the status of a flag nobody has reviewed yet
STATUSES = (OPEN, *(d.value for d in Decision))
Status = Literal["OPEN", "CONFIRMED", "DISMISSED", "NEEDS_INFO"]
assert set(get_args(Status)) == set(STATUSES), "Status lists every status"


class Family(StrEnum):
    """The audit family that raised a flag: rater effects, differential rater functioning,
    group disparity, single scores, predikat stored against the rule, distribution curve."""

    RATER = "RATER"
    DIFFERENTIAL = "DIFFERENTIAL"
    GROUP = "GROUP"
    SCORE = "SCORE"
    PREDIKAT = "PREDIKAT"
    DISTRIBUTION = "DISTRIBUTION"


FAMILIES = tuple(f.value for f in Family)


class ReviewError(InputError):
    """A review that cannot be recorded as given (bad decision, empty reason or reviewer)."""


class UnknownFlagError(KeyError):
    """No flag has this id."""

    def __init__(self, flag_id: str) -> None:
        super().__init__(flag_id)
        self.flag_id = flag_id

    def __str__(self) -> str:
        return f"unknown flag {self.flag_id!r}"


class UnknownRunError(KeyError):
    """No audit run has this id."""

    def __init__(self, run_id: str) -> None:
        super().__init__(run_id)
        self.run_id = run_id

    def __str__(self) -> str:
        return f"unknown audit run {self.run_id!r}"


# family, kind, subject, group_label, agency_id, region: what a stable flag id stands for
Identity = tuple[str, str, str, str | None, str | None, str | None]


def stable_flag_id(*parts: object) -> str:
    """A flag id that the same identity gets in every run: the SHA-1 hex of the parts, e.g.
    ``stable_flag_id("RATER", "LENIENT", rater_id)`` or, for differential functioning,
    ``stable_flag_id("DIFFERENTIAL", "DIFFERENTIAL", rater_id, "gender=P")``."""
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _number(value: float | None) -> float | None:
    # SQLite stores NaN as NULL and PostgreSQL as NaN; the store keeps "no number" as NULL on both.
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class FlagRecord:
    """A flag as one audit run raises it: its identity (``flag_id`` … ``region``) and what this
    run measured (``n`` … ``evidence``). ``subject`` names what is flagged: a rater_id,
    ``"employee_id/period"``, a unit_id. Numbers that are NaN are kept as missing."""

    flag_id: str
    family: str
    kind: str
    subject: str
    group_label: str | None = None
    agency_id: str | None = None
    region: str | None = None
    n: int | None = None
    effect: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    q_value: float | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.flag_id, str) or not 0 < len(self.flag_id) <= 40:
            raise ValueError(
                f"flag_id must be a string of 1 to 40 characters, got {self.flag_id!r}"
            )
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {', '.join(FAMILIES)}, got {self.family!r}")
        for name in ("kind", "subject"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"{name} of flag {self.flag_id} must not be empty")
        object.__setattr__(self, "family", str(Family(self.family)))
        object.__setattr__(self, "kind", str(self.kind))
        object.__setattr__(self, "n", None if self.n is None else int(self.n))
        for name in ("effect", "ci_low", "ci_high", "q_value"):
            object.__setattr__(self, name, _number(getattr(self, name)))

    @property
    def identity(self) -> Identity:
        return (self.family, self.kind, self.subject, self.group_label, self.agency_id, self.region)


@dataclass(frozen=True)
class RecordResult:
    """Flags a run saw for the first time, and flags it saw again."""

    new: int
    seen_again: int


@dataclass(frozen=True)
class ReviewEvent:
    review_id: int
    flag_id: str
    decision: str
    reason: str
    reviewer: str
    reviewed_at: datetime


@dataclass(frozen=True)
class FlagView:
    """A flag as the committee sees it: its identity, what the latest run that saw it measured,
    its status (the latest decision, or ``OPEN``) and how many reviews and observations it has."""

    flag_id: str
    family: str
    kind: str
    subject: str
    group_label: str | None
    agency_id: str | None
    region: str | None
    first_run_id: str
    created_at: datetime
    run_id: str
    observed_at: datetime
    n: int | None
    effect: float | None
    ci_low: float | None
    ci_high: float | None
    q_value: float | None
    evidence: dict[str, Any]
    status: Status
    reviews: int
    observations: int


@dataclass(frozen=True)
class Page:
    """One page of flags, and how many flags match in all."""

    items: list[FlagView]
    total: int


@dataclass(frozen=True)
class RunView:
    """An audit run as recorded: who started it and when, its parameters (with the coverage
    statement the audit made of what it could and could not examine), flags raised."""

    run_id: str
    started_at: datetime
    started_by: str
    parameters: dict[str, Any]
    flags_raised: int


TrailKind = Literal["RAISED", "OBSERVED", "REVIEWED"]


@dataclass(frozen=True)
class TrailEvent:
    """One event in a flag's history: raised or observed again by an audit run (``by`` is who
    started the run), or reviewed (``by`` is the reviewer)."""

    event: TrailKind
    at: datetime
    by: str
    run_id: str | None = None
    effect: float | None = None
    q_value: float | None = None
    decision: str | None = None
    reason: str | None = None
