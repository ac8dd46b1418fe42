"""Job: score a data directory with a registered need model (probabilities, deterministic gaps,
exact TreeSHAP reasons for each employee's top needs) and store the snapshot the API serves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ml.config import Settings
from ml.contract.schemas import ALL_COLUMNS
from ml.errors import InputError
from ml.features import build_features
from ml.features.io import load_tables
from ml.pipelines.snapshot import AnswerModel, store_snapshot
from ml.recommend.explain import NeedExplainer
from ml.store.snapshots import SnapshotInfo
from ml.training.bundle import Bundle
from ml.training.registry import NEED_MODEL, connect, load_model
from ml.training.score import latest_as_of, require_tables, score_workforce

STEPS = 17  # progress steps: reading, features, predicting, explaining, the snapshot, answers


@dataclass(frozen=True)
class Scored:
    scores: pd.DataFrame  # one row per employee and competency (ml.training.score)
    as_of: pd.Timestamp
    model: str
    model_version: str
    out: Path
    snapshot: SnapshotInfo | None  # None with store=False
    programs: int  # programmes in the snapshot's catalogue


def need_model(settings: Settings, alias: str) -> tuple[Bundle, str]:
    """The need model under ``alias`` in the registry of ``settings``, and its version: what
    ``talenta score`` and ``talenta score-partitions`` score with."""
    bundle, version = load_model(connect(settings), NEED_MODEL, alias)
    return bundle, str(version.version)


def score_and_snapshot(
    data_dir: Path,
    settings: Settings,
    out: Path,
    *,
    alias: str = "champion",
    as_of: pd.Timestamp | None = None,
    explain_top: int = 3,
    store: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Scored:
    """Scores of ``data_dir`` as of ``as_of`` (default: the day after the last appraisal period)
    with the need model under ``alias``, written to ``out`` (.parquet or .csv); with ``store``,
    the snapshot (profiles, protected attributes apart, model inputs, programme effects) into
    the store at ``settings.store_url``."""
    step = progress or (lambda _: None)
    if out.suffix not in (".parquet", ".csv"):
        raise InputError(f"--out must end in .parquet or .csv, not {out.name!r}")
    bundle, version = need_model(settings, alias)
    step("reading")
    tables = load_tables(data_dir, ALL_COLUMNS)
    date = pd.Timestamp(as_of) if as_of is not None else latest_as_of(tables)
    require_tables(tables, ("position_requirements", "competency_assessments"), "scoring")
    # built once: for the scores and for the snapshot the API serves
    features = build_features(tables, date, progress=step)
    scores = score_workforce(
        tables, bundle, date, explain_top=explain_top, progress=step, features=features
    )
    scores = scores.assign(model=NEED_MODEL, model_version=version)
    step("writing")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix == ".parquet":
        scores.to_parquet(out, index=False)
    else:
        scores.to_csv(out, index=False)
    snapshot, programs = None, 0
    if store:
        # each employee's answer by the model that scored, served while it is the one loaded
        model = AnswerModel(NEED_MODEL, version, NeedExplainer(bundle))
        stored = store_snapshot(
            tables,
            date,
            data_dir,
            settings.store_url,
            features=features,
            model=model,
            progress=step,
        )
        snapshot, programs = stored.info, len(stored.built.programs)
    return Scored(scores, date, NEED_MODEL, version, out, snapshot, programs)
