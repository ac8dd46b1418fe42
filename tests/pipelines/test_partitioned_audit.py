"""The audit of a partitioned directory: the in-memory audit's result on one partition, the
injected raters found across several, the same on Dask, in bounded memory per partition."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ml.fairness.audit import AuditConfig, AuditResult
from ml.fairness.evaluation import detection
from ml.pipelines.audit import run_audit
from ml.pipelines.audit_partitioned import audit_partitioned
from ml.synth import SynthConfig, generate_workforce, write_workforce

PARTITIONED = ("employees", "appraisals", "trainings", "competency_assessments", "units")
TABLES = ("rater_flags", "group_disparity", "score_flags", "predikat_mismatches", "curve_breaks",
          "coverage")  # fmt: skip


@pytest.fixture(scope="module")
def one_partition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A workforce as one file per table, and the same as a directory of one partition."""
    flat = tmp_path_factory.mktemp("flat")
    write_workforce(generate_workforce(SynthConfig(employees=900, seed=5)), flat, "parquet")
    parted = tmp_path_factory.mktemp("parted")
    for path in flat.iterdir():
        name = path.name.removesuffix(".parquet")
        if name in PARTITIONED:
            (parted / name).mkdir()
            shutil.copy(path, parted / name / "part-00000.parquet")
        elif path.is_dir():
            shutil.copytree(path, parted / path.name)
        else:
            shutil.copy(path, parted / path.name)
    return flat, parted


def _same(got: AuditResult, expected: AuditResult) -> None:
    for name in TABLES:
        a, b = getattr(got, name), getattr(expected, name)
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True).astype(object), b.reset_index(drop=True).astype(object),
            check_dtype=False, obj=name,
        )  # fmt: skip
    assert got.design == expected.design and got.target == expected.target


def test_one_partition_gives_the_in_memory_audit(one_partition: tuple[Path, Path]) -> None:
    flat, parted = one_partition
    expected = run_audit(flat)
    got = run_audit(parted)  # a partitioned directory takes the partitioned path
    _same(got, expected)
    assert int(got.rater_flags["flagged"].sum()) > 0  # something to compare
    # the frame it keeps is the statistics' columns, text as categories
    assert isinstance(got.frame["employee_id"].dtype, pd.CategoricalDtype)
    assert "tenure_years" not in got.frame and "residual" in got.frame
    pd.testing.assert_series_equal(
        got.frame["residual"], expected.frame["residual"], check_names=False
    )


def test_across_partitions_the_injected_raters_are_found(sharded: Path, sharded_flat: Path) -> None:
    """Several partitions, each with its own expected-rating model: the injected lenient,
    severe and differential raters are found about as well as by the in-memory audit."""
    parted = audit_partitioned(sharded)
    whole = run_audit(sharded_flat)
    got = detection(parted.rater_flags, parted.frame, sharded, min_magnitude=0.5)
    reference = detection(whole.rater_flags, whole.frame, sharded, min_magnitude=0.5)
    assert got.injected == reference.injected > 5
    assert got.precision >= 0.9 and got.recall >= reference.recall - 0.1, (got, reference)
    assert got.false_flag_rate <= 0.02
    assert len(parted.frame) == len(whole.frame)


def test_on_dask_the_same_audit(sharded: Path, dask_client: object) -> None:
    config = AuditConfig()
    here = audit_partitioned(sharded, config)
    there = audit_partitioned(sharded, config, client=dask_client)
    _same(there, here)


def test_the_command_audits_a_partitioned_directory(sharded: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ml.cli import app

    runner = CliRunner()
    out = tmp_path / "audit"
    result = runner.invoke(app, ["audit", str(sharded), "--out", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    report = (out / "audit.md").read_text()
    appraisals = pd.concat(
        pd.read_parquet(p) for p in sorted((sharded / "appraisals").glob("part-*.parquet"))
    )
    official = int((appraisals["rater_role"] == "ATASAN").sum())
    assert f"{official:,} appraisals by role ATASAN" in report  # every partition's, once
    flags = pd.read_csv(out / "rater_flags.csv")
    assert int(flags["flagged"].sum()) >= 10  # the injected raters (above)
    wrong = runner.invoke(app, ["audit", str(sharded), "--out", str(out), "--engine", "spark"])
    assert wrong.exit_code == 2 and "--engine" in wrong.output
