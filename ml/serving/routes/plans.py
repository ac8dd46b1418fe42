"""Saved plans: make and save one (a draft), list, read, move along the status trail (four-eyes
for approval), compare two, export one as XLSX or PDF. Planner and admin roles; every read is
logged, and a key bound to agencies sees only their plans."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import Response

from ml.serving import planning
from ml.serving.access import reads
from ml.serving.deps import ChampionDep, SnapshotDep, StateDep
from ml.serving.documents import plan_document
from ml.serving.export import PDF_TYPE, XLSX_TYPE, to_pdf, to_xlsx
from ml.serving.pages.i18n import Translator
from ml.serving.plan_schemas import (
    ComparisonPublic,
    PlanCreate,
    PlanStep,
    SavedPlanPublic,
    SavedPlansPublic,
)
from ml.serving.roles import Permission
from ml.serving.routes.employees import ERRORS
from ml.serving.routes.units import _plan_threads
from ml.serving.schemas import NO_NUL, Message
from ml.store.keys import KeyInfo
from ml.store.plans import FourEyesError, PlanStoreError

router = APIRouter(prefix="/api/v1/plans", tags=["plans"])

PlanId = Annotated[str, Path(min_length=1, max_length=40, pattern=NO_NUL)]
Reader = Annotated[KeyInfo, Depends(reads(Permission.PLAN_UNITS, "plan", "plan_id"))]
Lister = Annotated[
    KeyInfo, Depends(reads(Permission.PLAN_UNITS, "plan-list", query_params=("unit_id",)))
]
Maker = Annotated[KeyInfo, Depends(reads(Permission.PLAN_UNITS, "plan-create"))]
PLAN_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    404: {"model": Message, "description": "no such plan (or unit) within the key's agencies"},
    409: {"model": Message, "description": "the plan's status does not lead there"},
}


def _refused(error: PlanStoreError) -> HTTPException:
    if isinstance(error, FourEyesError):
        return HTTPException(status.HTTP_403_FORBIDDEN, str(error))
    if str(error).startswith("status:"):
        return HTTPException(status.HTTP_409_CONFLICT, str(error))
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error))


@router.post(
    "", response_model=SavedPlanPublic, status_code=status.HTTP_201_CREATED, responses=PLAN_ERRORS
)
async def create_plan(
    body: PlanCreate, key: Maker, state: StateDep, served: SnapshotDep, loaded: ChampionDep
) -> dict[str, Any]:
    """Solve the unit's plan for the inputs and save it as a draft under the key's name (the
    next version of ``parent_id``'s plan when given). Saved plans never change."""
    inputs = body.model_dump(exclude={"unit_id", "parent_id"})
    save = partial(
        planning.save_plan, state, served, loaded, body.unit_id, inputs, key, body.parent_id
    )
    try:
        record = await to_thread.run_sync(save, limiter=_plan_threads())
    except PlanStoreError as error:
        raise _refused(error) from None
    return planning.public(record)


@router.get("", response_model=SavedPlansPublic, responses=PLAN_ERRORS)
def list_plans(
    key: Lister,
    state: StateDep,
    unit_id: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Saved plans within the key's agencies, newest first (of one unit when given)."""
    found, total = planning.plans(state, key, unit_id or None, limit, offset)
    return {"data": [planning.public(p) for p in found], "count": total}


@router.get("/{plan_id}", response_model=SavedPlanPublic, responses=PLAN_ERRORS)
def get_plan(plan_id: PlanId, key: Reader, state: StateDep) -> dict[str, Any]:
    """One saved plan: inputs, result, and its status trail."""
    return planning.public(planning.plan(state, plan_id, key))


@router.post("/{plan_id}/transitions", response_model=SavedPlanPublic, responses=PLAN_ERRORS)
def move_plan(plan_id: PlanId, body: PlanStep, key: Reader, state: StateDep) -> dict[str, Any]:
    """Propose, approve or return the plan. Approving and returning are for another key than
    the plan's author (four-eyes: 403); returning needs a note (422); a status that does not
    follow from the current one is a 409."""
    try:
        record = planning.move(state, plan_id, body.status, key, body.note)
    except PlanStoreError as error:
        raise _refused(error) from None
    return planning.public(record)


@router.get("/{plan_id}/compare/{other_id}", response_model=ComparisonPublic, responses=PLAN_ERRORS)
def compare_plans(
    plan_id: PlanId,
    other_id: Annotated[str, Path(min_length=1, max_length=40, pattern=NO_NUL)],
    key: Reader,
    state: StateDep,
) -> dict[str, Any]:
    """Plan ``plan_id`` (a) beside ``other_id`` (b), of the same unit: totals, the difference
    b − a, and who gains, loses or changes places."""
    try:
        both = planning.compared(state, plan_id, other_id, key)
    except PlanStoreError as error:
        raise _refused(error) from None
    c = both.comparison
    return {
        "a": both.a.plan_id,
        "b": both.b.plan_id,
        "totals_a": c.a.__dict__,
        "totals_b": c.b.__dict__,
        "difference": c.delta.__dict__,
        "people": [
            {**p.__dict__, "change": p.change, "programs_a": list(p.programs_a),
             "programs_b": list(p.programs_b)}
            for p in c.people
        ],
    }  # fmt: skip


@router.get(
    "/{plan_id}/export",
    responses={
        **PLAN_ERRORS,
        200: {"content": {XLSX_TYPE: {}, PDF_TYPE: {}}, "description": "the plan's document"},
    },
    response_class=Response,
)
def export_plan(
    plan_id: PlanId,
    key: Reader,
    state: StateDep,
    format: Annotated[Literal["xlsx", "pdf"], Query()] = "xlsx",
    lang: Annotated[Literal["id", "en"], Query(description="the document's language")] = "id",
) -> Response:
    """The plan as a document: header (agency, unit, version, status, approver, dates) and one
    row per person × programme with totals, as an XLSX workbook or a PDF."""
    record = planning.plan(state, plan_id, key)
    document = plan_document(record, Translator(lang))
    body, media = (
        (to_xlsx(document), XLSX_TYPE) if format == "xlsx" else (to_pdf(document), PDF_TYPE)
    )
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="plan-{record.plan_id}.{format}"'},
    )
