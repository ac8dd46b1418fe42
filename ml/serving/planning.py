"""Saved plans, as the routes and pages use them: make and save a plan, read one (within the
caller's agencies), move it along its status trail, compare two. No HTTP here: errors are the
service's ``NotFound`` and the store's ``PlanStoreError``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from ml.recommend.compare import Comparison, compare
from ml.recommend.plan import PlanLimits
from ml.serving import scope, service
from ml.serving.state import Loaded, Served, ServingState
from ml.store.keys import KeyInfo
from ml.store.plans import Actor, PlanRecord, PlanStoreError, UnknownPlanError


def actor(key: KeyInfo) -> Actor:
    return Actor(key.name, key.key_id)


def save_plan(
    state: ServingState,
    served: Served,
    loaded: Loaded,
    unit_id: str,
    inputs: dict[str, Any],
    key: KeyInfo,
    parent_id: str | None = None,
) -> PlanRecord:
    """Solve the unit's plan for ``inputs`` (a ``PlanRequest``'s fields) and save it as a draft
    under ``key``'s name: a new plan, or the next version of ``parent_id``'s plan."""
    if parent_id is not None:
        parent = plan(state, parent_id, key)
        if parent.unit_id != unit_id:
            raise PlanStoreError(f"parent_id: that plan is of unit {parent.unit_id!r}")
    known = {f.name for f in fields(PlanLimits)}  # inputs may also keep the text as typed
    limits = PlanLimits(**{k: v for k, v in inputs.items() if k in known})
    result = service.unit_plan(state, served, loaded, unit_id, limits, key)
    staff = service.unit_staff(state, served, unit_id, key)
    # what the document needs to name people, programmes and competencies without the snapshot
    # (a plan outlives the snapshot it was made on)
    result["people"] = {
        r.employee_id: {"name": r.profile.get("full_name"), "nip": r.profile.get("nip")}
        for r in staff
    }
    result["titles"] = {
        pid: str(p.get("title") or pid)
        for pid, p in served.programs.items()
        if any(a["program_id"] == pid for a in result["assignments"])
    }
    result["competency_names"] = {
        c["competency_code"]: c.get("name") or c["competency_code"]
        for r in staff
        for c in r.profile.get("competencies", [])
    }
    result["snapshot_id"] = served.info.snapshot_id
    return state.plans.save(
        unit_id=unit_id,
        agency_id=staff[0].profile.get("agency_id"),
        unit_name=result.get("unit_name"),
        inputs=inputs,
        result=result,
        author=actor(key),
        parent_id=parent_id,
    )


def plan(state: ServingState, plan_id: str, key: KeyInfo) -> PlanRecord:
    """The plan ``plan_id``; one outside ``key``'s agencies is not found."""
    found = state.plans.find(plan_id)
    if found is None or not scope.sees(key, found.agency_id):
        raise service.NotFound(f"no plan {plan_id!r}")
    return found


def plans(
    state: ServingState,
    key: KeyInfo,
    unit_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[PlanRecord], int]:
    """Plans newest first, within ``key``'s agencies (of one unit when given)."""
    bound = scope.agencies(key)
    return state.plans.listing(
        unit_id=unit_id,
        agencies=None if bound is None else sorted(bound),
        limit=limit,
        offset=offset,
    )


def move(
    state: ServingState, plan_id: str, status: str, key: KeyInfo, note: str | None = None
) -> PlanRecord:
    """Append the step to ``status`` under ``key``'s name (four-eyes for approve and return)."""
    plan(state, plan_id, key)  # scope first: a plan out of scope is not found, not refused
    try:
        return state.plans.move(plan_id, status, actor(key), note)
    except UnknownPlanError:
        raise service.NotFound(f"no plan {plan_id!r}") from None


@dataclass(frozen=True)
class Compared:
    a: PlanRecord
    b: PlanRecord
    comparison: Comparison


def compared(state: ServingState, a_id: str, b_id: str, key: KeyInfo) -> Compared:
    """Plans ``a_id`` and ``b_id`` (of one unit) side by side."""
    a, b = plan(state, a_id, key), plan(state, b_id, key)
    if a.unit_id != b.unit_id:
        raise PlanStoreError("b: both plans must be of the same unit")
    return Compared(a, b, compare(a.result["assignments"], b.result["assignments"]))


def public(record: PlanRecord) -> dict[str, Any]:
    """A plan as the API answers it."""
    return {
        "plan_id": record.plan_id,
        "lineage_id": record.lineage_id,
        "version": record.version,
        "parent_id": record.parent_id,
        "agency_id": record.agency_id,
        "unit_id": record.unit_id,
        "unit_name": record.unit_name,
        "status": record.status,
        "created_by": record.created_by,
        "created_at": record.created_at,
        "inputs": record.inputs,
        "total_cost": record.result.get("total_cost"),
        "total_gain": record.result.get("total_gain"),
        "places": len(record.result.get("assignments") or []),
        "result": record.result,
        "events": [e.__dict__ for e in record.events],
    }
