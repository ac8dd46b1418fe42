"""Unit plan: which employee attends which programme this year, within the unit's budget.

JP (*jam pelajaran*) are lesson hours of 45 minutes; every civil servant should take at least
20 JP of competency development a year (PP 17/2020, see :mod:`ml.scoring.development`). The
plan is an integer program over binary x_ep (employee e attends programme p) and the JP s_e
by which e stays short of the minimum, solved by HiGHS through :func:`scipy.optimize.milp`:

    maximise    Σ gain_ep · x_ep − penalty · Σ_e s_e
    subject to  Σ cost_p · x_ep ≤ budget
                Σ_p jp_p · x_ep ≤ max_jp_per_person                   for every employee
                Σ_e x_ep ≤ capacity_p                                  for every programme
                s_e ≥ minimum_jp − jp_taken_e − Σ_p jp_p · x_ep,  s_e ≥ 0

The minimum is soft by default: the regulation obliges it, but a unit's budget may not stretch
to everyone, and a hard constraint would then leave no plan at all. The penalty makes the trade
explicit, and every employee left short gets a reason in words. The planner may make it hard
(s_e = 0), pin people (Σ_p x_ep ≥ 1) and exclude people or programmes (x_ep = 0); a plan those
make infeasible is explained with the budget that would be needed, computed by a second integer
program that minimises the cost under the same constraints without the budget.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from ml.errors import InputError
from ml.recommend.greedy import greedy_select
from ml.recommend.notes import Note
from ml.scoring import PP_17_2020

CANDIDATE_COLUMNS = [
    "employee_id",
    "program_id",
    "competency_code",
    "cost_idr",
    "jp",
    "expected_gain",
]
PEOPLE_COLUMNS = ["employee_id", "jp_taken"]
PER_PERSON_COLUMNS = [
    "employee_id", "jp_taken", "jp_planned", "jp_total", "short_of_minimum", "reason",
]  # fmt: skip

NOTHING_TO_PLAN = "nothing to plan"
GREEDY = "greedy"
NO_NEEDS = "no employee of the unit has a predicted need any catalogued programme targets"

NO_PROGRAMME = "no programme targets a need of theirs"
EXCLUDED = "excluded by the planner"
INFEASIBLE = "infeasible"
CAPACITY = "programme capacity"
PENALTY = "the penalty is smaller than the programmes' value elsewhere"

Floats = npt.NDArray[np.float64]
Indices = npt.NDArray[np.intp]
Mask = npt.NDArray[np.bool_]


class PlanError(InputError):
    """Malformed input to the unit plan (not an infeasible budget: that gets an explanation)."""


@dataclass(frozen=True)
class PlanLimits:
    """What the unit's plan has to respect.

    Parameters
    ----------
    budget_idr : float
        Rupiah the unit may spend on the programmes' costs.
    max_jp_per_person : float
        JP that may be *planned* per employee this year; JP already taken do not count
        against it.
    minimum_jp : float
        The yearly development minimum, counting JP already taken; soft.
    shortfall_penalty : float
        Objective units (expected levels of competency gap closed) given up per JP an employee
        ends the year short of ``minimum_jp``. At 0.02, 20 JP short costs 0.4 levels — about
        one competency closed by a typical programme — so the plan leaves someone short only
        when the money closes more than that elsewhere. 0 ignores the minimum; a large value
        (say 1) makes it all but hard.
    default_capacity : int
        Seats per programme for this unit when ``capacity`` names none.
    time_limit_s : float
        Wall time HiGHS may use; on reaching it the best plan found so far is returned. HiGHS
        checks it between steps, so on very large units (around 100,000 candidates) it can
        overrun it several times over.
    mip_rel_gap : float
        Relative gap between the plan and the solver's bound at which the plan counts as optimal.
    pinned : frozenset of str
        Employees who must get at least one programme.
    excluded_employees, excluded_programs : frozenset of str
        Employees who get no programme, and programmes nobody gets.
    hard_minimum : bool
        Everyone must end the year at ``minimum_jp`` or above (no plan otherwise).
    """

    budget_idr: float
    max_jp_per_person: float = 80.0
    minimum_jp: float = float(PP_17_2020.minimum_jp)
    shortfall_penalty: float = 0.02
    default_capacity: int = 30
    time_limit_s: float = 10.0
    mip_rel_gap: float = 1e-4
    pinned: frozenset[str] = frozenset()
    excluded_employees: frozenset[str] = frozenset()
    excluded_programs: frozenset[str] = frozenset()
    hard_minimum: bool = False

    @property
    def constrained(self) -> bool:
        """Whether a plan may not exist at all (pins or a hard minimum), so the greedy
        baseline, which knows neither, cannot stand in for the solver."""
        return bool(self.pinned) or self.hard_minimum

    def __post_init__(self) -> None:
        for name in ("pinned", "excluded_employees", "excluded_programs"):
            object.__setattr__(self, name, frozenset(map(str, getattr(self, name))))
        both = sorted(self.pinned & self.excluded_employees)
        if both:
            raise PlanError(f"pinned and excluded at once: {', '.join(both[:5])}")
        if not np.isfinite(self.budget_idr):
            raise PlanError(f"budget_idr must be a finite number of rupiah, got {self.budget_idr}")
        for name in ("max_jp_per_person", "minimum_jp", "shortfall_penalty", "mip_rel_gap"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value >= 0):
                raise PlanError(f"{name} must be a finite number ≥ 0, got {value}")
        if self.default_capacity < 0:
            raise PlanError(f"default_capacity must be ≥ 0, got {self.default_capacity}")
        if not self.time_limit_s > 0:
            raise PlanError(f"time_limit_s must be > 0, got {self.time_limit_s}")


@dataclass(frozen=True)
class Plan:
    """A unit's training plan and how good it is.

    Attributes
    ----------
    assignments : DataFrame of shape (n_assignments, 6)
        employee_id, program_id, competency_code, cost_idr, jp, expected_gain; sorted by
        employee, then programme.
    total_cost : float
        Rupiah the assignments cost.
    total_gain : float
        Expected levels of competency gap they close.
    objective : float
        ``total_gain − shortfall_penalty × (JP short of the minimum, summed over employees)``.
    optimality_gap : float
        Relative distance from ``objective`` to ``bound``; 0 when proven optimal, NaN for the
        greedy baseline.
    bound : float
        Best objective any plan could reach, as proven by the solver; NaN for the greedy baseline.
    status : str
        "optimal", "time limit reached: best plan found", "time limit reached: no plan found,
        greedy plan returned", "greedy" or "nothing to plan".
    per_person : DataFrame of shape (n_employees, 6)
        employee_id, jp_taken, jp_planned, jp_total, short_of_minimum (JP), reason (in words,
        for those still short of the minimum; empty for the others).
    explanation : list of str
        Sentences for the planner: cost, gain, solver quality, who stays short and why.
    solve_seconds : float
        Wall time of the whole planning call, input checks and model building included.
    notes : tuple of Note
        ``explanation`` as codes and numbers, for a translation (:mod:`ml.recommend.notes`).
    reason_notes : tuple of Note or None
        ``per_person.reason`` likewise, row by row (None where the reason is empty).
    needed_budget : float or None
        When the pins or the hard minimum make the budget too small (status "infeasible"): the
        least budget with which they can be met; NaN when no budget can meet them; None
        otherwise.
    """

    assignments: pd.DataFrame
    total_cost: float
    total_gain: float
    objective: float
    optimality_gap: float
    bound: float
    status: str
    per_person: pd.DataFrame
    explanation: list[str]
    solve_seconds: float
    needed_budget: float | None = None
    notes: tuple[Note, ...] = ()
    reason_notes: tuple[Note | None, ...] = ()


@dataclass(frozen=True)
class _Unit:
    """Validated input as aligned arrays; ``person`` and ``programme`` index people and seats."""

    candidates: pd.DataFrame
    people: pd.DataFrame
    cost: Floats
    jp: Floats
    gain: Floats
    person: Indices
    programme: Indices
    seats: npt.NDArray[np.int64]
    deficit: Floats
    excluded: Mask  # per person: excluded by the planner
    pinned: Indices  # positions of the pinned people

    def shortfall(self, chosen: Mask) -> Floats:
        return np.maximum(self.deficit - self.planned(chosen), 0.0)

    def planned(self, chosen: Mask) -> Floats:
        return np.bincount(
            self.person[chosen], weights=self.jp[chosen], minlength=len(self.people)
        ).astype(np.float64)


def rupiah(amount: float) -> str:
    """``Rp 7.500.000``: whole rupiah with the Indonesian thousands separator."""
    whole = round(amount)
    return f"{'-' if whole < 0 else ''}Rp {abs(whole):,}".replace(",", ".")


def plan_unit(
    candidates: pd.DataFrame,
    people: pd.DataFrame,
    limits: PlanLimits,
    capacity: Mapping[str, int] | None = None,
) -> Plan:
    """The plan of most expected gap closure within the budget, JP limits and seats.

    Parameters
    ----------
    candidates : DataFrame of shape (n_candidates, 6)
        One row per possible (employee_id, program_id), unique: competency_code (the needed
        competencies it targets, ";"-joined), cost_idr, jp and expected_gain (expected levels
        of gap closed, ≥ 0), as :func:`ml.recommend.rank.candidate_gains` gives them.
    people : DataFrame of shape (n_employees, 2)
        Every employee of the unit: employee_id and jp_taken (JP completed this year so far).
    limits : PlanLimits
        Budget, JP limits, the shortfall penalty and the solver's limits.
    capacity : mapping of str to int, optional
        Seats per program_id for this unit; programmes not named get ``default_capacity``.

    Returns
    -------
    Plan
        Status "optimal" or "time limit reached: best plan found"; "nothing to plan", with the
        reason in ``explanation``, when the budget is zero or negative or nothing on offer fits.
        When the solver found no plan in time, or one worth less than the greedy baseline's
        (possible within the gap tolerance), the greedy plan is returned and the status or the
        explanation says so.

    Raises
    ------
    PlanError
        On malformed input: missing columns, negative or non-numeric cost, JP or gain, duplicate
        pairs, or candidates for employees not in ``people``.
    """
    started = time.perf_counter()
    unit = _prepare(candidates, people, limits, capacity)
    why_not = _nothing_to_plan(unit, limits)
    if why_not is not None:
        if _demands(unit, limits):
            return _infeasible(unit, limits, started)
        return _nothing(unit, limits, why_not, started)

    solved, bound, stop = _solve(unit, limits)
    if stop == INFEASIBLE:
        return _infeasible(unit, limits, started)
    greedy = greedy_select(*_greedy_args(unit, limits))
    if solved is None and limits.constrained:  # the greedy plan may break the pins
        why = Note(
            "no_plan_in_time",
            f"HiGHS: {stop}: no plan found that meets the pins and the minimum",
            {"stop": stop},
        )
        return _nothing(unit, limits, why, started, status=f"{stop}: no plan")
    found = "best plan found" if solved is not None else "no plan found, greedy plan returned"
    status = stop if stop == "optimal" else f"{stop}: {found}"
    notes = []
    if solved is None:
        solved = greedy
    elif _objective(unit, limits, greedy) > _objective(unit, limits, solved) and _satisfies(
        unit, limits, greedy
    ):
        solved = greedy
        notes.append(
            Note(
                "greedy_better",
                "The solver's best plan was worth less than the greedy baseline's, so the "
                "greedy plan is returned.",
            )
        )
    objective = _objective(unit, limits, solved)
    gap = _gap(objective, bound)
    solver = (
        Note(
            "solver",
            f"HiGHS: {status}; the plan is within {gap:.3%} of the bound {bound:.3f}.",
            {"status": status, "gap": gap, "bound": bound},
        )
        if np.isfinite(bound)
        else Note(
            "solver_no_bound",
            f"HiGHS: {status}; no bound on the best possible objective is known.",
            {"status": status},
        )
    )
    return _assemble(unit, limits, solved, status, gap, bound, [solver, *notes], started)


def greedy_plan(
    candidates: pd.DataFrame,
    people: pd.DataFrame,
    limits: PlanLimits,
    capacity: Mapping[str, int] | None = None,
) -> Plan:
    """The baseline: candidates by expected gain per rupiah (ties: gain), each taken if it fits.

    Same input, output and objective as :func:`plan_unit`, so the two compare; status "greedy"
    (or "nothing to plan"), with NaN ``optimality_gap`` and ``bound``.
    """
    started = time.perf_counter()
    unit = _prepare(candidates, people, limits, capacity)
    why_not = _nothing_to_plan(unit, limits)
    if why_not is not None:
        return _nothing(unit, limits, why_not, started)
    chosen = greedy_select(*_greedy_args(unit, limits))
    line = Note(
        "greedy",
        "Greedy baseline: candidates taken by expected gain per rupiah while the budget, the "
        "per-person limit and the seats allow.",
    )
    return _assemble(unit, limits, chosen, GREEDY, np.nan, np.nan, [line], started)


def _prepare(
    candidates: pd.DataFrame,
    people: pd.DataFrame,
    limits: PlanLimits,
    capacity: Mapping[str, int] | None,
) -> _Unit:
    _require(candidates, CANDIDATE_COLUMNS, "candidates")
    _require(people, PEOPLE_COLUMNS, "people")
    cand = candidates[CANDIDATE_COLUMNS].copy()
    for column in ("cost_idr", "jp", "expected_gain"):
        cand[column] = _non_negative(cand, column, "candidates", ["employee_id", "program_id"])
    staff = people[PEOPLE_COLUMNS].copy()
    staff["jp_taken"] = _non_negative(staff, "jp_taken", "people", ["employee_id"])

    repeated = staff["employee_id"].duplicated()
    if repeated.any():
        raise PlanError(f"people.employee_id repeats {staff['employee_id'][repeated].iloc[0]!r}")
    pairs = cand.duplicated(["employee_id", "program_id"])
    if pairs.any():
        row = cand[pairs].iloc[0]
        raise PlanError(
            "candidates repeat the pair (employee_id, program_id) = "
            f"({row['employee_id']!r}, {row['program_id']!r})"
        )

    staff = staff.sort_values("employee_id", kind="stable").reset_index(drop=True)
    known = set(staff["employee_id"].astype(str))
    for name in ("pinned", "excluded_employees"):
        strangers = sorted(getattr(limits, name) - known)
        if strangers:
            raise PlanError(f"{name} names employees not in the unit: {', '.join(strangers[:5])}")
    # Excluded pairs leave the candidates altogether (the greedy baseline then respects them too)
    dropped = cand["employee_id"].astype(str).isin(limits.excluded_employees) | cand[
        "program_id"
    ].astype(str).isin(limits.excluded_programs)
    cand = cand[~dropped]
    cand = cand.sort_values(["employee_id", "program_id"], kind="stable").reset_index(drop=True)
    person = pd.Index(staff["employee_id"]).get_indexer(cand["employee_id"])
    if (person < 0).any():
        strangers = cand["employee_id"][person < 0].unique()
        raise PlanError(
            "candidates.employee_id names employees not in people: "
            + ", ".join(map(repr, strangers[:5]))
            + (" …" if len(strangers) > 5 else "")
        )
    programme, programmes = pd.factorize(cand["program_id"], sort=True)
    seats = np.array(
        [_seats(capacity, p, limits.default_capacity) for p in programmes], dtype=np.int64
    )
    return _Unit(
        candidates=cand,
        people=staff,
        cost=cand["cost_idr"].to_numpy(np.float64),
        jp=cand["jp"].to_numpy(np.float64),
        gain=cand["expected_gain"].to_numpy(np.float64),
        person=person.astype(np.intp),
        programme=programme.astype(np.intp),
        seats=seats,
        deficit=np.maximum(limits.minimum_jp - staff["jp_taken"].to_numpy(np.float64), 0.0),
        excluded=staff["employee_id"].astype(str).isin(limits.excluded_employees).to_numpy(),
        pinned=np.flatnonzero(staff["employee_id"].astype(str).isin(limits.pinned).to_numpy()),
    )


def _require(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise PlanError(f"{name} is missing column(s): {', '.join(missing)}")


def _non_negative(frame: pd.DataFrame, column: str, name: str, key: list[str]) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = ~(np.isfinite(values.to_numpy(np.float64, na_value=np.nan)) & (values >= 0))
    if bad.any():
        row = frame[bad].iloc[0]
        where = ", ".join(f"{k}={row[k]!r}" for k in key)
        raise PlanError(
            f"{name}.{column} must be a finite number ≥ 0; the row with {where} has {row[column]!r}"
        )
    return values


def _seats(capacity: Mapping[str, int] | None, program_id: object, default: int) -> int:
    seats = default if capacity is None else capacity.get(str(program_id), default)
    if seats < 0:
        raise PlanError(f"capacity[{program_id!r}] must be ≥ 0 seats, got {seats}")
    return int(seats)


def _nothing_to_plan(unit: _Unit, limits: PlanLimits) -> Note | None:
    """Why no assignment at all can be made, or None when some can."""
    budget = limits.budget_idr
    if budget < 0:
        return Note(
            "negative_budget", f"the budget is {rupiah(budget)}, below zero", {"budget_idr": budget}
        )
    if len(unit.candidates) == 0:
        return Note("no_needs", NO_NEEDS)
    affordable = unit.cost <= budget
    if not affordable.any():
        if budget == 0:
            return Note("zero_budget", "the budget is Rp 0")
        cheapest = float(unit.cost.min())
        return Note(
            "too_expensive",
            f"the cheapest programme costs {rupiah(cheapest)}, more than the budget "
            f"of {rupiah(budget)}",
            {"cheapest_idr": cheapest, "budget_idr": budget},
        )
    fits = unit.jp <= limits.max_jp_per_person
    if not fits.any():
        return Note(
            "too_long",
            "every programme on offer is longer than the per-person limit of "
            f"{limits.max_jp_per_person:g} JP",
            {"limit_jp": limits.max_jp_per_person},
        )
    seated = unit.seats[unit.programme] > 0
    if not seated.any():
        return Note("no_seats", "no programme on offer has a seat for this unit")
    if not (affordable & fits & seated).any():
        return Note(
            "nothing_fits",
            "no programme on offer is at once within the budget, within the per-person limit "
            "and with a seat for this unit",
        )
    return None


@dataclass(frozen=True)
class _Program:
    """The integer program's constraints: x (one per candidate) then s (one per employee short
    of the minimum)."""

    matrix: sparse.csr_array
    lower: Floats
    upper: Floats
    bounds: Bounds
    integrality: Floats
    n: int
    short: Indices


def _program(unit: _Unit, limits: PlanLimits, budget: float) -> _Program:
    """The constraints for ``budget`` (``inf``: none), pins and the hard minimum included."""
    n, m, programmes = len(unit.cost), len(unit.people), len(unit.seats)
    short = np.flatnonzero(unit.deficit > 0)  # only they need a shortfall variable
    k = len(short)
    row_of = np.full(m, -1)
    row_of[short] = np.arange(k)
    columns = np.arange(n)
    counted = row_of[unit.person] >= 0
    width = n + k
    pin_row = np.full(m, -1)
    pin_row[unit.pinned] = np.arange(len(unit.pinned))
    pinned = pin_row[unit.person] >= 0
    matrix = sparse.vstack(
        [
            sparse.coo_array((unit.cost, (np.zeros(n, dtype=np.intp), columns)), shape=(1, width)),
            sparse.coo_array((unit.jp, (unit.person, columns)), shape=(m, width)),
            sparse.coo_array((np.ones(n), (unit.programme, columns)), shape=(programmes, width)),
            sparse.coo_array(
                (
                    np.concatenate([unit.jp[counted], np.ones(k)]),
                    (
                        np.concatenate([row_of[unit.person[counted]], np.arange(k)]),
                        np.concatenate([columns[counted], n + np.arange(k)]),
                    ),
                ),
                shape=(k, width),
            ),
            # a pinned employee attends at least one programme
            sparse.coo_array(
                (np.ones(int(pinned.sum())), (pin_row[unit.person[pinned]], columns[pinned])),
                shape=(len(unit.pinned), width),
            ),
        ],
        format="csr",
    )
    lower = np.concatenate(
        [
            np.full(1 + m + programmes, -np.inf),
            unit.deficit[short],
            np.ones(len(unit.pinned)),
        ]
    )
    upper = np.concatenate(
        [
            [budget],
            np.full(m, limits.max_jp_per_person),
            unit.seats.astype(np.float64),
            np.full(k, np.inf),
            np.full(len(unit.pinned), np.inf),
        ]
    )
    # A candidate that cannot be taken on its own is fixed at 0 rather than dropped, so that the
    # solution indexes the candidates as they are.
    usable = (
        (unit.cost <= budget)
        & (unit.jp <= limits.max_jp_per_person)
        & (unit.seats[unit.programme] > 0)
    )
    # hard: no shortfall, except for the people the planner excluded (exclusion wins)
    slack = unit.deficit[short] * (unit.excluded[short] if limits.hard_minimum else 1.0)
    return _Program(
        matrix=matrix,
        lower=lower,
        upper=upper,
        bounds=Bounds(np.zeros(width), np.concatenate([usable, slack])),
        integrality=np.concatenate([np.ones(n), np.zeros(k)]),
        n=n,
        short=short,
    )


def _solve(unit: _Unit, limits: PlanLimits) -> tuple[Mask | None, float, str]:
    """HiGHS's plan (None if it found none in time, or none exists), its bound on the
    objective, why it stopped ("optimal", "time limit reached", "infeasible", …)."""
    program = _program(unit, limits, limits.budget_idr)
    result = milp(
        np.concatenate([-unit.gain, np.full(len(program.short), limits.shortfall_penalty)]),
        integrality=program.integrality,
        bounds=program.bounds,
        constraints=LinearConstraint(program.matrix, program.lower, program.upper),
        options={"time_limit": limits.time_limit_s, "mip_rel_gap": limits.mip_rel_gap},
    )
    chosen = None if result.x is None else result.x[: program.n] > 0.5
    dual = getattr(result, "mip_dual_bound", None)
    bound = np.nan if dual is None or not np.isfinite(dual) else -float(dual)
    if result.status == 0:
        stop = "optimal"
    elif result.status == 1:
        stop = "time limit reached"
    elif result.status == 2:
        stop = INFEASIBLE
    else:
        stop = f"solver stopped early ({result.message})"
    return chosen, bound, stop


def _needed_budget(unit: _Unit, limits: PlanLimits) -> float:
    """The least budget with which the pins and the hard minimum can be met (the cheapest set
    of assignments that meets them, by the same solver); NaN when no budget can."""
    program = _program(unit, limits, np.inf)
    result = milp(
        np.concatenate([unit.cost, np.zeros(len(program.short))]),
        integrality=program.integrality,
        bounds=program.bounds,
        constraints=LinearConstraint(program.matrix, program.lower, program.upper),
        options={"time_limit": limits.time_limit_s, "mip_rel_gap": 0.0},
    )
    if result.status != 0 or result.x is None:
        return np.nan
    return float(unit.cost[result.x[: program.n] > 0.5].sum())


def _satisfies(unit: _Unit, limits: PlanLimits, chosen: Mask) -> bool:
    """Whether ``chosen`` meets the pins and the hard minimum (the greedy baseline may not)."""
    taken = np.bincount(unit.person[chosen], minlength=len(unit.people))
    if (taken[unit.pinned] == 0).any():
        return False
    if limits.hard_minimum:
        return bool((unit.shortfall(chosen)[~unit.excluded] <= 1e-9).all())
    return True


def _greedy_args(
    unit: _Unit, limits: PlanLimits
) -> tuple[Floats, Floats, Floats, Indices, Indices, float, float, npt.NDArray[np.int64]]:
    return (
        unit.cost,
        unit.jp,
        unit.gain,
        unit.person,
        unit.programme,
        limits.budget_idr,
        limits.max_jp_per_person,
        unit.seats,
    )


def _objective(unit: _Unit, limits: PlanLimits, chosen: Mask) -> float:
    return float(unit.gain[chosen].sum() - limits.shortfall_penalty * unit.shortfall(chosen).sum())


def _gap(objective: float, bound: float) -> float:
    """Relative gap as HiGHS defines it, (bound − objective) / |objective|."""
    if not np.isfinite(bound):
        return np.nan
    excess = max(bound - objective, 0.0)
    if excess <= 1e-9 * max(1.0, abs(objective)):
        return 0.0
    return excess / abs(objective) if objective else np.inf


def _nothing(
    unit: _Unit, limits: PlanLimits, why: Note, started: float, status: str = NOTHING_TO_PLAN
) -> Plan:
    chosen = np.zeros(len(unit.cost), dtype=bool)
    line = Note(f"nothing.{why.code}", f"Nothing to plan: {why.text}.", why.values)
    return _assemble(unit, limits, chosen, status, 0.0, np.nan, [line], started)


def _demands(unit: _Unit, limits: PlanLimits) -> bool:
    """Whether the pins or the hard minimum ask for any assignment at all."""
    return len(unit.pinned) > 0 or (
        limits.hard_minimum and bool((unit.deficit[~unit.excluded] > 0).any())
    )


def _infeasible(unit: _Unit, limits: PlanLimits, started: float) -> Plan:
    """No plan within the budget meets the pins and the hard minimum: the budget that would
    (computed), or why none would."""
    asked = _asked(limits)
    needed = _needed_budget(unit, limits)
    what = {
        "pinned": len(limits.pinned),
        "hard_minimum": limits.hard_minimum,
        "minimum_jp": limits.minimum_jp,
    }
    if np.isfinite(needed):
        line = Note(
            "infeasible.budget",
            f"No plan within the budget of {rupiah(limits.budget_idr)} meets {asked}: that "
            f"needs a budget of at least {rupiah(needed)} "
            f"({rupiah(needed - limits.budget_idr)} more).",
            {
                **what,
                "budget_idr": limits.budget_idr,
                "needed_idr": needed,
                "more_idr": needed - limits.budget_idr,
            },
        )
    else:
        why = _impossible(unit, limits)
        line = Note(
            "infeasible.any",
            f"No plan meets {asked} at any budget: {why.text}.",
            {**what, **why.values},
        )
    chosen = np.zeros(len(unit.cost), dtype=bool)
    plan = _assemble(unit, limits, chosen, INFEASIBLE, np.nan, np.nan, [line], started)
    return replace(plan, needed_budget=needed)


def _asked(limits: PlanLimits) -> str:
    parts = []
    if limits.pinned:
        parts.append(f"the {_count(len(limits.pinned), 'pinned employee')}")
    if limits.hard_minimum:
        parts.append(f"the {limits.minimum_jp:g} JP minimum for everyone")
    return " and ".join(parts)


def _impossible(unit: _Unit, limits: PlanLimits) -> Note:
    """Who makes the pins or the minimum impossible at any budget, as far as one person alone
    shows it; otherwise the seats, which several people share."""
    reach = np.bincount(
        unit.person,
        weights=unit.jp * (unit.jp <= limits.max_jp_per_person) * (unit.seats[unit.programme] > 0),
        minlength=len(unit.people),
    )
    reach = np.minimum(reach, limits.max_jp_per_person)
    ids = unit.people["employee_id"].astype(str).to_numpy()
    stuck = [str(ids[e]) for e in unit.pinned if reach[e] <= 0]
    parts = []
    behind: list[str] = []
    if stuck:
        parts.append(f"nothing on offer fits pinned {', '.join(stuck[:5])}")
    if limits.hard_minimum:
        behind = [str(i) for i in ids[(reach < unit.deficit - 1e-9) & ~unit.excluded]]
        if behind:
            parts.append(
                f"{_count(len(behind), 'employee')} cannot reach the minimum with what is on "
                f"offer within {limits.max_jp_per_person:g} JP ({', '.join(behind[:5])})"
            )
    text = "; ".join(parts) or "the programmes' seats are too few for everyone at once"
    values = {"stuck": stuck, "behind": behind, "limit_jp": limits.max_jp_per_person}
    return Note("impossible", text, values)


def _assemble(
    unit: _Unit,
    limits: PlanLimits,
    chosen: Mask,
    status: str,
    gap: float,
    bound: float,
    lines: list[Note],
    started: float,
) -> Plan:
    planned = unit.planned(chosen)
    shortfall = unit.shortfall(chosen)
    reason_notes = _reasons(unit, limits, chosen)
    reasons = [n.text if n else "" for n in reason_notes]
    per_person = pd.DataFrame(
        {
            "employee_id": unit.people["employee_id"],
            "jp_taken": unit.people["jp_taken"].astype(np.float64),
            "jp_planned": planned,
            "jp_total": unit.people["jp_taken"].to_numpy(np.float64) + planned,
            "short_of_minimum": shortfall,
            "reason": reasons,
        }
    )
    assignments = unit.candidates.loc[chosen, CANDIDATE_COLUMNS].reset_index(drop=True)
    total_cost = float(unit.cost[chosen].sum())
    total_gain = float(unit.gain[chosen].sum())
    objective = _objective(unit, limits, chosen)
    spent = Note(
        "spent",
        f"{_count(len(assignments), 'assignment')} for "
        f"{assignments['employee_id'].nunique()} of {_count(len(per_person), 'employee')} "
        f"cost {rupiah(total_cost)} of the budget of {rupiah(limits.budget_idr)} "
        f"({rupiah(limits.budget_idr - total_cost)} left).",
        {
            "assignments": len(assignments),
            "people": int(assignments["employee_id"].nunique()),
            "employees": len(per_person),
            "cost_idr": total_cost,
            "budget_idr": limits.budget_idr,
            "left_idr": limits.budget_idr - total_cost,
        },
    )
    worth = Note(
        "worth",
        f"The plan is expected to close {total_gain:.2f} levels of competency gap; at "
        f"{limits.shortfall_penalty:g} per JP short of the {limits.minimum_jp:g} JP minimum "
        f"({shortfall.sum():g} JP short in all) its objective is {objective:.3f}.",
        {
            "gain": total_gain,
            "penalty": limits.shortfall_penalty,
            "minimum_jp": limits.minimum_jp,
            "short_jp": float(shortfall.sum()),
            "objective": objective,
        },
    )
    notes = (
        *lines,
        *([spent, worth] if len(assignments) else _why_empty(status)),
        _short_sentence(reason_notes, limits),
    )
    return Plan(
        assignments=assignments,
        total_cost=total_cost,
        total_gain=total_gain,
        objective=objective,
        optimality_gap=gap,
        bound=bound,
        status=status,
        per_person=per_person[PER_PERSON_COLUMNS],
        explanation=[note.text for note in notes],
        solve_seconds=time.perf_counter() - started,
        notes=notes,
        reason_notes=tuple(reason_notes),
    )


def _reasons(unit: _Unit, limits: PlanLimits, chosen: Mask) -> list[Note | None]:
    """In words, why each employee left short of the minimum is short; None for the others.

    The first that applies: nothing on offer; nothing more fits the per-person limit; what fits
    is full; what fits and has a seat costs more than the budget left — "budget exhausted" when
    it would buy at least as much objective per rupiah as the plan's least valuable assignment
    (so only the money ran out), the penalty reason when it buys less (the money closes more
    elsewhere) or when it was affordable and still not worth taking.
    """
    planned, shortfall = unit.planned(chosen), unit.shortfall(chosen)
    left = limits.budget_idr - unit.cost[chosen].sum()
    free_seats = unit.seats - np.bincount(unit.programme[chosen], minlength=len(unit.seats))
    floor = _least_value_per_rupiah(unit, limits, chosen, planned)
    order = np.argsort(unit.person, kind="stable")
    starts = np.searchsorted(unit.person[order], np.arange(len(planned) + 1))
    reasons: list[Note | None] = []
    for e in range(len(planned)):
        if shortfall[e] <= 0:
            reasons.append(None)
            continue
        if unit.excluded[e]:
            reasons.append(Note("excluded", EXCLUDED))
            continue
        own = order[starts[e] : starts[e + 1]]
        rest = own[~chosen[own]]
        fits = rest[planned[e] + unit.jp[rest] <= limits.max_jp_per_person]
        seated = fits[free_seats[unit.programme[fits]] > 0]
        if len(own) == 0:
            reasons.append(Note("no_programme", NO_PROGRAMME))
        elif len(fits) == 0:
            limit = limits.max_jp_per_person
            reasons.append(
                Note("per_person_limit", f"per-person limit of {limit:g} JP", {"limit_jp": limit})
            )
        elif len(seated) == 0:
            reasons.append(Note("capacity", CAPACITY))
        elif (unit.cost[seated] <= left).any():
            reasons.append(Note("penalty", PENALTY))
        else:
            value = unit.gain[seated] + limits.shortfall_penalty * np.minimum(
                unit.jp[seated], shortfall[e]
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                best = np.max(np.where(unit.cost[seated] > 0, value / unit.cost[seated], np.inf))
            if best < floor:
                reasons.append(Note("penalty", PENALTY))
            else:
                cheapest = float(unit.cost[seated].min())
                reasons.append(
                    Note(
                        "budget",
                        "budget exhausted: the cheapest remaining programme for them costs "
                        + rupiah(cheapest),
                        {"cheapest_idr": cheapest},
                    )
                )
    return reasons


def _least_value_per_rupiah(
    unit: _Unit, limits: PlanLimits, chosen: Mask, planned: Floats
) -> float:
    """The smallest objective per rupiah any one assignment of the plan adds (−inf if none)."""
    taken = np.flatnonzero(chosen)
    if len(taken) == 0:
        return -np.inf
    e = unit.person[taken]
    short_now = np.maximum(unit.deficit[e] - planned[e], 0.0)
    short_without = np.maximum(unit.deficit[e] - planned[e] + unit.jp[taken], 0.0)
    value = unit.gain[taken] + limits.shortfall_penalty * (short_without - short_now)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.min(np.where(unit.cost[taken] > 0, value / unit.cost[taken], np.inf)))


def _short_sentence(reasons: list[Note | None], limits: PlanLimits) -> Note:
    given = [reason for reason in reasons if reason]
    kinds = Counter(reason.text.split(":")[0] for reason in given)
    minimum = {"minimum_jp": limits.minimum_jp}
    if not kinds:
        return Note(
            "short.none", f"Every employee reaches the {limits.minimum_jp:g} JP minimum.", minimum
        )
    counts = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
    short = sum(kinds.values())
    verb = "stays" if short == 1 else "stay"
    codes = Counter(reason.code for reason in given)
    return Note(
        "short.some",
        f"{_count(short, 'employee')} {verb} below the {limits.minimum_jp:g} JP minimum: {counts}.",
        {**minimum, "count": short, "kinds": dict(codes.most_common())},
    )


def _why_empty(status: str) -> list[Note]:
    if status in (NOTHING_TO_PLAN, INFEASIBLE) or status.endswith("no plan"):
        return []  # the caller's line already says why
    return [
        Note(
            "empty",
            "No assignment is planned: none adds expected gain or JP the shortfall penalty values.",
        )
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
