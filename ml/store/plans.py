"""Unit plans as documents: saved, versioned, and moved through a status trail with who and when.

A plan's content (the planner's inputs and the optimiser's answer) never changes once saved; the
database refuses UPDATE and DELETE on it. Changing a plan saves a new version, whose parent is the
plan it came from. Its status is the latest event of its trail:

    draft ──propose──▶ proposed ──approve──▶ approved
                          │
                          └──return──▶ returned ──propose──▶ proposed …

Approving or returning is a second person's decision (four-eyes): the key that saved the plan may
not approve or return it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ml.errors import InputError
from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import PlanDocument, PlanEvent
from ml.store.repository import utc_now

DRAFT, PROPOSED, APPROVED, RETURNED = "draft", "proposed", "approved", "returned"
STATUSES = (DRAFT, PROPOSED, APPROVED, RETURNED)
# status → the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    DRAFT: (PROPOSED,),
    PROPOSED: (APPROVED, RETURNED),
    RETURNED: (PROPOSED,),
    APPROVED: (),
}
# moves that a second person must make (not the plan's author)
FOUR_EYES = frozenset({APPROVED, RETURNED})
MAX_NOTE = 2000


class PlanStoreError(InputError):
    """A plan that cannot be saved or moved; the message says why."""


class UnknownPlanError(LookupError):
    """No plan with that id."""


@dataclass(frozen=True)
class Actor:
    """Who acts: the key's name (shown) and its id (compared, for four-eyes)."""

    name: str
    key_id: str

    @property
    def signature(self) -> str:
        return f"{self.name} ({self.key_id})"


@dataclass(frozen=True)
class PlanStep:
    status: str
    actor: str
    actor_key: str
    note: str | None
    at: datetime


@dataclass(frozen=True)
class PlanRecord:
    plan_id: str
    lineage_id: str
    version: int
    parent_id: str | None
    agency_id: str | None
    unit_id: str
    unit_name: str | None
    inputs: dict[str, Any]
    result: dict[str, Any]
    created_by: str
    created_by_key: str
    created_at: datetime
    events: tuple[PlanStep, ...] = field(default=())

    @property
    def status(self) -> str:
        return self.events[-1].status if self.events else DRAFT

    @property
    def decided(self) -> PlanStep | None:
        """The latest approval or return, if any."""
        return next((e for e in reversed(self.events) if e.status in FOUR_EYES), None)

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[self.status]

    def moves_for(self, key_id: str) -> tuple[str, ...]:
        """The moves this key may make: its author may not approve or return the plan, so those
        buttons are not offered to them (the store refuses them all the same)."""
        own = key_id == self.created_by_key
        return tuple(s for s in self.next_statuses() if not (own and s in FOUR_EYES))


class Plans:
    """The plans in the store; each method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._clock = now

    @classmethod
    def from_url(cls, url: str, *, upgrade: bool = True) -> Plans:
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)))

    def _now(self) -> datetime:
        value = self._clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"the clock returned a naive datetime {value!r}")
        return value.astimezone(UTC)

    def save(
        self,
        *,
        unit_id: str,
        agency_id: str | None,
        unit_name: str | None,
        inputs: Mapping[str, Any],
        result: Mapping[str, Any],
        author: Actor,
        parent_id: str | None = None,
    ) -> PlanRecord:
        """Save a plan as a draft: version 1 of a new plan, or the next version of the plan
        ``parent_id`` belongs to (same unit)."""
        if not unit_id.strip():
            raise PlanStoreError("unit_id: a plan belongs to a unit")
        _check_actor(author)
        now = self._now()
        plan_id = uuid.uuid4().hex
        with self._sessions.begin() as session:
            if parent_id is None:
                lineage, version = plan_id, 1
            else:
                parent = session.get(PlanDocument, parent_id)
                if parent is None:
                    raise UnknownPlanError(f"no plan {parent_id!r}")
                if parent.unit_id != unit_id:
                    raise PlanStoreError(
                        f"parent_id: plan {parent_id!r} is of unit {parent.unit_id!r}, "
                        f"not {unit_id!r}"
                    )
                lineage = parent.lineage_id
                latest = session.scalar(
                    select(func.max(PlanDocument.version)).where(PlanDocument.lineage_id == lineage)
                )
                version = int(latest or 0) + 1
            session.add(
                PlanDocument(
                    plan_id=plan_id,
                    lineage_id=lineage,
                    version=version,
                    parent_id=parent_id,
                    agency_id=agency_id,
                    unit_id=unit_id,
                    unit_name=unit_name,
                    inputs=dict(inputs),
                    result=dict(result),
                    created_by=author.signature,
                    created_by_key=author.key_id,
                    created_at=now,
                )
            )
            session.flush()  # the plan before its first event (the foreign key)
            session.add(
                PlanEvent(
                    plan_id=plan_id,
                    status=DRAFT,
                    actor=author.signature,
                    actor_key=author.key_id,
                    note=None,
                    at=now,
                )
            )
        return self.get(plan_id)

    def get(self, plan_id: str) -> PlanRecord:
        with self._sessions() as session:
            row = session.get(PlanDocument, plan_id)
            if row is None:
                raise UnknownPlanError(f"no plan {plan_id!r}")
            return _record(row, self._events(session, [plan_id]).get(plan_id, []))

    def find(self, plan_id: str) -> PlanRecord | None:
        try:
            return self.get(plan_id)
        except UnknownPlanError:
            return None

    def listing(
        self,
        *,
        unit_id: str | None = None,
        agencies: Iterable[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[PlanRecord], int]:
        """Plans newest first, of one unit when given, of the given agencies when given (None:
        every agency); with how many there are in all."""
        query = select(PlanDocument)
        counted = select(func.count()).select_from(PlanDocument)
        if unit_id is not None:
            query = query.where(PlanDocument.unit_id == unit_id)
            counted = counted.where(PlanDocument.unit_id == unit_id)
        if agencies is not None:
            allowed = list(agencies)
            query = query.where(PlanDocument.agency_id.in_(allowed))
            counted = counted.where(PlanDocument.agency_id.in_(allowed))
        query = query.order_by(PlanDocument.created_at.desc(), PlanDocument.plan_id)
        with self._sessions() as session:
            total = int(session.scalar(counted) or 0)
            rows = list(session.scalars(query.limit(limit).offset(offset)))
            events = self._events(session, [r.plan_id for r in rows])
            return [_record(r, events.get(r.plan_id, [])) for r in rows], total

    def versions(self, lineage_id: str) -> list[PlanRecord]:
        """Every version of one plan, first to last."""
        with self._sessions() as session:
            rows = list(
                session.scalars(
                    select(PlanDocument)
                    .where(PlanDocument.lineage_id == lineage_id)
                    .order_by(PlanDocument.version)
                )
            )
            events = self._events(session, [r.plan_id for r in rows])
            return [_record(r, events.get(r.plan_id, [])) for r in rows]

    def move(self, plan_id: str, status: str, actor: Actor, note: str | None = None) -> PlanRecord:
        """Append the step to ``status``; refused when the plan's status does not lead there,
        or when the author would approve or return their own plan."""
        if status not in STATUSES:
            raise PlanStoreError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        _check_actor(actor)
        note = (note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise PlanStoreError(f"note: at most {MAX_NOTE} characters")
        with self._sessions.begin() as session:
            row = session.get(PlanDocument, plan_id, with_for_update=True)
            if row is None:
                raise UnknownPlanError(f"no plan {plan_id!r}")
            current = self._events(session, [plan_id]).get(plan_id, [])
            now_status = current[-1].status if current else DRAFT
            if status not in TRANSITIONS[now_status]:
                raise PlanStoreError(
                    f"status: a {now_status} plan cannot become {status}"
                    + (
                        f" (it may become {', '.join(TRANSITIONS[now_status])})"
                        if TRANSITIONS[now_status]
                        else ""
                    )
                )
            if status in FOUR_EYES and actor.key_id == row.created_by_key:
                raise FourEyesError(
                    f"status: the plan's author cannot make it {status}; "
                    "another planner must (four-eyes)"
                )
            if status == RETURNED and note is None:
                raise PlanStoreError("note: say why the plan is returned")
            session.add(
                PlanEvent(
                    plan_id=plan_id,
                    status=status,
                    actor=actor.signature,
                    actor_key=actor.key_id,
                    note=note,
                    at=max(self._now(), current[-1].at) if current else self._now(),
                )
            )
        return self.get(plan_id)

    @staticmethod
    def _events(session: Session, plan_ids: list[str]) -> dict[str, list[PlanStep]]:
        if not plan_ids:
            return {}
        out: dict[str, list[PlanStep]] = {}
        rows = session.scalars(
            select(PlanEvent).where(PlanEvent.plan_id.in_(plan_ids)).order_by(PlanEvent.id)
        )
        for e in rows:
            out.setdefault(e.plan_id, []).append(
                PlanStep(e.status, e.actor, e.actor_key, e.note, e.at)
            )
        return out


class FourEyesError(PlanStoreError):
    """The author tried to approve or return their own plan."""


def _check_actor(actor: Actor) -> None:
    if not actor.name.strip() or not actor.key_id.strip():
        raise PlanStoreError("actor: say who acts (a key's name and id)")


def _record(row: PlanDocument, events: list[PlanStep]) -> PlanRecord:
    return PlanRecord(
        plan_id=row.plan_id,
        lineage_id=row.lineage_id,
        version=row.version,
        parent_id=row.parent_id,
        agency_id=row.agency_id,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        inputs=row.inputs,
        result=row.result,
        created_by=row.created_by,
        created_by_key=row.created_by_key,
        created_at=row.created_at,
        events=tuple(events),
    )
