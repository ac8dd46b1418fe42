"""What issue 15's corpus of broken files did to ``ingest`` and ``validate``, now refused in a
line: a header-only export over tables with rows, absurd field and header sizes, a damaged
Parquet source, a text column stored as numbers, and staging left by a killed ingest."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ml.cli import app
from ml.contract.ingest import IngestError, ingest
from ml.contract.limits import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_VALUE_SHOWN, TooLarge, check_csv
from ml.contract.schemas import TABLES
from ml.contract.staging import LOCK, PREFIX, remove_stale, staging_directory
from ml.contract.tables import Violation
from ml.contract.validation import validate_directory
from tests.test_ingest import MAPPING, SOURCE, _write

runner = CliRunner()


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path / "tiny.csv", SOURCE), _write(tmp_path / "tiny.yaml", MAPPING)


# --- 4: a header-only export never wipes tables with rows -----------------------------------


def test_a_header_only_export_does_not_wipe_tables_with_rows(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    src, mapping = tiny
    out = tmp_path / "out"
    ingest(src, mapping, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    header_only = _write(tmp_path / "header_only.csv", SOURCE.splitlines()[0] + "\n")
    with pytest.raises(
        IngestError, match=r"no rows for employees \(3 rows\), appraisals \(2 rows\)"
    ):
        ingest(header_only, mapping, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    done = runner.invoke(
        app, ["ingest", str(header_only), "--mapping", str(mapping), "--out", str(out)]
    )
    assert done.exit_code == 1 and "--replace-with-empty" in done.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    on_purpose = ingest(header_only, mapping, out, replace_with_empty=True)
    assert sorted(on_purpose.written) == ["appraisals.csv", "employees.csv"]
    assert pd.read_csv(out / "employees.csv").empty


def test_an_empty_export_into_an_empty_out_is_fine(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    _, mapping = tiny
    header_only = _write(tmp_path / "header_only.csv", SOURCE.splitlines()[0] + "\n")
    result = ingest(header_only, mapping, tmp_path / "fresh")
    assert result.validation.ok and "employees.csv" in result.written


# --- 5: absurd sizes refused early, values cut in reports -----------------------------------


def _table_with(tmp_path: Path, value: str) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    columns = list(TABLES["employees"].columns)
    row = [value if c == "employee_id" else "" for c in columns]
    (folder / "employees.csv").write_text(f"{','.join(columns)}\n{','.join(row)}\n")
    return folder


@pytest.mark.parametrize(
    ("size", "says"),
    [
        (4_000_000, "line 2 is over 1,000,000 characters"),  # 84 s and 30 MB of output before
        (50_000, f"line 2: a field over {MAX_FIELD_CHARS:,} characters"),
    ],
)
def test_an_overlong_field_is_refused_at_once_in_one_line(
    tmp_path: Path, size: int, says: str
) -> None:
    folder = _table_with(tmp_path, "9" * size)
    started = time.perf_counter()
    done = runner.invoke(app, ["validate", str(folder)], terminal_width=400)
    assert time.perf_counter() - started < 30  # generous for a busy machine; it is < 1 s
    assert done.exit_code == 1
    assert says in done.output
    assert len(done.output) < 2_000


def test_an_overlong_line_without_fields_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a,b\n" + "x" * 2_000_001 + "\n")
    with pytest.raises(TooLarge, match="line 2 is over"):
        check_csv(path)


def test_a_header_of_100_000_columns_is_refused_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "employees.csv").write_text(",".join(f"c{i}" for i in range(100_000)) + "\n")
    started = time.perf_counter()
    report = validate_directory(folder)
    assert time.perf_counter() - started < 30  # 141 s before
    assert f"a header of 100,000 columns (at most {MAX_COLUMNS:,})" in str(report.file_errors[0])


def test_an_overlong_source_field_stops_ingest_in_one_line(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    _, mapping = tiny
    src = _write(
        tmp_path / "tiny.csv",
        SOURCE + "10,f," + "d" * (MAX_FIELD_CHARS + 1) + ",1980,01/01/2010,3\n",
    )
    with pytest.raises(IngestError, match="line 5: a field over"):
        ingest(src, mapping, tmp_path / "out")


def test_fields_within_the_limit_still_validate(tmp_path: Path) -> None:
    folder = _table_with(tmp_path, "1" * 18)
    assert validate_directory(folder).file_errors == []


def test_a_report_cuts_what_it_repeats() -> None:
    violation = Violation("employees.csv", 2, "unit_id", "u" * 100_000, "a code")
    assert violation.value.startswith("u" * MAX_VALUE_SHOWN)
    assert violation.value.endswith("(100,000 characters)")
    assert len(violation.value) < MAX_VALUE_SHOWN + 40


# --- 6, 12: Parquet ---------------------------------------------------------------------------


def test_a_damaged_parquet_source_is_one_line_not_a_traceback(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    _, mapping = tiny
    src = tmp_path / "tiny.parquet"
    src.write_bytes(b"PAR1 this is not a parquet file PAR1")
    with pytest.raises(IngestError, match="not a readable Parquet file"):
        ingest(src, mapping, tmp_path / "out")
    done = runner.invoke(
        app, ["ingest", str(src), "--mapping", str(mapping), "--out", str(tmp_path / "out")]
    )
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "not a readable Parquet file" in done.output


def test_an_integer_employee_id_in_parquet_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    frame = pd.DataFrame({c: pd.Series([None], dtype="str") for c in TABLES["employees"].columns})
    frame["employee_id"] = [197601152003091001]  # an int64: leading zeros would be gone
    frame.to_parquet(folder / "employees.parquet", index=False)
    report = validate_directory(folder)
    assert not report.ok
    assert "employee_id (int64)" in str(report.file_errors[0])
    frame.astype({"employee_id": "str"}).to_parquet(folder / "employees.parquet", index=False)
    assert validate_directory(folder).file_errors == []


# --- 11: staging is private and a killed ingest's is cleaned ---------------------------------


def test_staging_is_private_and_removed(tmp_path: Path) -> None:
    with staging_directory(tmp_path) as staging:
        assert stat.S_IMODE(staging.stat().st_mode) == 0o700
        assert remove_stale(tmp_path) == []  # held by this live "ingest"
        assert staging.is_dir()
    assert not staging.exists()


def test_a_killed_ingest_s_staging_is_removed_by_the_next(
    tiny: tuple[Path, Path], tmp_path: Path
) -> None:
    src, mapping = tiny
    out = tmp_path / "out"
    # a process that makes a staging directory, copies personal data into it and is killed -9
    script = (
        "import sys, time; from pathlib import Path\n"
        "from ml.contract.staging import staging_directory\n"
        "with staging_directory(Path(sys.argv[1])) as s:\n"
        "    (s / 'employees.csv').write_text('personal data')\n"
        "    print(s, flush=True); time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    assert (left / "employees.csv").is_file() and (left / LOCK).is_file()
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert left.is_dir()  # what the kill leaves behind
    ingest(src, mapping, out)
    assert not left.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(PREFIX)] == []
