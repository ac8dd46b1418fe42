"""Reading and writing contract tables (``NAME.csv`` or ``NAME.parquet`` in a data directory).

Reading is strict about the file (encoding, header) and forgiving about values: every cell that
cannot become its column's type is collected as a :class:`Violation` and left empty, so that
validation can report all problems of a file at once instead of stopping at the first.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ml.contract.limits import TooLarge, check_columns, check_csv, shown
from ml.contract.schemas import DTYPES, TABLES, Severity, TableSpec
from ml.errors import InputError

Format = Literal["csv", "parquet"]


class TableError(InputError):
    """A file that cannot be read as a table at all (missing, empty, not UTF-8, wrong header)."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (file, row, column), what was there, and which rule."""

    file: str
    row: int | None  # spreadsheet row: the CSV header is row 1, the first record row 2
    column: str
    value: str
    rule: str
    severity: Severity = "ERROR"

    def __post_init__(self) -> None:
        # a report repeats a little of each value: a 4 MB cell must not make a 4 MB line
        object.__setattr__(self, "value", shown(self.value))


@dataclass(frozen=True)
class LoadedTable:
    spec: TableSpec
    path: Path
    frame: pd.DataFrame  # typed, with a RangeIndex matching the file's record order
    first_row: int  # the row number of the first record (2 for CSV, 1 for Parquet)

    def row_number(self, index: int) -> int:
        return int(index) + self.first_row


def empty_table(name: str) -> pd.DataFrame:
    """Table ``name`` with no rows and the types :func:`read_table` gives."""
    return pd.DataFrame(
        {c: pd.Series(dtype=DTYPES[col.kind]) for c, col in TABLES[name].columns.items()}
    )


def find_table(data_dir: Path, name: str) -> Path | None:
    """The file of table ``name`` in ``data_dir``, or None; both formats at once is an error."""
    found = [p for p in (data_dir / f"{name}.csv", data_dir / f"{name}.parquet") if p.is_file()]
    if len(found) > 1:
        raise TableError(found[0], f"both {found[0].name} and {found[1].name} exist: keep one")
    return found[0] if found else None


def read_table(
    path: Path, spec: TableSpec, columns: Sequence[str] | None = None
) -> tuple[LoadedTable, list[Violation]]:
    """Read and type one table; raise :class:`TableError` when the file itself is unusable.

    ``columns`` reads only those (the header is still checked whole): a consumer that needs
    a few columns of a large table does not pay for the rest in memory.
    """
    wanted = list(spec.columns) if columns is None else list(columns)
    if path.suffix == ".parquet":
        schema = _parquet_schema(path)
        header = list(schema.names)
        _check_header(path, header, spec)
        _check_text_columns(path, schema, spec)
        raw = _read_parquet(path, [c for c in wanted if c in header])
    else:
        raw = _read_csv(path, wanted)
        header = raw.attrs["header"]
        _check_header(path, header, spec)
    for name in wanted:  # an optional column the file leaves out: empty values
        if name not in header:
            raw[name] = pd.Series(pd.NA, index=raw.index, dtype="object")
    raw = raw[wanted].reset_index(drop=True)
    first_row = 1 if path.suffix == ".parquet" else 2
    violations: list[Violation] = []
    typed = {}
    for name in wanted:
        column = spec.columns[name]
        values, bad = parse_column(raw[name], column.kind)
        typed[name] = values
        violations.extend(
            Violation(path.name, int(i) + first_row, name, str(raw[name].iat[i]), why)
            for i, why in bad
        )
    return LoadedTable(spec, path, pd.DataFrame(typed), first_row), violations


def write_table(frame: pd.DataFrame, data_dir: Path, name: str, fmt: Format = "csv") -> Path:
    """Write ``frame`` in the contract's column order; dates as ISO, deterministic bytes.

    An optional column that ``frame`` lacks is left out of the file, as a source would."""
    spec = TABLES[name]
    out = frame[[c for c, col in spec.columns.items() if c in frame.columns or not col.optional]]
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / f"{name}.{fmt}"
    (data_dir / f"{name}.{'csv' if fmt == 'parquet' else 'parquet'}").unlink(missing_ok=True)
    if fmt == "parquet":
        out.to_parquet(path, index=False)
    else:
        out.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return path


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    if path.stat().st_size == 0:
        raise TableError(path, "the file is empty (expected a header row)")
    try:
        check_csv(path)
    except TooLarge as e:
        raise TableError(path, str(e)) from None
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f), [])
        unique = len(set(header)) == len(header)  # else the header check names the repeats
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8",
            skip_blank_lines=False,  # a blank line is a record, and row numbers stay true
            usecols=[c for c in columns if c in header] if unique else None,
        )  # fmt: skip
        frame.attrs["header"] = header
        return frame
    except UnicodeDecodeError as e:
        raise TableError(
            path, f"not UTF-8 text (byte 0x{e.object[e.start]:02x} at offset {e.start})"
        ) from None
    except pd.errors.EmptyDataError:
        raise TableError(path, "the file is empty (expected a header row)") from None
    except pd.errors.ParserError as e:
        raise TableError(path, f"not a well-formed CSV: {str(e).strip()}") from None


def _parquet_schema(path: Path) -> pa.Schema:
    try:
        schema = pq.read_schema(path)
    except Exception as e:  # pyarrow raises several unrelated types for a damaged file
        raise TableError(path, f"not a readable Parquet file ({type(e).__name__}: {e})") from None
    try:
        check_columns(len(schema.names))
    except TooLarge as e:
        raise TableError(path, str(e)) from None
    return schema


def _check_text_columns(path: Path, schema: pa.Schema, spec: TableSpec) -> None:
    """Text columns of a Parquet file must be strings: an id stored as a number has lost its
    leading zeros (and its exact digits past 2**53) before anything here could check it."""
    wrong = [
        f"{name} ({schema.field(name).type})"
        for name, column in spec.columns.items()
        if column.kind == "str"
        and name in schema.names  # an optional column the file leaves out is checked nowhere
        and not _is_text(schema.field(name).type)
    ]
    if wrong:
        raise TableError(
            path, f"text column(s) stored as other types: {', '.join(wrong)}; store them as strings"
        )


def _is_text(kind: pa.DataType) -> bool:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)
    )


def _read_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        return pd.read_parquet(path, columns=columns)
    except Exception as e:  # pyarrow raises several unrelated types for a damaged file
        raise TableError(path, f"not a readable Parquet file ({type(e).__name__}: {e})") from None


def _check_header(path: Path, header: list[str], spec: TableSpec) -> None:
    present = set(header)
    missing = [c for c, col in spec.columns.items() if c not in present and not col.optional]
    extra = [str(c) for c in header if c not in spec.columns]
    duplicated = sorted(c for c, n in Counter(header).items() if n > 1)  # not O(columns²)
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if extra:
        more = f" and {len(extra) - 10:,} more" if len(extra) > 10 else ""
        problems.append(f"unexpected column(s) {', '.join(extra[:10])}{more}")
    if duplicated:
        problems.append(f"repeated column(s) {', '.join(duplicated)}")
    if problems:
        raise TableError(
            path,
            f"wrong header for table {spec.name}: {'; '.join(problems)} "
            f"(expected: {', '.join(_described(spec))})",
        )


def _described(spec: TableSpec) -> list[str]:
    return [f"{c} (optional)" if col.optional else c for c, col in spec.columns.items()]


def parse_column(values: pd.Series, kind: str) -> tuple[pd.Series, list[tuple[int, str]]]:
    """Type one column; return it and the (position, reason) of each cell that is not its kind."""
    present = values.notna().to_numpy()
    if kind == "str":
        return values.astype("str").where(values.notna()), []
    if kind == "date":
        return _parse_dates(values, present)
    if pd.api.types.is_bool_dtype(values):
        values = values.astype("str")  # True is not a number, whatever Parquet says
    numbers = pd.to_numeric(values, errors="coerce").astype("float64")
    finite = np.isfinite(numbers.to_numpy())
    not_number = present & ~finite
    numbers = numbers.where(finite)
    if kind == "float":
        return numbers, [(int(i), "a number") for i in np.flatnonzero(not_number)]
    # beyond 2**53 a float no longer holds every whole number exactly
    unfit = (
        numbers.notna() & ((numbers != np.floor(numbers)) | (numbers.abs() > 2**53))
    ).to_numpy()
    integers = numbers.where(~unfit).astype("Int64")
    reasons = [(int(i), "a whole number") for i in np.flatnonzero(not_number | unfit)]
    return integers, reasons


# Dates outside this window are typing errors in HR data (and 9999-12-31 "open end" markers
# are not dates); it also keeps every value inside pandas' nanosecond range.
FIRST_DATE, LAST_DATE = pd.Timestamp("1900-01-01"), pd.Timestamp("2199-12-31")
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _parse_dates(values: pd.Series, present: np.ndarray) -> tuple[pd.Series, list[tuple[int, str]]]:
    if pd.api.types.is_datetime64_any_dtype(values):
        # typed dates (Parquet): kept as they are unless they carry a time of day; no round trip
        # through text (a second a million dates at national size)
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
        has_time = (stamps.notna() & (stamps != stamps.dt.normalize())).to_numpy()
        parsed = stamps.where(~has_time)
    else:
        text = values.astype("str").where(values.notna())
        text = text.where(text.str.fullmatch(ISO_DATE).fillna(False).astype(bool))
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    in_range = (parsed >= FIRST_DATE) & (parsed <= LAST_DATE)
    parsed = parsed.where(in_range).astype("datetime64[ns]")
    bad = np.flatnonzero(present & parsed.isna().to_numpy())
    return parsed, [(int(i), "an ISO date (YYYY-MM-DD) from 1900 to 2199") for i in bad]
