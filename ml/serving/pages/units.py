"""Unit: the list of units, and one unit's need heat-map, JP shortfall and budget plan."""

from __future__ import annotations

from typing import Annotated, Any, cast
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from ml.pipelines.directory import UNIT_SORTS, UnitSort
from ml.recommend.money import RupiahError, parse_rupiah
from ml.recommend.plan import PlanError, PlanLimits, rupiah
from ml.serving import planning, scope, service
from ml.serving.pages import charts
from ml.serving.pages.data import unit_needs
from ml.serving.pages.i18n import Translator
from ml.serving.pages.session import CSRF_FIELD, Session
from ml.serving.pages.web import (
    PageProblem,
    check_csrf,
    lang_of,
    log_read,
    needs,
    page_number,
    pager,
    render,
    served_or_503,
    state_of,
)
from ml.serving.roles import Permission, allowed
from ml.serving.schemas import NO_NUL, PlanRequest
from ml.serving.state import Loaded
from ml.store.plans import PlanRecord, PlanStoreError

router = APIRouter(include_in_schema=False)

Planner = Annotated[Session, Depends(needs(Permission.PLAN_UNITS))]
UnitId = Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL)]
BUDGET_PER_EMPLOYEE = 2_500_000  # the form's first suggestion, as in `talenta demo`


UNITS_PER_PAGE = 25
SORT_LABELS = {
    "need": "units.sort.need",
    "shortfall": "units.sort.shortfall",
    "headcount": "units.sort.headcount",
    "name": "units.sort.name",
}


@router.get("/unit")
def units_page(
    request: Request,
    planner: Planner,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL)] = "",
    sort: Annotated[str, Query(max_length=20)] = "need",
    page: Annotated[str, Query(max_length=10)] = "1",
) -> Response:
    """The units with their names and what a planner looks at first: how many of their
    people have a known competency gap, and how many ended last year short of the JP minimum."""
    if sort not in UNIT_SORTS:
        raise PageProblem(400, "error.bad_sort", value=sort[:20], allowed=", ".join(UNIT_SORTS))
    number = page_number(page)
    served = served_or_503(request)
    directory = state_of(request).directory(served)
    found = directory.unit_list(
        q, cast(UnitSort, sort), number, UNITS_PER_PAGE, scope.agencies(planner.key)
    )
    sorts = {
        key: f"/unit?{urlencode({'q': q, 'sort': key})}" if q else f"/unit?sort={key}"
        for key in UNIT_SORTS
    }
    return render(
        request,
        "units.html",
        {
            "found": found,
            "total": directory.unit_list(per_page=1, agencies=scope.agencies(planner.key)).total,
            "q": q,
            "sort": sort,
            "sort_label": SORT_LABELS[sort],
            "sorts": sorts,
            "pager": pager(request, found),
        },
        session=planner,
    )


@router.get("/unit/{unit_id}")
def unit_page(
    request: Request,
    planner: Planner,
    unit_id: UnitId,
    dari: Annotated[str, Query(max_length=40, pattern=NO_NUL)] = "",
) -> Response:
    """The unit's needs and its plan form; ``?dari=PLAN`` fills the form from that saved plan,
    to save a new version of it."""
    parent = None
    if dari:
        try:
            parent = planning.plan(state_of(request), dari, planner.key)
        except service.NotFound:
            raise PageProblem(404, "error.plan_not_found") from None
        if parent.unit_id != unit_id:
            raise PageProblem(404, "error.plan_not_found")
    form = form_of(parent.inputs) if parent else None
    return _unit(request, planner, unit_id, form=form, plan=None, error=None, parent=parent)


@router.get("/unit/{unit_id}/rencana")
def plan_form_again(unit_id: UnitId) -> Response:
    """The form's address opened directly (a bookmark, a refresh after an error): the form."""
    return RedirectResponse(f"/unit/{quote(unit_id, safe='')}#plan", status_code=303)


def form_of(inputs: dict[str, Any]) -> dict[str, Any]:
    """The plan form filled from a saved plan's inputs (for its next version)."""
    return {
        "budget_idr": inputs.get("budget_text") or rupiah(float(inputs.get("budget_idr", 0))),
        "max_jp_per_person": _plain(inputs.get("max_jp_per_person", 80)),
        "minimum_jp": _plain(inputs.get("minimum_jp", 20)),
        "hard_minimum": bool(inputs.get("hard_minimum")),
        "pinned": list(inputs.get("pinned") or []),
        "excluded_employees": list(inputs.get("excluded_employees") or []),
        "excluded_programs": list(inputs.get("excluded_programs") or []),
    }


def _plain(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number).replace(".", ",")


@router.post("/unit/{unit_id}/rencana")
def plan_page(
    request: Request,
    planner: Planner,
    unit_id: UnitId,
    budget_idr: Annotated[str, Form(max_length=40)],
    max_jp_per_person: Annotated[str, Form(max_length=20)] = "80",
    minimum_jp: Annotated[str, Form(max_length=20)] = "20",
    hard_minimum: Annotated[str, Form(max_length=10)] = "",
    pinned: Annotated[list[str] | None, Form(max_length=1000)] = None,
    excluded_employees: Annotated[list[str] | None, Form(max_length=1000)] = None,
    excluded_programs: Annotated[list[str] | None, Form(max_length=1000)] = None,
    parent_id: Annotated[str, Form(max_length=40, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    """Make the plan for the form's budget, JP limits, pins and exclusions and save it as a
    draft (the next version of ``parent_id``'s plan when given); then go to its page
    (post/redirect/get: a refresh or a language switch shows the saved plan again)."""
    check_csrf(planner, csrf_token)
    parent = None
    if parent_id:
        try:
            parent = planning.plan(state_of(request), parent_id, planner.key)
        except service.NotFound:
            raise PageProblem(404, "error.plan_not_found") from None
    t = Translator(lang_of(request))
    choices = {
        "pinned": list(pinned or []),
        "excluded_employees": list(excluded_employees or []),
        "excluded_programs": list(excluded_programs or []),
    }
    form: dict[str, Any] = {
        "budget_idr": budget_idr,
        "max_jp_per_person": max_jp_per_person,
        "minimum_jp": minimum_jp,
        "hard_minimum": bool(hard_minimum),
        **choices,
    }
    try:
        # the same bounds as the API's body; rupiah as planners write them ("50 juta")
        body = PlanRequest(
            budget_idr=float(parse_rupiah(budget_idr)),
            max_jp_per_person=_jp(max_jp_per_person, "unit.max_jp", t),
            minimum_jp=_jp(minimum_jp, "unit.minimum_jp", t),
            hard_minimum=bool(hard_minimum),
            pinned=choices["pinned"],
            excluded_employees=choices["excluded_employees"],
            excluded_programs=choices["excluded_programs"],
        )
        PlanLimits(**body.model_dump())  # the optimiser's own checks, before saving anything
    except RupiahError as error:
        detail = t(
            "money.bad", field=t("unit.budget"), text=budget_idr, why=t(f"money.{error.code}")
        )
        return _unit(
            request, planner, unit_id, form=form, plan=None, error=detail, status=422,
            parent=parent,
        )  # fmt: skip
    except (_FieldError, ValidationError, PlanError) as error:
        detail = _detail(error, t)
        return _unit(
            request, planner, unit_id, form=form, plan=None, error=detail, status=422,
            parent=parent,
        )  # fmt: skip
    served, loaded = served_or_503(request), state_of(request).models.current
    if loaded is None:
        raise PageProblem(503, "error.unavailable", detail="talenta train --promote")
    inputs = {**body.model_dump(), "budget_text": budget_idr.strip()}
    try:
        saved = planning.save_plan(
            state_of(request), served, loaded, unit_id, inputs, planner.key,
            parent.plan_id if parent else None,
        )  # fmt: skip
    except service.NotFound as error:
        raise PageProblem(404, "error.not_found", detail=str(error)) from None
    except (PlanError, PlanStoreError) as error:  # a pinned or excluded person not in the unit
        detail = _detail(error, t)
        return _unit(
            request, planner, unit_id, form=form, plan=None, error=detail, status=422,
            parent=parent,
        )  # fmt: skip
    return RedirectResponse(f"/rencana/{saved.plan_id}", status_code=303)


class _FieldError(ValueError):
    """A form field that is not a number; the message is already in the page's language."""


def _jp(text: str, label: str, t: Translator) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise _FieldError(t("form.not_a_number", field=t(label), text=text)) from None
    return value


# the form's fields by the API's names, for messages in the page's language
_FIELDS = {
    "budget_idr": "unit.budget",
    "max_jp_per_person": "unit.max_jp",
    "minimum_jp": "unit.minimum_jp",
    "pinned": "unit.pinned",
    "excluded_employees": "unit.excluded_employees",
    "excluded_programs": "unit.excluded_programs",
}


def _detail(error: Exception, t: Translator) -> str:
    """The error in the page's language, naming the field: never pydantic's English."""
    if isinstance(error, ValidationError):
        parts = []
        for e in error.errors():
            field = t(_FIELDS.get(str(e["loc"][0]), "form.field")) if e["loc"] else t("form.field")
            ctx = e.get("ctx") or {}
            kind = e["type"]
            if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
                limit = next(iter(ctx.values()), "")
                number = t.number(float(limit), 0) if isinstance(limit, int | float) else limit
                parts.append(t(f"form.{kind}", field=field, limit=number))
            else:
                parts.append(t("form.invalid", field=field))
        return "; ".join(parts)
    if isinstance(error, PlanError):
        text = str(error)
        if text.startswith("pinned and excluded at once"):
            return t("unit.pinned_and_excluded")
        return t("unit.not_in_unit")
    return str(error)


def _unit(
    request: Request,
    planner: Session,
    unit_id: str,
    *,
    form: dict[str, Any] | None,
    plan: dict[str, Any] | None,
    error: str | None,
    status: int = 200,
    loaded: Loaded | None = None,
    parent: PlanRecord | None = None,
) -> Response:
    """The unit's page; ``loaded`` is the model a plan on it was made with, so that the plan
    and the heat-map come from one version even when a reload happens in between."""
    state, served = state_of(request), served_or_503(request)
    log_read(request, planner, "unit", unit_id)  # attempts count, as in the API
    staff = service.unit_staff(state, served, unit_id, planner.key)
    if not staff:
        raise PageProblem(404, "error.not_found", detail=unit_id)
    t = Translator(lang_of(request))
    loaded = loaded or state.models.current
    grid = unit_needs(staff, loaded.explainer if loaded else None)
    # People by name where the source names them (the planner reads employees: names allowed).
    shown = allowed(planner.key.role, Permission.READ_EMPLOYEES)
    names = {
        r.employee_id: r.profile["full_name"] for r in staff if shown and r.profile.get("full_name")
    }
    nips = {r.employee_id: r.profile.get("nip") or r.employee_id for r in staff}
    heatmap = charts.heatmap(
        grid.employees,
        grid.competencies,
        grid.probability,
        title=t("unit.heatmap"),
        marked=grid.known_gap,
        row_links={e: f"/pegawai/{e}" for e in grid.employees},
        column_titles=grid.names,
        row_labels=names,
        cell_title=lambda e, c, p: t(
            "unit.cell",
            employee=f"{names[e]} ({nips[e]})" if e in names else e,
            competency=f"{c} {grid.names.get(c, '')}",
            probability=t.number(p, 2),
        ),
        legend=("0", t("unit.heatmap_label"), "1"),
    )
    development = {r.employee_id: r.profile["development"] for r in staff}
    minimum = next(iter(development.values()))["minimum_jp"]
    years = next(iter(development.values()))["years"]
    form = form or {
        "budget_idr": rupiah(BUDGET_PER_EMPLOYEE * len(staff)),
        "max_jp_per_person": "80",
        "minimum_jp": str(minimum),
        "hard_minimum": False,
        "pinned": [],
        "excluded_employees": [],
        "excluded_programs": [],
    }
    titles = {pid: str(p.get("title") or pid) for pid, p in served.programs.items()}
    return render(
        request,
        "unit.html",
        {
            "unit_id": unit_id,
            "unit_name": next((r.profile.get("unit_name") for r in staff), None),
            "agency_id": staff[0].profile.get("agency_id"),
            "names": names,
            "nips": nips,
            "employees": len(staff),
            "heatmap": heatmap,
            "grid": grid,
            "minimum": minimum,
            "shortfall": _shortfall(development),
            "year": years[-1]["year"],
            "last_year": years[-2]["year"] if len(years) > 1 else None,
            "form": form,
            # the people and programmes a planner may pin or exclude, by name
            "staff_choices": sorted(
                ((r.employee_id, names.get(r.employee_id) or nips[r.employee_id]) for r in staff),
                key=lambda c: c[1],
            ),
            "program_choices": sorted(titles.items(), key=lambda c: c[1]),
            "plan": plan,
            "summary": plan_summary(plan, titles) if plan else None,
            "error": error,
            "rupiah": rupiah,
            "parent": parent,
            "saved_plans": planning.plans(state, planner.key, unit_id=unit_id, limit=20)[0],
        },
        status=status,
        session=planner,
    )


def _shortfall(development: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Who ended last year (the last complete one) short of the JP minimum, beside their JP so
    far this year; and this year's count, which early in the year is nearly everyone."""
    rows = []
    for employee, d in development.items():
        this_year = d["years"][-1]
        last_year = d["years"][-2] if len(d["years"]) > 1 else None
        judged = last_year or this_year
        if judged["shortfall"] > 0:
            rows.append({"employee_id": employee, "this": this_year, "last": last_year})
    rows.sort(key=lambda r: (-(r["last"] or r["this"])["shortfall"], r["employee_id"]))
    this_years = [d["years"][-1] for d in development.values()]
    return {
        "rows": rows,
        "short": sum(1 for y in this_years if y["shortfall"] > 0),
        "jp": sum(y["shortfall"] for y in this_years),
        "short_last": sum(1 for r in rows if r["last"] is not None),
    }


def plan_summary(plan: dict[str, Any], titles: dict[str, str]) -> dict[str, Any]:
    """The plan's places per programme and per employee, and who stays short of the minimum."""
    programmes: dict[str, dict[str, Any]] = {}
    people: dict[str, dict[str, Any]] = {}
    for a in plan["assignments"]:
        p = programmes.setdefault(
            a["program_id"],
            {
                "title": titles.get(a["program_id"], a["program_id"]),
                "places": 0,
                "cost": 0.0,
                "jp": a["jp"],
            },
        )
        p["places"] += 1
        p["cost"] += a["cost_idr"]
        e = people.setdefault(a["employee_id"], {"titles": [], "jp": 0.0, "cost": 0.0, "gain": 0.0})
        e["titles"].append(titles.get(a["program_id"], a["program_id"]))
        e["jp"] += a["jp"]
        e["cost"] += a["cost_idr"]
        e["gain"] += a["expected_gain"]
    return {
        "programmes": sorted(programmes.values(), key=lambda p: (-p["places"], p["title"])),
        "people": sorted(people.items(), key=lambda kv: (-kv[1]["gain"], kv[0])),
        "short": [p for p in plan["per_person"] if p["short_of_minimum"] > 0],
    }
