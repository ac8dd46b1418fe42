"""The feature pipeline on Dask, for data beyond one machine (``talenta features --engine dask``).

Every feature of an employee depends on that employee's rows alone, so the work splits by
employee: each dated table is read in parallel by ``dask.dataframe``, typed block by block, and
shuffled into ``n_partitions`` groups by a stable hash of ``employee_id``; partition *k* of every
table then holds the same employees, and :func:`ml.features.build_features` runs on each group as
one task, with the small reference tables (competencies, requirements, catalogue) sent along. The
result equals the pandas engine's, row for row (a test checks it on a LocalCluster).

Needs the optional extra ``talenta[dask]``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ml.contract.schemas import TABLES
from ml.contract.tables import find_table, parse_column  # the same typing as the pandas engine
from ml.features.pipeline import (
    INPUT_COLUMNS,
    FeatureInputError,
    FeatureSet,
    build_features,
    wide_column_order,
)
from ml.features.point_in_time import Tables

PARTITIONED = ("employees", "competency_assessments", "appraisals", "trainings")
REFERENCE = ("competencies", "position_requirements", "training_catalog")


def partition_of(employee_id: pd.Series, n_partitions: int) -> pd.Series:
    """A stable partition number per employee (the same in every process and run)."""
    return (pd.util.hash_pandas_object(employee_id, index=False) % n_partitions).astype("int64")


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    kinds = TABLES[name].columns
    typed = {}
    for column in INPUT_COLUMNS[name]:
        typed[column], bad = parse_column(frame[column], kinds[column].kind)
        if bad:
            # as the pandas engine: refuse rather than build features on silently emptied cells
            position, rule = bad[0]
            raise FeatureInputError(
                f"{name}: {len(bad):,} value(s) of {column} do not parse in one block, e.g. "
                f"{frame[column].iat[position]!r} ({rule}); run `talenta validate`"
            )
    return pd.DataFrame(typed)


def _read(path: Path, name: str, blocksize: str) -> Any:
    import dask.dataframe as dd

    columns = list(INPUT_COLUMNS[name])
    if path.suffix == ".parquet":
        frame = dd.read_parquet(path, columns=columns)
    else:
        frame = dd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], blocksize=blocksize,
            usecols=columns,
        )  # fmt: skip
    meta = _typed(frame._meta, name)
    return frame.map_partitions(_typed, name, meta=meta)


def _features_of_group(
    partitioned: dict[str, pd.DataFrame], reference: Tables, as_of: pd.Timestamp
) -> FeatureSet:
    tables = {
        **reference,
        **{k: v.drop(columns="part").reset_index(drop=True) for k, v in partitioned.items()},
    }
    return build_features(tables, as_of)


def build_features_dask(
    data_dir: Path,
    as_of: pd.Timestamp | str,
    *,
    client: Any,
    n_partitions: int | None = None,
    blocksize: str = "64MB",
    progress: Callable[[str], None] | None = None,
) -> FeatureSet:
    """Features of ``data_dir`` on ``as_of``, computed on the Dask cluster behind ``client``."""
    import dask

    as_of = pd.Timestamp(as_of)
    step = progress or (lambda _: None)
    n_partitions = n_partitions or max(1, 2 * len(client.scheduler_info()["workers"]))
    step("reading")
    paths = {name: find_table(data_dir, name) for name in TABLES}
    if paths["employees"] is None:
        raise FeatureInputError(f"{data_dir}: employees table missing")
    reference: Tables = {}
    for name in REFERENCE:
        path = paths[name]
        if path is not None:
            reference[name] = _read(path, name, blocksize).compute()
    groups: dict[str, list[Any]] = {}
    for name in PARTITIONED:
        path = paths[name]
        if path is None:
            continue
        frame = _read(path, name, blocksize)
        frame = frame.assign(
            part=frame["employee_id"].map_partitions(
                partition_of, n_partitions, meta=("part", "int64")
            )
        )
        # An explicit split on the partition number: group k of every table holds part == k.
        divisions = [*range(n_partitions), n_partitions - 1]
        frame = frame.set_index("part", divisions=divisions, drop=False, shuffle_method="tasks")
        groups[name] = frame.to_delayed()
    step("building features")
    reference_future = client.scatter(reference, broadcast=True) if reference else {}
    tasks = [
        dask.delayed(_features_of_group)(
            {name: parts[k] for name, parts in groups.items()}, reference_future, as_of
        )
        for k in range(n_partitions)
    ]
    results = client.compute(tasks, sync=True)  # a task's FeatureInputError is re-raised here
    step("collecting")
    return _combine(results)


def _combine(results: list[FeatureSet]) -> FeatureSet:
    """One FeatureSet from the per-group ones, in employee order with canonical columns."""
    # groups without employees (more groups than employees) carry no rows, only untyped columns
    results = [r for r in results if len(r.employees)] or results[:1]
    competencies = pd.concat([r.competencies for r in results], ignore_index=True)
    employees = pd.concat([r.employees for r in results], ignore_index=True)
    columns = results[0].employee_columns
    employees = employees[wide_column_order(list(employees.columns), columns)]
    counts = [c for c in employees.columns if c.startswith("n_")]
    employees[counts] = employees[counts].fillna(0).astype("int64")
    by_competency = _sorted_order(competencies, ["employee_id", "competency_code"])
    competencies = competencies.take(by_competency)
    employees = employees.take(_sorted_order(employees, ["employee_id"]))
    return FeatureSet(
        competencies.reset_index(drop=True), employees.reset_index(drop=True), columns
    )


def _sorted_order(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Row order by ``columns`` ascending, stable, missing last: ``sort_values``' order, sorted
    by Arrow (several times faster on millions of strings)."""
    table = pa.table({c: pa.array(frame[c].astype("str"), pa.string()) for c in columns})
    keys = [(c, "ascending") for c in columns]
    return np.asarray(pc.sort_indices(table, sort_keys=keys))  # nulls last by default


def sorted_like_dask(features: FeatureSet) -> FeatureSet:
    """The pandas engine's result in the Dask engine's row order, for comparison."""
    return _combine([features])
