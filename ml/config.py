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
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_WORKFORCE = 100  # the smallest generated workforce with every agency and level staffed
SECRET_FILE = "secret_key"  # under HOME/data when TALENTA_SECRET_KEY is not set


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
    secret_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="signs the pages' session cookies; default: random, made once and kept in "
        "HOME/data/secret_key (mode 0600)",
    )

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

    def session_secret(self) -> bytes:
        """The key signing session cookies: ``TALENTA_SECRET_KEY``, else a random one made on
        first use and kept under HOME, readable by its owner alone. Never a fixed default: a
        known key would let anyone forge a session."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.home / "data" / SECRET_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two processes starting at once agree on one key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
            secret = path.read_text().strip()
            if len(secret) < 32:
                raise ValueError(
                    f"{path} holds no usable key: delete it to make a new one"
                ) from None
            return secret.encode()
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(32))
        return path.read_text().strip().encode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings; tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
