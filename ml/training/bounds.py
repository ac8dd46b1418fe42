"""The need model beside its two bounds on generated data, overall and by segment: the achievable
bound (:mod:`ml.training.achievable`, the best any model could do from the data) and the oracle
(:mod:`ml.training.oracle`, which reads the truth). Segments: each competency group, and whether
the competency was assessed before the date or never (where the evidence differs most)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.training.metrics import ALL, binary_scores

ASSESSED = "ASSESSED_BEFORE"
NEVER = "NEVER_ASSESSED"
COLUMNS = ["segment", "n", "positives", "model_roc_auc", "achievable_roc_auc", "oracle_roc_auc",
           "gap_to_achievable"]  # fmt: skip


def segments(test: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row masks: all rows, each competency group, assessed before / never assessed."""
    out = {ALL: np.ones(len(test), dtype=bool)}
    groups = test["competency_group"].astype(str).to_numpy()
    out |= {g: groups == g for g in sorted(set(groups))}
    assessed = test["n_assessments"].to_numpy() > 0
    return out | {ASSESSED: assessed, NEVER: ~assessed}


def _auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC of any score (ranked to [0, 1]); rows without a score are left out."""
    known = ~np.isnan(score)
    if not known.any():
        return float("nan")
    return binary_scores(y[known], pd.Series(score[known]).rank(pct=True)).roc_auc


def achievable_metrics(y: np.ndarray, p_model: np.ndarray, p_bound: np.ndarray) -> dict[str, float]:
    """The bound's own scores (as probabilities: Brier and ECE check the generator's model is
    right), and the model's distance to it in ROC AUC."""
    known = ~np.isnan(p_bound)
    scores = binary_scores(y[known], p_bound[known])
    return {
        "achievable_roc_auc": scores.roc_auc,
        "achievable_pr_auc": scores.pr_auc,
        "achievable_brier": scores.brier,
        "achievable_ece": scores.ece,
        "achievable_coverage": float(known.mean()),
        "achievable_gap_roc_auc": scores.roc_auc - binary_scores(y, p_model).roc_auc,
    }


def versus_bounds(
    test: pd.DataFrame, y: np.ndarray, p_model: np.ndarray, p_bound: np.ndarray, oracle: np.ndarray
) -> tuple[pd.DataFrame, dict[str, float]]:
    """ROC AUC of model, bound and oracle per segment: the table, and metrics named
    ``{test,achievable,oracle}_roc_auc_<segment>`` (segment in lower case) for MLflow."""
    rows: list[tuple[object, ...]] = []
    metrics: dict[str, float] = {}
    for name, mask in segments(test).items():
        model, bound, truth = (
            _auc(y[mask], p_model[mask]),
            _auc(y[mask], p_bound[mask]),
            _auc(y[mask], oracle[mask]),
        )
        rows.append((name, int(mask.sum()), int(y[mask].sum()), model, bound, truth, bound - model))
        if name != ALL:
            key = name.lower()
            metrics |= {
                f"test_roc_auc_{key}": model,
                f"achievable_roc_auc_{key}": bound,
                f"oracle_roc_auc_{key}": truth,
            }
    return pd.DataFrame(rows, columns=COLUMNS), metrics
