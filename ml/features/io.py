"""Reading a data directory for the feature pipeline and writing its output as Parquet."""

from __future__ import annotations

from pathlib import Path

from ml.contract.schemas import TABLES
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
            table, problems = read_table(path, spec, columns.get(name))
        except TableError as e:
            raise FeatureInputError(str(e)) from None
        if problems:
            first = problems[0]
            raise FeatureInputError(
                f"{first.file}: {len(problems):,} value(s) do not parse, e.g. row {first.row} "
                f"column {first.column} = {first.value!r} ({first.rule}); run `talenta validate`"
            )
        tables[name] = table.frame
    if "employees" not in tables:
        raise FeatureInputError(f"{data_dir}: employees table missing (employees.csv or .parquet)")
    return tables


def write_features(features: FeatureSet, out: Path, employees_out: Path | None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    features.competencies.to_parquet(out, index=False)
    if employees_out is not None:
        employees_out.parent.mkdir(parents=True, exist_ok=True)
        features.employees.to_parquet(employees_out, index=False)
