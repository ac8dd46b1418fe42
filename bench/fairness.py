"""How well the rater audit finds injected biases, how honest its effects are, and what it
cannot see.

1. Targets (held-out seeds): workforces where 30% of raters carry a bias of exactly half a step
   (``bias_spread=0``: lenient, severe or differential); per kind, precision and recall over
   injected raters with ≥ 15 ratees, median |estimated − injected| and the share of 95%
   intervals holding the injected effect — against the latent magnitude and against the shift
   of the observed ratings (see ``ml.fairness.evaluation.KindDetection``); and a clean
   workforce of each seed (``--biased-raters 0``): the share of raters falsely flagged.
2. Power curve: recall against the injected effect (0.2–1.0 step) by kind and by the rater's
   number of ratees, on one seed per magnitude.

The audit's cost is timed beside the generation of the same workforce (the baseline measured in
the same run).

    python bench/fairness.py --employees 6000 --seeds 34 35 36
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd
from _report import report

from ml.fairness.evaluation import KINDS, RATER_BIASES, detection, detection_by_kind
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce

RATEE_BINS = (10, 15, 25, 40, 10_000)


def _audit(config: SynthConfig, data: Path) -> tuple[float, float]:
    started = time.perf_counter()
    write_workforce(generate_workforce(config), data)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    result = run_audit(data)
    audited = time.perf_counter() - started
    result.frame.to_pickle(data / "frame.pkl")
    result.rater_flags.to_pickle(data / "flags.pkl")
    return generated, audited


def _targets(employees: int, seed: int, magnitude: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        biased, clean = Path(tmp) / "biased", Path(tmp) / "clean"
        config = SynthConfig(
            employees=employees, seed=seed, biased_raters=0.3, bias_magnitude=magnitude,
            bias_spread=0.0,
        )  # fmt: skip
        generated, audited = _audit(config, biased)
        frame, flags = pd.read_pickle(biased / "frame.pkl"), pd.read_pickle(biased / "flags.pkl")
        kinds = detection_by_kind(flags, frame, biased)
        _audit(SynthConfig(employees=employees, seed=seed, biased_raters=0.0), clean)
        found = detection(
            pd.read_pickle(clean / "flags.pkl"), pd.read_pickle(clean / "frame.pkl"), clean
        )
    row: dict[str, object] = {"seed": seed, "magnitude": magnitude}
    for kind, k in kinds.items():
        row[kind] = {
            "injected": k.injected,
            "precision": round(k.precision, 3),
            "recall": round(k.recall, 3),
            "median_abs_error": round(k.median_abs_error, 3),
            "coverage": round(k.coverage, 3),
            "median_abs_error_observed": round(k.median_abs_error_observed, 3),
            "coverage_observed": round(k.coverage_observed, 3),
        }
    row["clean_false_flag_rate"] = round(found.false_flag_rate, 4)
    row["clean_raters"] = found.raters
    row["audit_s"] = round(audited, 1)
    row["audit_vs_generation"] = round(audited / generated, 2)
    return row


def _power(employees: int, seed: int, magnitude: float) -> list[dict[str, object]]:
    """Per kind and ratee bin: injected raters and the share found."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        config = SynthConfig(
            employees=employees, seed=seed, biased_raters=0.3, bias_magnitude=magnitude,
            bias_spread=0.0,
        )  # fmt: skip
        _audit(config, data)
        flags = pd.read_pickle(data / "flags.pkl")
        truth = pd.read_csv(data / RATER_BIASES, dtype={"rater_id": "str"})
    truth["group"] = truth["target_group"].fillna("").where(truth["kind"] == "DIFFERENTIAL", "")
    rows = truth.merge(
        flags.assign(rater_id=flags["rater_id"].astype("str")),
        on=["rater_id", "group"], how="left", suffixes=("_t", ""),
    )  # fmt: skip
    rows["bin"] = pd.cut(rows["n_ratees"], RATEE_BINS, right=False)
    out = []
    for (kind, ratees), sub in rows.groupby(["kind_t", "bin"], observed=True):
        out.append(
            {
                "magnitude": magnitude,
                "kind": kind,
                "ratees": str(ratees),
                "injected": len(sub),
                "recall": round(float((sub["kind"] == kind).mean()), 3),
                "median_mde": round(float(sub["mde"].median()), 3),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=6_000)
    # Held out: no threshold of the audit was chosen on them.
    parser.add_argument("--seeds", type=int, nargs="+", default=[34, 35, 36])
    parser.add_argument("--magnitudes", type=float, nargs="+", default=[0.2, 0.35, 0.5, 0.75, 1.0])
    parser.add_argument("--power-seed", type=int, default=37)
    parser.add_argument("--out", type=Path, default=Path("bench/results/fairness.json"))
    args = parser.parse_args()
    runs = [_targets(args.employees, seed, 0.5) for seed in args.seeds]
    summary: dict[str, object] = {"employees": args.employees, "seeds": args.seeds}
    for kind in KINDS:
        for metric in ("precision", "recall", "coverage", "coverage_observed"):
            summary[f"min_{metric}_{kind.lower()}"] = min(r[kind][metric] for r in runs)  # type: ignore[index]
        summary[f"max_median_abs_error_{kind.lower()}"] = max(
            r[kind]["median_abs_error"]
            for r in runs  # type: ignore[index]
        )
    summary["max_false_flag_rate_clean"] = max(r["clean_false_flag_rate"] for r in runs)  # type: ignore[type-var]
    power = [row for m in args.magnitudes for row in _power(args.employees, args.power_seed, m)]
    report({**summary, "runs": runs, "power": power}, args.out)


if __name__ == "__main__":
    main()
