"""Evaluation metrics: hand-computed cases, properties, and cross-checks against scikit-learn."""

import math
import random
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)

from ml.training.metrics import (
    BinaryScores,
    binary_scores,
    calibration_table,
    error_rates_by_group,
    expected_calibration_error,
    regression_scores,
    scores_by,
)

probability = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
labelled = st.lists(st.tuples(st.booleans(), probability), min_size=1, max_size=60)
strategies = st.sampled_from(["quantile", "uniform"])


def unzip(pairs: list[tuple[bool, float]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([y for y, _ in pairs], dtype=int), np.array([p for _, p in pairs])


# (name, y_true, y_prob, n_bins, strategy, expected ECE)
ECE_CASES = [
    (
        "calibrated toy, quantile",
        [1, 0, 0, 0, 1, 1, 1, 0],
        [0.25] * 4 + [0.75] * 4,
        2,
        "quantile",
        0.0,
    ),
    (
        "calibrated toy, uniform",
        [1, 0, 0, 0, 1, 1, 1, 0],
        [0.25] * 4 + [0.75] * 4,
        10,
        "uniform",
        0.0,
    ),
    ("constant predictor, quantile", [1, 0, 0, 0], [0.3] * 4, 10, "quantile", 0.05),
    ("constant predictor, uniform", [1, 0, 0, 0], [0.3] * 4, 10, "uniform", 0.05),
    # Median edge 0.2 is tied three times: all three 0.2s join the lower bin, {0.1, 0.2, 0.2, 0.2}
    # (mean 0.175, observed 0.5) and {0.3, 0.4} (mean 0.35, observed 1): (4·0.325 + 2·0.65) / 6.
    (
        "ties at a quantile edge",
        [0, 0, 1, 1, 1, 1],
        [0.1, 0.2, 0.2, 0.2, 0.3, 0.4],
        2,
        "quantile",
        2.6 / 6,
    ),
    # 0.5 sits on the uniform edge and joins the lower bin [0, 0.5] with 0.1: mean 0.3, observed 0.
    ("value on a uniform edge", [0, 0, 1], [0.1, 0.5, 0.9], 2, "uniform", (0.6 + 0.1) / 3),
    ("one bin is |mean y - mean p|", [1, 1, 0, 0], [0.9, 0.8, 0.2, 0.5], 1, "quantile", 0.1),
]


@pytest.mark.parametrize(
    ("y_true", "y_prob", "n_bins", "strategy", "expected"),
    [case[1:] for case in ECE_CASES],
    ids=[case[0] for case in ECE_CASES],
)
def test_ece_hand_cases(
    y_true: list[int], y_prob: list[float], n_bins: int, strategy: str, expected: float
) -> None:
    ece = expected_calibration_error(y_true, y_prob, n_bins=n_bins, strategy=strategy)
    assert ece == pytest.approx(expected, abs=1e-12)


def test_quantile_bins_are_equal_count_without_ties() -> None:
    table = calibration_table([0, 1] * 4, np.linspace(0.05, 0.95, 8), n_bins=4)
    assert table["n"].tolist() == [2, 2, 2, 2]
    assert table["bin"].tolist() == [0, 1, 2, 3]


def test_ties_share_a_bin_whatever_the_row_order() -> None:
    y = np.array([0, 0, 1, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.2, 0.2, 0.3, 0.4])
    table = calibration_table(y, p, n_bins=2)
    assert table["n"].tolist() == [4, 2]
    assert table["mean_predicted"].tolist() == pytest.approx([0.175, 0.35])
    assert table["observed_rate"].tolist() == pytest.approx([0.5, 1.0])
    order = np.array([5, 2, 0, 4, 3, 1])
    assert calibration_table(y[order], p[order], n_bins=2).equals(table)


def test_empty_bins_are_left_out() -> None:
    table = calibration_table([0, 1, 1], [0.05, 0.95, 0.91], n_bins=10, strategy="uniform")
    assert table["bin"].tolist() == [0, 9]
    assert table["n"].tolist() == [1, 2]
    assert list(table.columns) == ["bin", "n", "mean_predicted", "observed_rate"]


@given(labelled, st.integers(1, 20), strategies)
def test_ece_is_within_zero_and_one(
    pairs: list[tuple[bool, float]], n_bins: int, strategy: str
) -> None:
    y, p = unzip(pairs)
    assert 0.0 <= expected_calibration_error(y, p, n_bins, strategy) <= 1.0


@given(labelled, st.integers(1, 20), strategies, st.randoms(use_true_random=False))
def test_ece_does_not_depend_on_row_order(
    pairs: list[tuple[bool, float]], n_bins: int, strategy: str, rng: random.Random
) -> None:
    y, p = unzip(pairs)
    order = list(range(len(y)))
    rng.shuffle(order)
    shuffled = expected_calibration_error(y[order], p[order], n_bins, strategy)
    assert shuffled == pytest.approx(expected_calibration_error(y, p, n_bins, strategy), abs=1e-12)


@given(labelled, st.randoms(use_true_random=False))
def test_with_one_bin_shuffling_the_labels_alone_changes_nothing(
    pairs: list[tuple[bool, float]], rng: random.Random
) -> None:
    y, p = unzip(pairs)
    shuffled = y.tolist()
    rng.shuffle(shuffled)
    ece = expected_calibration_error(shuffled, p, n_bins=1)
    assert ece == pytest.approx(abs(y.mean() - p.mean()), abs=1e-12)


@given(st.lists(st.booleans(), min_size=1, max_size=60), probability, st.integers(1, 20))
def test_a_constant_predictor_is_off_by_its_distance_to_the_base_rate(
    labels: list[bool], constant: float, n_bins: int
) -> None:
    y = np.array(labels, dtype=int)
    ece = expected_calibration_error(y, np.full(len(y), constant), n_bins)
    assert ece == pytest.approx(abs(y.mean() - constant), abs=1e-12)


@settings(max_examples=50)
@given(labelled, st.integers(1, 15))
def test_uniform_table_matches_sklearn_calibration_curve(
    pairs: list[tuple[bool, float]], n_bins: int
) -> None:
    y, p = unzip(pairs)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy="uniform")
    table = calibration_table(y, p, n_bins=n_bins, strategy="uniform")
    np.testing.assert_allclose(table["observed_rate"], prob_true)
    np.testing.assert_allclose(table["mean_predicted"], prob_pred)


def test_quantile_table_matches_sklearn_calibration_curve() -> None:
    rng = np.random.default_rng(3)
    p = rng.beta(2, 5, size=500)
    y = (rng.uniform(size=500) < p).astype(int)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10, strategy="quantile")
    table = calibration_table(y, p)
    np.testing.assert_allclose(table["observed_rate"], prob_true)
    np.testing.assert_allclose(table["mean_predicted"], prob_pred)


@settings(max_examples=30)
@given(labelled)
def test_binary_scores_match_sklearn(pairs: list[tuple[bool, float]]) -> None:
    y, p = unzip(pairs)
    assume(0 < y.sum() < len(y))
    scores = binary_scores(y, p)
    assert scores.n == len(y)
    assert scores.positives == y.sum()
    assert scores.roc_auc == pytest.approx(roc_auc_score(y, p))
    assert scores.pr_auc == pytest.approx(average_precision_score(y, p))
    assert scores.brier == pytest.approx(brier_score_loss(y, p))
    assert scores.ece == expected_calibration_error(y, p)


@pytest.mark.parametrize("label", [0, 1])
def test_one_class_gives_nan_ranking_scores_without_raising_or_warning(label: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = binary_scores([label] * 3, [0.2, 0.5, 0.7])
    assert math.isnan(scores.roc_auc)
    assert math.isnan(scores.pr_auc)
    assert scores.brier == pytest.approx(np.mean((np.array([0.2, 0.5, 0.7]) - label) ** 2))


def test_series_are_aligned_by_position_not_index() -> None:
    y = pd.Series([True, False, True, False], index=[3, 2, 1, 0])
    p = pd.Series([0.9, 0.1, 0.8, 0.3], index=[0, 1, 2, 3])
    assert binary_scores(y, p) == binary_scores([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.3])


# (name, y_true, y_prob, message fragment)
INVALID = [
    ("lengths differ", [0, 1], [0.5], "differ in length: 2 and 1"),
    ("empty", [], [], "empty"),
    ("above one", [0, 1], [0.5, 1.2], r"outside \[0, 1\]"),
    ("below zero", [0, 1], [-0.1, 0.5], r"outside \[0, 1\]"),
    ("missing probability", [0, 1], [0.5, np.nan], "y_prob has 1 missing"),
    ("missing label", pd.Series([0, None], dtype="Int64"), [0.5, 0.5], "y_true has 1 missing"),
    ("label not binary", [0, 2], [0.5, 0.5], "only 0 and 1"),
    ("not numeric", ["a", "b"], [0.5, 0.5], "y_true must be numeric"),
    ("two-dimensional", [[0, 1]], [[0.5, 0.5]], "one-dimensional"),
]


@pytest.mark.parametrize(
    ("y_true", "y_prob", "message"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_invalid_inputs_name_the_problem(y_true: object, y_prob: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        binary_scores(y_true, y_prob)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("n_bins", "strategy", "message"),
    [(0, "quantile", "n_bins must be at least 1"), (10, "kmeans", "strategy must be one of")],
)
def test_invalid_binning_is_refused(n_bins: int, strategy: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        expected_calibration_error([0, 1], [0.2, 0.8], n_bins=n_bins, strategy=strategy)


def test_scores_by_gives_each_group_then_all() -> None:
    frame = pd.DataFrame(
        {
            "unit": ["b", "a", "b", "a", None, "b", "a"],
            "y": [1, 0, 0, 1, 1, 1, 1],
            "p": [0.8, 0.3, 0.4, 0.6, 0.9, 0.7, 0.5],
        }
    )
    table = scores_by(frame, "unit")
    assert table["group"].tolist() == ["a", "b", "ALL"]
    assert list(table.columns) == ["group", "n", "positives", "roc_auc", "pr_auc", "brier", "ece"]
    for row in table.itertuples(index=False):
        rows = frame if row.group == "ALL" else frame[frame["unit"] == row.group]
        expected = binary_scores(rows["y"], rows["p"])
        assert BinaryScores(*row[1:]) == expected


def test_scores_by_refuses_absent_columns_and_a_group_called_all() -> None:
    frame = pd.DataFrame({"g": ["ALL", "x"], "y": [0, 1], "p": [0.1, 0.9]})
    with pytest.raises(ValueError, match=r"lacks the columns \['score'\]"):
        scores_by(frame, "g", p="score")
    with pytest.raises(ValueError, match="group called 'ALL'"):
        scores_by(frame, "g")


# Group a: TPR 1/2 (0.9 hit, 0.4 missed), FPR 1/2 (0.6 selected, 0.1 not).
# Group b: TPR 2/3 (0.5 counts: at the threshold is selected), FPR 0.
# Group c (2 rows): TPR 0, FPR 1.
HAND = pd.DataFrame(
    {
        "y": [1, 1, 0, 0, 1, 1, 1, 0, 1, 0],
        "p": [0.9, 0.4, 0.6, 0.1, 0.9, 0.5, 0.3, 0.2, 0.1, 0.9],
        "g": ["a"] * 4 + ["b"] * 4 + ["c"] * 2,
    }
)


@pytest.mark.parametrize(
    ("min_group_size", "tpr_difference", "fpr_difference"),
    [(1, 2 / 3, 1.0), (2, 2 / 3 - 1 / 2, 0.0), (5, math.nan, math.nan)],
    ids=["every group", "small group excluded", "no group large enough"],
)
def test_error_rate_differences_by_hand(
    min_group_size: int, tpr_difference: float, fpr_difference: float
) -> None:
    rates = error_rates_by_group(HAND["y"], HAND["p"], HAND["g"], min_group_size=min_group_size)
    assert rates.tpr_difference == pytest.approx(tpr_difference, nan_ok=True)
    assert rates.fpr_difference == pytest.approx(fpr_difference, nan_ok=True)
    expected = max(tpr_difference, fpr_difference) if min_group_size < 5 else math.nan
    assert rates.equalized_odds_difference == pytest.approx(expected, nan_ok=True)


def test_error_rate_table_reports_small_groups_too() -> None:
    table = error_rates_by_group(HAND["y"], HAND["p"], HAND["g"], min_group_size=3).table
    assert list(table.columns) == ["group", "n", "positives", "tpr", "fpr", "selection_rate"]
    assert table["group"].tolist() == ["a", "b", "c"]
    assert table["n"].tolist() == [4, 4, 2]
    assert table["positives"].tolist() == [2, 3, 1]
    assert table["tpr"].tolist() == pytest.approx([1 / 2, 2 / 3, 0.0])
    assert table["fpr"].tolist() == pytest.approx([1 / 2, 0.0, 1.0])
    assert table["selection_rate"].tolist() == pytest.approx([1 / 2, 1 / 2, 1 / 2])


def test_a_group_without_positives_counts_for_fpr_only() -> None:
    y = [1, 0, 1, 0, 0, 0]
    p = [0.9, 0.2, 0.3, 0.1, 0.8, 0.8]
    rates = error_rates_by_group(y, p, ["a"] * 4 + ["b"] * 2, min_group_size=1)
    assert math.isnan(rates.table["tpr"].iloc[1])
    assert rates.tpr_difference == 0.0  # only group a has a TPR
    assert rates.fpr_difference == pytest.approx(1.0)
    assert rates.equalized_odds_difference == pytest.approx(1.0)


def test_missing_group_values_form_no_group() -> None:
    groups = pd.Series(["a", None, "a", np.nan, "b", "b"])
    rates = error_rates_by_group(
        [1, 1, 0, 0, 1, 0], [0.9, 0.1, 0.1, 0.9, 0.9, 0.1], groups, min_group_size=1
    )
    assert rates.table["group"].tolist() == ["a", "b"]
    assert rates.table["n"].sum() == 4
    assert rates.equalized_odds_difference == 0.0


def test_error_rates_refuse_mismatched_groups_and_bad_settings() -> None:
    with pytest.raises(ValueError, match="groups differ in length: 2 and 3"):
        error_rates_by_group([0, 1], [0.2, 0.8], ["a", "b", "c"])
    with pytest.raises(ValueError, match="threshold"):
        error_rates_by_group([0, 1], [0.2, 0.8], ["a", "b"], threshold=1.5)
    with pytest.raises(ValueError, match="min_group_size"):
        error_rates_by_group([0, 1], [0.2, 0.8], ["a", "b"], min_group_size=0)


@settings(max_examples=50)
@given(
    st.lists(
        st.tuples(st.booleans(), probability, st.sampled_from("abc")), min_size=1, max_size=60
    ),
    probability,
)
def test_equalized_odds_difference_is_within_zero_and_one(
    rows: list[tuple[bool, float, str]], threshold: float
) -> None:
    y, p, g = zip(*rows, strict=True)
    rates = error_rates_by_group(y, p, g, threshold=threshold, min_group_size=1)
    for difference in (rates.tpr_difference, rates.fpr_difference):
        assert math.isnan(difference) or 0.0 <= difference <= 1.0
    eod = rates.equalized_odds_difference
    assert math.isnan(eod) or eod == max(rates.tpr_difference, rates.fpr_difference)


@settings(max_examples=50)
@given(labelled, st.integers(1, 5), probability)
def test_identical_groups_have_no_difference(
    pairs: list[tuple[bool, float]], copies: int, threshold: float
) -> None:
    y, p = unzip(pairs)
    assume(0 < y.sum() < len(y))
    groups = np.repeat(np.arange(copies), len(y))
    rates = error_rates_by_group(
        np.tile(y, copies), np.tile(p, copies), groups, threshold=threshold, min_group_size=1
    )
    assert rates.equalized_odds_difference == 0.0


def test_regression_scores_by_hand_and_against_sklearn() -> None:
    y_true, y_pred = pd.Series([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 4.0])
    scores = regression_scores(y_true, y_pred)
    assert scores == pytest.approx({"rmse": math.sqrt(1 / 3), "mae": 1 / 3, "r2": 0.5, "n": 3})
    assert scores["mae"] == pytest.approx(mean_absolute_error(y_true, y_pred))
    assert scores["r2"] == pytest.approx(r2_score(y_true, y_pred))


def test_regression_scores_of_one_row_have_no_r2() -> None:
    scores = regression_scores([2.0], [1.5])
    assert math.isnan(scores["r2"])
    assert scores["rmse"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "message"),
    [([1.0, 2.0], [1.0], "differ in length"), ([1.0, np.inf], [1.0, 2.0], "y_true has 1")],
)
def test_regression_scores_refuse_bad_input(
    y_true: list[float], y_pred: list[float], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        regression_scores(y_true, y_pred)
