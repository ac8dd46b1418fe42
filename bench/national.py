"""Benchmark of the national path: sharded generation, out-of-core features and scoring.

Each stage runs in a child process of its own, so that its peak memory is its own: the child
reports its wall time and the peak resident set of itself and of the processes it waited for
(``resource.getrusage``; Dask workers of a LocalCluster are such children). Stages, in order:

- ``generate``: ``talenta generate --sharded`` (partitioned Parquet, one shard at a time);
- ``features``: features of every partition in turn (``ml.pipelines.featurise_partitioned``);
- ``predict``: need probabilities of every employee × competency (no explanations);
- ``score``: probabilities and exact TreeSHAP top-3 reasons for each employee's three most
  likely needs (``ml.pipelines.score_partitioned``); explanations cost ``score − predict``;
- ``audit``: the fairness audit of every period's appraisals, partition by partition then
  over all (``ml.pipelines.audit_partitioned``; rows: official appraisals audited).

The model is the need model's default (``talenta train``'s parameters) trained on a 10,000
employee in-memory workforce, once, before the stages. ``--reference`` (the JSON of an earlier
run, e.g. the 1 M one) adds each stage's ratio of time per employee to it: 1.0 is linear growth.
``--identity`` compares the partitioned features and scores with the in-memory run on the same
data (flattened; for sizes one machine holds, e.g. 50,000). ``--dask-workers 1,2`` also runs
features and scoring on a LocalCluster of 1 and 2 workers (a scaling curve; on a shared 2-core
machine, an honest one shows what the cores give).

    nice python bench/national.py --employees 50000 --identity --dask-workers 1,2
    nice python bench/national.py --employees 1000000 --work /work/scratch19
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _report import report

AS_OF = pd.Timestamp("2026-01-01")
STAGES = ("generate", "features", "predict", "score", "audit")
CHILD_STAGES = ("train", "identity", *STAGES)
GIB = 1024**3


def _peak_gib() -> dict[str, float]:
    # VmHWM: this process's own peak (ru_maxrss would carry the parent's peak over exec);
    # children (Dask workers): ru_maxrss in KiB, an upper bound for the same reason
    status = Path("/proc/self/status").read_text().splitlines()
    own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) * 1024 / GIB
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024 / GIB
    return {"peak_rss_gib": round(own, 2), "peak_rss_children_gib": round(children, 2)}


def _client(workers: int) -> Any:
    from ml.pipelines.featurise import dask_client

    return dask_client(None, workers) if workers else None


def run_stage(stage: str, employees: int, work: Path, shard_size: int, workers: int) -> dict:
    """One stage, in this (child) process; returns its measurements."""
    from contextlib import nullcontext

    from ml.pipelines.featurise_partitioned import featurise_partitioned
    from ml.pipelines.generate import generate_sharded
    from ml.pipelines.score_partitioned import score_partitioned
    from ml.synth import SynthConfig

    data, features = work / "data", work / f"features-{workers}"
    start = time.perf_counter()
    rows: int
    flags: dict[str, int] = {}
    context = _client(workers) if workers else nullcontext(None)
    with context as client:
        if stage == "generate":
            done = generate_sharded(SynthConfig(employees=employees, seed=0), data, shard_size)
            rows = sum(done.sizes.values())
        elif stage == "audit":
            from ml.pipelines.audit_partitioned import audit_partitioned

            audited = audit_partitioned(data, client=client)
            rows = len(audited.frame)
            flags = {
                "raters_flagged": int(audited.rater_flags["flagged"].sum()),
                "score_flags": len(audited.score_flags),
                "curve_breaks": len(audited.curve_breaks),
            }
        elif stage == "features":
            result = featurise_partitioned(data, AS_OF, features, client=client)
            rows = result.rows["competencies"]
        else:
            bundle = pickle.loads((work / "bundle.pkl").read_bytes())
            scored = score_partitioned(
                data, bundle, AS_OF, work / f"{stage}-{workers}", features_dir=features,
                explain_top=0 if stage == "predict" else 3, client=client,
            )  # fmt: skip
            rows = scored.rows
    wall = time.perf_counter() - start
    return {
        "wall_s": round(wall, 1), "rows": rows, "rows_per_s": round(rows / wall), **_peak_gib(),
        **(flags if stage == "audit" else {}),
    }  # fmt: skip


def check_identity(work: Path) -> dict:
    """The partitioned features and scores against the in-memory run on the same data."""
    from ml.features import build_features
    from ml.features.distributed import _combine, sorted_like_dask
    from ml.features.io import load_tables
    from ml.pipelines.featurise_partitioned import read_part
    from ml.pipelines.generate import flatten_shards
    from ml.training.score import score_workforce

    flat = work / "flat"
    flatten_shards(work / "data", flat)
    tables = load_tables(flat)
    expected = sorted_like_dask(build_features(tables, AS_OF))
    parts = sorted(p.name for p in (work / "features-0" / "employees").glob("part-*.parquet"))
    got = _combine([read_part(work / "features-0", p) for p in parts])
    pd.testing.assert_frame_equal(got.competencies, expected.competencies)
    pd.testing.assert_frame_equal(got.employees, expected.employees)
    bundle = pickle.loads((work / "bundle.pkl").read_bytes())
    keys = ["employee_id", "competency_code"]
    scores = score_workforce(tables, bundle, AS_OF, features=expected)
    scores = scores.sort_values(keys, kind="stable").reset_index(drop=True)
    partitioned = pd.concat(
        [pd.read_parquet(p) for p in sorted((work / "score-0").glob("part-*.parquet"))],
        ignore_index=True,
    )
    partitioned = partitioned.sort_values(keys, kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(partitioned, scores)
    shutil.rmtree(flat)
    return {"features_identical": True, "scores_identical": True, "rows": len(scores)}


def _train_bundle(work: Path) -> None:
    from ml.pipelines.train import read_training_data
    from ml.synth import SynthConfig, generate_workforce, write_workforce
    from ml.training.bundle import NEED, Bundle
    from ml.training.train import TrainingConfig, train

    data = work / "training"
    write_workforce(generate_workforce(SynthConfig(employees=10_000, seed=1)), data, "parquet")
    result = train(read_training_data(data), TrainingConfig())
    bundle = Bundle(NEED, result.need.model, result.need.design)
    (work / "bundle.pkl").write_bytes(pickle.dumps(bundle))
    shutil.rmtree(data)


def _child(stage: str, args: argparse.Namespace, workers: int) -> dict:
    command = [
        sys.executable, __file__, "--stage", stage, "--employees", str(args.employees),
        "--work", str(args.work), "--shard-size", str(args.shard_size), "--workers", str(workers),
    ]  # fmt: skip
    print(f"… {stage} ({workers or 'no'} Dask workers)", file=sys.stderr, flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"stage {stage} failed:\n{done.stderr[-4000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/talenta-national"))
    parser.add_argument("--shard-size", type=int, default=100_000)
    parser.add_argument("--dask-workers", default="", help="e.g. 1,2: a scaling curve on Dask")
    parser.add_argument("--reference", type=Path, help="JSON of an earlier run (ratios to it)")
    parser.add_argument(
        "--identity", action="store_true", help="compare with the in-memory run (small sizes)"
    )
    parser.add_argument("--keep-data", action="store_true", help="leave the data in --work")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--stage", choices=CHILD_STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage == "train":  # a child, so that the stages do not inherit its memory
        _train_bundle(args.work)
        print("{}")
        return
    if args.stage == "identity":
        print(json.dumps(check_identity(args.work)))
        return
    if args.stage:  # a child: one stage, its measurements on the last line
        result = run_stage(args.stage, args.employees, args.work, args.shard_size, args.workers)
        print(json.dumps(result))
        return

    args.work.mkdir(parents=True, exist_ok=True)
    _child("train", args, 0)
    stages = {stage: _child(stage, args, 0) for stage in STAGES}
    explain_s = stages["score"]["wall_s"] - stages["predict"]["wall_s"]
    result: dict[str, Any] = {
        "employees": args.employees,
        "shard_size": args.shard_size,
        "stages": stages,
        "explain_s": round(explain_s, 1),
        "employees_per_s": {s: round(args.employees / v["wall_s"]) for s, v in stages.items()},
    }
    if args.identity:  # an assertion error fails the child, and so the run
        result["identity"] = _child("identity", args, 0)
    for workers in [int(w) for w in args.dask_workers.split(",") if w]:
        result[f"dask_{workers}_workers"] = {
            stage: _child(stage, args, workers) for stage in ("features", "score")
        }
    if args.reference:
        reference = json.loads(args.reference.read_text())
        result["per_employee_vs_reference"] = {
            stage: round(
                (v["wall_s"] / args.employees)
                / (reference["stages"][stage]["wall_s"] / reference["employees"]),
                2,
            )
            for stage, v in stages.items()
        }
    if not args.keep_data:
        shutil.rmtree(args.work, ignore_errors=True)
    report(result, args.out or Path(f"bench/results/national_{args.employees}.json"))


if __name__ == "__main__":
    main()
