"""The data contract: every rule has a case that breaks it, reported with file, row and column."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.contract.tables import Violation
from ml.contract.validation import validate_directory


def corrupt(
    data_dir: Path, table: str, column: str, value: str, where: dict[str, str] | None = None
) -> int:
    """Set one cell of ``table.csv``; return the spreadsheet row number it sits on."""
    path = data_dir / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    candidates = frame.index
    for col, val in (where or {}).items():
        candidates = candidates[frame.loc[candidates, col] == val]
    i = int(candidates[min(3, len(candidates) - 1)])
    frame.loc[i, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")
    return i + 2


def find(violations: list[Violation], file: str, row: int, column: str) -> list[Violation]:
    return [
        v for v in violations if v.file == file and v.row == row and column in v.column.split(",")
    ]


CASES = [
    # table, column, bad value, part of the rule's text, rows to pick from
    ("employees", "employee_id", "12345", "18-digit NIP", None),
    ("employees", "birth_year", "1850", "1930–2015", None),
    ("employees", "birth_year", "19x0", "whole number", None),
    ("employees", "gender", "X", "one of L, P", None),
    ("employees", "agency_id", "", "not empty", None),
    ("employees", "unit_id", "   ", "not blank", None),
    ("employees", "position_type", "KEPALA", "one of JPT_UTAMA", None),
    ("employees", "grade", "V/z", "grade", None),
    ("employees", "grade", "IX", "grade fits employment_type", {"employment_type": "PNS"}),
    ("employees", "education", "SMK", "one of SD", None),
    ("employees", "employment_type", "HONORER", "one of PNS, PPPK", None),
    ("employees", "hire_date", "12/03/2001", "ISO date", None),
    ("employees", "hire_date", "1950-01-01", "hired at 15 or older", None),
    ("employees", "supervisor_id", "ABC", "18-digit NIP", None),
    ("employees", "supervisor_id", "199001012015011999", "exists in employees.employee_id", None),
    ("competencies", "competency_code", "X9", "competency code", None),
    ("competencies", "name", "", "not empty", None),
    ("competencies", "group", "LAINNYA", "one of MANAJERIAL", None),
    ("competencies", "group", "TEKNIS", "group fits the code", {"competency_code": "M1"}),
    ("position_requirements", "required_level", "6", "level from 1 to 5", None),
    ("position_requirements", "competency_code", "M99", "exists in competencies", None),
    ("position_requirements", "position_id", "", "not empty", None),
    ("competency_assessments", "level", "0", "level from 1 to 5", None),
    ("competency_assessments", "level", "2.5", "whole number", None),
    ("competency_assessments", "method", "WAWANCARA", "one of ASSESSMENT_CENTER", None),
    ("competency_assessments", "assessed_on", "2023-13-01", "ISO date", None),
    ("competency_assessments", "employee_id", "199001012015011999", "exists in employees", None),
    ("competency_assessments", "competency_code", "T-NOPE", "exists in competencies", None),
    ("appraisals", "period", "21", "YYYY or YYYY-MM", None),
    ("appraisals", "period", "2021-13", "YYYY or YYYY-MM", None),
    ("appraisals", "rater_role", "ATASAN_LANGSUNG", "one of ATASAN", None),
    ("appraisals", "hasil_kerja_rating", "BAIK", "one of DI_ATAS", None),
    ("appraisals", "perilaku_rating", "di_atas", "one of DI_ATAS", None),
    ("appraisals", "predikat", "LUAR_BIASA", "one of SANGAT_BAIK", None),
    ("appraisals", "kpi_attainment", "2.5", "ratio 0–2", None),
    ("appraisals", "kpi_attainment", "tinggi", "a number", None),
    ("appraisals", "community_feedback", "0", "rating 1–5", None),
    ("appraisals", "score", "-1", "score ≥ 0", None),
    ("appraisals", "rater_id", "199001012015011999", "exists in employees", None),
    ("appraisals", "employee_id", "199001012015011999", "exists in employees", None),
    ("trainings", "jp", "0", "JP 1–2000", None),
    ("trainings", "status", "SELESAI", "one of COMPLETED", None),
    ("trainings", "post_score", "101", "score 0–100", None),
    ("trainings", "end_date", "2000-01-01", "end_date on or after start_date", None),
    ("trainings", "end_date", "", "COMPLETED training has an end_date", {"status": "COMPLETED"}),
    ("trainings", "program_id", "NOPE", "exists in training_catalog", None),
    ("training_catalog", "provider_type", "SWASTA", "one of BKN", None),
    ("training_catalog", "competency_codes", "M1,M2", "separated by ';'", None),
    ("training_catalog", "competency_codes", "M1;T-NOPE", "exists in competencies", None),
    ("training_catalog", "max_level", "7", "level from 1 to 5", None),
    ("training_catalog", "cost_idr", "-5", "rupiah ≥ 0", None),
    ("training_catalog", "jp", "abc", "whole number", None),
    ("training_catalog", "mode", "ONLINE", "one of KLASIKAL", None),
    ("training_catalog", "title", "", "not empty", None),
    # names (design §3, "Names"): optional, but never blank; units and positions exist
    ("employees", "name", "  ", "not blank", None),
    ("employees", "back_title", " ", "not blank", None),
    ("employees", "unit_id", "BKN-U9999", "exists in units.unit_id", None),
    ("employees", "position_id", "BKN-NOPE", "exists in positions.position_id", None),
    ("units", "name", "", "not empty", None),
    ("units", "parent_unit_id", "BKN-U9999", "exists in units.unit_id", None),
    ("positions", "jenjang", "AHLI", "one of PEMULA", None),
    ("positions", "position_type", "KEPALA", "one of JPT_UTAMA", None),
    ("position_requirements", "position_id", "BKN-NOPE", "exists in positions.position_id", None),
]


def test_clean_workforce_is_valid(workforce_dir: Path) -> None:
    report = validate_directory(workforce_dir, require=["appraisals", "trainings"])
    assert report.ok, report.violations[:5]
    assert report.absent == []
    assert set(report.tables) == {
        "employees", "competencies", "position_requirements", "competency_assessments",
        "appraisals", "trainings", "training_catalog", "units", "positions",
    }  # fmt: skip


@pytest.mark.parametrize(("table", "column", "value", "rule", "where"), CASES)
def test_each_rule_names_file_row_and_column(
    workforce_copy: Path,
    table: str,
    column: str,
    value: str,
    rule: str,
    where: dict[str, str] | None,
) -> None:
    row = corrupt(workforce_copy, table, column, value, where)
    report = validate_directory(workforce_copy)
    assert not report.ok
    hits = find(report.errors, f"{table}.csv", row, column)
    assert any(rule in v.rule for v in hits), (rule, hits or report.errors[:5])


def test_appraisal_rater_equal_to_ratee_is_rejected(workforce_copy: Path) -> None:
    path = workforce_copy / "appraisals.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[5, "rater_id"] = frame.loc[5, "employee_id"]
    frame.to_csv(path, index=False, lineterminator="\n")
    hits = find(validate_directory(workforce_copy).errors, "appraisals.csv", 7, "rater_id")
    assert any("differs from employee_id" in v.rule for v in hits)


def test_duplicate_key_points_at_the_first_occurrence(workforce_copy: Path) -> None:
    path = workforce_copy / "employees.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.concat([frame, frame.iloc[[2]]], ignore_index=True)
    frame.to_csv(path, index=False, lineterminator="\n")
    dup = [v for v in validate_directory(workforce_copy).errors if "unique key" in v.rule]
    assert [(v.row, v.column) for v in dup] == [(len(frame) + 1, "employee_id")]
    assert "first seen at row 4" in dup[0].rule


def test_disagreeing_predikat_is_a_warning_not_an_error(workforce_copy: Path) -> None:
    row = corrupt(workforce_copy, "appraisals", "predikat", "SANGAT_KURANG",
                  {"hasil_kerja_rating": "SESUAI", "perilaku_rating": "SESUAI"})  # fmt: skip
    report = validate_directory(workforce_copy)
    assert report.ok
    assert [(v.row, v.severity) for v in report.warnings] == [(row, "WARNING")]


def test_every_violation_of_a_file_is_reported(workforce_copy: Path) -> None:
    path = workforce_copy / "competency_assessments.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[:, "method"] = "WAWANCARA"
    frame.to_csv(path, index=False, lineterminator="\n")
    errors = validate_directory(workforce_copy).errors
    assert len(errors) == len(frame)
    assert sorted(v.row for v in errors) == list(range(2, len(frame) + 2))


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty"),
        (b"employee_id,nama\n1,Budi\n", "wrong header"),
        (b"employee_id;birth_year\n", "missing column(s)"),
        ("\ufeff".encode() + b"x" + "é".encode("latin-1") + b"\n", "not UTF-8"),
    ],
)
def test_unusable_file_gets_one_clear_line(
    workforce_copy: Path, content: bytes, problem: str
) -> None:
    (workforce_copy / "trainings.csv").write_bytes(content)
    report = validate_directory(workforce_copy)
    assert not report.ok
    assert len(report.file_errors) == 1
    message = str(report.file_errors[0])
    assert "trainings.csv" in message and problem in message
    assert "\n" not in message


def test_missing_employees_and_required_tables(workforce_copy: Path) -> None:
    (workforce_copy / "employees.csv").unlink()
    (workforce_copy / "trainings.csv").unlink()
    report = validate_directory(workforce_copy, require=["trainings"])
    messages = sorted(str(e) for e in report.file_errors)
    assert len(messages) == 2
    assert "employees.csv: missing" in messages[0] and "trainings.csv: missing" in messages[1]


def test_optional_tables_may_be_absent(workforce_copy: Path) -> None:
    for name in ("trainings", "training_catalog", "competency_assessments"):
        (workforce_copy / f"{name}.csv").unlink()
    report = validate_directory(workforce_copy)
    assert report.ok
    assert report.absent == ["competency_assessments", "trainings", "training_catalog"]


def test_both_formats_of_one_table_is_an_error(workforce_copy: Path) -> None:
    pd.read_csv(workforce_copy / "competencies.csv").to_parquet(
        workforce_copy / "competencies.parquet"
    )
    report = validate_directory(workforce_copy)
    assert any("keep one" in str(e) for e in report.file_errors)


def test_parquet_tables_validate_like_csv(workforce_dir: Path, tmp_path: Path) -> None:
    csv_report = validate_directory(workforce_dir)
    for name, table in csv_report.tables.items():
        table.frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    report = validate_directory(tmp_path)
    assert report.ok, report.violations[:5]
    for name, table in report.tables.items():
        pd.testing.assert_frame_equal(table.frame, csv_report.tables[name].frame)


def test_parquet_rows_are_numbered_from_one(workforce_dir: Path, tmp_path: Path) -> None:
    frame = validate_directory(workforce_dir).tables["competencies"].frame.copy()
    frame.loc[0, "group"] = "LAINNYA"
    frame.to_parquet(tmp_path / "competencies.parquet", index=False)
    pd.read_csv(workforce_dir / "employees.csv", dtype=str).to_csv(
        tmp_path / "employees.csv", index=False
    )
    hits = find(validate_directory(tmp_path).errors, "competencies.parquet", 1, "group")
    assert hits


def test_unknown_required_table_is_a_usage_error(workforce_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        validate_directory(workforce_dir, require=["pegawai"])


def test_missing_directory(tmp_path: Path) -> None:
    report = validate_directory(tmp_path / "nope")
    assert not report.ok and "no such directory" in str(report.file_errors[0])


@pytest.mark.parametrize(
    ("table", "column", "value", "rule"),
    [
        ("employees", "hire_date", "9999-12-31", "ISO date"),
        ("employees", "hire_date", "0001-01-01", "ISO date"),
        ("employees", "hire_date", "2020-1-5", "ISO date"),
        ("employees", "birth_year", "1e400", "whole number"),
        ("employees", "birth_year", "99999999999999999999999", "whole number"),
        ("trainings", "jp", "inf", "whole number"),
        ("competencies", "competency_code", "M9\n", "competency code"),
    ],
)
def test_odd_values_are_one_located_violation(
    workforce_copy: Path, table: str, column: str, value: str, rule: str
) -> None:
    row = corrupt(workforce_copy, table, column, value)
    report = validate_directory(workforce_copy)
    hits = find(report.errors, f"{table}.csv", row, column)
    assert len(hits) == 1 and rule in hits[0].rule
    assert hits[0].value == value


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("employees", "employment_type", "pns"),  # not also "grade fits employment_type"
        ("appraisals", "rater_id", "12345"),  # not also "exists in employees"
        ("training_catalog", "competency_codes", "M1;;M2"),  # not also a reference error
        ("trainings", "start_date", "01/02/2023"),  # not also "end_date on or after start_date"
    ],
)
def test_one_bad_cell_gives_one_violation(
    workforce_copy: Path, table: str, column: str, value: str
) -> None:
    row = corrupt(workforce_copy, table, column, value)
    errors = [v for v in validate_directory(workforce_copy).errors if v.row == row]
    assert len(errors) == 1, errors


def test_blank_line_keeps_row_numbers_true(workforce_copy: Path) -> None:
    path = workforce_copy / "trainings.csv"
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(3, "\n")  # becomes row 4
    bad = lines[5].split(",")
    bad[4] = "-1"  # jp on row 6
    lines[5] = ",".join(bad)
    path.write_text("".join(lines))
    errors = validate_directory(workforce_copy).errors
    assert [v.row for v in errors if v.value == "-1"] == [6]
    assert {v.rule for v in errors if v.row == 4} == {"not empty"}  # the blank record


def test_repeated_csv_column_is_named(workforce_copy: Path) -> None:
    path = workforce_copy / "competencies.csv"
    path.write_text("competency_code,name,group,name\nM1,Integritas,MANAJERIAL,x\n")
    message = str(validate_directory(workforce_copy).file_errors[0])
    assert "repeated column(s) name" in message


def test_parquet_types_are_checked_not_trusted(workforce_dir: Path, tmp_path: Path) -> None:
    tables = validate_directory(workforce_dir).tables
    for name in ("employees", "competencies", "training_catalog"):
        tables[name].frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    trainings = tables["trainings"].frame.copy()
    trainings["start_date"] = trainings["start_date"].dt.tz_localize("Asia/Jakarta")
    trainings["jp"] = trainings["jp"] > 0  # booleans are not JP
    trainings.to_parquet(tmp_path / "trainings.parquet", index=False)
    report = validate_directory(tmp_path)
    assert {v.column for v in report.errors} == {"jp"}
    assert len(report.errors) == len(trainings)
    assert report.tables["trainings"].frame["start_date"].dt.tz is None


def test_switching_format_replaces_the_files(tmp_path: Path) -> None:
    from ml.synth import SynthConfig, generate_workforce, write_workforce

    workforce = generate_workforce(SynthConfig(employees=150, seed=2))
    write_workforce(workforce, tmp_path, "csv")
    write_workforce(workforce, tmp_path, "parquet")
    report = validate_directory(tmp_path)
    assert report.ok and not list(tmp_path.glob("*.csv"))


def test_typed_parquet_dates_are_read_as_their_iso_text_would_be() -> None:
    """A Parquet date column is typed already: kept as it is, with the text path's rules (a
    time of day, a year outside 1900–2199 or out of pandas' range are violations; NaT is
    missing), in any unit and with a time zone."""
    from ml.contract.tables import parse_column

    stamps = [
        "2024-03-01", "2024-03-01 08:30", "1850-01-01", "2250-06-30", None, "2199-12-31",
        "1900-01-01",
    ]  # fmt: skip
    text = pd.Series([s if s is None or " " not in s else s.replace(" ", "T") for s in stamps])
    expected, expected_bad = parse_column(text, "date")
    for unit in ("ms", "us", "s"):
        typed = pd.to_datetime(pd.Series(stamps), format="ISO8601").astype(f"datetime64[{unit}]")
        got, bad = parse_column(typed, "date")
        pd.testing.assert_series_equal(got, expected)
        assert [i for i, _ in bad] == [i for i, _ in expected_bad] == [1, 2, 3]
        zoned, bad = parse_column(typed.dt.tz_localize("Asia/Jakarta"), "date")
        pd.testing.assert_series_equal(zoned, expected)
    far = pd.Series(np.array(["9999-12-31", "2020-01-01"], dtype="datetime64[ms]"))
    got, bad = parse_column(far, "date")
    assert [i for i, _ in bad] == [0] and got.iloc[1] == pd.Timestamp("2020-01-01")
