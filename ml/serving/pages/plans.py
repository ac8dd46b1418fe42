"""Saved plans: the list, one plan (its inputs, result, status trail and the actions its status
allows), two plans side by side, and the plan as XLSX or PDF.

Every form here posts and then redirects to a page that shows the result (post/redirect/get), and
every address a form posts to answers a GET with that page too: no "Method Not Allowed"."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ml.recommend.plan import rupiah
from ml.serving import planning, service
from ml.serving.documents import plan_document
from ml.serving.export import PDF_TYPE, XLSX_TYPE, to_pdf, to_xlsx
from ml.serving.pages.i18n import Translator
from ml.serving.pages.session import CSRF_FIELD, Session
from ml.serving.pages.units import plan_summary
from ml.serving.pages.web import (
    PageProblem,
    check_csrf,
    lang_of,
    log_read,
    needs,
    page_number,
    render,
    state_of,
)
from ml.serving.roles import Permission
from ml.serving.schemas import NO_NUL
from ml.store.plans import STATUSES, FourEyesError, PlanRecord, PlanStoreError

router = APIRouter(include_in_schema=False)

Planner = Annotated[Session, Depends(needs(Permission.PLAN_UNITS))]
PlanId = Annotated[str, Path(min_length=1, max_length=40, pattern=NO_NUL)]
PER_PAGE = 25
# why a step was refused, as the redirect after it names it (?ditolak=)
REFUSED_FOUR_EYES, REFUSED_NOTE, REFUSED_MOVE = "empat-mata", "catatan", "langkah"


def _plan(request: Request, planner: Session, plan_id: str) -> PlanRecord:
    log_read(request, planner, "plan", plan_id)  # a plan names people: reads are logged
    try:
        return planning.plan(state_of(request), plan_id, planner.key)
    except service.NotFound:
        raise PageProblem(404, "error.plan_not_found") from None


@router.get("/rencana")
def plans_page(
    request: Request,
    planner: Planner,
    unit: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
    page: Annotated[str, Query(max_length=10)] = "1",
) -> Response:
    """The saved plans the planner may see, newest first (of one unit with ``?unit=``)."""
    number = page_number(page)
    found, total = planning.plans(
        state_of(request), planner.key, unit or None, PER_PAGE, (number - 1) * PER_PAGE
    )
    pages = max(1, -(-total // PER_PAGE))
    link = "/rencana?" + (f"unit={unit}&" if unit else "")
    return render(
        request,
        "plans.html",
        {
            "saved_plans": found,
            "total": total,
            "rupiah": rupiah,
            "pager": {
                "prev": f"{link}page={number - 1}" if number > 1 else None,
                "next": f"{link}page={number + 1}" if number < pages else None,
            }
            if pages > 1
            else None,
        },
        session=planner,
    )


@router.get("/rencana/banding")
def compare_page(
    request: Request,
    planner: Planner,
    a: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
    b: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
) -> Response:
    """Plans ``a`` and ``b`` of one unit side by side: totals and who gains or loses places."""
    if not a or not b:
        raise PageProblem(400, "compare.pick")
    first, second = _plan(request, planner, a), _plan(request, planner, b)
    if first.unit_id != second.unit_id:
        raise PageProblem(400, "compare.other_unit")
    # the earlier plan on the left, whichever page the comparison was asked from, so that the
    # difference always reads as what changed from the earlier plan to the later one
    if (second.created_at, second.version) < (first.created_at, first.version):
        first, second = second, first
    both = planning.compared(state_of(request), first.plan_id, second.plan_id, planner.key)
    names = {**_names(first), **_names(second)}
    titles = {**first.result.get("titles", {}), **second.result.get("titles", {})}
    return render(
        request,
        "plan_compare.html",
        {
            "a": first,
            "b": second,
            "c": both.comparison,
            "delta": both.comparison.delta,
            "names": names,
            "titles": titles,
            "rupiah": rupiah,
        },
        session=planner,
    )


@router.get("/rencana/{plan_id}")
def plan_page(
    request: Request,
    planner: Planner,
    plan_id: PlanId,
    selesai: Annotated[str, Query(max_length=20)] = "",
    ditolak: Annotated[str, Query(max_length=20)] = "",
    ke: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """One saved plan; ``?selesai=STATUS`` says the step just taken, ``?ditolak=WHY&ke=STATUS``
    why a step was refused (the action redirects here either way: a refresh re-sends nothing)."""
    record = _plan(request, planner, plan_id)
    t = Translator(lang_of(request))
    refused = None
    if ditolak == REFUSED_FOUR_EYES:
        refused = t("plan.four_eyes")
    elif ditolak == REFUSED_NOTE:
        refused = t("plan.need_note")
    elif ditolak == REFUSED_MOVE and ke in STATUSES:
        refused = t("plan.bad_move", status=t(f"status.{record.status}"), target=t(f"status.{ke}"))
    return _show(
        request, planner, record, done=selesai if selesai in STATUSES else None, refused=refused
    )


def _show(
    request: Request,
    planner: Session,
    record: PlanRecord,
    *,
    done: str | None = None,
    refused: str | None = None,
) -> Response:
    t = Translator(lang_of(request))
    result = record.result
    titles: dict[str, str] = result.get("titles") or {}
    people: dict[str, dict[str, Any]] = result.get("people") or {}
    names = {e: p["name"] for e, p in people.items() if p.get("name")}
    nips = {e: p.get("nip") or e for e, p in people.items()}
    others, _ = planning.plans(state_of(request), planner.key, unit_id=record.unit_id, limit=50)
    inputs = record.inputs
    label = {e: names.get(e) or nips.get(e, e) for e in people}
    return render(
        request,
        "plan.html",
        {
            "p": record,
            "plan": result,
            "summary": plan_summary(result, titles),
            "names": names,
            "nips": nips,
            "year": str(result.get("as_of", ""))[:4],
            "rupiah": rupiah,
            "budget": rupiah(float(inputs.get("budget_idr", 0))),
            "pinned": [label.get(e, e) for e in inputs.get("pinned") or []],
            "excluded": [label.get(e, e) for e in inputs.get("excluded_employees") or []],
            "excluded_programs": [titles.get(x, x) for x in inputs.get("excluded_programs") or []],
            "own": record.created_by_key == planner.key.key_id,
            "moves": record.moves_for(planner.key.key_id),
            "others": [o for o in others if o.plan_id != record.plan_id],
            "done": done,
            "refused": refused,
            "result_heading": False,  # the section's own heading says it
            "t": t,
        },
        session=planner,
    )


@router.post("/rencana/{plan_id}/status")
def move_plan(
    request: Request,
    planner: Planner,
    plan_id: PlanId,
    status: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    """Propose, approve or return the plan (approve and return: not its author); then back to
    the plan's page."""
    check_csrf(planner, csrf_token)
    _plan(request, planner, plan_id)
    try:
        planning.move(state_of(request), plan_id, status, planner.key, note)
    except FourEyesError:
        why = f"ditolak={REFUSED_FOUR_EYES}"
    except PlanStoreError as error:
        if str(error).startswith("note"):
            why = f"ditolak={REFUSED_NOTE}"
        else:
            why = f"ditolak={REFUSED_MOVE}&ke={quote(status[:20], safe='')}"
    else:
        why = f"selesai={status}"
    return RedirectResponse(f"/rencana/{plan_id}?{why}", status_code=303)


@router.get("/rencana/{plan_id}/status")
def move_plan_again(plan_id: PlanId) -> Response:
    """The action's address opened directly: the plan's page."""
    return RedirectResponse(f"/rencana/{plan_id}", status_code=303)


@router.get("/rencana/{plan_id}/unduh.{kind}")
def export_plan(
    request: Request,
    planner: Planner,
    plan_id: PlanId,
    kind: Annotated[str, Path(pattern="^(xlsx|pdf)$")],
) -> Response:
    """The plan as an XLSX workbook or a PDF, in the page's language."""
    record = _plan(request, planner, plan_id)
    document = plan_document(record, Translator(lang_of(request)))
    body, media = (to_xlsx(document), XLSX_TYPE) if kind == "xlsx" else (to_pdf(document), PDF_TYPE)
    filename = f"rencana-{record.unit_id}-v{record.version}.{kind}"
    return Response(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{_ascii(filename)}"',
            "Cache-Control": "no-store",
        },
    )


def _names(record: PlanRecord) -> dict[str, str]:
    people: dict[str, dict[str, Any]] = record.result.get("people") or {}
    return {e: p.get("name") or p.get("nip") or e for e, p in people.items()}


def _ascii(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "-" for c in text)
