"""Job: a unit's training plan from a data directory and a registered need model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ml.config import Settings
from ml.features.io import load_tables
from ml.recommend.plan import PlanLimits
from ml.recommend.unit import UnitPlan, plan_columns, plan_for_tables
from ml.training.registry import NEED_MODEL, connect, load_model

STEPS = 6  # progress steps: reading, effects, need, candidates, solving


def plan_for_unit(
    data_dir: Path,
    unit_id: str,
    limits: PlanLimits,
    settings: Settings,
    *,
    alias: str = "champion",
    year: int | None = None,
    out: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> UnitPlan:
    """The plan for ``unit_id`` (see ``ml.recommend.unit.plan_for_tables``) with the need model
    under ``alias``; with ``out``, its assignments written there as CSV."""
    step = progress or (lambda _: None)
    bundle, _ = load_model(connect(settings), NEED_MODEL, alias)
    step("reading")
    # Everything but the protected attributes: recommendations never see gender or age.
    tables = load_tables(data_dir, plan_columns())
    result = plan_for_tables(tables, unit_id, limits, bundle, year, step)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.plan.assignments.to_csv(out, index=False)
    return result
