"""What the routes and pages call: one function per answer, over the snapshot in the store and
the loaded model. No HTTP here; errors are domain exceptions the routes map to statuses."""

from __future__ import annotations

import math
from typing import Any

import orjson
import pandas as pd

from ml.fairness.coverage import COLUMNS as COVERAGE_COLUMNS
from ml.fairness.coverage import summary_lines
from ml.pipelines.directory import Page
from ml.recommend import answer
from ml.recommend.plan import PlanLimits, plan_unit
from ml.recommend.rank import rank_for_employee
from ml.serving import scope
from ml.serving.roles import Permission, allowed
from ml.serving.state import Loaded, Served, ServingState
from ml.store import UnknownFlagError
from ml.store.keys import KeyInfo
from ml.store.snapshots import EmployeeRecord

PLAN_COLUMNS = ["employee_id", "program_id", "competency_code", "cost_idr", "jp", "expected_gain"]


class NotFound(LookupError):
    """An employee, unit or flag the snapshot or store does not hold; the message says which."""


def page_of(found: Page[Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """A page of a search as the API answers it (the full-stack template's ``{data, count}``)."""
    return {
        "data": items,
        "count": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
    }


def employee(
    state: ServingState, served: Served, employee_id: str, key: KeyInfo | None = None
) -> EmployeeRecord:
    """The employee's record; one outside ``key``'s agencies is not found (ml/serving/scope)."""
    record = state.snapshots.employee(served.info.snapshot_id, employee_id)
    if record is None or not scope.sees(key, record.profile.get("agency_id")):
        raise NotFound(
            f"employee {employee_id!r} is not in the snapshot of {served.info.as_of:%Y-%m-%d}"
        )
    return record


def profile(record: EmployeeRecord, key: KeyInfo) -> dict[str, Any]:
    """The deterministic profile; the protected attributes only for a role allowed them."""
    out = dict(record.profile)
    if allowed(key.role, Permission.READ_PROTECTED):
        out["protected"] = record.protected
    return out


def model_ref(loaded: Loaded) -> dict[str, Any]:
    return {
        "name": loaded.name,
        "version": loaded.version,
        "alias": loaded.alias,
        "run_id": loaded.run_id,
    }


def recommendations(
    record: EmployeeRecord, served: Served, loaded: Loaded, programs: int = 5, reasons: int = 3
) -> dict[str, Any]:
    """Per required competency the need probability beside the deterministic gap, with its
    TreeSHAP reasons (most likely need first), and the employee's ranked programmes: computed
    now, with the model loaded now."""
    built = answer.answer(
        record.features,
        record.profile["competencies"],
        loaded.explainer,
        served.programs,
        programs=programs,
        reasons=reasons,
    )
    return {
        "employee_id": record.employee_id,
        "as_of": served.info.as_of,
        "model": model_ref(loaded),
        **built,
    }


def unit_staff(
    state: ServingState, served: Served, unit_id: str, key: KeyInfo | None = None
) -> list[EmployeeRecord]:
    """The unit's employees; a unit outside ``key``'s agencies has none (ml/serving/scope)."""
    staff = state.snapshots.unit(served.info.snapshot_id, unit_id)
    if staff and not scope.sees(key, staff[0].profile.get("agency_id")):
        return []
    return staff


def stored_recommendations(
    state: ServingState,
    served: Served,
    loaded: Loaded,
    employee_id: str,
    programs: int = answer.PROGRAMS,
    reasons: int = answer.REASONS,
) -> bytes | None:
    """The answer ``talenta score`` stored for the employee, as the JSON bytes of the
    response, when it is the one asked for (the default programmes and reasons) and the
    snapshot was scored by the model serving now; None otherwise (answer live).

    Only the answer is read (not the profile and features, whose JSON would be parsed for
    nothing), and it is spliced behind a header serialised here (employee, date, model: the
    alias and run id are the serving ones): nothing stored is parsed again."""
    if (
        (programs, reasons) != (answer.PROGRAMS, answer.REASONS)
        or served.info.model_name != loaded.name
        or served.info.model_version != loaded.version
    ):
        return None
    stored = state.snapshots.answer(served.info.snapshot_id, employee_id)
    if stored is None:  # no such employee (the live path says 404), or no answer stored
        return None
    head = orjson.dumps(
        {"employee_id": employee_id, "as_of": served.info.as_of, "model": model_ref(loaded)}
    )
    return head[:-1] + b"," + stored[1:]


def unit_plan(
    state: ServingState,
    served: Served,
    loaded: Loaded,
    unit_id: str,
    limits: PlanLimits,
    key: KeyInfo | None = None,
) -> dict[str, Any]:
    """The unit's optimised plan (:func:`ml.recommend.plan.plan_unit`) from the snapshot."""
    staff = unit_staff(state, served, unit_id, key)
    if not staff:
        if scope.agencies(key) is not None:  # a bound key learns nothing of other agencies
            raise NotFound(f"unit {unit_id!r} has no employees in the snapshot")
        largest = ", ".join(
            f"{u} ({n})" for u, n in state.snapshots.units(served.info.snapshot_id)[:5]
        )
        raise NotFound(f"unit {unit_id!r} has no employees in the snapshot; largest: {largest}")
    rows = [model_rows(record) for record in staff]
    # one call of the model for the whole unit, split back per employee
    probability = iter(loaded.explainer.need_probability([r for own in rows for r in own]))
    candidates = []
    for record, own in zip(staff, rows, strict=True):
        needs = answer.needs_of(own, [float(next(probability)) for _ in own])
        completed = set(record.features["completed_programs"])
        for c in rank_for_employee(needs, served.programs, completed, top=None):
            candidates.append({**c, "employee_id": record.employee_id})
    frame = pd.DataFrame(candidates, columns=[*PLAN_COLUMNS, "title"])
    people = pd.DataFrame(
        {
            "employee_id": [r.employee_id for r in staff],
            "jp_taken": [float(r.profile["development"]["years"][-1]["jp_taken"]) for r in staff],
        }
    )
    plan = plan_unit(frame[PLAN_COLUMNS], people, limits)
    # the roles that plan read employees: the plan names its people (null without names)
    names = {r.employee_id: r.profile.get("full_name") for r in staff}
    per_person = [
        {
            **p,
            "full_name": names.get(p["employee_id"]),
            "reason_note": note.as_dict() if note else None,
        }
        for p, note in zip(plan.per_person.to_dict("records"), plan.reason_notes, strict=True)
    ]
    return {
        "unit_id": unit_id,
        "unit_name": staff[0].profile.get("unit_name"),
        "as_of": served.info.as_of,
        "employees": len(staff),
        "model": model_ref(loaded),
        "status": plan.status,
        "total_cost": plan.total_cost,
        "total_gain": plan.total_gain,
        "objective": plan.objective,
        "optimality_gap": None if math.isnan(plan.optimality_gap) else plan.optimality_gap,
        "assignments": plan.assignments.to_dict("records"),
        "per_person": per_person,
        "explanation": plan.explanation,
        "notes": [note.as_dict() for note in plan.notes],
        "needed_budget_idr": (
            None
            if plan.needed_budget is None or math.isnan(plan.needed_budget)
            else plan.needed_budget
        ),
    }


def model_rows(record: EmployeeRecord) -> list[dict[str, Any]]:
    """The need model's input rows: the employee's features beside each competency's."""
    return answer.model_rows(record.features)


def flags(
    state: ServingState,
    *,
    kind: str | None,
    family: str | None,
    agency: str | None,
    region: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    page = state.trail.flags(
        family=family, kind=kind, agency_id=agency, region=region, status=status,
        limit=limit, offset=offset,
    )  # fmt: skip
    return {
        "data": [f.__dict__ for f in page.items],
        "count": page.total,
        "limit": limit,
        "offset": offset,
    }


def coverage(state: ServingState) -> dict[str, Any]:
    """The latest audit run's coverage statement: a committee reading "no flagged rater" must
    know whether raters were judged at all."""
    run = state.trail.latest_run()
    if run is None or "coverage" not in run.parameters:
        raise NotFound("no audit run with a coverage statement recorded yet: run `talenta audit`")
    rows = pd.DataFrame(run.parameters["coverage"], columns=COVERAGE_COLUMNS)
    seen = run.parameters.get("design", {})
    return {
        "run_id": run.run_id,
        "started_at": run.started_at,
        "started_by": run.started_by,
        "flags_raised": run.flags_raised,
        "design": seen,
        "coverage": rows.to_dict("records"),
        "statement": summary_lines(rows, seen) if seen else [],
    }


def review(
    state: ServingState, flag_id: str, decision: str, reason: str, key: KeyInfo
) -> dict[str, Any]:
    """Append the decision to the trail under the key's name; the flag's status and trail."""
    try:
        event = state.trail.review(flag_id, decision, reason, reviewer=f"{key.name} ({key.key_id})")
    except UnknownFlagError:
        raise NotFound(f"no flag {flag_id!r}") from None
    return {
        **event.__dict__,
        "status": state.trail.status(flag_id),
        "trail": [e.__dict__ for e in state.trail.trail(flag_id)],
    }


def models(state: ServingState) -> dict[str, Any]:
    loaded = state.models.current
    data = state.registered()
    return {
        "serving": (
            None if loaded is None else {"model": model_ref(loaded), "loaded_at": loaded.loaded_at}
        ),
        "data": data,
        "count": len(data),
    }
