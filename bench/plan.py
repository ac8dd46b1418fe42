"""The unit plan's integer program against the greedy baseline on synthetic units.

For each seed, a unit of ``--employees`` employees and a catalogue of ``--programmes``
programmes:

- 24 competencies; each employee has predicted needs in 2–5 of them, each need with a
  probability drawn from Beta(2, 2);
- each programme covers 1–4 competencies, with an effect of 0.25–0.7 levels on each (the range
  of the synthetic catalogue, :mod:`ml.synth.reference`), a cost lognormal around Rp 5 million
  clipped to Rp 0.5–40 million, and 8–120 JP, longer for dearer programmes;
- a candidate for every (employee, programme) where the programme covers a need, with expected
  gain Σ need probability × effect over the needs it covers (as
  :func:`ml.recommend.rank.candidate_gains` computes it), capped at 1 level;
- 0–30 JP already taken this year.

Both planners get the same budget (``--budget-idr``), 80 JP per person and 30 seats per
programme. Reported per seed: the integer program's wall time (model building included),
status and optimality gap, both objectives and their ratio, and the same ratio with no shortfall
penalty (greedy ranks by gain alone, so this isolates what optimising the budget's use adds);
then the means. The target is a plan in under 10 s for 300 employees and 40 programmes.

    python bench/plan.py --employees 300 --programmes 40 --seeds 1 2 3 4 5
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _report import report

from ml.recommend.plan import PlanLimits, greedy_plan, plan_unit

COMPETENCIES = 24
TARGET_S = 10.0
GAIN_CAP = 1.0  # levels one programme closes in one person, all its competencies together


def synthetic_unit(employees: int, programmes: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidates and people of a generated unit (see the module docstring)."""
    rng = np.random.default_rng(seed)
    need = np.zeros((employees, COMPETENCIES))
    for e in range(employees):
        codes = rng.choice(COMPETENCIES, size=rng.integers(2, 6), replace=False)
        need[e, codes] = rng.beta(2, 2, len(codes))
    effect = np.zeros((programmes, COMPETENCIES))
    for p in range(programmes):
        codes = rng.choice(COMPETENCIES, size=rng.integers(1, 5), replace=False)
        effect[p, codes] = rng.uniform(0.25, 0.7, len(codes))
    z = rng.standard_normal(programmes)
    cost = np.clip(np.round(5e6 * np.exp(0.9 * z), -5), 5e5, 4e7)
    jp = np.clip(np.round(30 * np.exp(0.5 * z + 0.5 * rng.standard_normal(programmes))), 8, 120)

    # gain[e, p, c]: the expected levels programme p closes in employee e's competency c
    gain = need[:, None, :] * effect[None, :, :]
    e_idx, p_idx = np.nonzero(gain.sum(axis=2) > 0)
    targeted = [
        ";".join(f"C{c:02d}" for c in np.argsort(-gain[e, p])[: np.count_nonzero(gain[e, p])])
        for e, p in zip(e_idx, p_idx, strict=True)
    ]
    ids = np.array([f"E{e:04d}" for e in range(employees)])
    candidates = pd.DataFrame(
        {
            "employee_id": ids[e_idx],
            "program_id": [f"P{p:03d}" for p in p_idx],
            "competency_code": targeted,
            "cost_idr": cost[p_idx].astype(np.int64),
            "jp": jp[p_idx],
            "expected_gain": np.minimum(gain[e_idx, p_idx].sum(axis=1), GAIN_CAP).round(4),
        }
    )
    people = pd.DataFrame({"employee_id": ids, "jp_taken": rng.integers(0, 31, employees)})
    return candidates, people


def _one(employees: int, programmes: int, seed: int, limits: PlanLimits) -> dict[str, Any]:
    candidates, people = synthetic_unit(employees, programmes, seed)
    started = time.perf_counter()
    plan = plan_unit(candidates, people, limits)
    plan_s = time.perf_counter() - started
    greedy = greedy_plan(candidates, people, limits)
    # Greedy ranks by gain alone, so part of the ratio is the minimum it ignores; the same
    # comparison without the penalty isolates what optimising the budget's use adds.
    gain_only = replace(limits, shortfall_penalty=0.0)
    gain_ratio = (
        plan_unit(candidates, people, gain_only).objective
        / greedy_plan(candidates, people, gain_only).objective
    )
    short = plan.per_person["short_of_minimum"] > 0
    return {
        "seed": seed,
        "candidates": len(candidates),
        "milp_s": round(plan_s, 2),
        "status": plan.status,
        "optimality_gap": float(f"{plan.optimality_gap:.2e}"),
        "milp_objective": round(plan.objective, 3),
        "greedy_objective": round(greedy.objective, 3),
        "value_ratio": round(plan.objective / greedy.objective, 4),
        "value_ratio_without_penalty": round(gain_ratio, 4),
        "milp_gain": round(plan.total_gain, 3),
        "greedy_gain": round(greedy.total_gain, 3),
        "milp_assignments": len(plan.assignments),
        "greedy_assignments": len(greedy.assignments),
        "milp_short_of_minimum": int(short.sum()),
        "greedy_short_of_minimum": int((greedy.per_person["short_of_minimum"] > 0).sum()),
        "milp_cost_idr": round(plan.total_cost),
        "greedy_cost_idr": round(greedy.total_cost),
        "greedy_s": round(greedy.solve_seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--programmes", type=int, default=40)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--budget-idr", type=float, default=400e6)
    parser.add_argument("--out", type=Path, default=Path("bench/results/plan.json"))
    args = parser.parse_args()

    limits = PlanLimits(budget_idr=args.budget_idr)
    runs = [_one(args.employees, args.programmes, seed, limits) for seed in args.seeds]
    result = {
        "employees": args.employees,
        "programmes": args.programmes,
        "budget_idr": args.budget_idr,
        "seeds": args.seeds,
        "mean_milp_s": round(float(np.mean([r["milp_s"] for r in runs])), 2),
        "max_milp_s": max(r["milp_s"] for r in runs),
        "under_target_s": all(r["milp_s"] < TARGET_S for r in runs),
        "mean_optimality_gap": float(f"{np.mean([r['optimality_gap'] for r in runs]):.2e}"),
        "mean_value_ratio": round(float(np.mean([r["value_ratio"] for r in runs])), 4),
        "mean_value_ratio_without_penalty": round(
            float(np.mean([r["value_ratio_without_penalty"] for r in runs])), 4
        ),
        "runs": runs,
    }
    for r in runs:
        print(
            f"seed {r['seed']}: {r['candidates']} candidates, milp {r['milp_s']} s "
            f"({r['status']}, gap {r['optimality_gap']}), objective {r['milp_objective']} vs "
            f"greedy {r['greedy_objective']} → ratio {r['value_ratio']} "
            f"({r['value_ratio_without_penalty']} without the penalty)"
        )
    report(result, args.out)


if __name__ == "__main__":
    main()
