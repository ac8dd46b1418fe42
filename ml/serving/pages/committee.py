"""The committee's sessions (``/keadilan/sidang``): open one, decide the open flags in its scope
many at once under one reason, download its minutes (berita acara) as PDF or CSV; the adjusted
predikat for the agency's system (``/keadilan/penyesuaian.csv``); and the distribution-curve
findings per unit, apart from the fairness flags (``/keadilan/kurva``). The committee alone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ml.serving import committee as committee_service
from ml.serving import service
from ml.serving.minutes import adjustments_csv, minutes_csv, minutes_pdf
from ml.serving.pages.fairness import field_problem
from ml.serving.pages.flag_text import group_words
from ml.serving.pages.i18n import Translator, local_today
from ml.serving.pages.session import CSRF_FIELD, Session
from ml.serving.pages.web import (
    PageProblem,
    check_csrf,
    lang_of,
    log_read,
    needs,
    render,
    state_of,
)
from ml.serving.roles import Permission
from ml.serving.schemas import NO_NUL
from ml.serving.state import ServingState
from ml.store.committee import CommitteeError, SessionRecord
from ml.store.models import Flag
from ml.store.records import FAMILIES, Decision, FlagView
from ml.store.repository import _views  # the trail's own view of a flag, so both agree

router = APIRouter(include_in_schema=False)

Committee = Annotated[Session, Depends(needs(Permission.FAIRNESS))]
SessionId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
SHOWN = 100  # open flags listed on a session's page
CURVE_UNITS = 200


@router.get("/keadilan/sidang")
def sessions_page(request: Request, committee: Committee) -> Response:
    log_read(request, committee, "committee_sessions", None)
    return _sessions(request, committee)


def _sessions(
    request: Request,
    committee: Session,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    state = state_of(request)
    found, total = committee_service.store_of(state).sessions(limit=100)
    return render(
        request,
        "sessions.html",
        {
            "sessions": found,
            "total": total,
            "agencies": _flag_agencies(state),
            "scope": _scope,
            "error": error,
            "form": form or {"held_on": local_today().isoformat(), "members": committee.key.name},
        },
        status=status,
        session=committee,
    )


@router.post("/keadilan/sidang")
def create_session(
    request: Request,
    committee: Committee,
    held_on: Annotated[str, Form(max_length=20, pattern=NO_NUL)] = "",
    members: Annotated[str, Form(max_length=10_000, pattern=NO_NUL)] = "",
    agency_id: Annotated[str, Form(max_length=100, pattern=NO_NUL)] = "",
    unit_id: Annotated[str, Form(max_length=100, pattern=NO_NUL)] = "",
    period: Annotated[str, Form(max_length=20, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    check_csrf(committee, csrf_token)
    log_read(request, committee, "committee_sessions", None)
    form = {"held_on": held_on, "members": members, "agency_id": agency_id,
            "unit_id": unit_id, "period": period}  # fmt: skip
    t = Translator(lang_of(request))
    try:
        try:
            day = date.fromisoformat(held_on.strip())
        except ValueError:
            raise CommitteeError(f"held_on must be a date, got {held_on!r}") from None
        if period.strip() and not _is_period(period.strip()):
            raise CommitteeError(f"period must be YYYY or YYYY-MM, got {period!r}")
        made = committee_service.store_of(state_of(request)).create_session(
            day, [m for m in members.splitlines() if m.strip()],
            committee_service.who(committee.key),
            agency_id=agency_id, unit_id=unit_id, period=period,
        )  # fmt: skip
    except CommitteeError as error:
        detail = field_problem(str(error), t)
        return _sessions(request, committee, error=detail, form=form, status=422)
    return RedirectResponse(f"/keadilan/sidang/{made.session_id}", status_code=303)


def _flag_agencies(state: ServingState) -> list[str]:
    """The agencies the audit's flags belong to: a session's scope is chosen among them, so
    that a mistyped code or a name cannot scope a session to no flag at all."""
    with DbSession(state.engine) as session:
        rows = session.scalars(
            select(Flag.agency_id).where(Flag.agency_id.is_not(None)).distinct()
        ).all()
    return sorted(str(r) for r in rows)


def _is_period(text: str) -> bool:
    year, _, month = text.partition("-")
    return (
        len(year) == 4 and year.isdigit() and (not month or (len(month) == 2 and month.isdigit()))
    )


def _scope(s: SessionRecord, t: Translator) -> str:
    parts = [
        f"{t(key)} {value}".replace(" (opsional)", "").replace(" (optional)", "")
        for key, value in (("flag.agency", s.agency_id), ("curve.unit", s.unit_id),
                           ("col.period", s.period))
        if value
    ]  # fmt: skip
    return ", ".join(parts) or t("sess.all")


@router.get("/keadilan/sidang/{session_id}")
def session_page(
    request: Request,
    committee: Committee,
    session_id: SessionId,
    family: Annotated[str, Query(max_length=20)] = "",
    saved: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    log_read(request, committee, "committee_session", session_id)
    return _session(request, committee, session_id, family=family, saved=saved)


def _session(
    request: Request,
    committee: Session,
    session_id: str,
    *,
    family: str = "",
    saved: int = 0,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    state = state_of(request)
    try:
        minutes = committee_service.minutes_of(state, session_id)
    except service.NotFound:
        raise PageProblem(404, "error.not_found", detail=session_id) from None
    chosen = family if family in FAMILIES else ""
    flags, total = _open_in_scope(state, minutes.session, chosen)
    return render(
        request,
        "session.html",
        {
            "s": minutes.session,
            "scope": _scope(minutes.session, Translator(lang_of(request))),
            "minutes": minutes,
            "flags": flags,
            "total": total,
            "family": chosen,
            "families": FAMILIES,
            "group_words": group_words,
            "who": _who(request),
            "decisions": [d.value for d in Decision],
            "saved": saved,
            "error": error,
            "form": form or {},
        },
        status=status,
        session=committee,
    )


def _open_in_scope(
    state: ServingState, s: SessionRecord, family: str
) -> tuple[list[FlagView], int]:
    """Open flags of the session's agency (all agencies when it names none), most significant
    first; the unit scope narrows curve flags to the unit."""
    query = _views("OPEN")
    if s.agency_id:
        query = query.where(Flag.agency_id == s.agency_id)
    if s.unit_id:
        query = query.where(Flag.subject.like(f"{s.unit_id}/%") | (Flag.family != "DISTRIBUTION"))
    if s.period:
        query = query.where(
            (Flag.family.not_in(("DISTRIBUTION", "SCORE", "PREDIKAT")))
            | Flag.subject.like(f"%/{s.period}")
        )
    if family:
        query = query.where(Flag.family == family)
    with DbSession(state.engine) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        q = query.selected_columns.q_value
        rows = session.execute(
            query.order_by(q.asc().nulls_last(), Flag.flag_id).limit(SHOWN)
        ).all()
    return [FlagView(**row._mapping) for row in rows], int(total)


@router.post("/keadilan/sidang/{session_id}/putuskan")
async def bulk_decide(
    request: Request,
    committee: Committee,
    session_id: SessionId,
) -> Response:
    """Decide the chosen flags under one reason, all or nothing (post/redirect/get)."""
    form = await request.form()
    check_csrf(committee, str(form.get(CSRF_FIELD) or "")[:100])
    log_read(request, committee, "committee_session", session_id)
    flag_ids = [str(v)[:40] for v in form.getlist("flag_id")][:500]
    decision = str(form.get("decision") or "")[:20]
    reason = str(form.get("reason") or "")[:4000].replace("\x00", "")
    family = str(form.get("family") or "")[:20]
    t = Translator(lang_of(request))
    kept = {"decision": decision, "reason": reason}
    if not flag_ids:
        return _session(request, committee, session_id, family=family,
                        error=t("sess.nothing_chosen"), form=kept, status=422)  # fmt: skip
    try:
        found = committee_service.decide(
            state_of(request), flag_ids, decision, reason,
            committee_service.who(committee.key), session_id=session_id,
        )  # fmt: skip
    except service.NotFound as error:
        raise PageProblem(404, "error.not_found", detail=str(error)) from None
    except CommitteeError as error:
        return _session(request, committee, session_id, family=family,
                        error=field_problem(str(error), t), form=kept, status=422)  # fmt: skip
    suffix = f"&family={family}" if family in FAMILIES else ""
    return RedirectResponse(
        f"/keadilan/sidang/{session_id}?saved={found['count']}{suffix}", status_code=303
    )


@router.get("/keadilan/sidang/{session_id}/berita-acara.pdf")
def minutes_pdf_page(request: Request, committee: Committee, session_id: SessionId) -> Response:
    log_read(request, committee, "committee_session", session_id)
    minutes = _minutes(request, session_id)
    body = minutes_pdf(minutes, lang_of(request), _names(request))
    return _download(body, "application/pdf", f"berita-acara-{session_id}.pdf")


@router.get("/keadilan/sidang/{session_id}/berita-acara.csv")
def minutes_csv_page(request: Request, committee: Committee, session_id: SessionId) -> Response:
    log_read(request, committee, "committee_session", session_id)
    body = minutes_csv(_minutes(request, session_id)).encode("utf-8")
    return _download(body, "text/csv; charset=utf-8", f"berita-acara-{session_id}.csv")


@router.get("/keadilan/penyesuaian.csv")
def adjustments_page(request: Request, committee: Committee) -> Response:
    log_read(request, committee, "adjustments", None)
    adjustments = committee_service.store_of(state_of(request)).adjustments()
    body = adjustments_csv(adjustments).encode("utf-8")
    return _download(body, "text/csv; charset=utf-8", "penyesuaian-predikat.csv")


def _minutes(request: Request, session_id: str) -> Any:
    try:
        return committee_service.minutes_of(state_of(request), session_id)
    except service.NotFound:
        raise PageProblem(404, "error.not_found", detail=session_id) from None


def _who(request: Request) -> Callable[[str], str | None]:
    """A flag subject's name (person or unit), for the session's tables."""
    state = state_of(request)
    served = state.served()
    if served is None:
        return lambda _: None
    return state.directory(served).subject_name


def _names(request: Request) -> Mapping[str, str]:
    from ml.serving.pages.fairness import _names as names

    return names(request)


def _download(body: bytes, media_type: str, name: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/keadilan/kurva")
def curve_page(request: Request, committee: Committee) -> Response:
    """Distribution-curve findings summarised per unit: how many periods break the curve, the
    largest break, how many are still open."""
    log_read(request, committee, "flags", "DISTRIBUTION")

    query = _views().where(Flag.family == "DISTRIBUTION")
    with DbSession(state_of(request).engine) as session:
        rows = [FlagView(**row._mapping) for row in session.execute(query.order_by(Flag.subject))]
    units: dict[str, dict[str, Any]] = {}
    for f in rows:
        unit, _, period = f.subject.partition("/")
        u = units.setdefault(unit, {"unit": unit, "periods": [], "open": 0, "worst": None,
                                    "people": 0, "flag_id": f.flag_id})  # fmt: skip
        u["periods"].append(period)
        u["open"] += f.status == "OPEN"
        u["people"] = max(u["people"], f.n or 0)
        count, allowed = f.evidence.get("count"), f.evidence.get("allowed")
        if isinstance(count, int) and isinstance(allowed, int):
            miss = abs(count - allowed)
            if u["worst"] is None or miss > u["worst"][0]:
                u["worst"] = (miss, count, allowed, f.flag_id)
    ordered = sorted(units.values(), key=lambda u: (-len(u["periods"]), u["unit"]))
    return render(
        request,
        "curve.html",
        {"units": ordered[:CURVE_UNITS], "total": len(ordered)},
        session=committee,
    )
