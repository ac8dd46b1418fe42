from __future__ import annotations

from pathlib import Path

import pytest

from ml.config import Settings


def test_home_defaults_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TALENTA_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.home == tmp_path
    assert s.raw_dir == tmp_path / "data" / "raw"
    assert s.store_url == f"sqlite:///{tmp_path}/data/talenta.db"


def test_talenta_home_places_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    s = Settings()
    assert s.processed_dir == tmp_path / "data" / "processed"
    assert s.tracking_uri == f"sqlite:///{tmp_path}/models/mlflow.db"
    assert s.registry_uri == s.tracking_uri


def test_mlflow_variables_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    monkeypatch.setenv("TALENTA_MLFLOW_TRACKING_URI", "sqlite:///ignored.db")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "postgresql://db/mlflow")
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", "postgresql://db/registry")
    s = Settings()
    assert s.tracking_uri == "postgresql://db/mlflow"
    assert s.registry_uri == "postgresql://db/registry"


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TALENTA_DATABASE_URL", "postgresql+psycopg://127.0.0.1/test")
    assert Settings().store_url == "postgresql+psycopg://127.0.0.1/test"
