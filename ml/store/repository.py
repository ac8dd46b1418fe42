"""The review trail of the fairness audit: flags with stable ids, what each audit run measured,
and the merit committee's decisions — who decided what, when and why.

Nothing is updated or deleted: a run that sees a flag again appends an observation, a new
decision appends a review, and a flag's status is its latest review's decision (``OPEN`` while
it has none). "Latest" means the greatest ``reviewed_at``, ties broken by insertion order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, distinct, func, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import AuditRun, Flag, FlagObservation, Review
from ml.store.records import (
    OPEN,
    STATUSES,
    Decision,
    FlagRecord,
    FlagView,
    Identity,
    Page,
    RecordResult,
    ReviewError,
    ReviewEvent,
    RunView,
    TrailEvent,
    UnknownFlagError,
    UnknownRunError,
)

CHUNK = 500  # ids per IN (...) query: well under SQLite's limit on bound parameters
DECISIONS = tuple(d.value for d in Decision)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReviewTrail:
    """The store's one repository. Every method runs in its own transaction: a call that
    raises has written nothing.

    Parameters
    ----------
    sessions : sessionmaker
        Sessions on a migrated database (see :func:`ml.store.database.migrate`).
    now : callable returning a timezone-aware datetime
        The clock that stamps runs, observations and reviews; injectable for tests.
    """

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._clock = now

    @classmethod
    def from_url(
        cls, url: str, *, now: Callable[[], datetime] = utc_now, upgrade: bool = True
    ) -> ReviewTrail:
        """The trail at ``url`` (e.g. ``Settings.store_url``; a file or server database, not an
        in-memory one), migrated first unless told not."""
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)), now=now)

    def _now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the clock returned a naive datetime {value!r}")
        return value.astimezone(UTC)

    def start_run(self, started_by: str, data_dir: str, parameters: Mapping[str, Any]) -> str:
        """Record the start of an audit run; returns its ``run_id``."""
        if not started_by or not started_by.strip():
            raise ValueError("started_by must not be empty: say who runs the audit")
        run_id = uuid.uuid4().hex
        with self._sessions.begin() as session:
            session.add(
                AuditRun(
                    run_id=run_id,
                    started_at=self._now(),
                    started_by=started_by.strip(),
                    data_dir=str(data_dir),
                    parameters=dict(parameters),
                    flags_raised=0,
                )
            )
        return run_id

    def latest_run(self) -> RunView | None:
        """The most recently started audit run, or None before the first."""
        with self._sessions() as session:
            run = session.scalars(
                select(AuditRun).order_by(AuditRun.started_at.desc(), AuditRun.run_id).limit(1)
            ).first()
            if run is None:
                return None
            return RunView(
                run_id=run.run_id,
                started_at=run.started_at,
                started_by=run.started_by,
                parameters=dict(run.parameters or {}),
                flags_raised=run.flags_raised,
            )

    def record_flags(self, run_id: str, flags: Iterable[FlagRecord]) -> RecordResult:
        """Record the flags that run ``run_id`` raised: a flag's identity is stored the first
        time its id is seen, and every call appends one observation per flag. Sets the run's
        ``flags_raised`` to the number of distinct flags it has observed.

        Raises ``UnknownRunError`` for an unknown run, and ``ValueError`` when an id appears
        twice in ``flags`` or names a stored flag with a different identity.
        """
        records = list(flags)
        _refuse_duplicates(records)
        now = self._now()
        with self._sessions.begin() as session:
            if session.get(AuditRun, run_id) is None:
                raise UnknownRunError(run_id)
            stored = _identities(session, [r.flag_id for r in records])
            for record in records:
                if record.flag_id in stored and stored[record.flag_id] != record.identity:
                    raise ValueError(
                        f"flag {record.flag_id} is stored as {stored[record.flag_id]}, "
                        f"not {record.identity}: a stable id names one identity"
                    )
            new = [r for r in records if r.flag_id not in stored]
            if new:
                session.execute(insert(Flag), [_flag_row(r, run_id, now) for r in new])
            if records:
                session.execute(
                    insert(FlagObservation), [_observation_row(r, run_id, now) for r in records]
                )
            raised = session.scalar(
                select(func.count(distinct(FlagObservation.flag_id))).where(
                    FlagObservation.run_id == run_id
                )
            )
            session.execute(
                update(AuditRun).where(AuditRun.run_id == run_id).values(flags_raised=raised)
            )
        return RecordResult(new=len(new), seen_again=len(records) - len(new))

    def review(self, flag_id: str, decision: str, reason: str, reviewer: str) -> ReviewEvent:
        """Append a committee member's decision on a flag.

        Raises ``ReviewError`` for a decision other than CONFIRMED, DISMISSED, NEEDS_INFO or
        an empty reason or reviewer, and ``UnknownFlagError`` for an unknown flag.
        """
        if not isinstance(decision, str) or decision not in DECISIONS:
            raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise ReviewError("reason must not be empty: say why the flag is decided so")
        if not isinstance(reviewer, str) or not reviewer.strip():
            raise ReviewError("reviewer must not be empty: say who decides")
        with self._sessions.begin() as session:
            _require_flag(session, flag_id)
            row = Review(
                flag_id=flag_id,
                decision=str(decision),
                reason=reason.strip(),
                reviewer=reviewer.strip(),
                reviewed_at=self._now(),
            )
            session.add(row)
            session.flush()
            return ReviewEvent(
                review_id=row.id,
                flag_id=row.flag_id,
                decision=row.decision,
                reason=row.reason,
                reviewer=row.reviewer,
                reviewed_at=row.reviewed_at,
            )

    def status(self, flag_id: str) -> str:
        """The latest review's decision, or ``OPEN``."""
        with self._sessions() as session:
            _require_flag(session, flag_id)
            decision = session.scalar(
                select(Review.decision)
                .where(Review.flag_id == flag_id)
                .order_by(Review.reviewed_at.desc(), Review.id.desc())
                .limit(1)
            )
        return decision or OPEN

    def flag(self, flag_id: str) -> FlagView:
        """One flag as :meth:`flags` shows it."""
        with self._sessions() as session:
            row = session.execute(_views().where(Flag.flag_id == flag_id)).one_or_none()
        if row is None:
            raise UnknownFlagError(flag_id)
        return FlagView(**row._mapping)

    def flags(
        self,
        family: str | None = None,
        kind: str | None = None,
        agency_id: str | None = None,
        region: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Flags matching every filter given, most significant first (latest q-value ascending,
        missing last, then flag_id), with the total that match. ``status`` is ``OPEN`` or a
        decision."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        if limit < 1 or offset < 0:
            raise ValueError(
                f"limit must be at least 1 and offset at least 0, got {limit}, {offset}"
            )
        query = _views(status)
        for column, value in (
            (Flag.family, family),
            (Flag.kind, kind),
            (Flag.agency_id, agency_id),
            (Flag.region, region),
        ):
            if value is not None:
                query = query.where(column == value)
        with self._sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            q_value = query.selected_columns.q_value
            rows = session.execute(
                query.order_by(q_value.asc().nulls_last(), Flag.flag_id).limit(limit).offset(offset)
            ).all()
        return Page(items=[FlagView(**row._mapping) for row in rows], total=total)

    def trail(self, flag_id: str) -> list[TrailEvent]:
        """Every event of a flag in time order: RAISED (its first observation), OBSERVED (each
        later one, with the run and who started it), REVIEWED (decision, reason, reviewer)."""
        with self._sessions() as session:
            _require_flag(session, flag_id)
            observations = session.execute(
                select(FlagObservation, AuditRun.started_by)
                .join(AuditRun, AuditRun.run_id == FlagObservation.run_id)
                .where(FlagObservation.flag_id == flag_id)
                .order_by(FlagObservation.observed_at, FlagObservation.id)
            ).all()
            reviews = session.scalars(
                select(Review)
                .where(Review.flag_id == flag_id)
                .order_by(Review.reviewed_at, Review.id)
            ).all()
        keyed: list[tuple[datetime, int, int, TrailEvent]] = []
        for index, (observation, started_by) in enumerate(observations):
            event = TrailEvent(
                event="RAISED" if index == 0 else "OBSERVED",
                at=observation.observed_at,
                by=started_by,
                run_id=observation.run_id,
                effect=observation.effect,
                q_value=observation.q_value,
            )
            keyed.append((observation.observed_at, 0, index, event))
        for index, review in enumerate(reviews):
            event = TrailEvent(
                event="REVIEWED",
                at=review.reviewed_at,
                by=review.reviewer,
                decision=review.decision,
                reason=review.reason,
            )
            keyed.append((review.reviewed_at, 1, index, event))
        return [event for *_, event in sorted(keyed, key=lambda k: k[:3])]


def _views(status: str | None = None) -> Select[Any]:
    """Flags with their latest observation, status and counts; the status filter, when given,
    is part of the SQL (the latest review per flag is a window over ``reviews``)."""
    ranked_observations = select(
        FlagObservation.flag_id,
        FlagObservation.run_id,
        FlagObservation.observed_at,
        FlagObservation.n,
        FlagObservation.effect,
        FlagObservation.ci_low,
        FlagObservation.ci_high,
        FlagObservation.q_value,
        FlagObservation.evidence,
        func.count().over(partition_by=FlagObservation.flag_id).label("observations"),
        func.row_number()
        .over(
            partition_by=FlagObservation.flag_id,
            order_by=(FlagObservation.observed_at.desc(), FlagObservation.id.desc()),
        )
        .label("rank"),
    ).subquery("latest_observation")
    ranked_reviews = select(
        Review.flag_id,
        Review.decision,
        func.count().over(partition_by=Review.flag_id).label("reviews"),
        func.row_number()
        .over(
            partition_by=Review.flag_id,
            order_by=(Review.reviewed_at.desc(), Review.id.desc()),
        )
        .label("rank"),
    ).subquery("latest_review")
    o, r = ranked_observations.c, ranked_reviews.c
    query = (
        select(
            Flag.flag_id,
            Flag.family,
            Flag.kind,
            Flag.subject,
            Flag.group_label,
            Flag.agency_id,
            Flag.region,
            Flag.first_run_id,
            Flag.created_at,
            o.run_id,
            o.observed_at,
            o.n,
            o.effect,
            o.ci_low,
            o.ci_high,
            o.q_value,
            o.evidence,
            func.coalesce(r.decision, OPEN).label("status"),
            func.coalesce(r.reviews, 0).label("reviews"),
            o.observations,
        )
        .join(ranked_observations, and_(o.flag_id == Flag.flag_id, o.rank == 1))
        .outerjoin(ranked_reviews, and_(r.flag_id == Flag.flag_id, r.rank == 1))
    )
    if status == OPEN:
        query = query.where(r.decision.is_(None))
    elif status is not None:
        query = query.where(r.decision == status)
    return query


def _refuse_duplicates(records: Sequence[FlagRecord]) -> None:
    seen: set[str] = set()
    for record in records:
        if record.flag_id in seen:
            raise ValueError(f"flag {record.flag_id} appears twice in one batch")
        seen.add(record.flag_id)


def _chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _identities(session: Session, flag_ids: Sequence[str]) -> dict[str, Identity]:
    stored: dict[str, Identity] = {}
    for chunk in _chunks(flag_ids):
        rows = session.execute(
            select(
                Flag.flag_id,
                Flag.family,
                Flag.kind,
                Flag.subject,
                Flag.group_label,
                Flag.agency_id,
                Flag.region,
            ).where(Flag.flag_id.in_(chunk))
        )
        for row in rows:
            stored[row.flag_id] = (
                row.family,
                row.kind,
                row.subject,
                row.group_label,
                row.agency_id,
                row.region,
            )
    return stored


def _require_flag(session: Session, flag_id: str) -> None:
    if session.scalar(select(Flag.flag_id).where(Flag.flag_id == flag_id)) is None:
        raise UnknownFlagError(flag_id)


def _flag_row(record: FlagRecord, run_id: str, now: datetime) -> dict[str, Any]:
    return {
        "flag_id": record.flag_id,
        "family": record.family,
        "kind": record.kind,
        "subject": record.subject,
        "group_label": record.group_label,
        "agency_id": record.agency_id,
        "region": record.region,
        "first_run_id": run_id,
        "created_at": now,
    }


def _observation_row(record: FlagRecord, run_id: str, now: datetime) -> dict[str, Any]:
    return {
        "flag_id": record.flag_id,
        "run_id": run_id,
        "observed_at": now,
        "n": record.n,
        "effect": record.effect,
        "ci_low": record.ci_low,
        "ci_high": record.ci_high,
        "q_value": record.q_value,
        "evidence": dict(record.evidence),
    }
