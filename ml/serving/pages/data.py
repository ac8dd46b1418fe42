"""What the pages show beyond the API's answers: a unit's need grid, the audit's group table and
a training run's card and calibration table. Read-only, computed from the same store, snapshot,
model and registry the API uses."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from markdown_it import MarkdownIt
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DbSession

from ml.contract.codes import CompetencyGroup
from ml.recommend.explain import NeedExplainer
from ml.serving.service import model_rows
from ml.serving.state import ServingState
from ml.store.models import AuditRun, Flag
from ml.store.records import FAMILIES, FlagView
from ml.store.repository import _views  # the trail's own view of a flag, so both agree
from ml.store.snapshots import EmployeeRecord

GROUP_ORDER = {g.value: i for i, g in enumerate(CompetencyGroup)}
CALIBRATION_TABLE = "tables/need_calibration.csv"
MODEL_CARD = "model_card.md"
GROUP_TABLE = "group_disparity.csv"


@dataclass(frozen=True)
class UnitNeeds:
    """A unit's employees (most need first) × the competencies their positions require."""

    employees: list[str]
    competencies: list[str]
    names: dict[str, str]
    probability: dict[tuple[str, str], float]
    known_gap: frozenset[tuple[str, str]]  # a positive gap by the rules


def unit_needs(staff: list[EmployeeRecord], explainer: NeedExplainer | None) -> UnitNeeds:
    """Every employee's need probability per required competency, in one call of the model;
    without a model, the rules' gaps alone (1 where positive, 0 where closed)."""
    rows: list[dict[str, Any]] = []
    owners: list[str] = []
    for record in staff:
        for row in model_rows(record):
            if row.get("required_level") is not None:
                rows.append(row)
                owners.append(record.employee_id)
    names: dict[str, str] = {}
    groups: dict[str, str] = {}
    known: set[tuple[str, str]] = set()
    gaps: dict[tuple[str, str], float] = {}
    for record in staff:
        for c in record.profile["competencies"]:
            code = c["competency_code"]
            names.setdefault(code, c.get("name") or code)
            groups.setdefault(code, c.get("group") or "")
            if c.get("gap") is not None:
                gaps[(record.employee_id, code)] = 1.0 if c["gap"] > 0 else 0.0
                if c["gap"] > 0:
                    known.add((record.employee_id, code))
    if explainer is not None and rows:
        chances = explainer.need_probability(rows)
        probability = {
            (owner, str(row["competency_code"])): float(p)
            for owner, row, p in zip(owners, rows, chances, strict=True)
        }
    else:
        probability = gaps
    codes = sorted(
        {code for _, code in probability}, key=lambda c: (GROUP_ORDER.get(groups.get(c, ""), 9), c)
    )
    total: dict[str, float] = {}
    for (employee, _), p in probability.items():
        total[employee] = total.get(employee, 0.0) + p
    ordered = sorted((r.employee_id for r in staff), key=lambda e: (-total.get(e, 0.0), e))
    return UnitNeeds(ordered, codes, names, probability, frozenset(known))


# --- the audit's flags, a page's worth at a time ---------------------------------------------


def family_counts(state: ServingState) -> dict[str, int]:
    """How many flags each family holds: one grouped count, not a count per family."""
    with DbSession(state.engine) as session:
        rows = session.execute(select(Flag.family, func.count()).group_by(Flag.family)).all()
    found = {str(family): int(n) for family, n in rows}
    return {family: found.get(family, 0) for family in FAMILIES}


def flags_by_family(
    state: ServingState, families: tuple[str, ...], limit: int
) -> dict[str, list[FlagView]]:
    """The ``limit`` most significant flags of each family in ``families`` (as the trail orders
    them), in one query: the few families the charts show, not the thousands of curve flags."""
    query = _views().where(Flag.family.in_(families))
    query = query.order_by(query.selected_columns.q_value.asc().nulls_last(), Flag.flag_id)
    with DbSession(state.engine) as session:
        rows = session.execute(query).all()
    out: dict[str, list[FlagView]] = {family: [] for family in families}
    for row in rows:
        view = FlagView(**row._mapping)
        if len(out[view.family]) < limit:
            out[view.family].append(view)
    return out


# --- the audit's group table --------------------------------------------------------------------


def group_table(state: ServingState, home: Path, fallback: Path) -> pd.DataFrame | None:
    """The group-disparity table of the latest audit run (its ``--out`` folder), or of
    ``fallback``; None when neither holds one."""
    for folder in audit_folders(state, home, fallback):
        path = folder / GROUP_TABLE
        if path.is_file():
            return _read_table(str(path), path.stat().st_mtime_ns)
    return None


def audit_folders(state: ServingState, home: Path, fallback: Path) -> list[Path]:
    """Where the latest audit run wrote its files (its ``out``), then ``fallback``."""
    with DbSession(state.engine) as session:
        parameters = session.scalars(
            select(AuditRun.parameters).order_by(AuditRun.started_at.desc()).limit(1)
        ).first()
    candidates = []
    out = (parameters or {}).get("out")
    if out:
        candidates += [Path(out), home / out]
    candidates.append(fallback)
    return candidates


@lru_cache(maxsize=4)
def _read_table(path: str, _mtime: int) -> pd.DataFrame:  # the mtime keys the cache
    return pd.read_csv(path, dtype={"scope_value": str, "group": str})


# --- a training run's artifacts -----------------------------------------------------------------


@dataclass(frozen=True)
class RunArtifacts:
    card: str | None
    calibration: pd.DataFrame | None


def run_artifacts(registry: Any, run_id: str) -> RunArtifacts:
    """The model card and calibration table of a run (cached: a run's artifacts never change)."""
    return _artifacts(registry, run_id)


@lru_cache(maxsize=16)
def _artifacts(registry: Any, run_id: str) -> RunArtifacts:
    with tempfile.TemporaryDirectory() as tmp:
        card = _download(registry, run_id, MODEL_CARD, tmp)
        table = _download(registry, run_id, CALIBRATION_TABLE, tmp)
        return RunArtifacts(
            card.read_text() if card else None, pd.read_csv(table) if table else None
        )


def _download(registry: Any, run_id: str, path: str, tmp: str) -> Path | None:
    try:
        return Path(registry.download_artifacts(run_id, path, tmp))
    except Exception:  # an older run without the artifact, or a store that lost it
        return None


_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)\s*$", re.MULTILINE)
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


def card_html(card: str, shift: int = 2) -> str:
    """The model card as HTML: raw HTML in it is escaped (``html=False``), its image lines
    dropped (the page draws the calibration plot itself) and its headings moved ``shift``
    levels down, under the page's own."""
    tokens = _markdown.parse(_IMAGE.sub("", card))
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
    return str(_markdown.renderer.render(tokens, _markdown.options, {}))
