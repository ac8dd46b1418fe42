"""The merit committee's workflow: review sessions, decisions on many flags at once with
adjusted predikat and follow-ups, the minutes (berita acara) and the adjusted-predikat export.
The committee role alone; every call is logged in the access log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from ml.serving import committee
from ml.serving.access import reads
from ml.serving.committee_schemas import (
    DecisionCreate,
    DecisionsPublic,
    FollowUpsPublic,
    SessionCreate,
    SessionDetail,
    SessionPublic,
    SessionsPublic,
)
from ml.serving.deps import StateDep
from ml.serving.minutes import adjustments_csv, minutes_csv, minutes_pdf
from ml.serving.roles import Permission
from ml.serving.routes.employees import ERRORS
from ml.store.keys import KeyInfo

router = APIRouter(prefix="/api/v1/committee", tags=["committee"])

SessionId = Annotated[
    str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$", examples=["9b1f0c"])
]
Lang = Annotated[str, Query(pattern=r"^(id|en)$", description="language of the PDF")]
Sessions = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "committee_sessions"))]
OneSession = Annotated[
    KeyInfo, Depends(reads(Permission.FAIRNESS, "committee_session", "session_id"))
]
Decider = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "flags"))]
Adjustments = Annotated[KeyInfo, Depends(reads(Permission.FAIRNESS, "adjustments"))]
Responses = dict[int | str, dict[str, Any]]
ANSWERS: Responses = {
    **ERRORS,
    403: {**ERRORS[403], "description": "only the committee role"},
    404: {**ERRORS[404], "description": "no such session or flag"},
}
CSV: Responses = {200: {"content": {"text/csv": {}}, "description": "CSV, UTF-8"}}
PDF: Responses = {200: {"content": {"application/pdf": {}}, "description": "PDF (A4)"}}


@router.post("/sessions", response_model=SessionPublic, status_code=201, responses=ANSWERS)
def post_session(body: SessionCreate, key: Sessions, state: StateDep) -> dict[str, Any]:
    """Open a review session: its date, the members present, its scope."""
    return committee.create_session(state, body, key)


@router.get("/sessions", response_model=SessionsPublic, responses=ANSWERS)
def get_sessions(
    key: Sessions,
    state: StateDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Sessions, latest first."""
    return committee.sessions(state, limit, offset)


@router.get("/sessions/{session_id}", response_model=SessionDetail, responses=ANSWERS)
def get_session(session_id: SessionId, key: OneSession, state: StateDep) -> dict[str, Any]:
    """A session with its decisions, adjusted predikat and follow-ups."""
    return committee.session_detail(state, session_id)


@router.get(
    "/sessions/{session_id}/minutes.csv", response_class=Response, responses={**ANSWERS, **CSV}
)
def get_minutes_csv(session_id: SessionId, key: OneSession, state: StateDep) -> Response:
    """The minutes as CSV: one row per session, member, decision, adjustment, follow-up."""
    text = minutes_csv(committee.minutes_of(state, session_id))
    return _download(
        text.encode("utf-8"), "text/csv; charset=utf-8", f"berita-acara-{session_id}.csv"
    )


@router.get(
    "/sessions/{session_id}/minutes.pdf", response_class=Response, responses={**ANSWERS, **PDF}
)
def get_minutes_pdf(
    session_id: SessionId, key: OneSession, state: StateDep, lang: Lang = "id"
) -> Response:
    """The minutes (berita acara) as a PDF to sign."""
    pdf = minutes_pdf(committee.minutes_of(state, session_id), lang)
    return _download(pdf, "application/pdf", f"berita-acara-{session_id}.pdf")


@router.post("/decisions", response_model=DecisionsPublic, status_code=201, responses=ANSWERS)
def post_decisions(body: DecisionCreate, key: Decider, state: StateDep) -> dict[str, Any]:
    """Decide one or many flags under one reason, all or nothing; with one flag, adjusted
    predikat for its appraisals; a follow-up for each flag. Appended, never edited."""
    return committee.decide_body(state, body, key)


@router.get("/follow-ups", response_model=FollowUpsPublic, responses=ANSWERS)
def get_follow_ups(
    key: Decider,
    state: StateDep,
    flag_id: Annotated[str | None, Query(max_length=40, pattern=r"^[0-9A-Za-z_-]+$")] = None,
) -> dict[str, Any]:
    """Follow-ups, earliest due first."""
    return committee.follow_ups(state, flag_id)


@router.get("/adjustments.csv", response_class=Response, responses={**ANSWERS, **CSV})
def get_adjustments_csv(
    key: Adjustments,
    state: StateDep,
    history: Annotated[bool, Query(description="every adjustment, superseded ones marked")] = False,
) -> Response:
    """The adjusted predikat for the agency's system: the current one per appraisal. The
    source data are never written over."""
    text = adjustments_csv(committee.store_of(state).adjustments(), history=history)
    return _download(text.encode("utf-8"), "text/csv; charset=utf-8", "penyesuaian-predikat.csv")


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
