"""What the committee's API and pages share: the store of sessions and decisions on the
service's engine, a session's minutes and the adjusted-predikat export (the audit's coverage is
``service.coverage``, served under /fairness). Thin functions over :mod:`ml.store.committee`
and :mod:`ml.serving.minutes`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ml.serving.minutes import Minutes
from ml.serving.service import NotFound
from ml.serving.state import ServingState
from ml.store import UnknownFlagError, session_factory
from ml.store.committee import (
    AdjustmentInput,
    CommitteeStore,
    FollowUpInput,
    UnknownSessionError,
)
from ml.store.keys import KeyInfo


def store_of(state: ServingState) -> CommitteeStore:
    """The committee's store on the service's engine (a sessionmaker is cheap to make)."""
    return CommitteeStore(session_factory(state.engine))


def who(key: KeyInfo) -> str:
    """How the store names the person behind a key, as the review trail does."""
    return f"{key.name} ({key.key_id})"


def create_session(state: ServingState, body: Any, key: KeyInfo) -> dict[str, Any]:
    record = store_of(state).create_session(
        body.held_on, body.members, who(key),
        agency_id=body.agency_id, unit_id=body.unit_id, period=body.period,
    )  # fmt: skip
    return asdict(record)


def sessions(state: ServingState, limit: int, offset: int) -> dict[str, Any]:
    found, total = store_of(state).sessions(limit, offset)
    return {"data": [asdict(s) for s in found], "count": total}


def minutes_of(state: ServingState, session_id: str) -> Minutes:
    store = store_of(state)
    try:
        session = store.session(session_id)
        decisions = store.decisions(session_id)
    except UnknownSessionError:
        raise NotFound(f"no committee session {session_id!r}") from None
    return Minutes(
        session, decisions, store.adjustments(session_id=session_id),
        store.follow_ups(session_id=session_id),
    )  # fmt: skip


def session_detail(state: ServingState, session_id: str) -> dict[str, Any]:
    m = minutes_of(state, session_id)
    return {
        **asdict(m.session),
        "decisions": [asdict(d) for d in m.decisions],
        "adjustments": [asdict(a) for a in m.adjustments],
        "follow_ups": [asdict(f) for f in m.follow_ups],
    }


def decide(
    state: ServingState,
    flag_ids: list[str],
    decision: str,
    reason: str,
    reviewer: str,
    *,
    session_id: str | None = None,
    adjustments: list[AdjustmentInput] | None = None,
    follow_up: FollowUpInput | None = None,
) -> dict[str, Any]:
    """Decide the flags in one transaction; unknown ids are a 404 (nothing written)."""
    try:
        found = store_of(state).decide(
            flag_ids, decision, reason, reviewer, session_id=session_id,
            adjustments=adjustments or [], follow_up=follow_up,
        )  # fmt: skip
    except UnknownFlagError as error:
        raise NotFound(f"no flag {error.flag_id!r}: nothing was decided") from None
    except UnknownSessionError as error:
        raise NotFound(f"no committee session {error.session_id!r}: nothing was decided") from None
    return {"data": [asdict(d) for d in found], "count": len(found)}


def decide_body(state: ServingState, body: Any, key: KeyInfo) -> dict[str, Any]:
    adjustments = [
        AdjustmentInput(a.employee_id, a.period, a.adjusted_predikat, a.original_predikat)
        for a in body.adjustments
    ]
    follow = body.follow_up
    return decide(
        state, body.flag_ids, str(body.decision), body.reason, who(key),
        session_id=body.session_id, adjustments=adjustments,
        follow_up=FollowUpInput(follow.assignee, follow.due_on, follow.note) if follow else None,
    )  # fmt: skip


def follow_ups(state: ServingState, flag_id: str | None) -> dict[str, Any]:
    found = store_of(state).follow_ups(flag_id=flag_id)
    return {"data": [asdict(f) for f in found], "count": len(found)}
