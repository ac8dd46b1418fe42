"""The national path from the command line: sharded generation, then features partition by
partition."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from ml.cli import app

runner = CliRunner()


def test_sharded_generation_then_partitioned_features(tmp_path: Path) -> None:
    data, features = tmp_path / "W", tmp_path / "F"
    result = runner.invoke(
        app,
        ["generate", "--employees", "2500", "--seed", "3", "--out", str(data),
         "--format", "parquet", "--sharded", "--shard-size", "1000"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    manifest = json.loads((data / "shards.json").read_text())
    assert sum(s["employees"] for s in manifest) == 2500
    assert max(s["employees"] for s in manifest) <= 1000
    assert len(list((data / "appraisals").glob("part-*.parquet"))) == len(manifest)

    result = runner.invoke(
        app, ["features", str(data), "--as-of", "2025-12-31", "--out", str(features)]
    )
    assert result.exit_code == 0, result.output
    assert f"in {len(manifest)} partitions" in result.output
    employees = pd.concat(
        pd.read_parquet(p) for p in sorted((features / "employees").glob("*.parquet"))
    )
    assert employees["employee_id"].is_unique and len(employees) > 2000


def test_sharded_needs_parquet_and_a_sensible_shard_size(tmp_path: Path) -> None:
    base = ["generate", "--employees", "2000", "--out", str(tmp_path / "W")]
    result = runner.invoke(app, [*base, "--sharded"])
    assert result.exit_code == 2 and "--format parquet" in result.output
    result = runner.invoke(app, [*base, "--format", "parquet", "--sharded", "--shard-size", "10"])
    assert result.exit_code == 2 and "at least 1000" in result.output
    assert not (tmp_path / "W").exists()


def test_small_parquet_stays_one_file_per_table(tmp_path: Path) -> None:
    out = tmp_path / "W"
    result = runner.invoke(
        app, ["generate", "--employees", "300", "--out", str(out), "--format", "parquet"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "employees.parquet").is_file() and not (out / "employees").exists()
