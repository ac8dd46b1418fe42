"""Configurable protected attributes (a protected_attributes table kept apart from the model's
inputs; ``talenta audit --attribute``) and the audit of a numeric score alone (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ml.cli import app
from ml.contract.protected import ProtectedAttributeError
from ml.fairness.audit import AuditConfig
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce

runner = CliRunner()


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workforce whose appraisals carry a numeric score and no ekspektasi ratings, with a
    religion column in protected_attributes.csv."""
    out = tmp_path_factory.mktemp("scored")
    write_workforce(generate_workforce(SynthConfig(employees=800, seed=28)), out)
    appraisals = pd.read_csv(out / "appraisals.csv", dtype=str)
    value = {"DI_BAWAH": 60.0, "SESUAI": 75.0, "DI_ATAS": 90.0}
    appraisals["score"] = (
        appraisals["hasil_kerja_rating"].map(value) + appraisals["perilaku_rating"].map(value)
    ) / 2
    appraisals[["hasil_kerja_rating", "perilaku_rating"]] = ""
    appraisals.to_csv(out / "appraisals.csv", index=False)
    employees = pd.read_csv(out / "employees.csv", dtype=str)
    rng = np.random.default_rng(0)
    religion = rng.choice(["A", "B", "C"], len(employees), p=[0.6, 0.3, 0.1])
    pd.DataFrame({"employee_id": employees["employee_id"], "religion": religion}).to_csv(
        out / "protected_attributes.csv", index=False
    )
    return out


def test_a_configured_attribute_is_audited_on_a_score_alone(scored: Path) -> None:
    result = run_audit(scored, AuditConfig(attributes=("gender", "religion")))
    assert result.target == "score"
    overall = result.group_disparity.query("scope == 'ALL'")
    assert set(overall["attribute"]) == {"gender", "religion"}
    assert set(overall.loc[overall["attribute"] == "religion", "group"]) == {"A", "B", "C"}
    coverage = result.coverage.set_index(["family", "attribute"])
    assert ("GROUP", "religion") in coverage.index and ("GROUP", "age_band") not in coverage.index
    # Never a model input: the expected rating is the same with or without the attribute.
    plain = run_audit(scored, AuditConfig(attributes=("gender",)))
    np.testing.assert_allclose(plain.frame["expected"], result.frame["expected"])


def test_a_missing_attribute_names_the_table_and_the_column(scored: Path) -> None:
    with pytest.raises(ProtectedAttributeError, match="no column disability"):
        run_audit(scored, AuditConfig(attributes=("gender", "disability")))
    cli = runner.invoke(
        app, ["audit", str(scored), "--out", str(scored / "o"), "--no-store",
              "--attribute", "disability"],
    )  # fmt: skip
    assert cli.exit_code == 1 and "protected_attributes.csv: no column disability" in cli.output
