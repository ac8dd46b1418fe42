"""The need model for a handful of rows at a time: one employee's competencies per request.

The batch path (:func:`ml.training.score.score_workforce`) builds pandas frames, which costs
milliseconds per call; here the design is compiled once per loaded model into plain lookups, and
one LightGBM ``pred_contrib`` call gives both the raw score (the contributions' sum) and its exact
TreeSHAP explanation.

Predictions run on the calling thread alone (``num_threads=1``): a server answers requests in
parallel already, and an OpenMP team per call, for a dozen rows, spins waiting for its other
thread whenever the cores are busy — measured on two busy cores, 1.2–7 ms of CPU per call instead
of 1 ms, and a p99 of 8–20 ms instead of about 1 ms. The answers are the same: rows are
independent, so threads only split the work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ml.features.labels import FEATURE_LABELS
from ml.training.bundle import Bundle
from ml.training.calibration import EPS
from ml.training.explain import Reason
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
        # per column, in order: its name and its category codes (None: numeric)
        self._spec = [(name, self._codes.get(name)) for name in self._columns]
        calibrator = self._calibrator
        if calibrator.kind == "isotonic":
            # Calibrator keeps its knots as tuples, which np.interp would convert on every call
            knots_x = np.asarray(calibrator.x, dtype=np.float64)
            knots_y = np.asarray(calibrator.y, dtype=np.float64)
            self._calibrate: Callable[[np.ndarray], np.ndarray] = lambda raw: np.clip(
                np.interp(raw, knots_x, knots_y), EPS, 1 - EPS
            )
        else:
            self._calibrate = calibrator

    def matrix(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """The model's input, identical to ``Design.matrix`` (missing and unseen → NaN)."""
        nan = np.nan
        spec = self._spec
        # one flat list, filled row by row, converted once: a few times faster than writing
        # the array element by element
        values = [
            nan
            if (value := row.get(name)) is None
            else (float(value) if codes is None else codes.get(str(value), nan))
            for row in rows
            for name, codes in spec
        ]
        return np.array(values, dtype=np.float64).reshape(len(rows), len(spec))

    def need_probability(self, rows: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Need probabilities alone (no explanation: about a hundred times cheaper)."""
        if not rows:
            return np.empty(0)
        raw = np.asarray(
            self._booster.predict(self.matrix(rows), raw_score=True, num_threads=1), np.float64
        )
        return np.asarray(self._calibrate(raw))

    def explain(self, rows: Sequence[Mapping[str, Any]], k: int = 3) -> list[Explained]:
        """Per row, the need probability and the ``k`` largest contributions."""
        if not rows:
            return []
        X = self.matrix(rows)
        contribs = np.asarray(
            self._booster.predict(X, pred_contrib=True, num_threads=1), dtype=np.float64
        )
        raw = contribs.sum(axis=1)
        probability = self._calibrate(raw)
        # every row at once, then plain Python numbers: the same sums, in the same order, as
        # one row at a time (ties still go to the earlier column: a stable sort)
        features = contribs[:, :-1]
        top = np.argsort(-np.abs(features), axis=1, kind="stable")[:, :k]
        chosen = np.take_along_axis(features, top, axis=1)
        other = features.sum(axis=1) - chosen.sum(axis=1)
        columns, labels = self._columns, self._labels
        return [
            Explained(
                need_probability=p,
                log_odds=log_odds,
                baseline=baseline,
                reasons=[
                    Reason(
                        feature=columns[j],
                        label=labels[j],
                        value=_shown(row.get(columns[j])),
                        contribution=c,
                    )
                    for j, c in zip(js, cs, strict=True)
                ],
                other=rest,
            )
            for row, p, log_odds, baseline, js, cs, rest in zip(
                rows,
                probability.tolist(),
                raw.tolist(),
                contribs[:, -1].tolist(),
                top.tolist(),
                chosen.tolist(),
                other.tolist(),
                strict=True,
            )
        ]


def _shown(value: Any) -> Any:
    # six significant digits hide float32 noise (see ml.training.explain)
    if isinstance(value, float):
        return float(format(value, ".6g"))
    return value
