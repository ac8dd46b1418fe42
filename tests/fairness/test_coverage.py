"""The coverage statement: what the audit judged, what it could not and why, and the design it
saw — in the result, at the top of audit.md and in the CLI summary (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ml.cli import app
from ml.fairness.audit import AuditResult
from ml.fairness.report import write_report
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce

runner = CliRunner()


@pytest.fixture(scope="module")
def anonymous(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditResult]:
    """A workforce whose export drops the rater ids and leaves gender empty."""
    out = tmp_path_factory.mktemp("anonymous")
    write_workforce(generate_workforce(SynthConfig(employees=1200, seed=26)), out)
    appraisals = pd.read_csv(out / "appraisals.csv", dtype=str)
    appraisals["rater_id"] = ""
    appraisals.to_csv(out / "appraisals.csv", index=False)
    employees = pd.read_csv(out / "employees.csv", dtype=str)
    employees["gender"] = ""
    employees.to_csv(out / "employees.csv", index=False)
    return out, run_audit(out)


def test_families_that_could_not_run_say_why(anonymous: tuple[Path, AuditResult]) -> None:
    _, result = anonymous
    table = result.coverage.set_index(["family", "attribute"])
    assert not table.loc[("RATER", ""), "ran"]
    assert table.loc[("RATER", ""), "reason"] == "no rater ids in the appraisals"
    assert not table.loc[("DIFFERENTIAL", "age_band"), "ran"]
    assert table.loc[("GROUP", "gender"), "reason"] == "gender missing or empty"
    assert table.loc[("GROUP", "age_band"), "ran"]  # the other attribute still audited
    assert result.design["raters"] == 0 and result.design["appraisals_with_rater"] == 0
    assert result.rater_flags.empty


def test_the_report_and_the_cli_state_the_coverage(
    anonymous: tuple[Path, AuditResult], tmp_path: Path
) -> None:
    data, result = anonymous
    text = write_report(result, tmp_path)["report"].read_text()
    head = text.split("How to read this audit")[0]
    assert "RATER: NOT run: no rater ids in the appraisals." in head
    assert "GROUP (gender): NOT run: gender missing or empty." in head
    assert "0 carry a rater id" in head
    cli = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "o"), "--no-store"])
    assert cli.exit_code == 0, cli.output
    assert "RATER: NOT run: no rater ids" in cli.output


def test_a_panel_design_is_described_as_seen(tmp_path: Path) -> None:
    config = SynthConfig(employees=600, seed=27, official_raters=2)
    write_workforce(generate_workforce(config), tmp_path)
    result = run_audit(tmp_path)
    assert result.design["raters_per_ratee_period_max"] == 2
    assert result.design["raters_per_ratee_period_median"] == 2
    assert set(result.design["roles"]) >= {"ATASAN"}
    assert result.coverage.set_index(["family", "attribute"]).loc[("RATER", ""), "ran"]
