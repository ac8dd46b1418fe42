"""The jobs of ml/pipelines as the command line and the tests call them, and the line between a
user's error (one line, exit 1) and a bug (its traceback)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import ml.pipelines.featurise as featurise_job
from ml.cli import app
from ml.contract import protected
from ml.contract.schemas import ALL_COLUMNS
from ml.errors import InputError, NotReadyError, TalentaError
from ml.features.io import load_tables
from ml.pipelines.generate import generate
from ml.recommend.plan import PlanLimits
from ml.recommend.unit import plan_columns, plan_for_tables
from ml.synth import SynthConfig

runner = CliRunner()


@pytest.fixture(scope="module")
def workforce(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("jobs") / "W"
    generate(SynthConfig(employees=300, seed=5), out)
    return out


def test_featurise_on_tables_read_already_equals_reading(workforce: Path, tmp_path: Path) -> None:
    """The demo hands the job the tables validation read; the result is the one a fresh read
    gives (same features, same files)."""
    as_of = pd.Timestamp("2026-01-01")
    read = featurise_job.featurise(workforce, as_of, tmp_path / "a.parquet")
    given = featurise_job.featurise(
        workforce, as_of, tmp_path / "b.parquet", tables=load_tables(workforce, ALL_COLUMNS)
    )
    pd.testing.assert_frame_equal(read.features.competencies, given.features.competencies)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    )


def test_a_unit_plan_reads_no_protected_attribute(workforce: Path) -> None:
    assert not set(plan_columns()["employees"]) & set(protected.SOURCE_COLUMNS)
    tables = load_tables(workforce, ALL_COLUMNS)  # with gender and birth year
    with pytest.raises(ValueError, match="protected attributes"):
        plan_for_tables(tables, "X", PlanLimits(budget_idr=1e6), bundle=None)  # type: ignore[arg-type]


@pytest.mark.parametrize("error", [InputError, NotReadyError])
def test_a_users_error_is_one_line_and_exit_1(
    workforce: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[TalentaError]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise error("the appraisals table is needed")

    monkeypatch.setattr(featurise_job, "featurise", refuse)
    out = str(tmp_path / "f.parquet")
    result = runner.invoke(app, ["features", str(workforce), "--as-of", "2026-01-01", "--out", out])
    assert result.exit_code == 1
    assert "error: the appraisals table is needed" in result.output
    assert "Traceback" not in result.output


def test_a_bug_keeps_its_traceback(
    workforce: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ValueError that is not a TalentaError is a bug: it is not turned into `error: …`."""

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("operands could not be broadcast together")

    monkeypatch.setattr(featurise_job, "featurise", broken)
    out = str(tmp_path / "f.parquet")
    result = runner.invoke(app, ["features", str(workforce), "--as-of", "2026-01-01", "--out", out])
    assert isinstance(result.exception, ValueError)
    assert "error: operands" not in result.output


def test_errors_keep_their_builtin_bases() -> None:
    """Callers that caught ValueError / RuntimeError before the project's errors still do."""
    from ml.contract.ingest import IngestError
    from ml.features.pipeline import FeatureInputError
    from ml.training.registry import RegistryError

    assert issubclass(FeatureInputError, ValueError) and issubclass(FeatureInputError, TalentaError)
    assert issubclass(IngestError, TalentaError)
    assert issubclass(RegistryError, RuntimeError) and issubclass(RegistryError, TalentaError)
