"""The unit plan: optimal on small instances, never below greedy, always within its limits."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import OptimizeResult

from ml.recommend.plan import (
    CANDIDATE_COLUMNS,
    CAPACITY,
    NO_NEEDS,
    NO_PROGRAMME,
    NOTHING_TO_PLAN,
    PENALTY,
    Plan,
    PlanError,
    PlanLimits,
    greedy_plan,
    plan_unit,
    rupiah,
)

MILLION = 1_000_000


def candidates(*rows: tuple[str, str, float, float, float]) -> pd.DataFrame:
    """(employee_id, program_id, cost in million rupiah, jp, expected_gain) rows."""
    frame = pd.DataFrame(rows, columns=["employee_id", "program_id", "cost_idr", "jp", "gain"])
    return pd.DataFrame(
        {
            "employee_id": frame["employee_id"],
            "program_id": frame["program_id"],
            "competency_code": "M1",
            "cost_idr": (frame["cost_idr"] * MILLION).round().astype("int64"),
            "jp": frame["jp"],
            "expected_gain": frame["gain"],
        }
    )


def people(**jp_taken: float) -> pd.DataFrame:
    return pd.DataFrame({"employee_id": list(jp_taken), "jp_taken": list(jp_taken.values())})


def random_unit(
    rng: np.random.Generator, n_people: int, n_programmes: int, pairs: int
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Up to ``pairs`` random (employee, programme) candidates, prices in half millions."""
    all_pairs = list(itertools.product(range(n_people), range(n_programmes)))
    picked = rng.choice(len(all_pairs), size=min(pairs, len(all_pairs)), replace=False)
    cost = rng.integers(0, 20, n_programmes) * MILLION / 2
    jp = rng.choice([0, 8, 16, 24, 40, 60, 90], n_programmes)
    rows = [
        (f"e{e}", f"P{p}", cost[p] / MILLION, jp[p], round(float(rng.uniform(0, 1)), 3))
        for e, p in (all_pairs[i] for i in picked)
    ]
    staff = pd.DataFrame(
        {
            "employee_id": [f"e{e}" for e in range(n_people)],
            "jp_taken": rng.choice([0, 5, 12, 20, 30], n_people),
        }
    )
    seats = {f"P{p}": int(rng.integers(0, 4)) for p in range(n_programmes)}
    return candidates(*rows), staff, seats


def check_feasible(plan: Plan, limits: PlanLimits, seats: dict[str, int]) -> None:
    chosen = plan.assignments
    assert chosen["cost_idr"].sum() <= limits.budget_idr + 1e-6
    assert (chosen.groupby("employee_id")["jp"].sum() <= limits.max_jp_per_person + 1e-9).all()
    taken = chosen["program_id"].value_counts()
    for program_id, count in taken.items():
        assert count <= seats.get(str(program_id), limits.default_capacity)


def brute_force(
    cand: pd.DataFrame, staff: pd.DataFrame, limits: PlanLimits, seats: dict[str, int]
) -> float:
    """Best objective over every subset of the candidates."""
    cost, jp = cand["cost_idr"].to_numpy(float), cand["jp"].to_numpy(float)
    gain = cand["expected_gain"].to_numpy(float)
    who = pd.Index(staff["employee_id"]).get_indexer(cand["employee_id"])
    where = cand["program_id"].to_numpy()
    deficit = np.maximum(limits.minimum_jp - staff["jp_taken"].to_numpy(float), 0)
    best = -np.inf
    for bits in itertools.product((False, True), repeat=len(cand)):
        x = np.array(bits, dtype=bool)
        planned = np.bincount(who[x], weights=jp[x], minlength=len(staff))
        if (
            cost[x].sum() > limits.budget_idr
            or (planned > limits.max_jp_per_person).any()
            or any((where[x] == p).sum() > s for p, s in seats.items())
        ):
            continue
        value = gain[x].sum() - limits.shortfall_penalty * np.maximum(deficit - planned, 0).sum()
        best = max(best, value)
    return float(best)


@pytest.mark.parametrize("seed", range(12))
def test_plan_equals_brute_force_on_small_units(seed: int) -> None:
    rng = np.random.default_rng(seed)
    cand, staff, seats = random_unit(rng, int(rng.integers(3, 5)), 3, 12)
    limits = PlanLimits(
        budget_idr=float(rng.integers(0, 30)) * MILLION,
        max_jp_per_person=float(rng.choice([16, 40, 80])),
        shortfall_penalty=float(rng.choice([0.0, 0.02, 0.1])),
        mip_rel_gap=0.0,
    )
    plan = plan_unit(cand, staff, limits, seats)
    assert plan.objective == pytest.approx(brute_force(cand, staff, limits, seats), abs=1e-6)
    check_feasible(plan, limits, seats)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    n_people=st.integers(1, 8),
    n_programmes=st.integers(1, 6),
    pairs=st.integers(0, 40),
    budget_m=st.integers(-2, 60),
    max_jp=st.sampled_from([0.0, 8.0, 24.0, 40.0, 80.0]),
    penalty=st.sampled_from([0.0, 0.005, 0.02, 0.5]),
)
def test_plan_keeps_limits_and_beats_greedy(
    seed: int,
    n_people: int,
    n_programmes: int,
    pairs: int,
    budget_m: int,
    max_jp: float,
    penalty: float,
) -> None:
    cand, staff, seats = random_unit(np.random.default_rng(seed), n_people, n_programmes, pairs)
    limits = PlanLimits(
        budget_idr=budget_m * MILLION / 2, max_jp_per_person=max_jp, shortfall_penalty=penalty
    )
    plan = plan_unit(cand, staff, limits, seats)
    greedy = greedy_plan(cand, staff, limits, seats)
    if limits.budget_idr >= 0:
        check_feasible(plan, limits, seats)
        check_feasible(greedy, limits, seats)
    assert plan.objective >= greedy.objective - 1e-9
    per_person = plan.per_person.set_index("employee_id")
    planned = plan.assignments.groupby("employee_id")["jp"].sum()
    assert np.allclose(per_person["jp_planned"].reindex(planned.index), planned)
    still_short = per_person["short_of_minimum"] > 0
    assert (per_person["reason"][still_short] != "").all()
    assert (per_person["reason"][~still_short] == "").all()


def test_assignment_columns_in_order_and_sorted() -> None:
    cand = candidates(("b", "P2", 1, 8, 0.5), ("a", "P2", 1, 8, 0.5), ("a", "P1", 1, 8, 0.5))
    plan = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=10 * MILLION))
    assert list(plan.assignments.columns) == CANDIDATE_COLUMNS
    assert CANDIDATE_COLUMNS == [
        "employee_id", "program_id", "competency_code", "cost_idr", "jp", "expected_gain",
    ]  # fmt: skip
    assert plan.assignments[["employee_id", "program_id"]].values.tolist() == [
        ["a", "P1"],
        ["a", "P2"],
        ["b", "P2"],
    ]
    assert plan.status == "optimal"
    assert plan.optimality_gap == 0
    assert plan.total_cost == 3 * MILLION
    assert list(plan.per_person.columns) == [
        "employee_id", "jp_taken", "jp_planned", "jp_total", "short_of_minimum", "reason",
    ]  # fmt: skip


def test_rupiah_uses_indonesian_thousands_separator() -> None:
    assert rupiah(7_500_000) == "Rp 7.500.000"
    assert rupiah(0) == "Rp 0"
    assert rupiah(999.6) == "Rp 1.000"


@pytest.mark.parametrize(
    ("budget", "cand", "said"),
    [
        (0, candidates(("a", "P1", 7.5, 24, 0.5)), "the budget is Rp 0"),
        (-MILLION, candidates(("a", "P1", 7.5, 24, 0.5)), "the budget is -Rp 1.000.000"),
        (
            5 * MILLION,
            candidates(("a", "P1", 7.5, 24, 0.5), ("a", "P2", 9, 24, 0.5)),
            "the cheapest programme costs Rp 7.500.000, more than the budget of Rp 5.000.000",
        ),
        (5 * MILLION, candidates().astype({"jp": float, "expected_gain": float}), NO_NEEDS),
    ],
)
def test_nothing_to_plan_says_why(budget: float, cand: pd.DataFrame, said: str) -> None:
    for plan in (
        plan_unit(cand, people(a=0), PlanLimits(budget_idr=budget)),
        greedy_plan(cand, people(a=0), PlanLimits(budget_idr=budget)),
    ):
        assert plan.status == NOTHING_TO_PLAN
        assert plan.assignments.empty
        assert list(plan.assignments.columns) == CANDIDATE_COLUMNS
        assert any(said in line for line in plan.explanation)
        assert plan.objective == pytest.approx(-0.02 * 20)
        assert plan.per_person["short_of_minimum"].tolist() == [20]


def test_nothing_fits_the_limit_or_has_a_seat() -> None:
    cand = candidates(("a", "P1", 1, 24, 0.5))
    too_long = plan_unit(cand, people(a=0), PlanLimits(budget_idr=MILLION, max_jp_per_person=16))
    assert "longer than the per-person limit of 16 JP" in too_long.explanation[0]
    no_seat = plan_unit(cand, people(a=0), PlanLimits(budget_idr=MILLION), {"P1": 0})
    assert "no programme on offer has a seat" in no_seat.explanation[0]


def test_free_programmes_are_planned_on_a_zero_budget() -> None:
    cand = candidates(("a", "P1", 0, 20, 0.2), ("a", "P2", 1, 20, 0.9))
    plan = plan_unit(cand, people(a=0), PlanLimits(budget_idr=0))
    assert plan.assignments["program_id"].tolist() == ["P1"]


def reason(plan: Plan, employee_id: str) -> str:
    return str(plan.per_person.set_index("employee_id").at[employee_id, "reason"])


def test_reason_no_programme() -> None:
    plan = plan_unit(
        candidates(("b", "P1", 1, 24, 0.5)), people(a=0, b=0), PlanLimits(budget_idr=MILLION)
    )
    assert reason(plan, "a") == NO_PROGRAMME
    assert reason(plan, "b") == ""


def test_reason_budget_exhausted() -> None:
    # b and c together (10 M) beat a alone (7 M), though a's programme is worth more per rupiah
    # than c's: only the lumpiness of the budget leaves a out.
    cand = candidates(("a", "P3", 7, 20, 2.0), ("b", "P1", 4, 20, 1.0), ("c", "P2", 6, 20, 1.4))
    plan = plan_unit(cand, people(a=0, b=0, c=0), PlanLimits(budget_idr=10 * MILLION))
    assert set(plan.assignments["employee_id"]) == {"b", "c"}
    assert reason(plan, "a") == (
        "budget exhausted: the cheapest remaining programme for them costs Rp 7.000.000"
    )


def test_reason_per_person_limit() -> None:
    cand = candidates(("a", "P1", 1, 24, 0.5), ("a", "P2", 1, 8, 0.1), ("b", "P2", 1, 8, 0.5))
    limits = PlanLimits(budget_idr=10 * MILLION, max_jp_per_person=10)
    plan = plan_unit(cand, people(a=0, b=0), limits)
    assert reason(plan, "a") == "per-person limit of 10 JP"


def test_reason_capacity() -> None:
    cand = candidates(("a", "P1", 1, 24, 0.5), ("b", "P1", 1, 24, 0.9))
    plan = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=10 * MILLION), {"P1": 1})
    assert plan.assignments["employee_id"].tolist() == ["b"]
    assert reason(plan, "a") == CAPACITY


def test_reason_penalty() -> None:
    # a's programme closes 0.1 levels plus 20 JP × 0.02 = 0.4 of shortfall; b's closes 2.
    cand = candidates(("a", "P2", 10, 20, 0.1), ("b", "P1", 10, 20, 2.0))
    plan = plan_unit(cand, people(a=0, b=0), PlanLimits(budget_idr=10 * MILLION))
    assert reason(plan, "a") == PENALTY
    explained = " ".join(plan.explanation)
    assert "1 employee stays below the 20 JP minimum" in explained


def test_jp_taken_counts_towards_minimum_not_limit() -> None:
    cand = candidates(("a", "P1", 1, 40, 0.5), ("a", "P2", 1, 40, 0.5))
    plan = plan_unit(cand, people(a=30), PlanLimits(budget_idr=10 * MILLION))
    row = plan.per_person.iloc[0]
    assert (row["jp_planned"], row["jp_total"], row["short_of_minimum"]) == (80, 110, 0)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c, p: (c.drop(columns="jp"), p), "candidates is missing column(s): jp"),
        (lambda c, p: (c, p.drop(columns="jp_taken")), "people is missing column(s): jp_taken"),
        (lambda c, p: (c.assign(cost_idr=-1), p), "candidates.cost_idr"),
        (lambda c, p: (c.assign(jp="many"), p), "candidates.jp"),
        (lambda c, p: (c.assign(expected_gain=np.nan), p), "candidates.expected_gain"),
        (lambda c, p: (pd.concat([c, c]), p), "repeat the pair"),
        (lambda c, p: (c.assign(employee_id="z"), p), "not in people: 'z'"),
        (lambda c, p: (c, p.assign(jp_taken=-5)), "people.jp_taken"),
        (lambda c, p: (c, pd.concat([p, p])), "people.employee_id repeats 'a'"),
    ],
)
def test_malformed_input_names_the_column(
    change: Callable[[pd.DataFrame, pd.DataFrame], tuple[pd.DataFrame, pd.DataFrame]], named: str
) -> None:
    cand, staff = change(candidates(("a", "P1", 1, 24, 0.5)), people(a=0))
    for planner in (plan_unit, greedy_plan):
        with pytest.raises(PlanError, match=named.replace("(", r"\(").replace(")", r"\)")):
            planner(cand, staff, PlanLimits(budget_idr=MILLION))


def test_malformed_limits_and_capacity() -> None:
    with pytest.raises(PlanError, match="shortfall_penalty"):
        PlanLimits(budget_idr=1, shortfall_penalty=-1)
    with pytest.raises(PlanError, match="budget_idr"):
        PlanLimits(budget_idr=float("nan"))
    cand = candidates(("a", "P1", 1, 24, 0.5))
    with pytest.raises(PlanError, match="capacity"):
        plan_unit(cand, people(a=0), PlanLimits(budget_idr=MILLION), {"P1": -1})


def test_greedy_plan_stands_in_when_the_solver_falls_short(monkeypatch: pytest.MonkeyPatch) -> None:
    cand = candidates(("a", "P1", 1, 24, 0.5), ("b", "P1", 1, 24, 0.9))
    limits = PlanLimits(budget_idr=10 * MILLION)
    greedy = greedy_plan(cand, people(a=0, b=0), limits)
    stopped = OptimizeResult(status=1, x=None, message="Time limit reached.")
    monkeypatch.setattr("ml.recommend.plan.milp", lambda *args, **kwargs: stopped)
    plan = plan_unit(cand, people(a=0, b=0), limits)
    assert plan.status == "time limit reached: no plan found, greedy plan returned"
    assert plan.objective == greedy.objective
    assert np.isnan(plan.optimality_gap)

    empty = OptimizeResult(status=1, x=np.zeros(2), message="", mip_dual_bound=-2.0)
    monkeypatch.setattr("ml.recommend.plan.milp", lambda *args, **kwargs: empty)
    plan = plan_unit(cand, people(a=0, b=0), limits)
    assert plan.status == "time limit reached: best plan found"
    assert plan.assignments.equals(greedy.assignments)
    assert any("greedy plan is returned" in line for line in plan.explanation)
    assert plan.optimality_gap == pytest.approx((2.0 - plan.objective) / plan.objective)
