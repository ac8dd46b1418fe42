"""Reading a data directory for the feature pipeline and writing its output as Parquet."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ml.contract.schemas import TABLES, TableSpec
from ml.contract.tables import TableError, find_table, read_table
from ml.features.pipeline import INPUT_COLUMNS, FeatureInputError, FeatureSet
from ml.features.point_in_time import Tables


def load_tables(data_dir: Path, columns: dict[str, tuple[str, ...]] | None = None) -> Tables:
    """Typed tables of ``data_dir``; refuses a directory whose cells do not parse.

    Parsing is the part of validation features cannot do without; the full rule check is
    ``talenta validate``, run once when data arrives rather than on every feature build.
    ``columns`` (default: what the feature pipeline reads) limits what is loaded per table.
    """
    columns = INPUT_COLUMNS if columns is None else columns
    if not data_dir.is_dir():
        raise FeatureInputError(f"{data_dir}: no such directory")
    tables: Tables = {}
    for name, spec in TABLES.items():
        try:
            path = find_table(data_dir, name)
            if path is None:
                continue
        except TableError as e:
            raise FeatureInputError(str(e)) from None
        tables[name] = _typed(path, spec, columns.get(name))
    if "employees" not in tables:
        raise FeatureInputError(f"{data_dir}: employees table missing (employees.csv or .parquet)")
    return tables


def _typed(path: Path, spec: TableSpec, columns: tuple[str, ...] | None) -> pd.DataFrame:
    try:
        table, problems = read_table(path, spec, columns)
    except TableError as e:
        raise FeatureInputError(str(e)) from None
    if problems:
        first = problems[0]
        raise FeatureInputError(
            f"{first.file}: {len(problems):,} value(s) do not parse, e.g. row {first.row} "
            f"column {first.column} = {first.value!r} ({first.rule}); run `talenta validate`"
        )
    return table.frame


def write_features(features: FeatureSet, out: Path, employees_out: Path | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    features.competencies.to_parquet(out, index=False)
    if employees_out is not None:
        employees_out.parent.mkdir(parents=True, exist_ok=True)
        features.employees.to_parquet(employees_out, index=False)


def partitions(data_dir: Path) -> list[str]:
    """The part files of a partitioned data directory (``talenta generate`` sharded), in order;
    empty for a directory of one file per table."""
    employees = data_dir / "employees"
    return sorted(p.name for p in employees.glob("part-*.parquet")) if employees.is_dir() else []


def load_partition(
    data_dir: Path,
    part: str,
    columns: dict[str, tuple[str, ...]] | None = None,
    names: tuple[str, ...] | None = None,
) -> Tables:
    """Typed tables of one partition: its part of each partitioned table and the shared ones;
    ``names`` (default: all) limits which tables are read.

    Every employee's rows lie in one partition, so features built on it alone are the
    employee's features.
    """
    columns = INPUT_COLUMNS if columns is None else columns
    tables: Tables = {}
    for name, spec in TABLES.items():
        if names is not None and name not in names:
            continue
        directory = data_dir / name
        try:
            path = directory / part if directory.is_dir() else find_table(data_dir, name)
            if path is None or not path.is_file():
                continue
        except TableError as e:
            raise FeatureInputError(str(e)) from None
        tables[name] = _typed(path, spec, columns.get(name))
    if "employees" not in tables and (names is None or "employees" in names):
        raise FeatureInputError(f"{data_dir}: employees/{part} missing")
    return tables
