"""Validate a data directory against the contract and report every violation.

Three layers, each reported with file, row, column, value and rule:
1. per column (pandera): types, code lists, ranges, formats;
2. per row and per table: rules between columns, duplicate keys;
3. across tables: references (a rater must be an employee, a code must be in ``competencies``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors as pa_errors

from ml.contract.schemas import REFERENCES, TABLES, Reference
from ml.contract.tables import LoadedTable, TableError, Violation, find_table, read_table
from ml.errors import InputError

# Every other table refers to employees, so a directory without it cannot be checked.
ALWAYS_REQUIRED = ("employees",)


class UnknownTableError(InputError):
    """A table name that is not part of the contract."""


@dataclass
class ValidationReport:
    data_dir: Path
    tables: dict[str, LoadedTable] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    file_errors: list[TableError] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "ERROR"]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity == "WARNING"]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_errors

    def frames(self) -> dict[str, pd.DataFrame]:
        return {name: t.frame for name, t in self.tables.items()}


def validate_directory(data_dir: Path, require: Iterable[str] = ()) -> ValidationReport:
    """Load and check every contract table found in ``data_dir``.

    Parameters
    ----------
    data_dir : Path
        Directory holding ``NAME.csv`` or ``NAME.parquet`` files.
    require : iterable of str
        Tables that must be present besides ``employees``; an absent one is a file error.
    """
    report = ValidationReport(data_dir)
    if not data_dir.is_dir():
        report.file_errors.append(TableError(data_dir, "no such directory"))
        return report
    required = {*ALWAYS_REQUIRED, *require}
    unknown = required - set(TABLES)
    if unknown:
        raise UnknownTableError(
            f"unknown table(s) {', '.join(sorted(unknown))}; known: {', '.join(TABLES)}"
        )
    for name, spec in TABLES.items():
        try:
            path = find_table(data_dir, name)
            if path is None:
                if name in required:
                    raise TableError(
                        data_dir / f"{name}.csv", f"missing (table {name} is required)"
                    )
                report.absent.append(name)
                continue
            table, parse_violations = read_table(path, spec)
        except TableError as e:
            report.file_errors.append(e)
            continue
        report.tables[name] = table
        report.violations.extend(parse_violations)
        report.violations.extend(check_table(table, _cells(parse_violations)))
    # A cell that broke its own column's rule is not checked again against other rows or tables.
    failed = _cells(report.violations)
    for ref in REFERENCES:
        if ref.table in report.tables and ref.target in report.tables:
            report.violations.extend(check_reference(report.tables, ref, failed))
    return report


Cells = set[tuple[str, int | None, str]]  # (file, row, column)


def _cells(violations: Iterable[Violation]) -> Cells:
    return {(v.file, v.row, v.column) for v in violations}


def check_table(table: LoadedTable, unparsed: Cells | None = None) -> list[Violation]:
    """Column rules (pandera), row rules and key uniqueness of one typed table.

    ``unparsed`` holds the cells the reader could not type: they are empty in the typed frame
    and already reported, so their emptiness is not reported again. Row rules skip rows whose
    cells already broke a column rule: one wrong value gives one violation.
    """
    unparsed = unparsed or set()
    column_violations = _column_violations(table, unparsed)
    failed = unparsed | _cells(column_violations)
    return [*column_violations, *_row_violations(table, failed), *_key_violations(table)]


def _column_violations(table: LoadedTable, unparsed: Cells) -> list[Violation]:
    try:
        table.spec.schema().validate(table.frame, lazy=True)
    except pa_errors.SchemaErrors as e:
        cases = e.failure_cases
        return [
            Violation(
                table.path.name,
                None if pd.isna(c.index) else table.row_number(int(c.index)),
                str(c.column),
                "" if pd.isna(c.failure_case) else str(c.failure_case),
                "not empty" if c.check == "not_nullable" else str(c.check),
            )
            for c in cases.itertuples()
            if not (
                c.check == "not_nullable"
                and (table.path.name, table.row_number(int(c.index)), str(c.column)) in unparsed
            )
        ]
    return []


def _row_violations(table: LoadedTable, failed: Cells) -> list[Violation]:
    df = table.frame
    out = []
    for rule in table.spec.row_rules:
        broken = ~rule.holds(df).fillna(True).astype(bool)
        for i in broken[broken].index:
            row = table.row_number(int(i))
            if any((table.path.name, row, c) in failed for c in rule.columns):
                continue
            value = ", ".join(f"{c}={_show(df.at[i, c])}" for c in rule.columns)
            out.append(
                Violation(
                    table.path.name, row, ",".join(rule.columns), value,
                    rule.name, rule.severity,
                )
            )  # fmt: skip
    return out


def _key_violations(table: LoadedTable) -> list[Violation]:
    key = list(table.spec.key)
    df = table.frame
    dup = df.duplicated(key, keep="first")
    if not dup.any():
        return []
    first = df.reset_index().groupby(key, dropna=False, sort=False)["index"].transform("first")
    first_rows = first.to_numpy(dtype=np.int64) + table.first_row
    return [
        Violation(
            table.path.name,
            table.row_number(int(i)),
            ",".join(key),
            ", ".join(_show(df.at[i, c]) for c in key),
            f"unique key ({', '.join(key)}); first seen at row {first_rows[i]}",
        )
        for i in np.flatnonzero(dup.to_numpy())
    ]


def check_reference(
    tables: dict[str, LoadedTable], ref: Reference, failed: Cells | None = None
) -> list[Violation]:
    """Values of ``ref.table.ref.column`` that do not exist in the target table.

    Cells in ``failed`` (already reported as malformed) are skipped.
    """
    failed = failed or set()
    source = tables[ref.table]
    values = source.frame[ref.column].dropna()
    targets = pd.Index(tables[ref.target].frame[ref.target_column].dropna().unique())
    if ref.multi:
        values = values.str.split(";").explode()
    missing = values[~values.isin(targets)]
    seen: set[int] = set()
    out = []
    for i, value in zip(missing.index.to_numpy(), missing.to_numpy(), strict=True):
        row = source.row_number(int(i))
        if (row in seen and ref.multi) or (source.path.name, row, ref.column) in failed:
            continue
        seen.add(row)
        out.append(Violation(source.path.name, row, ref.column, str(value), ref.rule))
    return out


def _show(value: Any) -> str:
    if not isinstance(value, str) and pd.isna(value):
        return "<empty>"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def write_violations(violations: Iterable[Violation], path: Path) -> None:
    """Every violation as a CSV (with its header even when there is none)."""
    columns = [f.name for f in fields(Violation)]
    pd.DataFrame([asdict(v) for v in violations], columns=columns).to_csv(path, index=False)
