"""MLflow for real: a local SQLite tracking store and registry in a temporary TALENTA_HOME."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from mlflow import MlflowClient
from typer.testing import CliRunner

from ml.cli import app
from ml.config import Settings, get_settings
from ml.training.card import model_card
from ml.training.gates import Gates
from ml.training.registry import (
    APPRAISAL_MODEL,
    CHALLENGER,
    CHAMPION,
    NEED_MODEL,
    RegistryError,
    connect,
    load_model,
    log_training,
    promote,
    versions,
)
from ml.training.train import TrainResult

LENIENT = Gates(
    max_test_ece=None,
    max_oracle_gap=None,
    max_achievable_gap=None,
    max_equalized_odds_difference=None,
)
IMPOSSIBLE = LENIENT.model_copy(update={"min_test_roc_auc": 0.999})


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _alias(client: MlflowClient, name: str, alias: str) -> str:
    return str(client.get_model_version_by_alias(name, alias).version)


def test_a_failing_gate_leaves_the_champion_alone(settings: Settings, trained: TrainResult) -> None:
    client = connect(settings)
    assert settings.tracking_uri.startswith("sqlite:///")
    first = log_training(client, trained, model_card(trained), {})
    assert _alias(client, NEED_MODEL, "challenger") == first.need_version
    assert promote(client, None, LENIENT).promoted
    assert _alias(client, NEED_MODEL, CHAMPION) == first.need_version
    assert _alias(client, APPRAISAL_MODEL, CHAMPION) == first.appraisal_version

    second = log_training(client, trained, model_card(trained), {})
    assert _alias(client, NEED_MODEL, "challenger") == second.need_version != first.need_version
    refused = promote(client, second.need_version, IMPOSSIBLE)
    assert not refused.promoted
    assert [g.name for g in refused.gates if not g.passed] == ["min_test_roc_auc"]
    assert _alias(client, NEED_MODEL, CHAMPION) == first.need_version
    assert _alias(client, APPRAISAL_MODEL, CHAMPION) == first.appraisal_version
    tags = client.get_model_version(NEED_MODEL, second.need_version).tags
    assert "test ROC AUC" in tags["refused_because"]


def test_the_run_holds_what_the_issue_asks(settings: Settings, trained: TrainResult) -> None:
    client = connect(settings)
    registered = log_training(client, trained, model_card(trained), {})
    run = client.get_run(registered.run_id)
    for name in ("test_roc_auc", "oracle_roc_auc", "test_pr_auc", "test_brier", "test_ece",
                 "achievable_roc_auc", "achievable_pr_auc", "achievable_brier",
                 "achievable_roc_auc_never_assessed"):  # fmt: skip
        assert name in run.data.metrics
    tables = {a.path for a in client.list_artifacts(registered.run_id, "tables")}
    assert "tables/need_versus_bounds.csv" in tables
    assert "Against the achievable bound and the oracle" in model_card(trained)
    artifacts = {a.path for a in client.list_artifacts(registered.run_id)}
    assert {"model_card.md", "features.json", "tables"} <= artifacts
    version = client.get_model_version(NEED_MODEL, registered.need_version)
    assert version.run_id == registered.run_id
    listed = versions(client, NEED_MODEL)
    assert listed[0]["version"] == registered.need_version
    assert listed[0]["aliases"] == [CHALLENGER]  # MLflow's search leaves them out; we don't


def test_the_champion_loads_and_answers_like_the_trained_model(
    settings: Settings, trained: TrainResult
) -> None:
    client = connect(settings)
    registered = log_training(client, trained, model_card(trained), {})
    promote(client, registered.need_version, LENIENT)
    bundle, version = load_model(client, NEED_MODEL)
    assert str(version.version) == registered.need_version
    rows = trained.need.input_example
    expected = trained.need.model.predict_proba(trained.need.design.matrix(rows))[:, 1]
    np.testing.assert_allclose(bundle.predict(rows).to_numpy(), expected)


def test_cli_promote_names_the_failed_gate(
    settings: Settings, trained: TrainResult, tmp_path: Path
) -> None:
    client = connect(settings)
    registered = log_training(client, trained, model_card(trained), {})
    gates = tmp_path / "gates.yaml"
    gates.write_text("min_test_roc_auc: 0.999\n")
    result = CliRunner().invoke(app, ["promote", registered.need_version, "--gates", str(gates)])
    assert result.exit_code == 1
    assert "min_test_roc_auc" in result.output and "champion" in result.output
    unknown = CliRunner().invoke(app, ["promote", "999"])
    assert unknown.exit_code == 1 and "no version 999" in unknown.output


def test_a_refused_champion_is_explained_with_the_way_out(
    settings: Settings, trained: TrainResult
) -> None:
    """After a small demo the gates refuse promotion: "run `talenta train` first" misled (it
    had run); the message names the refusing gate and the `--alias challenger` way out."""
    client = connect(settings)
    registered = log_training(client, trained, model_card(trained), {})
    assert not promote(client, None, IMPOSSIBLE).promoted
    with pytest.raises(RegistryError) as refused:
        load_model(client, NEED_MODEL, CHAMPION)
    message = str(refused.value)
    assert message.startswith("no champion: promotion refused by gate")
    assert "test ROC AUC" in message and "`--alias challenger`" in message
    assert "talenta train" not in message
    _, version = load_model(client, NEED_MODEL, CHALLENGER)
    assert str(version.version) == registered.need_version


def test_no_model_at_all_still_says_train_first(settings: Settings) -> None:
    client = connect(settings)
    with pytest.raises(RegistryError, match="run `talenta train` first"):
        load_model(client, NEED_MODEL, CHAMPION)
