"""The merit committee's workflow on top of the review trail: review sessions (date, members
present, scope), decisions taken in them (rows of ``reviews``, the trail's own table), adjusted
predikat per appraisal and follow-ups (who, by when).

Everything is appended, nothing edited (triggers refuse UPDATE and DELETE): an adjustment is
superseded by a later adjustment of the same appraisal, and both stay. A call that decides many
flags at once writes all of them or, when one of them is refused, none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ml.errors import InputError
from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import (
    Adjustment,
    CommitteeSession,
    Flag,
    FollowUp,
    Review,
    SessionReview,
)
from ml.store.records import Decision, UnknownFlagError

DECISIONS = tuple(d.value for d in Decision)
# the predikat codes (ml.scoring.codes.Predikat); the store imports nothing above it
PREDIKATS = ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG")
MAX_MEMBERS = 50
MAX_BULK = 500  # flags decided in one call


class CommitteeError(InputError):
    """A session, decision, adjustment or follow-up that cannot be recorded as given."""


class UnknownSessionError(KeyError):
    """No committee session has this id."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id

    def __str__(self) -> str:
        return f"unknown committee session {self.session_id!r}"


@dataclass(frozen=True)
class SessionRecord:
    session_id: str
    held_on: date
    members: list[str]
    agency_id: str | None
    unit_id: str | None
    period: str | None
    created_by: str
    created_at: datetime
    decided: int  # reviews decided in the session


@dataclass(frozen=True)
class AdjustmentInput:
    """An adjusted predikat asked for one appraisal (employee and period)."""

    employee_id: str
    period: str
    adjusted_predikat: str
    original_predikat: str | None = None


@dataclass(frozen=True)
class FollowUpInput:
    assignee: str
    due_on: date
    note: str | None = None


@dataclass(frozen=True)
class DecisionRecord:
    """A review with its flag's identity and the session that took it (if any)."""

    review_id: int
    flag_id: str
    family: str
    kind: str
    subject: str
    group_label: str | None
    decision: str
    reason: str
    reviewer: str
    reviewed_at: datetime
    session_id: str | None


@dataclass(frozen=True)
class AdjustmentRecord:
    id: int
    employee_id: str
    period: str
    original_predikat: str | None
    adjusted_predikat: str
    reason: str
    adjusted_by: str
    adjusted_at: datetime
    flag_id: str | None
    review_id: int | None
    session_id: str | None
    current: bool  # not superseded by a later adjustment of the same appraisal


@dataclass(frozen=True)
class FollowUpRecord:
    id: int
    flag_id: str
    assignee: str
    due_on: date
    note: str | None
    created_by: str
    created_at: datetime
    review_id: int | None
    session_id: str | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _text(value: object, name: str, limit: int = 200) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CommitteeError(f"{name} must not be empty")
    if len(value.strip()) > limit or "\x00" in value:
        raise CommitteeError(f"{name} must be at most {limit} characters, without NUL")
    return value.strip()


def _optional(value: object, name: str, limit: int = 100) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _text(value, name, limit)


class CommitteeStore:
    """Sessions, decisions, adjustments and follow-ups; each method is one transaction.

    Parameters
    ----------
    sessions : sessionmaker
        Sessions on a migrated database.
    now : callable returning a timezone-aware datetime
        The clock; injectable for tests.
    """

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = _utc_now
    ) -> None:
        self._sessions = sessions
        self._clock = now

    @classmethod
    def from_url(cls, url: str, *, upgrade: bool = True) -> CommitteeStore:
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)))

    def _now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the clock returned a naive datetime {value!r}")
        return value.astimezone(UTC)

    # --- sessions -----------------------------------------------------------------------------

    def create_session(
        self,
        held_on: date,
        members: Sequence[str],
        created_by: str,
        *,
        agency_id: str | None = None,
        unit_id: str | None = None,
        period: str | None = None,
    ) -> SessionRecord:
        """Open a review session. ``members``: the names of those present (at least one)."""
        if not isinstance(held_on, date):
            raise CommitteeError(f"held_on must be a date, got {held_on!r}")
        names = [_text(m, "members", 200) for m in members if isinstance(m, str) and m.strip()]
        if not names or len(names) > MAX_MEMBERS:
            raise CommitteeError(f"members must name 1 to {MAX_MEMBERS} people present")
        if len(set(names)) != len(names):
            raise CommitteeError("members must not name anyone twice")
        row = CommitteeSession(
            session_id=uuid.uuid4().hex,
            held_on=held_on,
            members={"present": names},
            agency_id=_optional(agency_id, "agency_id"),
            unit_id=_optional(unit_id, "unit_id"),
            period=_optional(period, "period", 20),
            created_by=_text(created_by, "created_by"),
            created_at=self._now(),
        )
        with self._sessions.begin() as session:
            session.add(row)
        return _session_record(row, 0)

    def session(self, session_id: str) -> SessionRecord:
        with self._sessions() as session:
            row = session.get(CommitteeSession, session_id)
            if row is None:
                raise UnknownSessionError(session_id)
            decided = session.scalar(
                select(func.count()).where(SessionReview.session_id == session_id)
            )
        return _session_record(row, int(decided or 0))

    def sessions(self, limit: int = 50, offset: int = 0) -> tuple[list[SessionRecord], int]:
        """Sessions, latest held first, and how many there are in all."""
        decided = (
            select(SessionReview.session_id, func.count().label("decided"))
            .group_by(SessionReview.session_id)
            .subquery()
        )
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(CommitteeSession)) or 0
            rows = session.execute(
                select(CommitteeSession, func.coalesce(decided.c.decided, 0))
                .outerjoin(decided, decided.c.session_id == CommitteeSession.session_id)
                .order_by(CommitteeSession.held_on.desc(), CommitteeSession.created_at.desc())
                .limit(limit)
                .offset(offset)
            ).all()
        return [_session_record(row, int(n)) for row, n in rows], int(total)

    # --- decisions ----------------------------------------------------------------------------

    def decide(
        self,
        flag_ids: Sequence[str],
        decision: str,
        reason: str,
        reviewer: str,
        *,
        session_id: str | None = None,
        adjustments: Sequence[AdjustmentInput] = (),
        follow_up: FollowUpInput | None = None,
    ) -> list[DecisionRecord]:
        """Decide every flag of ``flag_ids`` under one reason, in one transaction: a review
        each (the trail's ``reviews``), linked to ``session_id`` when given; ``adjustments``
        (only when one flag is decided) and ``follow_up`` (for each flag) with it. Raises
        ``CommitteeError`` for bad input, ``UnknownFlagError`` / ``UnknownSessionError`` for
        unknown ids; then nothing is written."""
        ids = list(dict.fromkeys(flag_ids))
        if not ids or len(ids) > MAX_BULK:
            raise CommitteeError(f"flag_ids must name 1 to {MAX_BULK} flags")
        if decision not in DECISIONS:
            raise CommitteeError(
                f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}"
            )
        why = _text(reason, "reason", 4000)
        who = _text(reviewer, "reviewer")
        if adjustments and len(ids) != 1:
            raise CommitteeError("adjustments: an adjusted predikat belongs to one flag's decision")
        checked = [_adjustment(a) for a in adjustments]
        follow = _follow_up(follow_up) if follow_up is not None else None
        now = self._now()
        out: list[DecisionRecord] = []
        with self._sessions.begin() as session:
            if session_id is not None and session.get(CommitteeSession, session_id) is None:
                raise UnknownSessionError(session_id)
            flags = {
                f.flag_id: f for f in session.scalars(select(Flag).where(Flag.flag_id.in_(ids)))
            }
            for flag_id in ids:
                if flag_id not in flags:
                    raise UnknownFlagError(flag_id)
            for flag_id in ids:
                review = Review(
                    flag_id=flag_id, decision=decision, reason=why, reviewer=who, reviewed_at=now
                )
                session.add(review)
                session.flush()
                if session_id is not None:
                    session.add(SessionReview(review_id=review.id, session_id=session_id))
                for a in checked:
                    session.add(
                        Adjustment(
                            employee_id=a.employee_id,
                            period=a.period,
                            original_predikat=a.original_predikat,
                            adjusted_predikat=a.adjusted_predikat,
                            reason=why,
                            adjusted_by=who,
                            adjusted_at=now,
                            flag_id=flag_id,
                            review_id=review.id,
                            session_id=session_id,
                        )
                    )
                if follow is not None:
                    session.add(
                        FollowUp(
                            flag_id=flag_id,
                            assignee=follow.assignee,
                            due_on=follow.due_on,
                            note=follow.note,
                            created_by=who,
                            created_at=now,
                            review_id=review.id,
                            session_id=session_id,
                        )
                    )
                f = flags[flag_id]
                out.append(
                    DecisionRecord(
                        review.id,
                        flag_id,
                        f.family,
                        f.kind,
                        f.subject,
                        f.group_label,
                        decision,
                        why,
                        who,
                        now,
                        session_id,
                    )
                )
        return out

    def decisions(self, session_id: str) -> list[DecisionRecord]:
        """The reviews decided in a session, in the order they were taken."""
        with self._sessions() as session:
            if session.get(CommitteeSession, session_id) is None:
                raise UnknownSessionError(session_id)
            rows = session.execute(
                select(Review, Flag)
                .join(SessionReview, SessionReview.review_id == Review.id)
                .join(Flag, Flag.flag_id == Review.flag_id)
                .where(SessionReview.session_id == session_id)
                .order_by(Review.reviewed_at, Review.id)
            ).all()
        return [
            DecisionRecord(
                r.id,
                f.flag_id,
                f.family,
                f.kind,
                f.subject,
                f.group_label,
                r.decision,
                r.reason,
                r.reviewer,
                r.reviewed_at,
                session_id,
            )
            for r, f in rows
        ]

    # --- adjustments and follow-ups -------------------------------------------------------------

    def adjustments(
        self,
        *,
        session_id: str | None = None,
        flag_id: str | None = None,
        current_only: bool = False,
    ) -> list[AdjustmentRecord]:
        """Adjusted predikat, oldest first, each marked ``current`` unless a later adjustment of
        the same appraisal supersedes it; ``current_only`` keeps the current ones alone."""
        rank = (
            func.row_number()
            .over(
                partition_by=(Adjustment.employee_id, Adjustment.period),
                order_by=(Adjustment.adjusted_at.desc(), Adjustment.id.desc()),
            )
            .label("rank")
        )
        ranked = select(Adjustment.id, rank).subquery()
        query = select(Adjustment, ranked.c.rank).join(ranked, ranked.c.id == Adjustment.id)
        if session_id is not None:
            query = query.where(Adjustment.session_id == session_id)
        if flag_id is not None:
            query = query.where(Adjustment.flag_id == flag_id)
        if current_only:
            query = query.where(ranked.c.rank == 1)
        with self._sessions() as session:
            rows = session.execute(query.order_by(Adjustment.adjusted_at, Adjustment.id)).all()
        return [_adjustment_record(a, rank == 1) for a, rank in rows]

    def follow_ups(
        self, *, session_id: str | None = None, flag_id: str | None = None
    ) -> list[FollowUpRecord]:
        query = select(FollowUp)
        if session_id is not None:
            query = query.where(FollowUp.session_id == session_id)
        if flag_id is not None:
            query = query.where(FollowUp.flag_id == flag_id)
        with self._sessions() as session:
            rows = session.scalars(query.order_by(FollowUp.due_on, FollowUp.id)).all()
        return [
            FollowUpRecord(
                f.id,
                f.flag_id,
                f.assignee,
                f.due_on,
                f.note,
                f.created_by,
                f.created_at,
                f.review_id,
                f.session_id,
            )
            for f in rows
        ]


def _adjustment(a: AdjustmentInput) -> AdjustmentInput:
    if a.adjusted_predikat not in PREDIKATS:
        raise CommitteeError(
            f"adjusted_predikat must be one of {', '.join(PREDIKATS)}, got {a.adjusted_predikat!r}"
        )
    if a.original_predikat is not None and a.original_predikat not in PREDIKATS:
        raise CommitteeError(
            f"original_predikat must be one of {', '.join(PREDIKATS)}, got {a.original_predikat!r}"
        )
    return AdjustmentInput(
        _text(a.employee_id, "employee_id", 100),
        _text(a.period, "period", 20),
        a.adjusted_predikat,
        a.original_predikat,
    )


def _follow_up(f: FollowUpInput) -> FollowUpInput:
    if not isinstance(f.due_on, date):
        raise CommitteeError(f"due_on must be a date, got {f.due_on!r}")
    note = f.note.strip() if isinstance(f.note, str) and f.note.strip() else None
    if note is not None and (len(note) > 4000 or "\x00" in note):
        raise CommitteeError("note must be at most 4000 characters, without NUL")
    return FollowUpInput(_text(f.assignee, "assignee"), f.due_on, note)


def _session_record(row: CommitteeSession, decided: int) -> SessionRecord:
    members: Any = (row.members or {}).get("present", [])
    return SessionRecord(
        row.session_id, row.held_on, list(members), row.agency_id, row.unit_id, row.period,
        row.created_by, row.created_at, decided,
    )  # fmt: skip


def _adjustment_record(a: Adjustment, current: bool) -> AdjustmentRecord:
    return AdjustmentRecord(
        a.id, a.employee_id, a.period, a.original_predikat, a.adjusted_predikat, a.reason,
        a.adjusted_by, a.adjusted_at, a.flag_id, a.review_id, a.session_id, current,
    )  # fmt: skip
