"""Batch scoring: every row a probability, each employee's top needs explained, reasons that add
up to the model's raw score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ml.features import build_features
from ml.features.io import load_tables
from ml.training.bundle import NEED, Bundle
from ml.training.explain import contributions
from ml.training.score import latest_as_of, score_workforce
from ml.training.train import TrainResult


def test_scores_explain_top_needs_and_add_up(trained: TrainResult, training_dir: Path) -> None:
    tables = load_tables(training_dir)
    bundle = Bundle(NEED, trained.need.model, trained.need.design)
    as_of = latest_as_of(tables)
    assert as_of == pd.Timestamp("2026-01-01")
    scores = score_workforce(tables, bundle, as_of, explain_top=2)
    assert scores["need_probability"].between(0, 1).all()
    assert scores.groupby("employee_id")["explained"].sum().max() == 2
    explained = scores[scores["explained"]]
    assert (explained["need_rank"] <= 2).all()
    assert explained["reason_1_feature"].notna().all()
    assert (
        explained["reason_1_contribution"].abs() >= explained["reason_2_contribution"].abs()
    ).all()
    # The gap column is the deterministic core's, untouched by the model.
    assert (scores["gap"].dropna() >= 0).all()
    # Contributions of the full model add up to the raw score the probability comes from.
    rows = build_features(tables, as_of).model_rows().head(300)
    X = bundle.design.matrix(rows)
    total = contributions(trained.need.model.booster_, X).sum(axis=1).to_numpy()
    np.testing.assert_allclose(total, scores["log_odds"].head(300).to_numpy(), rtol=1e-6, atol=1e-9)
