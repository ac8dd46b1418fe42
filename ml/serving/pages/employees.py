"""Pegawai: one employee's profile (competencies against the requirement, gaps, JPM, 9-box, JP)
and the model's recommendations, each with a waterfall of its reasons."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ml.contract.names import nip_query
from ml.serving import scope, service
from ml.serving.pages import charts, reasons
from ml.serving.pages.i18n import Translator
from ml.serving.pages.session import Session
from ml.serving.pages.web import (
    PageProblem,
    lang_of,
    log_read,
    needs,
    page_number,
    pager,
    render,
    served_or_503,
    state_of,
)
from ml.serving.roles import Permission
from ml.serving.schemas import NO_NUL

router = APIRouter(include_in_schema=False)

Reader = Annotated[Session, Depends(needs(Permission.READ_EMPLOYEES))]
NIP_EXAMPLE = "198503122010011002"
EXPLAINED = 3  # competencies shown with a waterfall; the rest in the table
PROGRAMS = 5


SearchText = Annotated[str, Query(max_length=100, pattern=NO_NUL)]
PER_PAGE = 25


@router.get("/pegawai")
def find(
    request: Request,
    reader: Reader,
    q: SearchText = "",
    unit: SearchText = "",
    page: Annotated[str, Query(max_length=10)] = "1",
    nip: SearchText = "",
) -> Response:
    """Find people by name, partial NIP (spaced or not) and unit. A whole NIP opens that
    employee's page; anything else lists who matches, best first, a page at a time."""
    if nip.strip():  # the earlier menu box sent ?nip=
        return RedirectResponse(f"/pegawai/{quote(nip.strip(), safe='')}", status_code=303)
    digits = nip_query(q.strip()) if q.strip() else None
    if digits is not None and len(digits) == len(NIP_EXAMPLE) and not unit.strip():
        return RedirectResponse(f"/pegawai/{digits}", status_code=303)
    number = page_number(page)
    served = served_or_503(request)
    asked = "&".join(f"{k}={v}" for k, v in (("q", q), ("unit", unit)) if v.strip())
    log_read(request, reader, "employee-search", asked[:200] or None)
    searched = bool(q.strip() or unit.strip())
    found = (
        state_of(request)
        .directory(served)
        .search(q, unit, number, PER_PAGE, scope.agencies(reader.key))
        if searched
        else None
    )
    return render(
        request,
        "people.html",
        {"q": q, "unit": unit, "found": found, "pager": pager(request, found)},
        session=reader,
    )


@router.get("/pegawai/{employee_id}")
def employee_page(
    request: Request,
    reader: Reader,
    employee_id: Annotated[str, Path(min_length=1, max_length=100, pattern=NO_NUL)],
) -> Response:
    state, served = state_of(request), served_or_503(request)
    log_read(request, reader, "employee", employee_id)  # attempts count, as in the API
    try:
        record = service.employee(state, served, employee_id, reader.key)
    except service.NotFound as error:
        raise PageProblem(404, "error.not_found", detail=str(error)) from None
    t = Translator(lang_of(request))
    profile = service.profile(record, reader.key)
    loaded = state.models.current
    recommended = (
        service.recommendations(record, served, loaded, programs=PROGRAMS, reasons=3)
        if loaded is not None
        else None
    )
    return render(
        request,
        "employee.html",
        {
            "p": profile,
            "levels": _levels_chart(profile, t),
            "box_chart": charts.nine_box(
                profile["talent"].get("box"),
                title=t("emp.talent"),
                performance=t("emp.performance"),
                potential=t("emp.potential"),
                describe=lambda box, rating, level: t(
                    "emp.box_tip", box=box, performance=t.code(rating), potential=t.code(level)
                ),
            ),
            "jp_charts": [
                (
                    year,
                    charts.jp_bar(
                        float(year["jp_taken"]),
                        float(profile["development"]["minimum_jp"]),
                        title=t("emp.jp"),
                    ),
                )
                for year in profile["development"]["years"]
            ],
            "rec": recommended,
            "waterfalls": _waterfalls(recommended, t) if recommended else [],
        },
        session=reader,
    )


def _levels_chart(profile: dict[str, Any], t: Translator) -> Any:
    bars = [
        charts.Bar(
            f"{c['competency_code']} {c.get('name') or ''}".strip(),
            c["last_level"] if c.get("gap_known") else None,
            c.get("required_level"),
        )
        for c in profile["competencies"]
    ]
    return charts.level_bars(
        bars,
        title=t("emp.competencies"),
        level=t("emp.level"),
        required=t("emp.required"),
        unknown=t("emp.unknown"),
    )


def _waterfalls(recommended: dict[str, Any], t: Translator) -> list[tuple[dict[str, Any], Any]]:
    """The competencies most likely needed, each with its reasons as a waterfall."""
    out = []
    for c in recommended["competencies"][:EXPLAINED]:
        steps = [
            charts.Step(
                t.feature(r["feature"], r["label"]), _value(r["value"], t), r["contribution"]
            )
            for r in c["reasons"]
        ]
        chart = charts.waterfall(
            c["baseline"],
            steps,
            c["other"],
            c["log_odds"],
            c["need_probability"],
            title=t("emp.why", competency=f"{c['competency_code']} {c['name']}"),
            labels={
                "baseline": t("wf.baseline"),
                "other": t("wf.other"),
                "log_odds": t("wf.log_odds"),
                "probability": t("wf.probability"),
                "probability_value": t.number(c["need_probability"], 2),
                "raises": t("wf.raises"),
                "lowers": t("wf.lowers"),
            },
            decimal="," if t.lang == "id" else ".",
        )
        # the same reasons in sentences: the chart's bars alone say little to a planner
        out.append((c | {"sentences": [reasons.sentence(r, t) for r in c["reasons"]]}, chart))
    return out


def _value(value: Any, t: Translator) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return t.number(value, 2) if value != int(value) else t.number(value)
    return t.code(value) if isinstance(value, str) else str(value)
