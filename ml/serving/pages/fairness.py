"""Keadilan (the merit committee alone): the audit's flags as charts and tables, one flag's
evidence and trail, and the review form that appends to the trail."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from ml.scoring.codes import Predikat
from ml.serving import committee as committee_service
from ml.serving import service
from ml.serving.pages import charts, coverage_text, flag_data, flag_text
from ml.serving.pages.data import family_counts, flags_by_family, group_table
from ml.serving.pages.i18n import STRINGS, Translator
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
from ml.store.committee import AdjustmentInput, CommitteeError, FollowUpInput
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
            "back_query": urlencode(
                {"family": chosen_family or "", "status": chosen_status or "", "offset": offset}
            ),
            "q_words": flag_text.q_words,
            "group_words": flag_text.group_words,
            "names": _names(request),
            "unflagged": _unflagged(request, t),
            "coverage": _coverage(request, t),
        },
        session=committee,
    )


def _coverage(request: Request, t: Translator) -> dict[str, Any] | None:
    """The latest audit run's coverage in words: which checks ran, which did not and why, and
    the design seen. None before any audit recorded one (older runs did not)."""
    run = state_of(request).trail.latest_run()
    if run is None or "coverage" not in run.parameters:
        return None
    rows = coverage_text.coverage_view(run.parameters["coverage"], t.lang)
    return {
        "started_at": run.started_at,
        "design": coverage_text.design_sentence(run.parameters.get("design") or {}, t.lang),
        "rows": rows,
        "missing": [r for r in rows if not r.ran],
    }


def _rater_forest(flags: list[FlagView], t: Translator) -> Any:
    rows = [
        charts.Interval(
            # differential functioning is about one group: name it instead of the kind
            label=f"{f.subject} · {flag_text.group_words(f.group_label, t.lang) or t.code(f.kind)}",
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
    return charts.forest(
        rows, title=t("fair.raters"), axis=t("fair.effect_axis"), decimal=_decimal(t)
    )


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
                label=scope + flag_text.group_words(f"{g['attribute']}={g['group']}", t.lang),
                effect=float(g["conditional_effect"]),
                low=float(g["ci_low"]) if _finite(g["ci_low"]) else None,
                high=float(g["ci_high"]) if _finite(g["ci_high"]) else None,
                highlight=bool(g["flagged"]),
            )
        )
    if not rows:
        return None
    return charts.forest(
        rows, title=t("fair.groups"), axis=t("fair.groups_axis"), bars=True, decimal=_decimal(t)
    )


def _decimal(t: Translator) -> str:
    return "," if t.lang == "id" else "."


def _unflagged(request: Request, t: Translator) -> str | None:
    """How small a bias the unflagged raters' data could have shown (their minimum detectable
    effects), in one sentence."""
    settings = settings_of(request)
    raters = flag_data.table(
        state_of(request), settings.home, settings.processed_dir / "audit", flag_data.RATERS
    )
    if raters is None or raters.empty:
        return None
    judged = raters[(raters["kind"] == "NONE") & raters["mde"].notna()]
    if judged.empty:
        return None
    mde = judged["mde"].astype(float)
    return t(
        "fair.unflagged", count=t.number(len(judged)), median=t.number(float(mde.median()), 2),
        low=t.number(float(mde.min()), 2), high=t.number(float(mde.max()), 2),
    )  # fmt: skip


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


BackFamily = Annotated[str, Query(max_length=20)]


def back_link(family: str, status: str, offset: int) -> str:
    """The list of flags as the committee left it: its filters and page."""
    params = {
        k: v
        for k, v in (("family", family if family in FAMILIES else ""),
                     ("status", status if status in STATUSES else ""),
                     ("offset", str(offset) if offset else ""))
        if v
    }  # fmt: skip
    return "/keadilan" + (f"?{urlencode(params)}" if params else "") + "#flags"


@router.get("/keadilan/tanda/{flag_id}")
def flag_page(
    request: Request,
    committee: Committee,
    flag_id: FlagId,
    saved: Annotated[bool, Query()] = False,
    family: BackFamily = "",
    status: BackFamily = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    return _flag(request, committee, flag_id, saved=saved, back=back_link(family, status, offset))


@router.post("/keadilan/tanda/{flag_id}/tinjau")
def review(
    request: Request,
    committee: Committee,
    flag_id: FlagId,
    decision: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000, pattern=NO_NUL)] = "",
    session_id: Annotated[str, Form(max_length=32, pattern=NO_NUL)] = "",
    appraisal: Annotated[str, Form(max_length=200, pattern=NO_NUL)] = "",
    adjusted_predikat: Annotated[str, Form(max_length=20, pattern=NO_NUL)] = "",
    assignee: Annotated[str, Form(max_length=200, pattern=NO_NUL)] = "",
    due_on: Annotated[str, Form(max_length=20, pattern=NO_NUL)] = "",
    back: Annotated[str, Form(max_length=300, pattern=NO_NUL)] = "",
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
) -> Response:
    """Append the decision to the trail under the logged-in key's name (with an adjusted
    predikat, a follow-up and the session when given), then show the trail (a redirect, so
    that reloading the page does not review twice)."""
    check_csrf(committee, csrf_token)
    log_read(request, committee, "flag", flag_id)
    state = state_of(request)
    form = {"decision": decision, "reason": reason, "session_id": session_id,
            "appraisal": appraisal, "adjusted_predikat": adjusted_predikat,
            "assignee": assignee, "due_on": due_on}  # fmt: skip
    back = back if back.startswith("/keadilan") else back_link("", "", 0)
    extras = any(v.strip() for v in (session_id, appraisal, adjusted_predikat, assignee, due_on))
    try:
        if not extras:
            service.review(state, flag_id, decision, reason, committee.key)
        else:
            adjustments, follow = _extras(appraisal, adjusted_predikat, assignee, due_on)
            committee_service.decide(
                state, [flag_id], decision, reason, committee_service.who(committee.key),
                session_id=session_id.strip() or None, adjustments=adjustments,
                follow_up=follow,
            )  # fmt: skip
    except service.NotFound as error:
        raise PageProblem(404, "error.not_found", detail=str(error)) from None
    except (ReviewError, CommitteeError) as error:
        t = Translator(lang_of(request))
        detail = field_problem(str(error), t)
        return _flag(request, committee, flag_id, error=detail, form=form, status=422, back=back)
    keep = "" if back == back_link("", "", 0) else "&" + urlencode({"kembali": back})
    return RedirectResponse(f"/keadilan/tanda/{flag_id}?saved=1{keep}", status_code=303)


FIELDS = (
    "members", "held_on", "reason", "decision", "assignee", "due_on", "adjusted_predikat",
    "period", "agency_id", "unit_id", "flag_ids", "reviewer",
)  # fmt: skip


def field_problem(message: str, t: Translator) -> str:
    """A store's English message as the page's words: which field to check."""
    for name in FIELDS:
        if message.startswith(name) or f" {name}" in message or f"{name}:" in message:
            key = f"field.{name}"
            return t("flag.bad_field", field=t(key) if key in STRINGS[t.lang] else name)
    return t("flag.bad_field", field="—")


def _extras(
    appraisal: str, adjusted_predikat: str, assignee: str, due_on: str
) -> tuple[list[AdjustmentInput], FollowUpInput | None]:
    adjustments: list[AdjustmentInput] = []
    if appraisal.strip() or adjusted_predikat.strip():
        employee, _, rest = appraisal.partition("|")
        period, _, original = rest.partition("|")
        if not employee or not period:
            raise CommitteeError("adjusted_predikat: choose the appraisal to adjust")
        adjustments.append(
            AdjustmentInput(employee, period, adjusted_predikat.strip(), original or None)
        )
    follow = None
    if assignee.strip() or due_on.strip():
        try:
            due = date.fromisoformat(due_on.strip())
        except ValueError:
            raise CommitteeError(f"due_on must be a date, got {due_on!r}") from None
        follow = FollowUpInput(assignee, due)
    return adjustments, follow


def _flag(
    request: Request,
    committee: Session,
    flag_id: str,
    *,
    saved: bool = False,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
    back: str = "/keadilan#flags",
) -> Response:
    state = state_of(request)
    if request.method == "GET":  # a POST was logged by the review itself; attempts count
        log_read(request, committee, "flag", flag_id)
        back = request.query_params.get("kembali") or back
        back = back if back.startswith("/keadilan") else "/keadilan#flags"
    try:
        flag = state.trail.flag(flag_id)
        trail = state.trail.trail(flag_id)
    except UnknownFlagError:
        raise PageProblem(404, "error.not_found", detail=flag_id) from None
    t = Translator(lang_of(request))
    chart = None
    if flag.effect is not None and flag.ci_low is not None and flag.ci_high is not None:
        # one estimate: no label column, so that it reads on a phone too
        chart = charts.forest(
            [charts.Interval("", flag.effect, flag.ci_low, flag.ci_high, True)],
            title=t("flag.ci_title"),
            axis=t("fair.effect_axis"),
            label_w=20.0,
            decimal=_decimal(t),
        )
    employee = flag.subject.split("/")[0] if flag.family in ("SCORE", "PREDIKAT") else None
    settings = settings_of(request)
    fallback = settings.processed_dir / "audit"
    residuals = flag_data.table(state, settings.home, fallback, flag_data.RESIDUALS)
    names = _names(request)
    # whom the flag is about, by name where the directory knows them: a person (a rater is a
    # superior, an employee too when the export includes them; a score's subject is
    # "employee/period") or a unit (a curve flag)
    served = state.served()
    subject_name = None if served is None else state.directory(served).subject_name(flag.subject)
    behind = flag_data.ratings_behind(residuals, flag, names)
    raters = flag_data.table(state, settings.home, fallback, flag_data.RATERS)
    peers = flag_data.peers(raters, residuals, flag)
    store = committee_service.store_of(state)
    return render(
        request,
        "flag.html",
        {
            "flag": flag,
            "trail": trail,
            "chart": chart,
            "paragraph": flag_text.paragraph(flag, t.lang, subject_name),
            "group_words": flag_text.group_words(flag.group_label, t.lang),
            "q_words": flag_text.q_words(flag.q_value, t.lang),
            "evidence": _evidence(flag.evidence, t),
            "behind": behind,
            "peers_chart": _peers_chart(peers, flag, t),
            "related": flag_data.related(state, flag),
            "employee": employee,
            "subject_name": subject_name,
            "decisions": [d.value for d in Decision],
            "predikats": [p.value for p in Predikat],
            "sessions": store.sessions(limit=20)[0],
            "adjustments": store.adjustments(flag_id=flag_id),
            "follow_ups": store.follow_ups(flag_id=flag_id),
            "saved": saved,
            "error": error,
            "back": back,
            "form": form or {},
        },
        status=status,
        session=committee,
    )


def _names(request: Request) -> Mapping[str, str]:
    served = state_of(request).served()
    if served is None:
        return {}
    return state_of(request).directory(served).names


def _evidence(evidence: dict[str, Any], t: Translator) -> list[tuple[str, str]]:
    """The evidence a committee can read: known fields with their words and numbers in the
    page's format (the audit's own technical notes are left to ``audit.md``)."""
    shown = []
    for name, value in evidence.items():
        key = f"ev.{name}"
        if key not in STRINGS[t.lang] or value is None:
            continue
        if isinstance(value, bool):
            text = t("common.yes") if value else t("common.no")
        elif isinstance(value, int | float):
            text = t.number(value, 0 if isinstance(value, int) else 2)
        else:
            text = t.code(value)
        shown.append((t(key), text))
    return shown


def _peers_chart(peers: list[flag_data.Peer], flag: FlagView, t: Translator) -> Any:
    if len(peers) < 2:
        return None
    unit = t("flag.peers_axis")
    points = []
    for p in peers:
        mine = p.rater_id == flag.subject
        tip = f"{p.rater_id}: {flag_text.number(p.effect, t.lang)}"
        if not p.flagged and not mine:
            tip += " — " + flag_text.no_flag(p.rater_id, p.ratees, p.mde, t.lang)
        points.append(charts.Dot(p.rater_id, p.effect, mine, p.flagged, tip))
    return charts.dots(
        points,
        title=t("flag.peers"),
        axis=unit,
        legend=(t("flag.legend_this"), t("flag.legend_flagged"), t("flag.legend_other")),
        decimal="," if t.lang == "id" else ".",
    )
