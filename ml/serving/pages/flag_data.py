"""What a flag's page shows beyond the flag itself: the appraisals behind it (from the audit
run's ``appraisal_residuals.csv``), the rater beside the other raters of the agency (from its
``rater_flags.csv``), and the flags related to it (same rater, same group). Read-only."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session as DbSession

from ml.serving.pages.data import audit_folders
from ml.serving.state import ServingState
from ml.store.models import Flag
from ml.store.records import FlagView

RESIDUALS = "appraisal_residuals.csv"
RATERS = "rater_flags.csv"
SHOWN = 60  # appraisals listed under a flag
RELATED = 12


@dataclass(frozen=True)
class Rating:
    employee_id: str
    name: str | None
    period: str
    rater_id: str | None
    predikat: str | None
    given: float | None
    expected: float | None
    residual: float | None
    kpi_attainment: float | None
    community_feedback: float | None


@dataclass(frozen=True)
class Behind:
    rows: list[Rating]
    total: int


@dataclass(frozen=True)
class Peer:
    rater_id: str
    effect: float
    flagged: bool
    ratees: int | None
    mde: float | None


def _find(state: ServingState, home: Path, fallback: Path, name: str) -> Path | None:
    for folder in audit_folders(state, home, fallback):
        if (folder / name).is_file():
            return folder / name
    return None


@lru_cache(maxsize=4)
def _read(path: str, _mtime: int) -> pd.DataFrame:  # the mtime keys the cache
    return pd.read_csv(
        path, dtype={"employee_id": str, "rater_id": str, "period": str, "unit_id": str,
                     "agency_id": str, "group": str},
        keep_default_na=True,
    )  # fmt: skip


def table(state: ServingState, home: Path, fallback: Path, name: str) -> pd.DataFrame | None:
    path = _find(state, home, fallback, name)
    return None if path is None else _read(str(path), path.stat().st_mtime_ns)


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None


def ratings_behind(
    residuals: pd.DataFrame | None, flag: FlagView, names: Mapping[str, str]
) -> Behind | None:
    """The appraisals a flag rests on: a rater's ratings, one person's rating of a period, or
    the ratings of a unit and period; most surprising (largest |residual|) first."""
    if residuals is None or residuals.empty:
        return None
    if flag.family in ("RATER", "DIFFERENTIAL"):
        chosen = residuals[residuals["rater_id"] == flag.subject]
    elif flag.family in ("SCORE", "PREDIKAT"):
        employee, _, period = flag.subject.partition("/")
        chosen = residuals[(residuals["employee_id"] == employee) & (residuals["period"] == period)]
    elif flag.family == "DISTRIBUTION":
        unit, _, period = flag.subject.partition("/")
        chosen = residuals[(residuals["unit_id"] == unit) & (residuals["period"] == period)]
    else:
        return None
    order = chosen["residual"].abs().sort_values(ascending=False).index
    rows = [
        Rating(
            employee_id=str(r["employee_id"]),
            name=names.get(str(r["employee_id"])),
            period=str(r["period"]),
            rater_id=None if pd.isna(r.get("rater_id")) else str(r["rater_id"]),
            predikat=None if pd.isna(r.get("predikat")) else str(r["predikat"]),
            given=_number(r.get("given")),
            expected=_number(r.get("expected")),
            residual=_number(r.get("residual")),
            kpi_attainment=_number(r.get("kpi_attainment")),
            community_feedback=_number(r.get("community_feedback")),
        )
        for _, r in chosen.loc[order[:SHOWN]].iterrows()
    ]
    return Behind(rows, len(chosen))


def peers(
    raters: pd.DataFrame | None, residuals: pd.DataFrame | None, flag: FlagView
) -> list[Peer]:
    """Every judged rater of the flag's agency (main effects only), the flag's rater included."""
    if raters is None or residuals is None or flag.family not in ("RATER", "DIFFERENTIAL"):
        return []
    main = raters[(raters["group"].fillna("") == "") & (raters["kind"] != "INSUFFICIENT_DATA")]
    if flag.agency_id:
        rated = residuals[residuals["agency_id"] == flag.agency_id]["rater_id"].dropna()
        main = main[main["rater_id"].isin(set(rated))]
    return [
        Peer(str(r["rater_id"]), float(r["effect"]), bool(r["flagged"]),
             int(r["ratees"]) if _number(r["ratees"]) is not None else None, _number(r["mde"]))
        for _, r in main.iterrows()
        if _number(r["effect"]) is not None
    ]  # fmt: skip


def related(state: ServingState, flag: FlagView) -> list[tuple[str, str, str, str | None]]:
    """Other flags on the same rater or employee, or of the same group label: (flag_id,
    family, subject, group_label)."""
    person = flag.subject.split("/")[0]
    conditions = [Flag.subject == flag.subject, Flag.subject.like(f"{person}/%")]
    if flag.group_label:
        conditions.append(Flag.group_label == flag.group_label)
    with DbSession(state.engine) as session:
        rows = session.execute(
            select(Flag.flag_id, Flag.family, Flag.subject, Flag.group_label)
            .where(or_(*conditions), Flag.flag_id != flag.flag_id)
            .order_by(Flag.family, Flag.subject)
            .limit(RELATED)
        ).all()
    return [(r.flag_id, r.family, r.subject, r.group_label) for r in rows]
