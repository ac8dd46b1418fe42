"""``talenta ingest``: rename and recode a real export into the data contract.

A mapping (YAML, see ``data/mappings/``) says, per contract table, where each column comes from:

.. code-block:: yaml

    source: {file: export.csv}            # the file inside SRC when SRC is a directory
    derive:                               # helper columns, computed in order
      birth_year: "2018 - age"
    tables:
      employees:
        distinct: true                    # keep the first row of each key
        columns:
          employee_id: {column: id, format: "{:0>18}"}
          gender: {column: sex, values: {f: P, m: L}}
          agency_id: {constant: WNS}
          unit_id: {column: department, case: upper_code}
          hire_date: {template: "{hire_year}-01-01"}
      appraisals:
        where: "notna(rating)"            # rows to keep
        columns: …

A table may instead list ``parts`` (each with its own ``where`` and ``columns``) that are stacked,
e.g. to build employees from both the ratees and the raters of a ratings file. Contract columns
that a mapping leaves out are empty; source values missing from a ``values`` map become empty and
are reported. The result is validated in a staging directory and moved into ``--out`` only when it
obeys the contract, so a failed ingest changes nothing already there. An ingest that would replace
a table holding rows with an empty one (a header-only export) is refused unless asked for
(``replace_with_empty``). The staging directory (``staging.py``) is private to the user and
cleaned up by the next ingest if this one is killed.
"""

from __future__ import annotations

import re
import shutil
import string
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ml.contract.expressions import ExpressionError, evaluate
from ml.contract.limits import TooLarge, check_columns, check_csv
from ml.contract.names import split_full_name
from ml.contract.schemas import TABLES
from ml.contract.staging import staging_directory
from ml.contract.tables import TableError, find_table
from ml.contract.validation import ValidationReport, validate_directory
from ml.errors import InputError


class IngestError(InputError):
    """A mapping or source that cannot be used at all; the message names the file and key."""


NAME_PARTS = ("front_title", "name", "back_title")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnRule(_Strict):
    """Where one contract column comes from: exactly one of column/constant/template/expr."""

    column: str | None = None
    constant: str | int | float | None = None
    template: str | None = None
    expr: str | None = None
    values: dict[str | int | float, str | int | float] | None = None  # recode source values
    default: str | int | float | None = None  # for values absent from ``values``
    case: str | None = None  # "upper_code": "Sales & Marketing" → "SALES_MARKETING"
    format: str | None = None  # a Python format spec, e.g. "{:0>18}"
    date_format: str | None = None  # strptime format of a source date, e.g. "%d/%m/%Y"
    # One field holding a name with its titles ("Dr. Budi Santoso, S.E., M.Si."): take this part.
    name_part: str | None = None  # "front_title", "name" or "back_title"

    @model_validator(mode="after")
    def _one_source(self) -> ColumnRule:
        given = [
            k for k in ("column", "constant", "template", "expr") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of column, constant, template, expr (got {given or 'none'})"
            )
        if self.case not in (None, "upper_code", "upper"):
            raise ValueError(f"case must be upper_code or upper, not {self.case!r}")
        if self.name_part not in (None, *NAME_PARTS):
            raise ValueError(
                f"name_part must be one of {', '.join(NAME_PARTS)}, not {self.name_part!r}"
            )
        return self


class Part(_Strict):
    where: str | None = None
    columns: dict[str, ColumnRule]


class TableMapping(_Strict):
    where: str | None = None
    distinct: bool = False
    columns: dict[str, ColumnRule] | None = None
    parts: list[Part] | None = None

    @model_validator(mode="after")
    def _columns_or_parts(self) -> TableMapping:
        if (self.columns is None) == (self.parts is None):
            raise ValueError("give either columns or parts")
        return self

    def all_parts(self) -> list[Part]:
        if self.parts is not None:
            return [Part(where=p.where or self.where, columns=p.columns) for p in self.parts]
        assert self.columns is not None
        return [Part(where=self.where, columns=self.columns)]


class Source(_Strict):
    file: str
    encoding: str = "utf-8"
    separator: str = ","


class Mapping(_Strict):
    name: str
    description: str = ""
    source: Source
    derive: dict[str, str] = {}
    tables: dict[str, TableMapping]

    @model_validator(mode="after")
    def _known_tables_and_columns(self) -> Mapping:
        for table, mapping in self.tables.items():
            if table not in TABLES:
                raise ValueError(f"unknown table {table!r} (contract tables: {', '.join(TABLES)})")
            for part in mapping.all_parts():
                unknown = [c for c in part.columns if c not in TABLES[table].columns]
                if unknown:
                    raise ValueError(
                        f"table {table}: unknown column(s) {', '.join(unknown)} "
                        f"(contract: {', '.join(TABLES[table].columns)})"
                    )
        return self


def load_mapping(path: Path) -> Mapping:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(f"{path}: mapping file not found") from None
    except yaml.YAMLError as e:
        raise IngestError(f"{path}: not valid YAML: {e}") from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        raise IngestError(f"{path}: {problems}") from None


@dataclass
class IngestResult:
    summaries: dict[str, str]
    unmapped: list[str]
    validation: ValidationReport
    written: list[str] = field(default_factory=list)


def ingest(
    src: Path, mapping_path: Path, out: Path, *, replace_with_empty: bool = False
) -> IngestResult:
    """Map ``src`` with the mapping at ``mapping_path``, validate, and write into ``out``.

    Raises :class:`IngestError` (and writes nothing) when a table would come out empty where
    ``out`` holds rows of it, unless ``replace_with_empty``."""
    mapping = load_mapping(mapping_path)
    source_path = src / mapping.source.file if src.is_dir() else src
    source = read_source(source_path, mapping.source)
    for name, expression in mapping.derive.items():
        try:
            source[name] = evaluate(expression, source)
        except ExpressionError as e:
            raise IngestError(f"{mapping_path}: derive.{name}: {e}") from None

    tables: dict[str, pd.DataFrame] = {}
    summaries: dict[str, str] = {}
    unmapped: list[str] = []
    for table, table_mapping in mapping.tables.items():
        frame, notes = map_table(source, table, table_mapping, f"{mapping_path}: tables.{table}")
        tables[table] = frame
        summaries[table] = f"{len(frame):,} rows from {len(source):,} source rows" + (
            f" ({'; '.join(notes)})" if notes else ""
        )
        empty = [
            c
            for c, col in TABLES[table].columns.items()
            if not col.optional and all(c not in p.columns for p in table_mapping.all_parts())
        ]
        if empty:
            unmapped.append(f"{table}: {', '.join(empty)} left empty (no source)")
    used = _used_columns(mapping)
    unused = [c for c in source.columns if c not in used and c not in mapping.derive]
    if unused:
        unmapped.append(f"source columns not used: {', '.join(unused)}")
    absent = [t for t in TABLES if t not in tables]
    if absent:
        unmapped.append(f"tables the source cannot fill: {', '.join(absent)}")
    # Collect the value-map misses reported while mapping.
    unmapped.extend(n for t in tables for n in tables[t].attrs.pop("unmapped_values", []))

    if out.exists() and not out.is_dir():
        raise IngestError(f"{out}: exists and is not a directory")
    if not replace_with_empty:
        _refuse_emptying(tables, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with staging_directory(out.parent) as staging:
        for table, frame in tables.items():
            frame.to_csv(staging / f"{table}.csv", index=False, lineterminator="\n")
        # Tables already in --out (from another export) must agree with the new ones.
        for name in TABLES:
            for kept in (out / f"{name}.csv", out / f"{name}.parquet"):
                if name not in tables and kept.is_file():
                    (staging / kept.name).symlink_to(kept.resolve())
        report = validate_directory(staging)
        _locate_in_source(report, tables, source_path.name)
        result = IngestResult(summaries, unmapped, report)
        if report.ok:
            out.mkdir(parents=True, exist_ok=True)
            for table in tables:
                for old in (out / f"{table}.csv", out / f"{table}.parquet"):
                    old.unlink(missing_ok=True)
                shutil.move(staging / f"{table}.csv", out / f"{table}.csv")
                result.written.append(f"{table}.csv")
        report.data_dir = out
        return result


def _refuse_emptying(tables: dict[str, pd.DataFrame], out: Path) -> None:
    """Raise when an empty new table would replace one in ``out`` that holds rows."""
    emptied = []
    for table, frame in tables.items():
        if frame.empty:
            rows = _stored_rows(out, table)
            if rows:
                emptied.append(f"{table} ({rows:,} rows)")
    if emptied:
        raise IngestError(
            f"{out}: the export gives no rows for {', '.join(emptied)}; replacing them with "
            "empty tables was refused and nothing was written "
            "(--replace-with-empty does it on purpose)"
        )


def _stored_rows(out: Path, table: str) -> int:
    """Rows of ``table`` in ``out`` (0 when absent); a Parquet file's count from its footer, a
    CSV's counted by lines without parsing it."""
    try:
        path = find_table(out, table)
    except TableError:
        return 1  # both formats at once: something is there, keep it
    if path is None:
        return 0
    if path.suffix == ".parquet":
        try:
            return int(pq.read_metadata(path).num_rows)
        except Exception:  # unreadable: not ours to overwrite silently either
            return 1
    with path.open("rb") as file:
        return max(sum(1 for line in file if line.strip()) - 1, 0)


def _locate_in_source(
    report: ValidationReport, tables: dict[str, pd.DataFrame], source_name: str
) -> None:
    """Point violations in freshly mapped tables at the source row they came from."""
    located = []
    for v in report.violations:
        table = v.file.rsplit(".", 1)[0]
        lines = tables[table].attrs.get("source_rows") if table in tables else None
        if lines is None or v.row is None:
            located.append(v)
            continue
        located.append(replace(v, file=f"{source_name} → {table}", row=int(lines[v.row - 2])))
    report.violations = located


def read_source(path: Path, source: Source) -> pd.DataFrame:
    """Read the export as text columns: recoding decides what every value means."""
    if not path.is_file():
        raise IngestError(f"{path}: source file not found")
    if path.suffix == ".parquet":
        return _read_parquet_source(path)
    try:
        check_csv(path, source.encoding, source.separator)
    except TooLarge as e:
        raise IngestError(f"{path}: {e}") from None
    except LookupError:
        raise IngestError(f"{path}: unknown encoding {source.encoding!r} in the mapping") from None
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""],
            encoding=source.encoding, sep=source.separator,
        )  # fmt: skip
    except UnicodeDecodeError as e:
        raise IngestError(f"{path}: not {source.encoding} text (offset {e.start})") from None
    except LookupError:
        raise IngestError(f"{path}: unknown encoding {source.encoding!r} in the mapping") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise IngestError(f"{path}: cannot read as CSV: {e}") from None


def _read_parquet_source(path: Path) -> pd.DataFrame:
    try:
        check_columns(len(pq.read_schema(path).names))
        frame = pd.read_parquet(path)
    except TooLarge as e:
        raise IngestError(f"{path}: {e}") from None
    except Exception as e:  # pyarrow raises several unrelated types for a damaged file
        raise IngestError(
            f"{path}: not a readable Parquet file ({type(e).__name__}: {str(e)[:200]})"
        ) from None
    return frame.astype("str").where(frame.notna())


def map_table(
    source: pd.DataFrame, table: str, mapping: TableMapping, where: str
) -> tuple[pd.DataFrame, list[str]]:
    """Build one contract table from the source; return it and notes on dropped rows."""
    spec = TABLES[table]
    frames: list[pd.DataFrame] = []
    notes: list[str] = []
    misses: list[str] = []
    # an optional column (a person's name) that no part maps is left out, as a source would
    mapped = [
        c
        for c, col in spec.columns.items()
        if not col.optional or any(c in p.columns for p in mapping.all_parts())
    ]
    for i, part in enumerate(mapping.all_parts()):
        label = f"{where}.parts[{i}]" if mapping.parts else where
        rows = source
        if part.where:
            try:
                keep = evaluate(part.where, source).fillna(False).astype(bool)
            except ExpressionError as e:
                raise IngestError(f"{label}.where: {e}") from None
            rows = source[keep]
            if (~keep).any():
                notes.append(f"{int((~keep).sum()):,} rows skipped by where: {part.where}")
        columns = {}
        for name in mapped:
            rule = part.columns.get(name)
            if rule is None:
                columns[name] = pd.Series(pd.NA, index=rows.index, dtype="str")
                continue
            values, missed = apply_rule(rows, rule, f"{label}.columns.{name}")
            columns[name] = values
            misses.extend(f"{table}.{name}: {m}" for m in missed)
        frames.append(pd.DataFrame(columns, index=rows.index))
    frame = pd.concat(frames)
    if mapping.distinct:
        before = len(frame)
        frame = frame[~frame.duplicated(list(spec.key), keep="first").to_numpy()]
        if before > len(frame):
            notes.append(f"{before - len(frame):,} repeated keys merged")
    source_rows = frame.index.to_numpy() + 2  # the source's header is row 1
    frame = frame.reset_index(drop=True)
    frame.attrs["unmapped_values"] = misses
    frame.attrs["source_rows"] = source_rows
    return frame, notes


def apply_rule(rows: pd.DataFrame, rule: ColumnRule, where: str) -> tuple[pd.Series, list[str]]:
    """One contract column from the source rows, as text; and the value-map misses."""
    try:
        values = _base_values(rows, rule)
    except (ExpressionError, ValueError) as e:
        raise IngestError(f"{where}: {e}") from None
    misses: list[str] = []
    text = values.astype("str").where(values.notna())
    if rule.values is not None:
        # 5, "5" and a float column's "5.0" are the same code
        table = {_canonical(str(k)): str(v) for k, v in rule.values.items()}
        text = text.str.replace(r"^(-?[0-9]+)\.0+$", r"\1", regex=True)
        mapped = text.map(table)
        missing = text.notna() & mapped.isna()
        if rule.default is not None:
            mapped = mapped.where(~missing, str(rule.default))
        elif missing.any():
            counts = text[missing].value_counts()
            shown = ", ".join(f"{v!r} ×{n:,}" for v, n in counts.head(5).items())
            misses.append(
                f"{int(missing.sum()):,} values not in the value map ({shown}) left empty"
            )
        text = mapped
    if rule.name_part is not None:
        position = NAME_PARTS.index(rule.name_part)
        text = text.map(lambda v: split_full_name(v)[position] if isinstance(v, str) else None)
        text = text.where(text.notna())
    if rule.case == "upper_code":
        text = text.str.upper().str.replace(r"[^0-9A-Z]+", "_", regex=True).str.strip("_")
    elif rule.case == "upper":
        text = text.str.upper()
    if rule.date_format:
        parsed = pd.to_datetime(text, format=rule.date_format, errors="coerce")
        bad = text.notna() & parsed.isna()
        if bad.any():
            misses.append(
                f"{int(bad.sum()):,} values not dates in {rule.date_format!r} "
                f"(e.g. {text[bad].iloc[0]!r}) left empty"
            )
        text = parsed.dt.strftime("%Y-%m-%d")
    if rule.format:
        fmt = rule.format
        try:
            text = text.map(lambda v: fmt.format(v) if isinstance(v, str) else v)
        except (ValueError, IndexError, KeyError) as e:
            raise IngestError(
                f"{where}.format: {fmt!r} cannot format the text values: {e}"
            ) from None
    return text.astype("str").where(text.notna()), misses


def _canonical(code: str) -> str:
    return re.sub(r"^(-?[0-9]+)\.0+$", r"\1", code)


def _base_values(rows: pd.DataFrame, rule: ColumnRule) -> pd.Series:
    if rule.column is not None:
        if rule.column not in rows.columns:
            columns = ", ".join(rows.columns)
            raise ValueError(f"no source column {rule.column!r} (columns: {columns})")
        return rows[rule.column]
    if rule.constant is not None:
        return pd.Series(str(rule.constant), index=rows.index, dtype="str")
    if rule.expr is not None:
        return evaluate(rule.expr, rows)
    assert rule.template is not None
    return _fill_template(rule.template, rows)


def _fill_template(template: str, rows: pd.DataFrame) -> pd.Series:
    out = pd.Series("", index=rows.index, dtype="str")
    for literal, name, spec, _ in string.Formatter().parse(template):
        out = out + literal
        if name is None:
            continue
        if name not in rows.columns:
            raise ValueError(f"template names unknown column {name!r}")
        col = rows[name]
        part = col.map(lambda v, s=spec: format(v, s) if pd.notna(v) else None) if spec else col
        out = out + part.astype("str").where(part.notna())
    return out


def _used_columns(mapping: Mapping) -> set[str]:
    used: set[str] = set()
    names = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
    for table in mapping.tables.values():
        for part in table.all_parts():
            texts: list[Any] = [part.where or ""]
            for rule in part.columns.values():
                if rule.column:
                    used.add(rule.column)
                texts += [
                    rule.expr or "",
                    *(f[1] or "" for f in string.Formatter().parse(rule.template or "")),
                ]
            for text in texts:
                used.update(names.findall(text))
    for expression in mapping.derive.values():
        used.update(names.findall(expression))
    return used
