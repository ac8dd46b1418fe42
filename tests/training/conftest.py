"""A small trained result shared by the training tests (training takes seconds, not minutes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ml.pipelines.train import read_training_data
from ml.synth import SynthConfig, generate_workforce, write_workforce
from ml.training.train import TrainingConfig, TrainResult, train

# One thread: on a busy 2-core machine LightGBM's OpenMP threads wait on each other for seconds.
FAST = {"n_estimators": 300, "learning_rate": 0.1, "n_jobs": 1}


@pytest.fixture(scope="session")
def training_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2,500-employee generated workforce with ground truth (seed 5)."""
    out = tmp_path_factory.mktemp("training")
    write_workforce(generate_workforce(SynthConfig(employees=2500, seed=5)), out)
    return out


@pytest.fixture(scope="session")
def trained(training_dir: Path) -> TrainResult:
    config = TrainingConfig(need_params=FAST, appraisal_params=FAST)
    return train(read_training_data(training_dir), config)
