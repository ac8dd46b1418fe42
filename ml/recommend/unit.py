"""A unit's plan from its tables: score the unit's employees with the champion need
model, estimate programme effects from the whole history, rank the candidate (employee,
programme) pairs by expected gain, and solve the plan (:mod:`ml.recommend.plan`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ml.contract import protected
from ml.contract.schemas import ALL_COLUMNS
from ml.errors import InputError
from ml.features.point_in_time import Tables
from ml.recommend.effects import estimate_program_effects
from ml.recommend.plan import Plan, PlanLimits, plan_unit
from ml.recommend.rank import candidate_gains, recently_completed
from ml.scoring import development_hours_by_employee
from ml.training.bundle import Bundle
from ml.training.score import latest_as_of, require_tables, score_workforce


def plan_columns() -> dict[str, tuple[str, ...]]:
    """What a unit plan reads: every column but the protected attributes."""
    return {**ALL_COLUMNS, "employees": tuple(
        c for c in ALL_COLUMNS["employees"] if c not in protected.SOURCE_COLUMNS
    )}  # fmt: skip


def known_before(tables: Tables, as_of: pd.Timestamp) -> Tables:
    """The history as it stood on ``as_of``: a plan for a past year must not learn programme
    effects from assessments and trainings that came after it."""
    out = dict(tables)
    assessed = tables["competency_assessments"]
    out["competency_assessments"] = assessed[(assessed["assessed_on"] <= as_of).to_numpy()]
    trainings = tables["trainings"]
    out["trainings"] = trainings[(trainings["end_date"] <= as_of).fillna(False).to_numpy()]
    return out


@dataclass(frozen=True)
class UnitPlan:
    unit_id: str
    as_of: pd.Timestamp
    employees: int
    candidates: pd.DataFrame
    plan: Plan


def plan_for_tables(
    tables: Tables,
    unit_id: str,
    limits: PlanLimits,
    bundle: Bundle,
    year: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> UnitPlan:
    """The plan for ``unit_id`` for ``year``, made on its 1 January (default: the year after
    the last appraisal period, when that period's appraisals are final). ``tables``: the
    contract tables, without protected attributes (recommendations never see gender or age)."""
    step = progress or (lambda _: None)
    present = sorted(set(protected.SOURCE_COLUMNS) & set(tables["employees"].columns))
    if present:
        raise ValueError(f"a unit plan must not be given protected attributes: {present}")
    require_tables(
        tables,
        ("position_requirements", "competency_assessments", "trainings", "training_catalog"),
        "a unit plan",
    )
    as_of = pd.Timestamp(year=year, month=1, day=1) if year else latest_as_of(tables)
    employees = tables["employees"]
    staff = employees[(employees["unit_id"].astype("str") == unit_id).to_numpy()]
    staff = staff[(staff["hire_date"] <= as_of).to_numpy()]
    if staff.empty:
        units = employees["unit_id"].astype("str").value_counts()
        raise InputError(
            f"unit {unit_id!r} has no employees on {as_of:%Y-%m-%d}; the largest units are "
            + ", ".join(f"{u} ({n})" for u, n in units.head(5).items())
        )
    step("programme effects")
    effects = estimate_program_effects(known_before(tables, as_of))
    step(f"need of {len(staff):,} employees")
    scores = score_workforce({**tables, "employees": staff}, bundle, as_of, explain_top=0)
    step("candidates")
    completed = recently_completed(tables["trainings"], as_of)
    candidates = candidate_gains(scores, tables["training_catalog"], effects, completed)
    taken = development_hours_by_employee(
        tables["trainings"][tables["trainings"]["end_date"] < as_of], as_of.year
    )
    people = pd.DataFrame({"employee_id": staff["employee_id"].to_numpy()})
    people["jp_taken"] = people["employee_id"].map(taken["jp_taken"]).fillna(0.0)
    step("solving")
    plan = plan_unit(
        candidates[["employee_id", "program_id", "competency_code", "cost_idr", "jp",
                    "expected_gain"]],
        people, limits,
    )  # fmt: skip
    return UnitPlan(unit_id, as_of, len(staff), candidates, plan)
