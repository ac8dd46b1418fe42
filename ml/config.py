"""Settings, read once from the environment (prefix ``TALENTA_``).

``TALENTA_HOME`` (default: the current directory) holds everything a deployment owns::

    data/raw/        generated or ingested tables, never edited
    data/processed/  features and scores
    data/talenta.db  the embedded SQLite store
    models/          the MLflow tracking store and artifacts

The MLflow locations follow MLflow's own conventions: ``MLFLOW_TRACKING_URI`` and
``MLFLOW_REGISTRY_URI`` win over anything derived from ``TALENTA_HOME``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_WORKFORCE = 100  # the smallest generated workforce with every agency and level staffed


class Settings(BaseSettings):
    """Deployment settings; every field can be set as ``TALENTA_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="TALENTA_", extra="ignore")

    home: Path = Field(default_factory=Path.cwd, description="root of data, store and models")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite at HOME/data/talenta.db"
    )
    mlflow_tracking_uri: str | None = Field(
        default=None, description="default: SQLite at HOME/models/mlflow.db"
    )
    demo_employees: int = Field(
        default=10_000, ge=MIN_WORKFORCE, description="workforce size of `demo`"
    )
    demo_seed: int = Field(default=7, description="seed of the demo workforce")

    @property
    def raw_dir(self) -> Path:
        return self.home / "data" / "raw"

    @property
    def processed_dir(self) -> Path:
        return self.home / "data" / "processed"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def store_url(self) -> str:
        return self.database_url or f"sqlite:///{self.home / 'data' / 'talenta.db'}"

    @property
    def tracking_uri(self) -> str:
        return (
            os.environ.get("MLFLOW_TRACKING_URI")
            or self.mlflow_tracking_uri
            or f"sqlite:///{self.models_dir / 'mlflow.db'}"
        )

    @property
    def registry_uri(self) -> str:
        return os.environ.get("MLFLOW_REGISTRY_URI") or self.tracking_uri


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
