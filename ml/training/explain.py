"""Why a model scored a row as it did: exact TreeSHAP contributions of a LightGBM model and the
few features that moved each score most, with readable labels.

Contributions are the path-dependent TreeSHAP of Lundberg et al. 2020: exact Shapley values of the
trees' cover-weighted conditional expectations, in raw-score units (log-odds for a binary model),
with the expected raw score as ``bias``. For a model of shallow trees (the need model's are of
depth 3) they come from :mod:`ml.training.treeshap`'s tables of decision patterns, about 40 times
faster than LightGBM's own ``pred_contrib`` and equal to it to rounding; otherwise from
``pred_contrib``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import lightgbm
import numpy as np
import pandas as pd

from ml.features.labels import FEATURE_LABELS
from ml.training.treeshap import pattern_explainer

BIAS = "bias"
# Values are shown to people beside a reason: six significant digits hide float32 noise
# (0.30000001192092896 reads 0.3) while keeping every digit a level, JP or KPI carries.
_VALUE_FORMAT = ".6g"
# reasons_frame works through the contribution matrix in blocks of this many rows, so that its
# temporaries (|contribution|, masks) stay small whatever the batch size.
_BLOCK_ROWS = 200_000


def contributions(
    booster: lightgbm.Booster, X: pd.DataFrame, *, chunk_rows: int = 50_000
) -> pd.DataFrame:
    """Per-row SHAP contributions of each feature, in raw-score units.

    Parameters
    ----------
    booster : lightgbm.Booster
        A single-output model (binary or regression).
    X : DataFrame of shape (n_rows, n_features)
        The model's features, in ``booster.feature_name()`` order; ``category`` columns as in
        training.
    chunk_rows : int, default 50_000
        Rows explained per call to LightGBM, which bounds its working memory.

    Returns
    -------
    DataFrame of shape (n_rows, n_features + 1)
        Columns ``booster.feature_name()`` and ``"bias"`` (the expected raw score), index
        ``X.index``; each row sums to ``booster.predict(X, raw_score=True)``.

    Raises
    ------
    ValueError
        For a multiclass model, or a ``chunk_rows`` below 1.
    lightgbm.basic.LightGBMError
        When the columns of ``X`` are not the model's, in its order.
    """
    if booster.num_model_per_iteration() != 1:
        raise ValueError("contributions explain single-output models; this one is multiclass")
    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be positive, got {chunk_rows}")
    names = booster.feature_name()
    out = np.empty((len(X), len(names) + 1), dtype=np.float64)
    # the pattern tables where the trees are shallow and X has the model's columns; a frame
    # whose columns are out of order goes to LightGBM, whose validate_features refuses it
    patterns = pattern_explainer(booster) if list(map(str, X.columns)) == names else None
    for start in range(0, len(X), chunk_rows):
        chunk = X.iloc[start : start + chunk_rows]
        if patterns is not None:
            out[start : start + len(chunk)] = patterns.contributions(chunk)
            continue
        # validate_features: a frame whose columns are out of order would be explained silently
        # wrong, since LightGBM reads columns by position
        out[start : start + len(chunk)] = booster.predict(
            chunk, pred_contrib=True, validate_features=True
        )
    return pd.DataFrame(out, index=X.index, columns=[*names, BIAS])


@dataclass(frozen=True)
class Reason:
    """One feature's part in one row's score.

    Attributes
    ----------
    feature : str
        The model column.
    label : str
        Its readable name, e.g. ``"Last assessed level"``.
    value : object
        The row's value of the feature (the category label for a categorical feature); ``None``
        when missing.
    contribution : float
        How far the feature moved the raw score (log-odds for a binary model).
    """

    feature: str
    label: str
    value: object
    contribution: float


def top_reasons(
    contribs: pd.DataFrame,
    X: pd.DataFrame,
    k: int = 3,
    labels: Mapping[str, str] | None = None,
) -> list[list[Reason]]:
    """For each row, the ``k`` features with the largest absolute contribution.

    Parameters
    ----------
    contribs : DataFrame of shape (n_rows, n_features + 1)
        As returned by :func:`contributions`; the ``"bias"`` column is never a reason.
    X : DataFrame of shape (n_rows, n_features)
        The rows explained, with the same index; extra columns are ignored.
    k : int, default 3
        Reasons per row, at most the number of features.
    labels : mapping of str to str, optional
        Readable names of features; :data:`FEATURE_LABELS` when not given. A feature without
        one is named by its column.

    Returns
    -------
    list of list of Reason
        One list per row, largest absolute contribution first; ties go to the earlier column.
    """
    names, top, chosen = _top(contribs, X, k)
    named = FEATURE_LABELS if labels is None else labels
    columns = {name: X[name] for name in set(names[top.ravel()])}
    return [
        [
            Reason(
                feature=str(names[j]),
                label=named.get(names[j], names[j]),
                value=_python_value(columns[names[j]].iloc[row]),
                contribution=float(chosen[row, slot]),
            )
            for slot, j in enumerate(top[row])
        ]
        for row in range(len(top))
    ]


def reasons_frame(
    contribs: pd.DataFrame,
    X: pd.DataFrame,
    k: int = 3,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The reasons of :func:`top_reasons` as columns, for batch scoring.

    Parameters
    ----------
    contribs, X, k, labels
        As for :func:`top_reasons`.

    Returns
    -------
    DataFrame of shape (n_rows, 4 * k)
        Index ``X.index``; for each reason ``i`` = 1 … k: ``reason_i_feature`` (the column),
        ``reason_i_label`` (its readable name), ``reason_i_value`` (the value as text, ``""``
        when missing) and ``reason_i_contribution``.
    """
    names, top, chosen = _top(contribs, X, k)
    named = FEATURE_LABELS if labels is None else labels
    label_of = np.array([named.get(name, name) for name in names], dtype=object)
    values = np.full(top.shape, "", dtype=object)
    # Rows grouped by the feature they report, so that each column of X is read once and only
    # the values shown are formatted.
    flat = top.ravel()
    order = np.argsort(flat, kind="stable")
    bounds = np.searchsorted(flat[order], np.arange(len(names) + 1))
    for j in np.flatnonzero(np.diff(bounds)):
        cells = order[bounds[j] : bounds[j + 1]]
        values.flat[cells] = _as_text(X[names[j]].iloc[cells // top.shape[1]])
    columns: dict[str, np.ndarray] = {}
    for slot in range(top.shape[1]):
        i = slot + 1
        columns[f"reason_{i}_feature"] = names[top[:, slot]]
        columns[f"reason_{i}_label"] = label_of[top[:, slot]]
        columns[f"reason_{i}_value"] = values[:, slot]
        columns[f"reason_{i}_contribution"] = chosen[:, slot]
    return pd.DataFrame(columns, index=X.index)


def _top(
    contribs: pd.DataFrame, X: pd.DataFrame, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature names, and per row the positions and contributions of the top ``k`` features."""
    if not contribs.index.equals(X.index):
        raise ValueError("contribs and X must describe the same rows (equal indexes)")
    if k < 1:
        raise ValueError(f"k must be positive, got {k}")
    features = contribs.drop(columns=BIAS, errors="ignore")
    missing = features.columns.difference(X.columns)
    if len(missing):
        raise ValueError(f"X lacks contributed features: {', '.join(map(str, missing))}")
    names = np.asarray(features.columns, dtype=object)
    matrix = features.to_numpy(np.float64)
    k = min(k, matrix.shape[1])
    top = np.empty((len(matrix), k), dtype=np.intp)
    for start in range(0, len(matrix), _BLOCK_ROWS):
        top[start : start + _BLOCK_ROWS] = _top_k(matrix[start : start + _BLOCK_ROWS], k)
    return names, top, np.take_along_axis(matrix, top, axis=1)


def _top_k(matrix: np.ndarray, k: int) -> np.ndarray:
    """Column positions of each row's ``k`` largest ``|matrix|``, largest first; ties to the
    earlier column.

    A partition finds each row's k-th largest magnitude in linear time; argpartition alone
    would pick arbitrarily among columns tied with it, so the ties are filled in column order.
    """
    size = np.abs(matrix)
    last = matrix.shape[1] - k
    kth = np.partition(size, last, axis=1)[:, last : last + 1]
    above = size > kth
    tied = size == kth
    room = k - above.sum(axis=1, keepdims=True)
    chosen = above | (tied & (np.cumsum(tied, axis=1) <= room))
    # exactly k per row, in column order; a stable sort by magnitude keeps that order for ties
    columns = np.nonzero(chosen)[1].reshape(len(matrix), k)
    picked = np.take_along_axis(size, columns, axis=1)
    return np.take_along_axis(columns, np.argsort(-picked, axis=1, kind="stable"), axis=1)


def _python_value(value: object) -> object:
    """A plain Python value for a reason: ``None`` for missing, numpy scalars unwrapped."""
    if pd.isna(value):  # type: ignore[call-overload]
        return None
    return value.item() if isinstance(value, np.generic) else value


def _as_text(values: pd.Series) -> np.ndarray:
    """Each value as display text, ``""`` when missing; each distinct value formatted once."""
    codes, uniques = pd.factorize(values)
    texts = [
        format(u, _VALUE_FORMAT) if isinstance(u, float | np.floating) else str(u) for u in uniques
    ]
    # code -1 (missing) takes the trailing ""
    return np.array([*texts, ""], dtype=object)[codes]
