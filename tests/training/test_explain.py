"""Explanations: LightGBM's TreeSHAP checked against Shapley values computed by brute force, and
the reasons drawn from them."""

from __future__ import annotations

from itertools import combinations
from math import factorial
from typing import Any

import lightgbm
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ml.training.explain import (
    FEATURE_LABELS,
    Reason,
    contributions,
    reasons_frame,
    top_reasons,
)

# Deliberately not in sorted order: LightGBM splits on pandas category *codes* (positions in
# this list), so a brute force that coded categories alphabetically would disagree.
CATEGORIES = ["d", "a", "c", "b", "e", "f"]
NUMERIC = ["x0", "x1", "x2", "x3", "x4"]


def _features(n: int, seed: int) -> pd.DataFrame:
    """Five numeric features (x0 with NaN, x1 often exactly 0 and sometimes NaN, x3 integer)
    and a categorical ``c`` with a missing share and a rare level ``f``."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({name: rng.normal(size=n) for name in NUMERIC})
    X.loc[rng.random(n) < 0.15, "x0"] = np.nan
    X.loc[rng.random(n) < 0.3, "x1"] = 0.0
    X.loc[rng.random(n) < 0.05, "x1"] = np.nan
    X["x3"] = rng.integers(0, 5, size=n).astype(float)
    c = rng.choice(CATEGORIES, size=n, p=[0.3, 0.25, 0.2, 0.15, 0.095, 0.005])
    X["c"] = pd.Categorical(np.where(rng.random(n) < 0.05, None, c), categories=CATEGORIES)
    return X


def _labels(X: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    effect = X["c"].map(dict(zip(CATEGORIES, [1.0, -1.0, 0.5, -0.5, 2.0, 1.5], strict=True)))
    logit = (
        X["x0"].fillna(1.0)
        + (X["x1"] == 0).astype(float)
        - X["x2"]
        + 0.5 * X["x3"]
        + effect.astype(float).fillna(-1.0)
    )
    return (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(int)


def _train(X: pd.DataFrame, rounds: int, **params: Any) -> lightgbm.Booster:
    base = {"objective": "binary", "verbose": -1, "seed": 0, "deterministic": True}
    return lightgbm.train({**base, **params}, lightgbm.Dataset(X, _labels(X, 1)), rounds)


@pytest.fixture(scope="module")
def model() -> tuple[lightgbm.Booster, pd.DataFrame]:
    X = _features(2_000, seed=0)
    X.index = pd.Index([f"e{i:04d}" for i in range(len(X))], name="employee_id")
    return _train(X, 50, num_leaves=15, min_data_per_group=20, cat_smooth=1.0), X


def test_contributions_add_up_to_the_raw_score(
    model: tuple[lightgbm.Booster, pd.DataFrame],
) -> None:
    booster, X = model
    contribs = contributions(booster, X)
    assert list(contribs.columns) == [*booster.feature_name(), "bias"]
    assert contribs.index.equals(X.index)
    raw = booster.predict(X, raw_score=True)
    np.testing.assert_allclose(contribs.sum(axis=1), raw, rtol=1e-9, atol=1e-12)
    pd.testing.assert_frame_equal(contributions(booster, X, chunk_rows=7), contribs)


def test_contributions_refuse_columns_out_of_order(
    model: tuple[lightgbm.Booster, pd.DataFrame],
) -> None:
    booster, X = model
    with pytest.raises(lightgbm.basic.LightGBMError, match="Expected 'x0' at position 0"):
        contributions(booster, X[X.columns[::-1]])


# --- Shapley values by brute force -----------------------------------------------------------
# The path-dependent value of a feature subset S (Lundberg et al. 2020, Algorithm 1): in each
# tree, follow the row's branch at splits on features in S and average both branches, weighted
# by their training counts, at the others. Its Shapley values are what TreeSHAP computes exactly.

Node = dict[str, Any]
ZERO = 1e-35  # LightGBM's kZeroThreshold: |value| at most this is "zero" for missing_type Zero


def _goes_left(node: Node, value: float) -> bool:
    """LightGBM's routing of a raw value (``Tree::NumericalDecision`` / ``CategoricalDecision``)."""
    if node["decision_type"] == "==":
        # categorical: the threshold lists the codes that go left; missing or negative go right
        if np.isnan(value) or value < 0:
            return False
        return int(value) in {int(code) for code in str(node["threshold"]).split("||")}
    assert node["decision_type"] == "<="
    missing = node["missing_type"]
    if np.isnan(value) and missing != "NaN":
        value = 0.0
    if (missing == "Zero" and abs(value) <= ZERO) or (missing == "NaN" and np.isnan(value)):
        return bool(node["default_left"])
    return bool(value <= node["threshold"])


def _count(node: Node) -> int:
    return int(node["internal_count"] if "split_index" in node else node["leaf_count"])


def _expectation(node: Node, x: np.ndarray, known: frozenset[int]) -> float:
    if "split_index" not in node:
        return float(node["leaf_value"])
    left, right = node["left_child"], node["right_child"]
    feature = node["split_feature"]
    if feature in known:
        return _expectation(left if _goes_left(node, x[feature]) else right, x, known)
    n_left, n_right = _count(left), _count(right)
    assert n_left + n_right == node["internal_count"]
    return (n_left * _expectation(left, x, known) + n_right * _expectation(right, x, known)) / (
        n_left + n_right
    )


def _brute_force_shap(trees: list[Node], x: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Shapley values of every feature, the bias v(∅) and the full prediction v(F)."""
    n = len(x)
    value = {
        S: sum(_expectation(tree, x, S) for tree in trees)
        for size in range(n + 1)
        for S in map(frozenset, combinations(range(n), size))
    }
    phi = np.zeros(n)
    for i in range(n):
        others = [j for j in range(n) if j != i]
        for size in range(n):
            weight = factorial(size) * factorial(n - size - 1) / factorial(n)
            for S in map(frozenset, combinations(others, size)):
                phi[i] += weight * (value[S | {i}] - value[S])
    return phi, value[frozenset()], value[frozenset(range(n))]


def _as_lightgbm_sees_it(X: pd.DataFrame, booster: lightgbm.Booster) -> np.ndarray:
    """Rows as the floats LightGBM routes: categories by their training code, NaN for missing
    and for categories unseen in training."""
    (categories,) = booster.pandas_categorical
    codes = X["c"].cat.set_categories(categories).cat.codes.to_numpy()
    return np.column_stack(
        [X[NUMERIC].to_numpy(np.float64), np.where(codes < 0, np.nan, codes.astype(np.float64))]
    )


def _explained_rows() -> pd.DataFrame:
    """30 rows: ordinary ones, then NaN in each numeric, exact zeros, a missing category, the
    rare category and one never seen in training."""
    X = _features(30, seed=7)
    X.loc[X.index[:4], "x0"] = np.nan
    X.loc[X.index[4:8], "x1"] = 0.0
    X.loc[X.index[8:10], "x1"] = np.nan
    X.loc[X.index[10:12], ["x2", "x4"]] = np.nan
    c = X["c"].astype(object)
    c.iloc[12:14] = None
    c.iloc[14:17] = "f"
    c.iloc[17:20] = "z"
    X["c"] = pd.Categorical(c, categories=[*CATEGORIES, "z"])
    return X


@pytest.mark.parametrize("zero_as_missing", [False, True])
def test_pred_contrib_equals_brute_force_shapley_values(zero_as_missing: bool) -> None:
    X_train = _features(1_000, seed=3)
    booster = _train(
        X_train,
        20,
        num_leaves=8,
        min_data_in_leaf=10,
        min_data_per_group=5,
        cat_smooth=1.0,
        zero_as_missing=zero_as_missing,
    )
    assert booster.pandas_categorical == [CATEGORIES]
    dump = booster.dump_model()
    trees = [info["tree_structure"] for info in dump["tree_info"]]
    splits = _splits(trees)
    # the model exercises what the brute force must get right
    assert any(decision == "==" for decision, _ in splits)
    assert ("<=", "Zero" if zero_as_missing else "NaN") in splits

    X = _explained_rows()
    contribs = contributions(booster, X)
    raw = booster.predict(X, raw_score=True)
    rows = _as_lightgbm_sees_it(X, booster)
    for r, x in enumerate(rows):
        phi, bias, full = _brute_force_shap(trees, x)
        assert full == pytest.approx(raw[r], abs=1e-9)  # the routing above is LightGBM's
        np.testing.assert_allclose(contribs.iloc[r, :-1], phi, rtol=0, atol=1e-6)
        assert contribs.iloc[r, -1] == pytest.approx(bias, abs=1e-6)


def _splits(trees: list[Node]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    stack = list(trees)
    while stack:
        node = stack.pop()
        if "split_index" in node:
            found.add((node["decision_type"], node["missing_type"]))
            stack += [node["left_child"], node["right_child"]]
    return found


# --- reasons ---------------------------------------------------------------------------------


@pytest.fixture
def handmade() -> tuple[pd.DataFrame, pd.DataFrame]:
    index = pd.Index([10, 20, 30], name="row")
    X = pd.DataFrame(
        {
            "last_level": [2.0, np.nan, 4.0],
            "position_type": pd.Categorical(["FUNGSIONAL", "STRUKTURAL", None]),
            "jp_12m": np.array([0.3, 12.0, 40.0], dtype=np.float32),
            "unlabelled": [1, 2, 3],
        },
        index=index,
    )
    contribs = pd.DataFrame(
        {
            "last_level": [0.5, -0.1, 0.2],
            "position_type": [-0.9, 0.1, -0.2],
            "jp_12m": [0.1, -0.1, 0.0],
            "unlabelled": [0.2, 0.1, -0.3],
            "bias": [-5.0, -5.0, 5.0],
        },
        index=index,
    )
    return contribs, X


def test_top_reasons_pick_the_largest_magnitudes(
    handmade: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    contribs, X = handmade
    reasons = top_reasons(contribs, X, k=2)
    assert reasons[0] == [
        Reason("position_type", "Position type", "FUNGSIONAL", -0.9),
        Reason("last_level", "Last assessed level", 2.0, 0.5),
    ]
    # four-way tie at |0.1|: the earlier columns win, in column order; bias is never a reason
    assert [r.feature for r in reasons[1]] == ["last_level", "position_type"]
    assert reasons[1][0].value is None
    assert reasons[2] == [
        Reason("unlabelled", "unlabelled", 3, -0.3),
        Reason("last_level", "Last assessed level", 4.0, 0.2),
    ]
    assert isinstance(reasons[2][0].value, int)


def test_reasons_use_given_labels_and_clamp_k(
    handmade: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    contribs, X = handmade
    reasons = top_reasons(contribs, X, k=10, labels={"jp_12m": "Training hours"})
    assert all(len(row) == 4 for row in reasons)
    assert {r.feature: r.label for r in reasons[0]} == {
        "position_type": "position_type",
        "last_level": "last_level",
        "unlabelled": "unlabelled",
        "jp_12m": "Training hours",
    }
    assert reasons[2][2].value is None  # a missing category
    frame = reasons_frame(contribs, X, k=10)
    assert frame.shape == (3, 16)


def test_reasons_frame_formats_values(handmade: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    contribs, X = handmade
    frame = reasons_frame(contribs, X, k=3)
    assert frame.index.equals(X.index)
    assert list(frame.columns[:4]) == [
        "reason_1_feature",
        "reason_1_label",
        "reason_1_value",
        "reason_1_contribution",
    ]
    assert frame.loc[10, "reason_1_value"] == "FUNGSIONAL"
    assert frame.loc[10, "reason_3_feature"] == "unlabelled"
    assert frame.loc[20, "reason_1_value"] == ""  # last_level missing
    assert frame.loc[30, "reason_2_value"] == "4"
    assert frame.loc[30, "reason_3_value"] == ""  # a missing category
    jp = reasons_frame(contribs.assign(jp_12m=[9.0, 9.0, 9.0]), X, k=1)["reason_1_value"]
    assert list(jp) == ["0.3", "12", "40"]  # float32 noise hidden


def test_reasons_frame_agrees_with_top_reasons(
    model: tuple[lightgbm.Booster, pd.DataFrame],
) -> None:
    booster, X = model
    X = X.iloc[:300]
    contribs = contributions(booster, X)
    frame = reasons_frame(contribs, X, k=3)
    for (_, row), reasons in zip(frame.iterrows(), top_reasons(contribs, X, k=3), strict=True):
        for i, reason in enumerate(reasons, start=1):
            assert row[f"reason_{i}_feature"] == reason.feature
            assert row[f"reason_{i}_label"] == reason.label
            assert row[f"reason_{i}_contribution"] == reason.contribution
            text = row[f"reason_{i}_value"]
            if reason.value is None:
                assert text == ""
            elif isinstance(reason.value, str):
                assert text == reason.value
                assert reason.value in CATEGORIES  # the label, not the code
            else:
                assert float(text) == pytest.approx(reason.value, rel=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64, st.tuples(st.integers(1, 8), st.integers(1, 6)), elements=st.integers(-3, 3)
    ),
    st.integers(1, 8),
)
def test_reasons_are_a_stable_sort_by_magnitude(matrix: np.ndarray, k: int) -> None:
    # small integers make ties common: they must go to the earlier column
    names = [f"f{j}" for j in range(matrix.shape[1])]
    contribs = pd.DataFrame(matrix, columns=names).assign(bias=100.0)
    X = pd.DataFrame(0.0, index=contribs.index, columns=names)
    expected = np.argsort(-np.abs(matrix), axis=1, kind="stable")[:, :k]
    frame = reasons_frame(contribs, X, k=k)
    for i in range(min(k, len(names))):
        assert list(frame[f"reason_{i + 1}_feature"]) == [names[j] for j in expected[:, i]]


def test_feature_labels_cover_the_rating_families() -> None:
    assert FEATURE_LABELS["hasil_DI_ATAS_last3"] == "Ratings 'di atas' (hasil kerja), last 3 years"
    assert FEATURE_LABELS["perilaku_DI_BAWAH_last1"] == (
        "Ratings 'di bawah' (perilaku kerja), last year"
    )
    assert FEATURE_LABELS["predikat_SANGAT_BAIK_last5"] == "Predikat 'sangat baik', last 5 years"
    assert FEATURE_LABELS["level_estimate"] == (
        "Estimated level (all assessments, reliability-weighted)"
    )
