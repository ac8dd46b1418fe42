"""A served home for the page tests: a generated workforce, a quickly trained need model with
alias ``champion``, its snapshot in the store and the audit's flags in the trail.

Built once per test session: the unit tests (``tests/serving/pages``) and the browser tests
(``tests/browser``) share it through a marker file under pytest's session temporary directory,
so whichever runs first builds it and the other reuses it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ml.config import Settings
from ml.contract.schemas import ALL_COLUMNS
from ml.features.io import load_tables
from ml.pipelines.audit import audit_and_record
from ml.pipelines.generate import generate
from ml.pipelines.snapshot import store_snapshot
from ml.pipelines.train import train_and_register
from ml.store.snapshots import Snapshots
from ml.synth import SynthConfig
from ml.training.gates import Gates
from ml.training.registry import APPRAISAL_MODEL, CHAMPION, NEED_MODEL, connect
from ml.training.score import latest_as_of
from ml.training.train import TrainingConfig

EMPLOYEES = 1_500
SEED = 13
# One thread: the test machine is shared; LightGBM's OpenMP threads would wait on each other.
FAST = {"n_estimators": 300, "learning_rate": 0.1, "n_jobs": 1}
LENIENT = Gates(
    max_test_ece=None,
    max_oracle_gap=None,
    max_achievable_gap=None,
    max_equalized_odds_difference=None,
)
READY = "ready.json"


@dataclass(frozen=True)
class Home:
    settings: Settings
    largest_unit: str
    employee_id: str  # an employee of the largest unit


def build_home(root: Path) -> Home:
    """The home under ``root``, built unless a previous call in this session finished it."""
    marker = root / READY
    settings = Settings(home=root, secret_key="test-secret-" + "x" * 32)
    if marker.is_file():
        found = json.loads(marker.read_text())
        return Home(settings, found["largest_unit"], found["employee_id"])
    raw = root / "data" / "raw"
    generate(SynthConfig(employees=EMPLOYEES, seed=SEED), raw)
    config = TrainingConfig(need_params=FAST, appraisal_params=FAST, gates=LENIENT)
    registered = train_and_register(raw, settings, config).registered
    client = connect(settings)
    client.set_registered_model_alias(NEED_MODEL, CHAMPION, registered.need_version)
    client.set_registered_model_alias(APPRAISAL_MODEL, CHAMPION, registered.appraisal_version)
    tables = load_tables(raw, ALL_COLUMNS)
    info = store_snapshot(tables, latest_as_of(tables), raw, settings.store_url).info
    audit_and_record(
        raw, settings.processed_dir / "audit", store_url=settings.store_url, by="pytest"
    )
    snapshots = Snapshots.from_url(settings.store_url)
    unit, _ = snapshots.units(info.snapshot_id)[0]
    employee_id = snapshots.employee_ids(info.snapshot_id, unit, limit=1)[0]
    marker.write_text(json.dumps({"largest_unit": unit, "employee_id": employee_id}))
    return Home(settings, unit, employee_id)
