"""Jobs: train both models, write the model card, log and register them in MLflow
(``talenta train``); move the champion alias through the gates (``talenta promote``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml.config import Settings
from ml.contract import protected
from ml.features.io import load_tables
from ml.training.achievable import load_bound_inputs
from ml.training.card import CALIBRATION_PNG, calibration_figure, model_card, summary_lines
from ml.training.gates import Gates
from ml.training.oracle import load_latent_levels
from ml.training.registry import Promotion, Registered, connect, log_training, promote
from ml.training.train import TRAINING_COLUMNS, TrainingConfig, TrainingData, TrainResult, train


@dataclass(frozen=True)
class TrainingOutcome:
    result: TrainResult
    registered: Registered
    summary: list[tuple[str, str]]
    card_path: Path  # the latest card, also under TALENTA_HOME/models for a quick read


def train_and_register(
    data_dir: Path,
    settings: Settings,
    config: TrainingConfig | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainingOutcome:
    """Train both models on ``data_dir`` (``config``: gates, seed, boosting parameters), write
    the model card, log one MLflow run and register both models with alias ``challenger``."""
    step = progress or (lambda _: None)
    client = connect(settings)  # first: a bad store URI fails before minutes of training
    step("loading tables")
    result = train(read_training_data(data_dir), config or TrainingConfig(), progress=step)
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


def promote_models(settings: Settings, need_version: str | None, gates: Gates) -> Promotion:
    """Move ``champion`` to ``need_version`` (default: the challenger) and its partner
    expected-appraisal model, only through ``gates``; the outcome says which gate refused."""
    return promote(connect(settings), need_version, gates)


def read_training_data(data_dir: Path) -> TrainingData:
    """The tables training reads (protected attributes left out), the protected attributes apart
    and, on a generated workforce, its ground truth."""
    tables = load_tables(data_dir, TRAINING_COLUMNS)
    latent = load_latent_levels(data_dir)
    return TrainingData(
        tables=tables,
        people=protected.read(data_dir),
        source=str(data_dir.resolve()),
        latent=latent,
        bound=load_bound_inputs(data_dir) if latent is not None else None,
    )
