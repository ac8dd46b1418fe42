"""MLflow tracking and model registry: one run per training, both models registered, aliases
``challenger`` (the newest) and ``champion`` (the one serving, moved only through the gates).

The store is MLflow's own: ``MLFLOW_TRACKING_URI``/``MLFLOW_REGISTRY_URI`` when set, else a
SQLite store and an artifact folder under ``TALENTA_HOME/models`` (see :mod:`ml.config`).
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm
import mlflow
import numpy
import pandas
import sklearn
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion
from mlflow.exceptions import MlflowException
from mlflow.models import infer_signature

from ml.config import Settings
from ml.errors import NotReadyError
from ml.training.bundle import APPRAISAL, NEED, Bundle, load_bundle
from ml.training.gates import GateResult, Gates, check_gates, failed
from ml.training.pyfunc import ARTIFACT, BundleModel
from ml.training.train import TrainedModel, TrainResult

NEED_MODEL = "talenta-need"
APPRAISAL_MODEL = "talenta-expected-appraisal"
MODEL_NAMES = {NEED: NEED_MODEL, APPRAISAL: APPRAISAL_MODEL}
CHAMPION, CHALLENGER = "champion", "challenger"
EXPERIMENT = "talenta"
PARTNER_TAG = "partner_version"  # the other model's version from the same run
MAX_PARAM_LENGTH = 500
# What a served bundle needs; pinned to what trained it so MLflow need not infer (slow).
REQUIREMENTS = [
    f"lightgbm=={lightgbm.__version__}",
    f"scikit-learn=={sklearn.__version__}",
    f"pandas=={pandas.__version__}",
    f"numpy=={numpy.__version__}",
]


class RegistryError(NotReadyError):
    """A registry request that cannot be met; the message says why."""


@dataclass(frozen=True)
class Registered:
    run_id: str
    need_version: str
    appraisal_version: str


@dataclass(frozen=True)
class Promotion:
    need_version: str
    appraisal_version: str | None
    gates: list[GateResult]

    @property
    def promoted(self) -> bool:
        return not failed(self.gates)


MLFLOW_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


def connect(settings: Settings) -> MlflowClient:
    """Point MLflow at the configured store and make sure the Talenta experiment exists."""
    # Talenta draws its own progress; MLflow's store-creation notices and download bars would
    # interleave with it. Either can still be turned back on from the environment.
    logging.getLogger("mlflow").setLevel(logging.WARNING)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    tracking = settings.tracking_uri
    if tracking.startswith("sqlite:///"):
        Path(tracking.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    # MLflow also writes these into os.environ (for subprocesses), where the next Settings in
    # this process would read them and win over its own TALENTA_HOME: set MLflow's globals, keep
    # the environment as it was.
    saved = {name: os.environ.get(name) for name in MLFLOW_VARIABLES}
    mlflow.set_tracking_uri(tracking)
    mlflow.set_registry_uri(settings.registry_uri)
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    client = MlflowClient(tracking, settings.registry_uri)
    if client.get_experiment_by_name(EXPERIMENT) is None:
        # Artifacts beside the local store; a remote tracking server keeps its own default.
        local = tracking.startswith(("sqlite:", "file:")) or "://" not in tracking
        location = (settings.models_dir / "artifacts").resolve().as_uri() if local else None
        client.create_experiment(EXPERIMENT, artifact_location=location)
    mlflow.set_experiment(EXPERIMENT)
    return client


def log_training(
    client: MlflowClient, result: TrainResult, card: str, figures: dict[str, Path]
) -> Registered:
    """Log one run (params, metrics, tables, model card, figures, both models) and register both
    models; the new versions get the alias ``challenger``."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    with mlflow.start_run(run_name=f"train {stamp}") as run:
        mlflow.log_params({k: _param(v) for k, v in result.params.items()})
        mlflow.log_metrics({k: float(v) for k, v in result.metrics.items() if _finite(v)})
        mlflow.set_tags(
            {
                "data_dir": result.data["data_dir"],
                "generated_data": str(result.data["generated"]),
                "gates_passed": str(result.gates_passed),
                **{
                    f"gate.{g.name}": ("passed" if g.passed else "FAILED")
                    for g in result.gate_results
                },
            }
        )
        mlflow.log_dict(
            {"need": result.need.design.to_dict(), "appraisal": result.appraisal.design.to_dict()},
            "features.json",
        )
        for name, table in result.tables.items():
            mlflow.log_text(table.to_csv(index=False), f"tables/{name}.csv")
        mlflow.log_text(card, "model_card.md")
        for path in figures.values():
            mlflow.log_artifact(str(path))
        need = _log_model(result.need, NEED, NEED_MODEL)
        appraisal = _log_model(result.appraisal, APPRAISAL, APPRAISAL_MODEL)
    for name, version, partner in (
        (NEED_MODEL, need, appraisal), (APPRAISAL_MODEL, appraisal, need)
    ):  # fmt: skip
        client.set_model_version_tag(name, version, PARTNER_TAG, partner)
        client.set_registered_model_alias(name, CHALLENGER, version)
    return Registered(run.info.run_id, need, appraisal)


def _log_model(trained: TrainedModel, kind: str, registered_name: str) -> str:
    bundle = Bundle(kind, trained.model, trained.design)
    example = trained.input_example
    with tempfile.TemporaryDirectory() as tmp:
        directory = bundle.save(Path(tmp) / "bundle")
        info = mlflow.pyfunc.log_model(
            name=kind,
            python_model=BundleModel(),
            artifacts={ARTIFACT: str(directory)},
            signature=infer_signature(example, bundle.predict(example).to_frame()),
            input_example=example,
            registered_model_name=registered_name,
            pip_requirements=REQUIREMENTS,
        )
    return str(info.registered_model_version)


def promote(client: MlflowClient, need_version: str | None, gates: Gates) -> Promotion:
    """Move ``champion`` to a need-model version (default: the challenger) and to the
    expected-appraisal version trained with it, only if the run's metrics pass ``gates``."""
    version = _version(client, NEED_MODEL, need_version or _alias(client, NEED_MODEL, CHALLENGER))
    if not version.run_id:
        raise RegistryError(f"{NEED_MODEL} v{version.version} has no training run to check")
    metrics = client.get_run(version.run_id).data.metrics
    partner = version.tags.get(PARTNER_TAG)
    results = check_gates(metrics, gates)
    outcome = Promotion(str(version.version), partner, results)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    if outcome.promoted:
        client.set_registered_model_alias(NEED_MODEL, CHAMPION, version.version)
        if partner:
            client.set_registered_model_alias(APPRAISAL_MODEL, CHAMPION, partner)
        client.set_model_version_tag(NEED_MODEL, version.version, "promoted_at", stamp)
    else:
        reasons = "; ".join(g.message for g in failed(results))
        client.set_model_version_tag(NEED_MODEL, version.version, "refused_at", stamp)
        client.set_model_version_tag(NEED_MODEL, version.version, "refused_because", reasons)
    return outcome


def load_model(
    client: MlflowClient, name: str, alias: str = CHAMPION
) -> tuple[Bundle, ModelVersion]:
    """The bundle behind ``name@alias``, with its registry entry (version, run, tags)."""
    version = _version(client, name, _alias(client, name, alias))
    uri = f"models:/{name}/{version.version}"
    with tempfile.TemporaryDirectory() as tmp:
        # The client's own stores, not the process-wide ones: a server keeps reading the
        # registry it was started on whatever else calls mlflow.set_registry_uri later.
        local = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri=uri,
                dst_path=tmp,
                tracking_uri=client.tracking_uri,
                registry_uri=client._registry_uri,  # no public accessor in MLflow 3
            )
        )
        return load_bundle(local / "artifacts" / ARTIFACT), version


def versions(client: MlflowClient, name: str) -> list[dict[str, Any]]:
    """Every version of ``name``, newest first, with aliases and the run's headline metrics."""
    # search_model_versions leaves the aliases out on MLflow's SQL store: read them from the
    # registered model, which holds them all.
    try:
        held = client.get_registered_model(name).aliases
    except MlflowException:
        return []
    aliases: dict[str, list[str]] = {}
    for alias, version in held.items():
        aliases.setdefault(str(version), []).append(alias)
    out = []
    for v in client.search_model_versions(f"name='{name}'", order_by=["version_number DESC"]):
        metrics = client.get_run(v.run_id).data.metrics if v.run_id else {}
        out.append(
            {
                "version": str(v.version),
                "aliases": sorted(aliases.get(str(v.version), [])),
                "created": datetime.fromtimestamp(v.creation_timestamp / 1000, UTC),
                "run_id": v.run_id,
                "metrics": metrics,
                "tags": dict(v.tags),
            }
        )
    return out


def _alias(client: MlflowClient, name: str, alias: str) -> str:
    try:
        return str(client.get_model_version_by_alias(name, alias).version)
    except MlflowException:
        raise RegistryError(_missing_alias(client, name, alias)) from None


def _missing_alias(client: MlflowClient, name: str, alias: str) -> str:
    """Why ``name@alias`` is missing, and what to do: a champion the gates refused is not the
    same as no training at all (the hint "run `talenta train`" misled after a small demo)."""
    if alias == CHAMPION:
        try:
            challenger = client.get_model_version_by_alias(name, CHALLENGER)
        except MlflowException:
            challenger = None
        if challenger is not None:
            refused = challenger.tags.get("refused_because")
            why = f"promotion refused by gate {refused}" if refused else "not promoted yet"
            return (
                f"no champion: {why}; serve the challenger (v{challenger.version}) with "
                f"`--alias {CHALLENGER}`, or promote it with `talenta promote`"
            )
    return f"{name} has no version with alias {alias!r}: run `talenta train` first"


def _version(client: MlflowClient, name: str, version: str) -> ModelVersion:
    try:
        return client.get_model_version(name, version)
    except MlflowException:
        raise RegistryError(f"{name} has no version {version}") from None


def _param(value: Any) -> str:
    text = str(value)
    return text if len(text) <= MAX_PARAM_LENGTH else text[: MAX_PARAM_LENGTH - 1] + "…"


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
