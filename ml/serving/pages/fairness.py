"""Keadilan (the merit committee alone): the audit's flags as charts and tables, one flag's
evidence and trail, and the review form that appends to the trail."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ml.serving import service
from ml.serving.pages import charts
from ml.serving.pages.data import family_counts, flags_by_family, group_table
from ml.serving.pages.i18n import Translator
from ml.serving.pages.session import CSRF_FIELD, Session
from ml.serving.pages.web import (
    PageProblem,
    check_csrf,
    lang_of,
    log_read,
    needs,
    render,
    settings_of,
    state_of,
)
from ml.serving.roles import Permission
from ml.serving.schemas import NO_NUL
from ml.store import ReviewError, UnknownFlagError
from ml.store.records import FAMILIES, STATUSES, Decision, FlagView

router = APIRouter(include_in_schema=False)

Committee = Annotated[Session, Depends(needs(Permission.FAIRNESS))]
FlagId = Annotated[str, Path(min_length=1, max_length=64, pattern=NO_NUL)]
PAGE = 25
RATERS_SHOWN = 40  # per family in the forest plot, most significant first
SCORES_SHOWN = 20


@router.get("/keadilan")
def fairness_page(
    request: Request,
    committee: Committee,
    family: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    state = state_of(request)
    log_read(request, committee, "flags", None)
    t = Translator(lang_of(request))
    chosen_family = family if family in FAMILIES else None
    chosen_status = status if status in STATUSES else None
    counts = family_counts(state)
    shown = flags_by_family(state, ("RATER", "DIFFERENTIAL", "SCORE", "PREDIKAT"), RATERS_SHOWN)
    raters = shown["RATER"] + shown["DIFFERENTIAL"]
    scores = (shown["SCORE"] + shown["PREDIKAT"])[:SCORES_SHOWN]
    listed = state.trail.flags(
        family=chosen_family, status=chosen_status, limit=PAGE, offset=offset
    )
    return render(
        request,
        "fairness.html",
        {
            "counts": counts,
            "forest": _rater_forest(raters, t),
            "groups": _group_chart(request, t),
            "scores": scores,
            "flags": listed,
            "family": chosen_family or "",
            "status": chosen_status or "",
            "families": FAMILIES,
            "statuses": STATUSES,
            "offset": offset,
            "page": PAGE,
        },
        session=committee,
    )


def _rater_forest(flags: list[FlagView], t: Translator) -> Any:
    rows = [
        charts.Interval(
            # differential functioning is about one group: name it instead of the kind
            label=f"{f.subject} · {f.group_label or t.code(f.kind)}",
            effect=f.effect,
            low=f.ci_low,
            high=f.ci_high,
            highlight=True,
            href=f"/keadilan/tanda/{f.flag_id}",
        )
        for f in sorted(flags, key=lambda f: f.effect or 0.0)
        if f.effect is not None
    ]
    if not rows:
        return None
    return charts.forest(rows, title=t("fair.raters"), axis=t("fair.effect_axis"))


def _group_chart(request: Request, t: Translator) -> Any:
    """Every group of the whole workforce, and the flagged groups of agencies and regions."""
    settings = settings_of(request)
    table = group_table(state_of(request), settings.home, settings.processed_dir / "audit")
    if table is None or table.empty:
        return None
    shown = table[(table["scope"] == "ALL") | table["flagged"].astype(bool)]
    rows = []
    for g in shown.to_dict("records"):
        if not _finite(g["conditional_effect"]):
            continue
        scope = "" if g["scope"] == "ALL" else f"{g['scope_value']} · "
        rows.append(
            charts.Interval(
                label=f"{scope}{g['attribute']} = {t.code(g['group'])}",
                effect=float(g["conditional_effect"]),
                low=float(g["ci_low"]) if _finite(g["ci_low"]) else None,
                high=float(g["ci_high"]) if _finite(g["ci_high"]) else None,
                highlight=bool(g["flagged"]),
            )
        )
    if not rows:
        return None
    return charts.forest(rows, title=t("fair.groups"), axis=t("fair.groups_axis"), bars=True)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


@router.get("/keadilan/tanda/{flag_id}")
def flag_page(
    request: Request,
    committee: Committee,
    flag_id: FlagId,
    saved: Annotated[bool, Query()] = False,
) -> Response:
    return _flag(request, committee, flag_id, saved=saved)


@router.post("/keadilan/tanda/{flag_id}/tinjau")
def review(
    request: Request,
    committee: Committee,
    flag_id: FlagId,
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    """Append the decision to the trail under the logged-in key's name, then show the trail
    (a redirect, so that reloading the page does not review twice)."""
    check_csrf(committee, csrf_token)
    log_read(request, committee, "flag", flag_id)
    try:
        service.review(state_of(request), flag_id, decision, reason, committee.key)
    except service.NotFound as error:
        raise PageProblem(404, "error.not_found", detail=str(error)) from None
    except ReviewError as error:
        form = {"decision": decision, "reason": reason}
        return _flag(request, committee, flag_id, error=str(error), form=form, status=422)
    return RedirectResponse(f"/keadilan/tanda/{flag_id}?saved=1", status_code=303)


def _flag(
    request: Request,
    committee: Session,
    flag_id: str,
    *,
    saved: bool = False,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    state = state_of(request)
    if request.method == "GET":  # a POST was logged by the review itself; attempts count
        log_read(request, committee, "flag", flag_id)
    try:
        flag = state.trail.flag(flag_id)
        trail = state.trail.trail(flag_id)
    except UnknownFlagError:
        raise PageProblem(404, "error.not_found", detail=flag_id) from None
    t = Translator(lang_of(request))
    chart = None
    if flag.effect is not None and flag.ci_low is not None and flag.ci_high is not None:
        chart = charts.forest(
            [charts.Interval(flag.subject, flag.effect, flag.ci_low, flag.ci_high, True)],
            title=t("fair.ci"),
            axis=t("fair.effect_axis"),
        )
    employee = (
        flag.subject.split("/")[0]
        if flag.family in ("RATER", "DIFFERENTIAL", "SCORE", "PREDIKAT")
        else None
    )
    return render(
        request,
        "flag.html",
        {
            "flag": flag,
            "trail": trail,
            "chart": chart,
            "employee": employee,
            "decisions": [d.value for d in Decision],
            "saved": saved,
            "error": error,
            "form": form or {"decision": "", "reason": ""},
        },
        status=status,
        session=committee,
    )
