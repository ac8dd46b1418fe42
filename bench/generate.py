"""Benchmark of `talenta generate`: wall time, throughput and peak memory.

Each measurement runs in a fresh child process, so peak RSS is the child's own. The baseline,
measured in the same run, is the I/O floor: writing the very same tables with plain
``DataFrame.to_csv`` (no generation). The ratio says how much generating costs over merely
writing its output, a figure that survives a noisy machine better than seconds do.

    python bench/generate.py --employees 100000
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import report

GENERATE = """
import sys
from pathlib import Path
from ml.synth import SynthConfig, generate_workforce, write_workforce
write_workforce(generate_workforce(SynthConfig(employees={n}, seed={seed})), Path(sys.argv[1]))
"""

# The floor: read the generated tables back (outside the timing), then time only writing them.
WRITE_ONLY = """
import sys, time
from pathlib import Path
import pandas as pd
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
frames = {p.stem: pd.read_csv(p, dtype=str) for p in src.glob("*.csv")}
start = time.perf_counter()
for name, frame in frames.items():
    frame.to_csv(dst / f"{name}.csv", index=False)
print(time.perf_counter() - start)
"""


def run_child(code: str, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return time.perf_counter() - start, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("bench/results/generate.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        gen_dir, copy_dir = Path(tmp) / "gen", Path(tmp) / "copy"
        copy_dir.mkdir()
        wall, _ = run_child(GENERATE.format(n=args.employees, seed=args.seed), str(gen_dir))
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        _, floor = run_child(WRITE_ONLY, str(gen_dir), str(copy_dir))
        size_mib = sum(p.stat().st_size for p in gen_dir.rglob("*") if p.is_file()) / 2**20
        rows = sum(sum(1 for _ in p.open()) - 1 for p in gen_dir.glob("*.csv"))

    result = {
        "employees": args.employees,
        "seed": args.seed,
        "wall_s": round(wall, 2),
        "employees_per_s": round(args.employees / wall),
        "peak_rss_mib": round(peak_mib),
        "rows_written": rows,
        "output_mib": round(size_mib, 1),
        "baseline_write_only_s": round(float(floor), 2),
        "ratio_to_write_only": round(wall / float(floor), 2),
    }
    report(result, args.out)


if __name__ == "__main__":
    main()
