"""Job: scores of a partitioned workforce, one partition at a time (out of core).

Per partition: its features (built here, or read from ``talenta features``' partitioned
output), LightGBM's prediction for every employee × competency, and exact TreeSHAP reasons
(``pred_contrib``) for each employee's ``explain_top`` most likely needs, all by the batch
scorer :func:`ml.training.score.score_workforce`; written to ``out/part-k.parquet`` before the
next partition is read. A need rank is within one employee and every employee sits in one
partition, so the union of the parts equals the in-memory scores row for row (tested).

On Dask (``client``) the partitions are independent tasks: the model is sent to every worker
once, each task reads its partition from and writes its scores to paths all workers see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ml.features.io import load_partition
from ml.pipelines.featurise_partitioned import read_part
from ml.pipelines.partitions import require_partitions, run_partitions
from ml.training.bundle import Bundle
from ml.training.score import latest_as_of, score_workforce

NEEDED: dict[str, tuple[str, ...]] = {
    "position_requirements": ("position_id",),
    "competency_assessments": ("employee_id",),
}


@dataclass(frozen=True)
class PartitionedScores:
    out: Path
    parts: list[str]
    rows: int
    explained: int


def score_part(
    data_dir: Path,
    part: str,
    bundle: Bundle,
    as_of: pd.Timestamp,
    out: Path,
    *,
    features_dir: Path | None = None,
    explain_top: int = 3,
) -> tuple[int, int]:
    """Score one partition and write it; return its rows and explained rows."""
    if features_dir is None:
        tables, features = load_partition(data_dir, part), None
    else:
        # the features are built: the scorer only checks that its tables are there
        tables = load_partition(data_dir, part, NEEDED, names=tuple(NEEDED))
        features = read_part(features_dir, part)
    scores = score_workforce(tables, bundle, as_of, explain_top=explain_top, features=features)
    out.mkdir(parents=True, exist_ok=True)
    scores.to_parquet(out / part, index=False)
    return len(scores), int(scores["explained"].sum())


def score_partitioned(
    data_dir: Path,
    bundle: Bundle,
    as_of: pd.Timestamp,
    out: Path,
    *,
    features_dir: Path | None = None,
    explain_top: int = 3,
    client: Any | None = None,
    progress: Callable[[str], None] | None = None,
) -> PartitionedScores:
    """Scores of every partition of ``data_dir`` on ``as_of`` into directory ``out``;
    ``features_dir``: the partitions' features written already (else built per partition)."""
    parts, results = run_partitions(
        data_dir, score_part, client=client, progress=progress,
        broadcast={"bundle": bundle},  # sent to each Dask worker once, not with every task
        as_of=pd.Timestamp(as_of), out=out, features_dir=features_dir, explain_top=explain_top,
    )  # fmt: skip
    return PartitionedScores(out, parts, sum(r for r, _ in results), sum(e for _, e in results))


def partitioned_as_of(data_dir: Path) -> pd.Timestamp:
    """The in-memory scorer's default date (the day after the last appraisal period) over all
    partitions: the latest of each partition's, reading only the date columns."""
    columns: dict[str, tuple[str, ...]] = {
        "appraisals": ("period",),
        "competency_assessments": ("assessed_on",),
    }
    parts = require_partitions(data_dir)
    return max(
        latest_as_of(load_partition(data_dir, part, columns, names=tuple(columns)))
        for part in parts
    )
