"""How well the rater audit finds injected biases, and how rarely it flags a clean workforce.

For each seed: a generated workforce with the default share of biased raters (10%, effects of
0.5–1 rating step) and one without any (``--biased-raters 0``); the audit's precision and recall
on injected effects of at least half a step on raters with at least 15 ratees, and the share of
raters falsely flagged on the clean one. The audit's own cost is timed beside the generation of
the same workforce (the baseline measured in the same run).

    python bench/fairness.py --employees 10000 --seeds 34 35 36
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _report import report

from ml.fairness.audit import run_audit
from ml.fairness.evaluation import detection
from ml.synth import SynthConfig, generate_workforce, write_workforce


def _one(employees: int, seed: int, biased: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        write_workforce(
            generate_workforce(SynthConfig(employees=employees, seed=seed, biased_raters=biased)),
            Path(tmp),
        )
        generated = time.perf_counter() - started
        started = time.perf_counter()
        result = run_audit(Path(tmp))
        audited = time.perf_counter() - started
        found = detection(result.rater_flags, result.frame, Path(tmp))
    return {
        "seed": seed,
        "biased_raters": biased,
        "raters": found.raters,
        "eligible": found.eligible,
        "injected": found.injected,
        "flagged": found.flagged,
        "precision": round(found.precision, 3),
        "recall": round(found.recall, 3),
        "judgeable": found.judgeable,
        "recall_judgeable": round(found.recall_judgeable, 3),
        "false_flag_rate": round(found.false_flag_rate, 4),
        "audit_s": round(audited, 1),
        "audit_vs_generation": round(audited / generated, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    # Not the seeds the thresholds were chosen on (21, 31–33; see RaterAuditConfig).
    parser.add_argument("--seeds", type=int, nargs="+", default=[34, 35, 36])
    parser.add_argument("--out", type=Path, default=Path("bench/results/fairness.json"))
    args = parser.parse_args()
    runs = [_one(args.employees, seed, biased) for seed in args.seeds for biased in (0.1, 0.0)]
    biased = [r for r in runs if r["biased_raters"] > 0]
    clean = [r for r in runs if r["biased_raters"] == 0]
    result = {
        "employees": args.employees,
        "seeds": args.seeds,
        "min_precision": min(r["precision"] for r in biased),
        "min_recall": min(r["recall"] for r in biased),
        "min_recall_judgeable": min(r["recall_judgeable"] for r in biased),
        "max_false_flag_rate_clean": max(r["false_flag_rate"] for r in clean),
        "runs": runs,
    }
    report(result, args.out)


if __name__ == "__main__":
    main()
