"""Calibration of raw model scores into probabilities: isotonic or Platt (sigmoid), chosen on
held-out data, stored as plain numbers so a saved model needs no pickled scikit-learn object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from ml.errors import InputError

Kind = Literal["isotonic", "sigmoid", "none"]
EPS = 1e-6


@dataclass(frozen=True)
class Calibrator:
    """A monotone map from raw score (log-odds) to probability.

    ``isotonic``: piecewise-linear through ``x``/``y`` (what ``IsotonicRegression`` with
    ``out_of_bounds="clip"`` predicts); ``sigmoid``: ``1 / (1 + exp(-(a·s + b)))``; ``none``: the
    plain logistic of the raw score.
    """

    kind: Kind
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        raw = np.asarray(raw, dtype=np.float64)
        if self.kind == "isotonic":
            p = np.interp(raw, self.x, self.y)
        else:
            p = 1.0 / (1.0 + np.exp(-(self.a * raw + self.b)))
        # Never exactly 0 or 1: a need is never certain, and log-loss stays finite.
        return np.clip(p, EPS, 1 - EPS)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "x": list(self.x), "y": list(self.y), "a": self.a, "b": self.b}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibrator:
        return cls(data["kind"], tuple(data["x"]), tuple(data["y"]), data["a"], data["b"])


def fit_calibrator(raw: np.ndarray, y: np.ndarray, kind: Kind) -> Calibrator:
    raw, y = np.asarray(raw, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if kind == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        return Calibrator("isotonic", tuple(iso.X_thresholds_), tuple(iso.y_thresholds_))
    if kind == "sigmoid":
        lr = LogisticRegression(C=1e6).fit(raw.reshape(-1, 1), y)
        return Calibrator("sigmoid", a=float(lr.coef_[0, 0]), b=float(lr.intercept_[0]))
    return Calibrator("none")


def choose_calibrator(
    raw: np.ndarray, y: np.ndarray, seed: int = 0
) -> tuple[Calibrator, dict[str, float]]:
    """Isotonic or sigmoid, whichever has the lower log-loss out of sample.

    Each is fitted on one half of the held-out rows and scored on the other, then both ways round
    (two-fold cross-fitting: choosing on the rows a calibrator was fitted on would always favour
    the more flexible isotonic). The chosen kind is refitted on all rows. Returns the calibrator
    and each candidate's cross-fitted log-loss.
    """
    raw, y = np.asarray(raw, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if min(int(y.sum()), int((1 - y).sum())) < 2:
        raise InputError("calibration needs at least two held-out rows of each class")
    # Folds stratified by class: each half must hold both classes for Platt scaling to fit.
    order = np.random.default_rng(seed).permutation(len(raw))
    rank = np.empty(len(raw), dtype=np.int64)
    for label in (0.0, 1.0):
        members = order[y[order] == label]
        rank[members] = np.arange(len(members))
    fold = rank % 2 == 0
    losses: dict[str, float] = {}
    for kind in ("isotonic", "sigmoid", "none"):
        p = np.empty(len(raw))
        for held in (fold, ~fold):
            p[held] = fit_calibrator(raw[~held], y[~held], kind)(raw[held])
        losses[kind] = float(log_loss(y, p, labels=[0.0, 1.0]))
    best = min(("isotonic", "sigmoid"), key=lambda k: losses[k])
    return fit_calibrator(raw, y, best), losses  # type: ignore[arg-type]
