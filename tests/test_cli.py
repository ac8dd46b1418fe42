"""The command line as a user meets it: exit codes and what it prints."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ml.cli import app
from ml.config import get_settings
from ml.store.keys import Keys
from ml.store.snapshots import Snapshots

runner = CliRunner()


def test_generate_then_validate_exits_0(tmp_path: Path) -> None:
    out = tmp_path / "W"
    result = runner.invoke(
        app, ["generate", "--employees", "300", "--seed", "7", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "ground_truth" / "rater_biases.csv").is_file()
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_corrupted_value_exits_1_naming_file_row_and_column(tmp_path: Path) -> None:
    out = tmp_path / "W"
    runner.invoke(app, ["generate", "--employees", "300", "--seed", "7", "--out", str(out)])
    frame = pd.read_csv(out / "trainings.csv", dtype=str, keep_default_na=False)
    frame.loc[9, "jp"] = "-3"
    frame.to_csv(out / "trainings.csv", index=False)
    report = tmp_path / "violations.csv"
    result = runner.invoke(app, ["validate", str(out), "--report", str(report)])
    assert result.exit_code == 1
    assert "trainings.csv" in result.output and "11" in result.output and "jp" in result.output
    written = pd.read_csv(report)
    assert written[["file", "row", "column", "value"]].values.tolist() == [
        ["trainings.csv", 11, "jp", -3]
    ]


def test_validate_missing_directory_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such directory" in result.output
    assert "Traceback" not in result.output


def test_generate_refuses_bad_options(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "--employees", "10", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "at least 100" in result.output
    result = runner.invoke(app, ["generate", "--format", "xlsx", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "csv or parquet" in result.output


@pytest.mark.parametrize("command", ["generate", "validate", "ingest", "features", "demo"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: talenta" in result.output or "Example: TALENTA_HOME" in result.output


def test_demo_builds_under_talenta_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    get_settings.cache_clear()
    raw = str(tmp_path / "data" / "raw")
    try:
        result = runner.invoke(app, ["demo", "--employees", "400", "--no-serve"])
        snapshot = Snapshots.from_url(get_settings().store_url).latest()
        unknown = runner.invoke(
            app, ["plan", raw, "--unit", "NO-SUCH", "--budget-idr", "1e8", "--alias", "challenger"]
        )
        units = pd.read_csv(tmp_path / "data" / "raw" / "employees.csv")["unit_id"]
        unit = units.value_counts().index[0]
        broke = runner.invoke(
            app, ["plan", raw, "--unit", unit, "--budget-idr", "0", "--alias", "challenger"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "raw" / "employees.csv").is_file()
    features = pd.read_parquet(tmp_path / "data" / "processed" / "features.parquet")
    assert features["employee_id"].nunique() == 400 and "gap" in features.columns
    for heading in ("employees per agency", "predikat", "Job-Person Match"):
        assert heading in result.output
    assert "KEPAHIANG" in result.output and "OPTIMAL" in result.output
    # Models trained and registered, the workforce scored (400 employees are too few for the
    # gates, so the demo says it scores with the challenger).
    assert "talenta-need v1" in result.output and "challenger" in result.output
    scores = pd.read_parquet(tmp_path / "data" / "processed" / "scores.parquet")
    assert scores["employee_id"].nunique() == 400
    assert scores["need_probability"].between(0, 1).all()
    # The audit ran and its flags are in the trail; a sample plan was made.
    assert (tmp_path / "data" / "processed" / "audit" / "audit.md").is_file()
    assert "review trail" in result.output
    plan = pd.read_csv(tmp_path / "data" / "processed" / "sample_plan.csv")
    assert list(plan.columns) == [
        "employee_id", "program_id", "competency_code", "cost_idr", "jp", "expected_gain",
    ]  # fmt: skip
    assert unknown.exit_code == 1 and "largest units" in unknown.output
    assert broke.exit_code == 0 and "20 JP minimum" in broke.output
    # The snapshot the API serves is in the store; one key per role and a curl to paste.
    assert snapshot is not None and snapshot.employees == 400
    assert len(set(re.findall(r"\btal_[0-9a-f]{12}_[^\s']+", result.output))) == 4
    assert "curl -H 'Authorization: Bearer tal_" in result.output
    assert "/recommendations" in result.output


def test_keys_create_prints_the_key_last_and_stores_only_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        made = runner.invoke(app, ["keys", "create", "--role", "committee", "--name", "ani"])
        bad = runner.invoke(app, ["keys", "create", "--role", "root"])
        key = made.stdout.strip().splitlines()[-1]
        keys = Keys.from_url(get_settings().store_url)
        authenticated = keys.authenticate(key)
        listed = runner.invoke(app, ["keys", "list"])
        assert authenticated is not None
        revoked = runner.invoke(app, ["keys", "revoke", authenticated.key_id])
        after = keys.authenticate(key)
        database = (tmp_path / "data" / "talenta.db").read_bytes()
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert authenticated.role == "committee" and authenticated.name == "ani"
    assert key.encode() not in database  # stored hashed
    assert bad.exit_code == 2 and "planner, committee, data-scientist, admin" in bad.output
    assert listed.exit_code == 0 and authenticated.key_id in listed.output
    assert key not in listed.output
    assert revoked.exit_code == 0 and after is None


def test_keys_create_binds_a_planner_to_agencies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        made = runner.invoke(
            app, ["keys", "create", "--role", "planner", "--agency", "BKN", "--agency", "kemenkes"]
        )
        key = made.stdout.strip().splitlines()[-1]
        info = Keys.from_url(get_settings().store_url).authenticate(key)
        listed = runner.invoke(app, ["keys", "list"])
        empty = runner.invoke(app, ["keys", "create", "--role", "planner", "--agency", " "])
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert info is not None and info.agencies == ("BKN", "KEMENKES")
    assert "BKN;KEMENKES" in listed.output
    assert empty.exit_code == 2 and "agency" in empty.output


def test_user_errors_are_one_line_never_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    cases = [
        (["generate", "--employees", "300", "--out", str(a_file)], "not a directory"),
        (["validate", str(tmp_path), "--report", str(tmp_path / "no" / "r.csv")], "cannot write"),
        (["validate", str(tmp_path), "--require", "pegawai"], "unknown table"),
        (["demo", "--employees", "50"], "at least 100"),
    ]
    for args, message in cases:
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert message in result.output, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    monkeypatch.setenv("TALENTA_DEMO_EMPLOYEES", "abc")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["demo"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2 and "TALENTA_DEMO_EMPLOYEES" in result.output


def test_clean_report_has_a_header(tmp_path: Path, workforce_dir: Path) -> None:
    report = tmp_path / "r.csv"
    assert (
        runner.invoke(app, ["validate", str(workforce_dir), "--report", str(report)]).exit_code == 0
    )
    assert report.read_text().splitlines() == ["file,row,column,value,rule,severity"]


def test_features_command_writes_parquet(tmp_path: Path, workforce_dir: Path) -> None:
    out, wide = tmp_path / "f.parquet", tmp_path / "e.parquet"
    result = runner.invoke(
        app,
        ["features", str(workforce_dir), "--as-of", "2024-12-31", "--out", str(out),
         "--employees-out", str(wide)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows, people = pd.read_parquet(out), pd.read_parquet(wide)
    assert len(people) <= 400 and len(rows) == people["n_competencies"].sum()
    assert {"gap", "last_level", "jp_36m", "required_level"} <= set(rows.columns)
    assert "gender" not in people.columns and "birth_year" not in people.columns


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "kemarin"], "must be a date"),
        (["--as-of", "2024-12-31", "--engine", "spark"], "pandas or dask"),
    ],
)
def test_features_command_refuses_bad_options(
    tmp_path: Path, workforce_dir: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(
        app, ["features", str(workforce_dir), "--out", str(tmp_path / "f.parquet"), *args]
    )
    assert result.exit_code == 2 and message in result.output


def test_features_command_names_an_unparsable_cell(tmp_path: Path, workforce_dir: Path) -> None:
    import shutil

    data = Path(shutil.copytree(workforce_dir, tmp_path / "w"))
    frame = pd.read_csv(data / "appraisals.csv", dtype=str, keep_default_na=False)
    frame.loc[4, "kpi_attainment"] = "tinggi"
    frame.to_csv(data / "appraisals.csv", index=False)
    result = runner.invoke(
        app, ["features", str(data), "--as-of", "2024-12-31", "--out", str(tmp_path / "f.pq")]
    )
    assert result.exit_code == 1
    assert "appraisals.csv" in result.output and "row 6" in result.output
    assert "talenta validate" in result.output


def test_a_reader_that_stops_early_is_no_failure() -> None:
    # `talenta demo --help | grep -q -- --no-serve` under `set -o pipefail` (as a newcomer's
    # script does): the closed pipe must not turn into exit 1
    command = [sys.executable, "-c", "from ml.cli import main; main()", "demo", "--help"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    process.stdout.read(1)
    process.stdout.close()
    assert process.wait(timeout=60) == 0
