"""The audit's findings as review-trail records (:mod:`ml.store`), each with a stable id so that
a committee's decisions stay attached to the same flag when the audit runs again."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pandas as pd

from ml.fairness.audit import AuditResult
from ml.store.records import FlagRecord, stable_flag_id


def flag_records(result: AuditResult) -> list[FlagRecord]:
    """Every flagged finding: raters, differential functioning, group gaps, single scores,
    predikat against the rule and distribution-curve breaks."""
    where = _rater_places(result.frame)
    records: list[FlagRecord] = []
    for r in _rows(result.rater_flags[result.rater_flags["flagged"]]):
        family = "DIFFERENTIAL" if r.kind == "DIFFERENTIAL" else "RATER"
        agency, region = where.get(str(r.rater_id), (None, None))
        group = str(r.group) or None
        records.append(
            FlagRecord(
                flag_id=stable_flag_id(family, r.kind, r.rater_id, group),
                family=family,
                kind=str(r.kind),
                subject=str(r.rater_id),
                group_label=group,
                agency_id=agency,
                region=region,
                n=int(r.n),
                effect=r.effect,
                ci_low=r.ci_low,
                ci_high=r.ci_high,
                q_value=r.q_value,
                evidence={
                    "measure": "rater effect on the residual (given − expected), unshrunk GLS "
                    "with random ratee effects",
                    "target": result.target,
                    "ratees": _plain(r.ratees),
                    "se": _plain(r.se),
                    "shrunk": _plain(r.shrunk),
                    "minimum_detectable_effect": _plain(r.mde),
                },
            )
        )
    for g in _rows(result.group_disparity[result.group_disparity["flagged"]]):
        label = f"{g.attribute}={g.group}"
        records.append(
            FlagRecord(
                flag_id=stable_flag_id("GROUP", "DISPARITY", g.scope, g.scope_value, label),
                family="GROUP",
                kind="DISPARITY",
                subject=f"{g.scope}={g.scope_value}",
                group_label=label,
                agency_id=str(g.scope_value) if g.scope == "agency_id" else None,
                region=str(g.scope_value) if g.scope == "region" else None,
                n=int(g.n),
                effect=g.conditional_effect,
                ci_low=g.ci_low,
                ci_high=g.ci_high,
                q_value=g.q_value,
                evidence={
                    "top_rate": g.top_rate,
                    "ratio_to_best": _plain(g.ratio_to_best),
                    "four_fifths_ok": bool(g.four_fifths_ok),
                },
            )
        )
    people = result.frame.drop_duplicates("employee_id").set_index("employee_id")
    for s in _rows(result.score_flags):
        subject = f"{s.employee_id}/{s.period}"
        evidence = {k: _plain(v) for k, v in vars(s).items() if k not in ("flagged",)}
        records.append(
            FlagRecord(
                flag_id=stable_flag_id("SCORE", "OUTLIER", subject),
                family="SCORE",
                kind="OUTLIER",
                subject=subject,
                agency_id=_get(people, s.employee_id, "agency_id"),
                region=_get(people, s.employee_id, "region"),
                n=1,
                effect=s.residual,
                q_value=s.q_value,
                evidence=evidence,
            )
        )
    for m in _rows(result.predikat_mismatches):
        subject = f"{m.employee_id}/{m.period}"
        records.append(
            FlagRecord(
                flag_id=stable_flag_id("PREDIKAT", "MISMATCH", subject),
                family="PREDIKAT",
                kind="MISMATCH",
                subject=subject,
                agency_id=_get(people, m.employee_id, "agency_id"),
                evidence={k: _plain(v) for k, v in vars(m).items()},
            )
        )
    # a unit's agency, so that a committee session scoped to an agency sees its units' curves
    unit_agency = (
        _modal(result.frame, "unit_id", "agency_id")
        if len(result.curve_breaks) and {"unit_id", "agency_id"} <= set(result.frame)
        else {}
    )
    for c in _rows(result.curve_breaks):
        subject = f"{c.unit_id}/{c.period}"
        records.append(
            FlagRecord(
                flag_id=stable_flag_id("DISTRIBUTION", "CURVE", subject),
                family="DISTRIBUTION",
                kind="CURVE",
                subject=subject,
                agency_id=unit_agency.get(str(c.unit_id)),
                n=int(c.n),
                evidence={"message": c.message, "count": int(c.count), "allowed": int(c.allowed)},
            )
        )
    return records


def _rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(**{str(k): v for k, v in row.items()}) for row in frame.to_dict("records")
    ]


def _rater_places(frame: pd.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """Each rater's agency and region: those of most of the rater's ratees."""
    rated = frame[frame["rater_id"].notna()]
    agency = _modal(rated, "rater_id", "agency_id")
    region = _modal(rated, "rater_id", "region") if "region" in rated else {}
    return {r: (agency.get(r), region.get(r)) for r in dict.fromkeys((*agency, *region))}


def _modal(frame: pd.DataFrame, key: str, column: str) -> dict[str, str]:
    """Per value of ``key``, the most frequent known ``column`` (the smallest among ties, as
    ``Series.mode``): counted at once, not a group at a time (half a million raters
    nationally)."""
    known = frame.loc[frame[key].notna() & frame[column].notna(), [key, column]]
    if known.empty:
        return {}
    known = known.astype("str")
    counts = known.groupby([key, column], observed=True).size().reset_index(name="_n")
    counts = counts.sort_values(["_n", column], ascending=[False, True], kind="stable")
    top = counts.drop_duplicates(key)
    return dict(zip(top[key], top[column], strict=True))


def _get(people: pd.DataFrame, employee_id: object, column: str) -> str | None:
    if column not in people or employee_id not in people.index:
        return None
    value: Any = people.at[employee_id, column]
    return None if pd.isna(value) else str(value)


def _plain(value: Any) -> Any:
    """A JSON-safe value: numpy scalars as Python numbers, NaN as None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)
