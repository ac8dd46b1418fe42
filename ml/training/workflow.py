"""``talenta train`` end to end: train, write the model card, log and register in MLflow."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml.config import Settings
from ml.training.card import CALIBRATION_PNG, calibration_figure, model_card, summary_lines
from ml.training.gates import Gates
from ml.training.registry import Registered, connect, log_training
from ml.training.train import TrainingConfig, TrainResult, train


@dataclass(frozen=True)
class TrainingOutcome:
    result: TrainResult
    registered: Registered
    summary: list[tuple[str, str]]
    card_path: Path  # the latest card, also under TALENTA_HOME/models for a quick read


def train_and_register(
    data_dir: Path,
    settings: Settings,
    gates: Gates,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> TrainingOutcome:
    step = progress or (lambda _: None)
    client = connect(settings)  # first: a bad store URI fails before minutes of training
    result = train(data_dir, TrainingConfig(gates=gates, seed=seed), progress=step)
    step("model card")
    card = model_card(result)
    with tempfile.TemporaryDirectory() as tmp:
        figure = calibration_figure(
            result.tables["need_calibration"],
            Path(tmp) / CALIBRATION_PNG,
            result.metrics["test_ece"],
        )
        step("logging to MLflow")
        registered = log_training(client, result, card, {"calibration": figure})
    card_path = settings.models_dir / "model_card.md"
    card_path.parent.mkdir(parents=True, exist_ok=True)
    card_path.write_text(card)
    return TrainingOutcome(result, registered, summary_lines(result), card_path)
