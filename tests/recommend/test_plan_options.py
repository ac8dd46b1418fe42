"""Pins, exclusions and a hard JP minimum: optimal against brute force on tiny units, and an
infeasible budget explained with the budget that would be needed (computed, checked by brute
force too)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from ml.recommend.plan import (
    EXCLUDED,
    INFEASIBLE,
    NOTHING_TO_PLAN,
    Plan,
    PlanError,
    PlanLimits,
    plan_unit,
    rupiah,
)
from tests.recommend.test_plan import MILLION, candidates, check_feasible, people, random_unit


def _subsets(
    cand: pd.DataFrame, staff: pd.DataFrame, limits: PlanLimits, seats: dict[str, int]
) -> tuple[float, float]:
    """(best objective within the budget, least cost meeting everything but the budget) over
    every subset that meets the pins, the exclusions, the hard minimum, the JP limit and the
    seats; -inf / nan when there is none."""
    cost, jp = cand["cost_idr"].to_numpy(float), cand["jp"].to_numpy(float)
    gain = cand["expected_gain"].to_numpy(float)
    ids = staff["employee_id"].to_numpy()
    who = pd.Index(ids).get_indexer(cand["employee_id"])
    where = cand["program_id"].to_numpy()
    deficit = np.maximum(limits.minimum_jp - staff["jp_taken"].to_numpy(float), 0)
    excluded = np.isin(ids, list(limits.excluded_employees))
    barred = np.isin(cand["employee_id"], list(limits.excluded_employees)) | np.isin(
        where, list(limits.excluded_programs)
    )
    pinned = np.isin(ids, list(limits.pinned))
    best, cheapest = -np.inf, np.inf
    for bits in itertools.product((False, True), repeat=len(cand)):
        x = np.array(bits, dtype=bool)
        if (x & barred).any():
            continue
        planned = np.bincount(who[x], weights=jp[x], minlength=len(staff))
        attends = np.bincount(who[x], minlength=len(staff))
        short = np.maximum(deficit - planned, 0)
        if (
            (planned > limits.max_jp_per_person).any()
            or any((where[x] == p).sum() > s for p, s in seats.items())
            or (attends[pinned] == 0).any()
            or (limits.hard_minimum and (short[~excluded] > 1e-9).any())
        ):
            continue
        cheapest = min(cheapest, cost[x].sum())
        if cost[x].sum() <= limits.budget_idr:
            best = max(best, gain[x].sum() - limits.shortfall_penalty * short.sum())
    return float(best), float(cheapest) if np.isfinite(cheapest) else np.nan


def _check_options(plan: Plan, limits: PlanLimits) -> None:
    chosen = plan.assignments
    assert not chosen["employee_id"].isin(list(limits.excluded_employees)).any()
    assert not chosen["program_id"].isin(list(limits.excluded_programs)).any()
    assert set(limits.pinned) <= set(chosen["employee_id"])
    if limits.hard_minimum:
        kept = ~plan.per_person["employee_id"].isin(list(limits.excluded_employees))
        assert (plan.per_person.loc[kept, "short_of_minimum"] <= 1e-9).all()


@pytest.mark.parametrize("seed", range(40))
def test_options_equal_brute_force_on_tiny_units(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    cand, staff, seats = random_unit(rng, int(rng.integers(2, 4)), 3, 9)
    ids = list(staff["employee_id"])
    shuffled = list(rng.permutation(ids))
    n_pinned = int(rng.integers(0, 3))
    limits = PlanLimits(
        budget_idr=float(rng.integers(0, 20)) * MILLION,
        max_jp_per_person=float(rng.choice([40, 80])),
        shortfall_penalty=float(rng.choice([0.0, 0.02])),
        mip_rel_gap=0.0,
        pinned=frozenset(shuffled[:n_pinned]),
        excluded_employees=frozenset(shuffled[n_pinned : n_pinned + int(rng.integers(0, 2))]),
        excluded_programs=frozenset(["P2"] if rng.random() < 0.3 else []),
        hard_minimum=bool(rng.random() < 0.5),
    )
    plan = plan_unit(cand, staff, limits, seats)
    best, cheapest = _subsets(cand, staff, limits, seats)
    if np.isfinite(best):
        assert plan.status in ("optimal", NOTHING_TO_PLAN)
        assert plan.objective == pytest.approx(best, abs=1e-6)
        check_feasible(plan, limits, seats)
        _check_options(plan, limits)
        assert plan.needed_budget is None
    else:
        assert plan.status == INFEASIBLE and plan.assignments.empty
        assert plan.needed_budget is not None
        if np.isnan(cheapest):
            assert np.isnan(plan.needed_budget)
            assert "at any budget" in plan.explanation[0]
        else:
            assert plan.needed_budget == pytest.approx(cheapest)
            assert plan.needed_budget > limits.budget_idr
            assert rupiah(cheapest) in plan.explanation[0]


def test_a_pinned_person_gets_a_programme_the_budget_would_rather_spend_elsewhere() -> None:
    cand = candidates(("a", "P1", 5, 24, 0.9), ("b", "P2", 5, 24, 0.1))
    free = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=5 * MILLION))
    assert list(free.assignments["employee_id"]) == ["a"]
    pinned = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=5 * MILLION, pinned={"b"}))
    assert list(pinned.assignments["employee_id"]) == ["b"]


def test_the_hard_minimum_leaves_nobody_at_12_jp() -> None:
    # soft, the money buys a's large gain; hard, b's 8 JP come first
    cand = candidates(("a", "P1", 4, 40, 1.0), ("b", "P2", 3, 8, 0.05), ("a", "P2", 3, 8, 0.3))
    staff = people(a=30, b=12)
    soft = plan_unit(cand, staff, PlanLimits(budget_idr=4 * MILLION))
    assert soft.per_person.set_index("employee_id").loc["b", "jp_total"] == 12
    hard = plan_unit(cand, staff, PlanLimits(budget_idr=4 * MILLION, hard_minimum=True))
    assert hard.per_person.set_index("employee_id").loc["b", "jp_total"] == 20


def test_an_infeasible_budget_names_the_budget_needed() -> None:
    cand = candidates(("a", "P1", 4, 20, 0.5), ("b", "P1", 4, 20, 0.5), ("b", "P2", 2, 20, 0.1))
    plan = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=5 * MILLION, hard_minimum=True))
    assert plan.status == INFEASIBLE
    assert plan.needed_budget == 6 * MILLION
    assert "Rp 6.000.000" in plan.explanation[0] and "Rp 1.000.000 more" in plan.explanation[0]


def test_no_budget_helps_a_pinned_person_with_nothing_on_offer() -> None:
    cand = candidates(("a", "P1", 4, 20, 0.5))
    plan = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=50 * MILLION, pinned={"b"}))
    assert plan.status == INFEASIBLE and np.isnan(plan.needed_budget or 0.0)
    assert "at any budget" in plan.explanation[0] and "pinned b" in plan.explanation[0]


def test_excluded_people_and_programmes_get_nothing_and_say_why() -> None:
    cand = candidates(("a", "P1", 1, 20, 0.5), ("b", "P1", 1, 20, 0.5), ("b", "P2", 1, 20, 0.9))
    limits = PlanLimits(budget_idr=50 * MILLION, excluded_employees={"a"}, excluded_programs={"P2"})
    plan = plan_unit(cand, people(a=0, b=0), limits)
    pairs = zip(plan.assignments["employee_id"], plan.assignments["program_id"], strict=True)
    assert list(pairs) == [("b", "P1")]
    assert plan.per_person.set_index("employee_id").loc["a", "reason"] == EXCLUDED


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"pinned": {"zz"}}, "pinned names employees not in the unit: zz"),
        ({"excluded_employees": {"zz"}}, "excluded_employees names employees not in the unit"),
    ],
)
def test_unknown_people_are_named(changes: dict[str, set[str]], said: str) -> None:
    cand = candidates(("a", "P1", 1, 20, 0.5))
    with pytest.raises(PlanError, match=said):
        plan_unit(cand, people(a=0), PlanLimits(budget_idr=MILLION, **changes))  # type: ignore[arg-type]


def test_pinned_and_excluded_at_once_is_refused() -> None:
    with pytest.raises(PlanError, match="pinned and excluded at once: a"):
        PlanLimits(budget_idr=1.0, pinned=frozenset({"a"}), excluded_employees=frozenset({"a"}))
