"""The need model for a handful of rows at a time: one employee's competencies per request.

The batch path (:func:`ml.training.score.score_workforce`) builds pandas frames, which costs
milliseconds per call; here the design is compiled once per loaded model into plain lookups, and
one LightGBM ``pred_contrib`` call gives both the raw score (the contributions' sum) and its exact
TreeSHAP explanation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ml.training.bundle import Bundle
from ml.training.explain import FEATURE_LABELS, Reason
from ml.training.need import TrainingNeedClassifier


@dataclass(frozen=True)
class Explained:
    """One row's need probability and why: ``baseline + Σ reasons + other = log_odds``."""

    need_probability: float
    log_odds: float
    baseline: float
    reasons: list[Reason]
    other: float  # the contributions of the features not listed as reasons


class NeedExplainer:
    """Need probabilities with TreeSHAP reasons for rows shaped like ``FeatureSet.model_rows``.

    Parameters
    ----------
    bundle : Bundle
        A training-need bundle (``talenta-need``).
    """

    def __init__(self, bundle: Bundle) -> None:
        if not isinstance(bundle.model, TrainingNeedClassifier):
            raise ValueError("explanations need the training-need model (talenta-need)")
        self.bundle = bundle
        self._booster = bundle.model.booster_
        self._calibrator = bundle.model.calibrator_
        self._columns = bundle.design.columns
        self._numeric = frozenset(bundle.design.numeric)
        # the category codes Design.matrix gives, as lookups
        self._codes = {
            name: {level: float(i) for i, level in enumerate(levels)}
            for name, levels in bundle.design.categorical.items()
        }
        self._labels = [FEATURE_LABELS.get(c, c) for c in self._columns]

    def matrix(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """The model's input, identical to ``Design.matrix`` (missing and unseen → NaN)."""
        X = np.full((len(rows), len(self._columns)), np.nan)
        for j, name in enumerate(self._columns):
            codes = self._codes.get(name)
            for i, row in enumerate(rows):
                value = row.get(name)
                if value is None:
                    continue
                if codes is None:
                    X[i, j] = float(value)
                else:
                    X[i, j] = codes.get(str(value), np.nan)
        return X

    def need_probability(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Need probabilities alone (no explanation: about a hundred times cheaper)."""
        if not rows:
            return np.empty(0)
        raw = np.asarray(self._booster.predict(self.matrix(rows), raw_score=True), np.float64)
        return np.asarray(self._calibrator(raw))

    def explain(self, rows: Sequence[Mapping[str, Any]], k: int = 3) -> list[Explained]:
        """Per row, the need probability and the ``k`` largest contributions."""
        if not rows:
            return []
        X = self.matrix(rows)
        contribs = np.asarray(self._booster.predict(X, pred_contrib=True), dtype=np.float64)
        raw = contribs.sum(axis=1)
        probability = self._calibrator(raw)
        out = []
        for i, row in enumerate(rows):
            features = contribs[i, :-1]
            top = np.argsort(-np.abs(features), kind="stable")[:k]
            reasons = [
                Reason(
                    feature=self._columns[j],
                    label=self._labels[j],
                    value=_shown(row.get(self._columns[j])),
                    contribution=float(features[j]),
                )
                for j in top
            ]
            shown = float(features[top].sum())
            out.append(
                Explained(
                    need_probability=float(probability[i]),
                    log_odds=float(raw[i]),
                    baseline=float(contribs[i, -1]),
                    reasons=reasons,
                    other=float(features.sum()) - shown,
                )
            )
        return out


def _shown(value: Any) -> Any:
    # six significant digits hide float32 noise (see ml.training.explain)
    if isinstance(value, float):
        return float(format(value, ".6g"))
    return value
