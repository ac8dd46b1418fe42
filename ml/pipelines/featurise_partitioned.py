"""Job: features of a partitioned data directory, one partition at a time (out of core).

``talenta generate`` at national size writes every employee's rows into one partition
(:mod:`ml.pipelines.generate`), and features depend on an employee's own rows alone, so the
features of partition *k* are built from partition *k* and the shared reference tables, then
written to ``out/<view>/part-k.parquet`` before the next is read: memory is that of one
partition. The union of the parts equals the in-memory run, row for row (tested).

The parts are independent tasks, so the same function runs on Dask workers: ``scheduler``
sends one task per partition; each worker reads its partition from and writes its output to
paths every worker sees (a shared filesystem), and only row counts come back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ml.features import FeatureSet, build_features
from ml.features.distributed import sorted_like_dask
from ml.features.io import load_partition
from ml.pipelines.partitions import run_partitions

VIEWS = ("competencies", "employees")
COLUMNS_FILE = "employee_columns.json"


@dataclass(frozen=True)
class PartitionedFeatures:
    """Where the parts went and how many rows each view holds."""

    out: Path
    parts: list[str]
    rows: dict[str, int]


def featurise_part(data_dir: Path, part: str, as_of: pd.Timestamp, out: Path) -> dict[str, Any]:
    """Build and write the features of one partition; return its row counts and columns."""
    features = sorted_like_dask(build_features(load_partition(data_dir, part), as_of))
    for view in VIEWS:
        (out / view).mkdir(parents=True, exist_ok=True)
        getattr(features, view).to_parquet(out / view / part, index=False)
    return {
        "competencies": len(features.competencies),
        "employees": len(features.employees),
        "employee_columns": list(features.employee_columns),
    }


def featurise_partitioned(
    data_dir: Path,
    as_of: pd.Timestamp,
    out: Path,
    *,
    client: Any | None = None,
    progress: Callable[[str], None] | None = None,
) -> PartitionedFeatures:
    """Features of every partition of ``data_dir`` as of ``as_of`` into directory ``out``;
    ``client``: a Dask client to run the partitions on (default: in turn, here)."""
    parts, results = run_partitions(
        data_dir,
        featurise_part,
        client=client,
        progress=progress,
        as_of=pd.Timestamp(as_of),
        out=out,
    )
    columns = {tuple(r["employee_columns"]) for r in results}
    if len(columns) != 1:  # the reference tables fix the columns: a mismatch is a bug
        raise RuntimeError(f"partitions disagree on the employee columns: {sorted(columns)}")
    (out / COLUMNS_FILE).write_text(json.dumps(results[0]["employee_columns"]) + "\n")
    rows = {view: sum(int(r[view]) for r in results) for view in VIEWS}
    return PartitionedFeatures(out, parts, rows)


def read_part(out: Path, part: str) -> FeatureSet:
    """The features of one partition, as written by :func:`featurise_partitioned`."""
    columns = tuple(json.loads((out / COLUMNS_FILE).read_text()))
    return FeatureSet(
        pd.read_parquet(out / "competencies" / part),
        pd.read_parquet(out / "employees" / part),
        columns,
    )
