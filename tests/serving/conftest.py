"""A real TALENTA_HOME for the API tests, built once per session: a generated workforce, both
models trained (fast settings, one thread) and registered in a local MLflow store, the need model
as ``champion``, the snapshot materialised into the store, an audit run's flags in the review
trail, and one API key per role; then the app on it, started through its lifespan.

Building it takes well under a minute on a busy two-core machine: training (fast parameters),
MLflow's logging and the audit (two folds instead of five) are most of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from mlflow import MlflowClient

from ml.config import Settings
from ml.contract.schemas import ALL_COLUMNS
from ml.fairness.audit import AuditConfig
from ml.features.io import load_tables
from ml.pipelines.audit import audit_and_record
from ml.pipelines.generate import generate
from ml.pipelines.snapshot import store_snapshot
from ml.pipelines.train import train_and_register
from ml.serving.app import create_app
from ml.serving.state import ServingState
from ml.store.keys import ROLES, Keys
from ml.store.snapshots import EmployeeRecord
from ml.synth import SynthConfig
from ml.training.registry import APPRAISAL_MODEL, CHAMPION, NEED_MODEL, connect
from ml.training.score import latest_as_of
from ml.training.train import TrainingConfig

# One thread: on a busy 2-core machine LightGBM's OpenMP threads wait on each other for seconds
# (the same settings as tests/training/conftest.py).
FAST = {"n_estimators": 300, "learning_rate": 0.1, "n_jobs": 1}
EMPLOYEES = 1500
SEED = 17
MLFLOW_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@dataclass(frozen=True)
class Home:
    """What the session's TALENTA_HOME holds, for the tests to compare answers with."""

    settings: Settings
    raw: Path
    as_of: pd.Timestamp
    employees: pd.DataFrame  # the employees table, protected attributes included
    records: dict[str, EmployeeRecord]  # what was materialised, by employee_id
    programs: dict[str, dict[str, object]]
    need_version: str
    appraisal_version: str
    run_id: str
    flags: int  # flags the audit recorded
    keys: dict[str, str]  # role → API key
    key_ids: dict[str, str]  # role → key id
    revoked: str  # a key that was made and revoked

    @property
    def client(self) -> MlflowClient:
        return MlflowClient(self.settings.tracking_uri, self.settings.registry_uri)


@contextmanager
def mlflow_environment_kept() -> Iterator[None]:
    """``mlflow.set_tracking_uri`` writes MLFLOW_TRACKING_URI into the environment, where every
    later ``Settings`` would read it: put the variables back as they were."""
    saved = {name: os.environ.pop(name, None) for name in MLFLOW_VARIABLES}
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def point_mlflow_at(settings: Settings) -> None:
    """MLflow's process-wide URIs, which ``load_model`` (and so a reload) resolves
    ``models:/`` through: a test that builds an app on another home moves them."""
    mlflow.set_tracking_uri(settings.tracking_uri)
    mlflow.set_registry_uri(settings.registry_uri)


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    root = tmp_path_factory.mktemp("talenta-home")
    raw = root / "data" / "raw"
    with mlflow_environment_kept():
        settings = Settings(home=root)
        generate(SynthConfig(employees=EMPLOYEES, seed=SEED), raw)

        trained = train_and_register(
            raw, settings, TrainingConfig(need_params=FAST, appraisal_params=FAST)
        )
        registered = trained.registered
        client = connect(settings)
        # The gates (ECE, oracle gap, appraisal R²) are sized for the default 10,000 employees
        # and usually refuse a 1,500-employee model, so `promote` would leave no champion: move
        # the alias by hand, as `talenta promote` would have on passing gates.
        client.set_registered_model_alias(NEED_MODEL, CHAMPION, registered.need_version)
        client.set_registered_model_alias(APPRAISAL_MODEL, CHAMPION, registered.appraisal_version)

        # `talenta score`'s store step
        tables = load_tables(raw, ALL_COLUMNS)
        as_of = latest_as_of(tables)
        built = store_snapshot(tables, as_of, raw, settings.store_url).built

        # `talenta audit`; two folds instead of five for speed.
        audited = audit_and_record(
            raw, root / "audit", store_url=settings.store_url, by="tests",
            config=AuditConfig(folds=2), parameters={"folds": 2},
        )  # fmt: skip
        assert audited.recorded is not None
        recorded = audited.recorded

        keys = Keys.from_url(settings.store_url)
        made = {role: keys.create(role, f"test {role}") for role in ROLES}
        revoked = keys.create("committee", "test revoked")
        keys.revoke(revoked.info.key_id)
    assert recorded.new > 0, "the audit should flag something for the fairness routes"
    return Home(
        settings=settings,
        raw=raw,
        as_of=as_of,
        employees=tables["employees"],
        records={r.employee_id: r for r in built.employees},
        programs=built.programs,
        need_version=registered.need_version,
        appraisal_version=registered.appraisal_version,
        run_id=registered.run_id,
        flags=recorded.new,
        keys={role: new.key for role, new in made.items()},
        key_ids={role: new.info.key_id for role, new in made.items()},
        revoked=revoked.key,
    )


@pytest.fixture(autouse=True)
def _mlflow_points_at_home(home: Home) -> None:
    point_mlflow_at(home.settings)


@pytest.fixture(scope="session")
def app(home: Home) -> FastAPI:
    return create_app(home.settings)


@pytest.fixture(scope="session")
def client(app: FastAPI, home: Home) -> Iterator[TestClient]:
    """The app started through its lifespan (which builds its state from the home)."""
    with mlflow_environment_kept(), TestClient(app) as client:
        yield client


@pytest.fixture
def state(client: TestClient, app: FastAPI) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="session")
def headers(home: Home) -> dict[str, dict[str, str]]:
    """Role → the Authorization header of that role's key."""
    return {role: bearer(key) for role, key in home.keys.items()}


@pytest.fixture
def planner(headers: dict[str, dict[str, str]]) -> dict[str, str]:
    return headers["planner"]


@pytest.fixture
def committee(headers: dict[str, dict[str, str]]) -> dict[str, str]:
    return headers["committee"]


@pytest.fixture
def scientist(headers: dict[str, dict[str, str]]) -> dict[str, str]:
    return headers["data-scientist"]


@pytest.fixture
def admin(headers: dict[str, dict[str, str]]) -> dict[str, str]:
    return headers["admin"]


@pytest.fixture(scope="session")
def employee_id(home: Home) -> str:
    """An employee with a known and an unknown gap, and a programme to rank."""
    for employee_id, record in sorted(home.records.items()):
        gaps = [c["gap"] for c in record.profile["competencies"]]
        if (
            any(g is None for g in gaps)
            and any(g is not None and g > 0 for g in gaps)
            and record.features["completed_programs"]
            and record.profile["talent"]["box"] is not None
        ):
            return employee_id
    raise AssertionError("no employee with known and unknown gaps")


@pytest.fixture(scope="session")
def unit_id(home: Home) -> str:
    """A unit of about a dozen employees: big enough to plan, small enough to solve fast."""
    sizes = home.employees["unit_id"].value_counts()
    return str(sizes[(sizes >= 8) & (sizes <= 16)].sort_index().index[0])


@pytest.fixture
def empty_home(tmp_path: Path) -> Iterator[tuple[Settings, dict[str, str]]]:
    """A home with nothing built in it, and a committee key made there."""
    with mlflow_environment_kept():
        settings = Settings(home=tmp_path / "empty")
        key = Keys.from_url(settings.store_url).create("committee", "empty home")
        yield settings, bearer(key.key)


@pytest.fixture
def empty_client(empty_home: tuple[Settings, dict[str, str]]) -> Iterator[TestClient]:
    """The app on the empty home: no model, no snapshot (the session's home is put back as
    MLflow's by the autouse fixture of the next test)."""
    settings, _ = empty_home
    with mlflow_environment_kept(), TestClient(create_app(settings)) as client:
        yield client
