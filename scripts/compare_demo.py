"""Compare the outputs of two demo runs (two TALENTA_HOMEs built with the same --employees and
--seed): features, scores, the audit's tables and the sample plan must be equal, the review trail
must hold the same flags. Used to show that a refactoring changed no result:

    TALENTA_HOME=/tmp/a talenta demo --employees 2500 --seed 11 --no-serve   # before
    TALENTA_HOME=/tmp/b talenta demo --employees 2500 --seed 11 --no-serve   # after
    python scripts/compare_demo.py /tmp/a /tmp/b

Exits 1 naming the first file that differs. Model runs and API keys differ by design (MLflow run
ids, random keys) and are not compared; the model's scores are.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd

FILES = (
    "features.parquet",
    "employee_features.parquet",
    "scores.parquet",
    "sample_plan.csv",
    "audit/rater_flags.csv",
    "audit/group_disparity.csv",
    "audit/score_flags.csv",
    "audit/predikat_mismatches.csv",
    "audit/curve_breaks.csv",
)


def read(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def flags(home: Path) -> pd.DataFrame:
    with sqlite3.connect(home / "data" / "talenta.db") as db:
        return pd.read_sql(
            "SELECT f.flag_id, f.family, f.kind, f.subject, f.group_label, o.n, o.effect, "
            "o.ci_low, o.ci_high, o.q_value, o.evidence FROM flags f "
            "JOIN flag_observations o ON o.flag_id = f.flag_id ORDER BY f.flag_id",
            db,
        )


def main(before: Path, after: Path) -> int:
    for name in FILES:
        a = read(before / "data" / "processed" / name)
        b = read(after / "data" / "processed" / name)
        try:
            pd.testing.assert_frame_equal(a, b)
        except AssertionError as e:
            print(f"DIFFERENT {name}: {e}")
            return 1
        print(f"equal     {name}: {len(a):,} rows")
    try:
        pd.testing.assert_frame_equal(flags(before), flags(after))
    except AssertionError as e:
        print(f"DIFFERENT review-trail flags: {e}")
        return 1
    print(f"equal     review-trail flags: {len(flags(before)):,}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
