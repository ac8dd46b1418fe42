"""A served home for the page tests: a generated workforce, a quickly trained need model with
alias ``champion``, its snapshot in the store and the audit's flags in the trail.

Built once per test session: the unit tests (``tests/serving/pages``) and the browser tests
(``tests/browser``) share it through a marker file under pytest's session temporary directory,
so whichever runs first builds it and the other reuses it.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ml.config import Settings
from ml.fairness.audit import AuditConfig, run_audit
from ml.fairness.flags import flag_records
from ml.fairness.report import write_report
from ml.features.io import load_tables
from ml.recommend.unit import ALL_COLUMNS
from ml.serving.materialise import materialise
from ml.store import ReviewTrail
from ml.store.snapshots import Snapshots
from ml.synth import SynthConfig, generate_workforce, write_workforce
from ml.training.card import CALIBRATION_PNG, calibration_figure, model_card
from ml.training.gates import Gates
from ml.training.registry import APPRAISAL_MODEL, CHAMPION, NEED_MODEL, connect, log_training
from ml.training.score import latest_as_of
from ml.training.train import TrainingConfig, train

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
    write_workforce(generate_workforce(SynthConfig(employees=EMPLOYEES, seed=SEED)), raw)
    client = connect(settings)
    result = train(raw, TrainingConfig(need_params=FAST, appraisal_params=FAST, gates=LENIENT))
    with tempfile.TemporaryDirectory() as tmp:
        figure = calibration_figure(
            result.tables["need_calibration"],
            Path(tmp) / CALIBRATION_PNG,
            result.metrics["test_ece"],
        )
        registered = log_training(client, result, model_card(result), {"calibration": figure})
    client.set_registered_model_alias(NEED_MODEL, CHAMPION, registered.need_version)
    client.set_registered_model_alias(APPRAISAL_MODEL, CHAMPION, registered.appraisal_version)
    tables = load_tables(raw, ALL_COLUMNS)
    date = latest_as_of(tables)
    built = materialise(tables, date)
    snapshots = Snapshots.from_url(settings.store_url)
    info = snapshots.write(date.date(), str(raw), built.employees, built.programs)
    audit = run_audit(raw, AuditConfig())
    out = settings.processed_dir / "audit"
    write_report(audit, out)
    trail = ReviewTrail.from_url(settings.store_url)
    run_id = trail.start_run("pytest", str(raw), {"out": str(out)})
    trail.record_flags(run_id, flag_records(audit))
    unit, _ = snapshots.units(info.snapshot_id)[0]
    employee_id = snapshots.employee_ids(info.snapshot_id, unit, limit=1)[0]
    marker.write_text(json.dumps({"largest_unit": unit, "employee_id": employee_id}))
    return Home(settings, unit, employee_id)
