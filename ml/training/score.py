"""Batch scoring: per employee and competency, the need probability beside the deterministic gap,
and for each employee's top needs the reasons (exact TreeSHAP contributions).

Explanations cost about a hundred times a prediction (bench/scoring.py), and a planner reads an
employee's first few needs, not all sixteen: so every row gets a probability, and only the
``explain_top`` most likely needs of each employee get reasons.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ml.errors import InputError
from ml.features import build_features, period_end
from ml.features.pipeline import FeatureInputError, FeatureSet
from ml.features.point_in_time import Tables
from ml.training.bundle import Bundle
from ml.training.explain import contributions, reasons_frame
from ml.training.need import TrainingNeedClassifier

KEPT = ("employee_id", "competency_code", "competency_group", "required_level", "last_level", "gap")


def score_workforce(
    tables: Tables,
    bundle: Bundle,
    as_of: pd.Timestamp,
    *,
    explain_top: int = 3,
    reasons: int = 3,
    progress: Callable[[str], None] | None = None,
    features: FeatureSet | None = None,
) -> pd.DataFrame:
    """One row per (employee, required competency) on the roster on ``as_of``.

    Columns: the keys, ``required_level``, ``last_level``, the deterministic ``gap`` (design §2.3;
    unknown when unassessed or stale), ``need_probability``, ``log_odds`` (the model's raw score,
    which the contributions add up to), ``need_rank`` within the employee, ``explained`` and,
    on explained rows, ``reason_i_feature/label/value/contribution`` for i = 1 … ``reasons``.
    ``features``: those of ``tables`` on ``as_of``, when the caller has built them already.
    """
    if not isinstance(bundle.model, TrainingNeedClassifier):
        raise InputError("scoring needs the training-need model (talenta-need)")
    require_tables(tables, ("position_requirements", "competency_assessments"), "scoring")
    step = progress or (lambda _: None)
    if features is None:
        features = build_features(tables, as_of, progress=step)
    rows = features.model_rows()
    step("predicting")
    X = bundle.design.matrix(rows)
    raw = bundle.model.decision_function(X)
    out = rows[list(KEPT)].assign(
        need_probability=bundle.model.calibrator_(raw), log_odds=raw, as_of=pd.Timestamp(as_of)
    )
    rank = out.groupby("employee_id", sort=False)["need_probability"].rank(
        method="first", ascending=False
    )
    out["need_rank"] = rank.astype("int64")
    out["explained"] = (rank <= explain_top).to_numpy()
    step(f"explaining {int(out['explained'].sum()):,} rows")
    chosen = X[out["explained"].to_numpy()]
    if len(chosen):
        explained = reasons_frame(contributions(bundle.model.booster_, chosen), chosen, k=reasons)
        out = out.join(explained)
    return out.reset_index(drop=True)


def require_tables(tables: Tables, names: tuple[str, ...], task: str) -> None:
    """Refuse, naming them, when tables a task needs are absent (design §3)."""
    missing = [name for name in names if name not in tables]
    if missing:
        raise FeatureInputError(f"{task} needs the table(s) {', '.join(missing)}")


def latest_as_of(tables: Tables) -> pd.Timestamp:
    """The day after the last appraisal period (1 January after it, for yearly periods): the
    date on which that period's appraisals are final and the next plan is made."""
    appraisals = tables.get("appraisals")
    if appraisals is not None and len(appraisals):
        return pd.Timestamp(period_end(appraisals["period"]).max()) + pd.Timedelta(days=1)
    require_tables(tables, ("competency_assessments",), "choosing the date")
    assessed = tables["competency_assessments"]["assessed_on"]
    return pd.Timestamp(assessed.max()) + pd.Timedelta(days=1)
