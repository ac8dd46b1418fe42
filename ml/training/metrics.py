"""Evaluation metrics of the training-need and expected-appraisal models.

Pure functions over arrays: discrimination (ROC AUC, PR AUC), calibration (Brier score, expected
calibration error and the table behind the calibration plot), error rates per group for the
fairness gate, and the scores of the expected-appraisal regression. Inputs are NumPy arrays or
pandas Series aligned by position (a Series' index is not used); nothing here reads or writes
files.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
    root_mean_squared_error,
)

Vector: TypeAlias = "npt.ArrayLike | pd.Series[Any]"

STRATEGIES = ("quantile", "uniform")
ALL = "ALL"  # the group label of the whole-population row of :func:`scores_by`


def _as_vector(values: Vector, name: str) -> npt.NDArray[np.float64]:
    """``values`` as a 1-D float array, missing values as NaN; ValueError if it cannot be one."""
    try:
        if isinstance(values, pd.Series):
            array = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric: {error}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _check_lengths(first: np.ndarray, second: np.ndarray, names: str) -> None:
    if first.shape[0] != second.shape[0]:
        raise ValueError(f"{names} differ in length: {first.shape[0]} and {second.shape[0]}")
    if first.shape[0] == 0:
        raise ValueError(f"{names} are empty")


def _check_finite(values: np.ndarray, name: str) -> None:
    missing = int(np.count_nonzero(~np.isfinite(values)))
    if missing:
        raise ValueError(f"{name} has {missing} missing or infinite values")


def _binary_inputs(
    y_true: Vector, y_prob: Vector
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Validated labels (0.0 or 1.0) and probabilities (within [0, 1]) of equal, non-zero length."""
    y = _as_vector(y_true, "y_true")
    p = _as_vector(y_prob, "y_prob")
    _check_lengths(y, p, "y_true and y_prob")
    _check_finite(y, "y_true")
    _check_finite(p, "y_prob")
    labels = np.unique(y)
    if not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError(f"y_true must hold only 0 and 1 (or booleans), found {labels.tolist()}")
    outside = p[(p < 0.0) | (p > 1.0)]
    if outside.size:
        raise ValueError(
            f"y_prob has {outside.size} values outside [0, 1], e.g. {outside[0]:g}; "
            "pass probabilities, not scores"
        )
    return y, p


def _bin_ids(p: npt.NDArray[np.float64], n_bins: int, strategy: str) -> npt.NDArray[np.intp]:
    """The bin of each probability, from 0 to ``n_bins - 1``."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    if strategy == "quantile":
        edges = np.quantile(p, np.linspace(0.0, 1.0, n_bins + 1))
    elif strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    # A probability equal to an inner edge joins the lower bin (bins are (lower, upper]), so
    # tied probabilities always share a bin and the result does not depend on row order; this is
    # also sklearn.calibration.calibration_curve's rule.
    return np.searchsorted(edges[1:-1], p, side="left")


def _bin_sums(
    y: npt.NDArray[np.float64], p: npt.NDArray[np.float64], n_bins: int, strategy: str
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per bin: the count, the sum of probabilities and the sum of labels."""
    ids = _bin_ids(p, n_bins, strategy)
    return (
        np.bincount(ids, minlength=n_bins),
        np.asarray(np.bincount(ids, weights=p, minlength=n_bins), dtype=np.float64),
        np.asarray(np.bincount(ids, weights=y, minlength=n_bins), dtype=np.float64),
    )


def calibration_table(
    y_true: Vector, y_prob: Vector, n_bins: int = 10, strategy: str = "quantile"
) -> pd.DataFrame:
    """Predicted against observed rates per probability bin: the calibration plot's points.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed outcomes, 0 or 1 (booleans accepted).
    y_prob : array-like of shape (n,)
        Predicted probabilities of outcome 1, within [0, 1].
    n_bins : int, default 10
        Number of bins.
    strategy : {"quantile", "uniform"}, default "quantile"
        ``"quantile"``: edges at the quantiles of ``y_prob`` (equal-count bins, robust when
        probabilities cluster); ``"uniform"``: equal-width bins over [0, 1]. A bin holds the
        probabilities in (lower edge, upper edge], the first bin also its lower edge, so tied
        probabilities always share a bin and quantile bins are equal-count only up to ties.

    Returns
    -------
    DataFrame with columns bin, n, mean_predicted, observed_rate
        One row per non-empty bin in increasing order; ``bin`` is the bin's position among the
        ``n_bins`` (empty bins are left out, so positions may skip). Matches the points of
        ``sklearn.calibration.calibration_curve`` for the same strategy.

    Raises
    ------
    ValueError
        If the inputs are empty or differ in length, a label is not 0/1, a probability is
        missing or outside [0, 1], ``n_bins < 1`` or the strategy is unknown.
    """
    y, p = _binary_inputs(y_true, y_prob)
    counts, predicted, observed = _bin_sums(y, p, n_bins, strategy)
    filled = counts > 0
    return pd.DataFrame(
        {
            "bin": np.flatnonzero(filled),
            "n": counts[filled],
            "mean_predicted": predicted[filled] / counts[filled],
            "observed_rate": observed[filled] / counts[filled],
        }
    )


def expected_calibration_error(
    y_true: Vector, y_prob: Vector, n_bins: int = 10, strategy: str = "quantile"
) -> float:
    """Expected calibration error: the count-weighted gap between predicted and observed rates.

    ``ECE = sum_b (n_b / n) * |mean(y_b) - mean(p_b)|`` over the non-empty bins ``b`` of
    :func:`calibration_table`; 0 for a perfectly calibrated model, at most 1.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed outcomes, 0 or 1 (booleans accepted).
    y_prob : array-like of shape (n,)
        Predicted probabilities of outcome 1, within [0, 1].
    n_bins : int, default 10
        Number of bins.
    strategy : {"quantile", "uniform"}, default "quantile"
        Binning, as in :func:`calibration_table`.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        As :func:`calibration_table`.
    """
    y, p = _binary_inputs(y_true, y_prob)
    _, predicted, observed = _bin_sums(y, p, n_bins, strategy)
    # n_b * |mean(y_b) - mean(p_b)| = |sum(y_b) - sum(p_b)|: no division by the bin counts.
    return float(np.abs(observed - predicted).sum() / y.shape[0])


@dataclass(frozen=True)
class BinaryScores:
    """Scores of a binary classifier's probabilities on one evaluation set.

    Attributes
    ----------
    n : int
        Number of rows.
    positives : int
        Number of rows with outcome 1.
    roc_auc : float
        Area under the ROC curve; NaN when only one class is present.
    pr_auc : float
        Average precision (sklearn's ``average_precision_score``); NaN when only one class is
        present.
    brier : float
        Brier score, the mean squared difference between probability and outcome.
    ece : float
        Expected calibration error with 10 quantile bins.
    """

    n: int
    positives: int
    roc_auc: float
    pr_auc: float
    brier: float
    ece: float


def binary_scores(y_true: Vector, y_prob: Vector) -> BinaryScores:
    """Discrimination and calibration of predicted probabilities; never raises on one class.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed outcomes, 0 or 1 (booleans accepted).
    y_prob : array-like of shape (n,)
        Predicted probabilities of outcome 1, within [0, 1].

    Returns
    -------
    BinaryScores

    Raises
    ------
    ValueError
        As :func:`calibration_table`.
    """
    y, p = _binary_inputs(y_true, y_prob)
    n = int(y.shape[0])
    positives = int(y.sum())
    # Ranking metrics are undefined with a single class; a small group in a per-group report
    # often has one, and a NaN there is an answer, not an error.
    both_classes = 0 < positives < n
    return BinaryScores(
        n=n,
        positives=positives,
        roc_auc=float(roc_auc_score(y, p)) if both_classes else math.nan,
        pr_auc=float(average_precision_score(y, p)) if both_classes else math.nan,
        brier=float(np.mean((p - y) ** 2)),
        ece=expected_calibration_error(y, p),
    )


def scores_by(frame: pd.DataFrame, by: str, y: str = "y", p: str = "p") -> pd.DataFrame:
    """:func:`binary_scores` per group, then for all rows together.

    Parameters
    ----------
    frame : DataFrame of shape (n, >= 3)
        Holds the group, outcome and probability columns.
    by : str
        Column of group values (e.g. agency or jabatan level). Rows with a missing group value
        belong to no group but count in the ``"ALL"`` row.
    y : str, default "y"
        Column of outcomes, 0 or 1.
    p : str, default "p"
        Column of predicted probabilities.

    Returns
    -------
    DataFrame with columns group, n, positives, roc_auc, pr_auc, brier, ece
        One row per group value in sorted order, then a row with group ``"ALL"``.

    Raises
    ------
    ValueError
        If a column is absent, a group is itself called ``"ALL"``, or the scores' inputs are
        invalid (see :func:`binary_scores`).
    """
    absent = [column for column in (by, y, p) if column not in frame.columns]
    if absent:
        raise ValueError(f"frame lacks the columns {absent}")
    rows = []
    for group, part in frame.groupby(by, sort=True, dropna=True, observed=True):
        if group == ALL:
            raise ValueError(f"column {by!r} has a group called {ALL!r}, the name of the total")
        rows.append({"group": group, **asdict(binary_scores(part[y], part[p]))})
    rows.append({"group": ALL, **asdict(binary_scores(frame[y], frame[p]))})
    return pd.DataFrame(rows, columns=["group", *(field.name for field in fields(BinaryScores))])


# eq=False: a DataFrame has no single truth value, so a field-wise == would raise.
@dataclass(frozen=True, eq=False)
class GroupErrorRates:
    """Error rates per group and their largest differences, the equalized-odds measures.

    Attributes
    ----------
    table : DataFrame with columns group, n, positives, tpr, fpr, selection_rate
        One row per group in sorted (for a categorical: category) order, small groups included.
        ``tpr`` is NaN for a group without positives and ``fpr`` for one without negatives.
    tpr_difference : float
        Largest minus smallest true-positive rate over the groups that count.
    fpr_difference : float
        Largest minus smallest false-positive rate over the groups that count.
    equalized_odds_difference : float
        The larger of the two differences.
    """

    table: pd.DataFrame
    tpr_difference: float
    fpr_difference: float
    equalized_odds_difference: float


def _groups(groups: Vector, length: int) -> pd.Series[Any]:
    """``groups`` as a Series (a categorical dtype is kept), checked against ``length``."""
    series = groups if isinstance(groups, pd.Series) else pd.Series(groups)
    if len(series) != length:
        raise ValueError(f"y_true and groups differ in length: {length} and {len(series)}")
    return series


def _spread(rates: pd.Series[float]) -> float:
    """Largest minus smallest defined rate; 0 for one group, NaN for none."""
    defined = rates.dropna()
    return float(defined.max() - defined.min()) if len(defined) else math.nan


def error_rates_by_group(
    y_true: Vector,
    y_prob: Vector,
    groups: Vector,
    threshold: float = 0.5,
    min_group_size: int = 50,
) -> GroupErrorRates:
    """True- and false-positive rates per group at a threshold, and how far apart they are.

    The differences follow fairlearn's ``equalized_odds_difference`` (its default
    ``method="between_groups"``): the TPR difference is the largest minus the smallest TPR across
    groups, likewise the FPR difference, and the equalized-odds difference is the larger of the
    two. Unlike fairlearn, a group with fewer than ``min_group_size`` positives is reported in
    the table but left out of the TPR difference, and one with fewer negatives out of the FPR
    difference: on a handful of employees a rate is noise, and a gate on it would be too.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed outcomes, 0 or 1 (booleans accepted).
    y_prob : array-like of shape (n,)
        Predicted probabilities of outcome 1, within [0, 1].
    groups : array-like of shape (n,)
        Group of each row (e.g. gender or agency). Missing values (NaN, None) form no group:
        their rows are left out.
    threshold : float, default 0.5
        A row is predicted positive when its probability is at least this.
    min_group_size : int, default 50
        Fewest positives (for the TPR) or negatives (for the FPR) a group needs to count.

    Returns
    -------
    GroupErrorRates
        A difference is 0 when only one group counts, and NaN when none does; the
        equalized-odds difference is NaN when either difference is, so that a gate on it fails
        rather than passes on nothing.

    Raises
    ------
    ValueError
        If the lengths differ, the inputs are invalid (see :func:`binary_scores`), the threshold
        is outside [0, 1] or ``min_group_size < 1``.
    """
    y, p = _binary_inputs(y_true, y_prob)
    group = _groups(groups, y.shape[0])
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be within [0, 1], got {threshold}")
    if min_group_size < 1:
        raise ValueError(f"min_group_size must be at least 1, got {min_group_size}")
    # Missing group values get code -1 and drop out of every count.
    codes, labels = pd.factorize(group, sort=True)
    present = codes >= 0
    codes, positive, selected = codes[present], y[present] == 1.0, p[present] >= threshold

    def count(rows: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.intp]:
        return np.bincount(codes, weights=rows, minlength=len(labels)).astype(np.intp)

    n, positives, negatives = count(), count(positive), count(~positive)
    table = pd.DataFrame(
        {
            "group": np.asarray(labels),
            "n": n,
            "positives": positives,
            # A NaN denominator (no positives, or no negatives) leaves the rate undefined.
            "tpr": count(selected & positive) / np.where(positives > 0, positives, np.nan),
            "fpr": count(selected & ~positive) / np.where(negatives > 0, negatives, np.nan),
            "selection_rate": count(selected) / n,
        }
    )
    # A rate is as reliable as its denominator: the TPR rests on the group's positives, the FPR
    # on its negatives (a group of 150 with 30 positives has a TPR ± 0.08).
    tpr_difference = _spread(table.loc[table["positives"] >= min_group_size, "tpr"])
    fpr_difference = _spread(table.loc[table["n"] - table["positives"] >= min_group_size, "fpr"])
    return GroupErrorRates(
        table=table,
        tpr_difference=tpr_difference,
        fpr_difference=fpr_difference,
        equalized_odds_difference=max(tpr_difference, fpr_difference)
        if not (math.isnan(tpr_difference) or math.isnan(fpr_difference))
        else math.nan,
    )


def regression_scores(y_true: Vector, y_pred: Vector) -> dict[str, float]:
    """Errors of the expected-appraisal regression on one evaluation set.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        Observed values.
    y_pred : array-like of shape (n,)
        Predicted values.

    Returns
    -------
    dict with keys rmse, mae, r2, n
        Root mean squared error, mean absolute error, coefficient of determination (NaN for
        fewer than two rows; sklearn's 1 or 0 when ``y_true`` is constant) and the row count.

    Raises
    ------
    ValueError
        If the inputs are empty, differ in length, or hold missing or infinite values.
    """
    observed = _as_vector(y_true, "y_true")
    predicted = _as_vector(y_pred, "y_pred")
    _check_lengths(observed, predicted, "y_true and y_pred")
    _check_finite(observed, "y_true")
    _check_finite(predicted, "y_pred")
    n = int(observed.shape[0])
    return {
        "rmse": float(root_mean_squared_error(observed, predicted)),
        "mae": float(mean_absolute_error(observed, predicted)),
        "r2": float(r2_score(observed, predicted)) if n >= 2 else math.nan,
        "n": n,
    }
