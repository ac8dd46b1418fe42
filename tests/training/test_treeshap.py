"""TreeSHAP by decision patterns (``ml.training.treeshap``) against LightGBM's ``pred_contrib``
(itself checked against brute-force Shapley values in ``test_explain``), on models it covers and
the fallback for models it does not."""

from __future__ import annotations

import lightgbm
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.training import treeshap
from ml.training.explain import contributions
from ml.training.treeshap import MAX_SPLITS, PatternTreeShap, pattern_explainer
from tests.training.test_explain import CATEGORIES, _explained_rows, _features, _train


@settings(max_examples=25, deadline=None)
@given(
    depth=st.integers(1, 4),
    leaves=st.integers(2, 11),
    rounds=st.integers(1, 30),
    zero_as_missing=st.booleans(),
    use_missing=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_pattern_contributions_equal_pred_contrib(
    depth: int, leaves: int, rounds: int, zero_as_missing: bool, use_missing: bool, seed: int
) -> None:
    """Any shallow model, including rows with NaN, exact zeros, missing, rare and unseen
    categories: the same contributions as LightGBM's walk, to rounding."""
    X_train = _features(600, seed=seed)
    booster = _train(
        X_train, rounds, max_depth=depth, num_leaves=leaves, min_data_in_leaf=5,
        min_data_per_group=5, cat_smooth=1.0, zero_as_missing=zero_as_missing,
        use_missing=use_missing, seed=seed,
    )  # fmt: skip
    explainer = PatternTreeShap.of(booster)
    assert explainer is not None  # at most 11 leaves: 10 splits a tree
    X = pd.concat([_explained_rows(), _features(200, seed=seed + 1)], ignore_index=True)
    X["c"] = pd.Categorical(X["c"], categories=[*CATEGORIES, "z"])  # "z": unseen in training
    expected = booster.predict(X, pred_contrib=True)
    got = explainer.contributions(X, threads=1)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-10)
    # blocks explained on two threads add up the same
    np.testing.assert_array_equal(explainer.contributions(X, threads=2), got)


def test_blocks_and_threads_give_the_rows_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    X_train = _features(800, seed=5)
    booster = _train(X_train, 40, max_depth=3, num_leaves=7, min_data_per_group=5)
    explainer = PatternTreeShap.of(booster)
    assert explainer is not None
    X = _features(5_000, seed=6)
    monkeypatch.setattr(treeshap, "_BLOCK", 333)  # many blocks, the last one short
    got = explainer.contributions(X, threads=2)
    np.testing.assert_allclose(got, booster.predict(X, pred_contrib=True), rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.sum(axis=1), booster.predict(X, raw_score=True), atol=1e-10)


def test_a_tree_without_splits_is_all_bias() -> None:
    """A constant target gives trees of one leaf: every contribution is the bias."""
    X = _features(300, seed=2)
    data = lightgbm.Dataset(X, np.r_[np.ones(299), 0.0])
    booster = lightgbm.train(
        {"objective": "binary", "verbose": -1, "min_data_in_leaf": 400}, data, 3
    )
    explainer = PatternTreeShap.of(booster)
    assert explainer is not None
    got = explainer.contributions(X)
    np.testing.assert_allclose(got, booster.predict(X, pred_contrib=True), atol=1e-12)
    assert np.all(got[:, :-1] == 0)


def test_deep_trees_are_left_to_lightgbm() -> None:
    X = _features(2_000, seed=0)
    booster = _train(X, 10, num_leaves=31, min_data_in_leaf=5, min_data_per_group=5)
    splits = max(info["num_leaves"] for info in booster.dump_model()["tree_info"]) - 1
    assert splits > MAX_SPLITS
    assert PatternTreeShap.of(booster) is None and pattern_explainer(booster) is None
    # contributions() still explains it, by LightGBM's walk
    got = contributions(booster, X.head(50)).to_numpy()
    np.testing.assert_array_equal(got, booster.predict(X.head(50), pred_contrib=True))


def test_multiclass_models_are_left_to_lightgbm() -> None:
    X = _features(600, seed=1)
    y = np.random.default_rng(0).integers(0, 3, len(X))
    booster = lightgbm.train(
        {"objective": "multiclass", "num_class": 3, "verbose": -1, "max_depth": 2},
        lightgbm.Dataset(X, y), 3,
    )  # fmt: skip
    assert PatternTreeShap.of(booster) is None


def test_contributions_use_the_patterns_and_refuse_columns_out_of_order() -> None:
    X = _features(1_000, seed=4)
    booster = _train(X, 20, max_depth=3, num_leaves=7, min_data_per_group=5)
    explainer = pattern_explainer(booster)
    assert explainer is not None and pattern_explainer(booster) is explainer  # built once
    got = contributions(booster, X)
    np.testing.assert_array_equal(got.to_numpy(), explainer.contributions(X))
    with pytest.raises(ValueError, match="not the model's"):
        explainer.contributions(X[X.columns[::-1]])
    with pytest.raises(lightgbm.basic.LightGBMError):
        contributions(booster, X[X.columns[::-1]])


@settings(max_examples=20, deadline=None)
@given(
    depth=st.integers(1, 4),
    leaves=st.integers(2, 11),
    rounds=st.integers(1, 40),
    zero_as_missing=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_raw_scores_are_lightgbms_to_the_last_bit(
    depth: int, leaves: int, rounds: int, zero_as_missing: bool, seed: int
) -> None:
    """Leaf values added in tree order from 0.0, as LightGBM adds them: the same floats, so a
    ranking of needs is the same whichever computed it."""
    booster = _train(
        _features(600, seed=seed), rounds, max_depth=depth, num_leaves=leaves,
        min_data_in_leaf=5, min_data_per_group=5, zero_as_missing=zero_as_missing, seed=seed,
    )  # fmt: skip
    explainer = PatternTreeShap.of(booster)
    assert explainer is not None
    X = pd.concat([_explained_rows(), _features(300, seed=seed + 1)], ignore_index=True)
    X["c"] = pd.Categorical(X["c"], categories=[*CATEGORIES, "z"])
    np.testing.assert_array_equal(
        explainer.raw_score(X, threads=2), booster.predict(X, raw_score=True)
    )


def test_a_category_column_given_as_text_codes_is_refused_like_lightgbm_refuses_it() -> None:
    X = _features(500, seed=8)
    booster = _train(X, 5, max_depth=2, num_leaves=3, min_data_per_group=5)
    explainer = PatternTreeShap.of(booster)
    assert explainer is not None
    plain = X.assign(c=X["c"].cat.codes.astype(float))  # the category as numbers
    with pytest.raises(ValueError, match="0 category columns where the model was trained with 1"):
        explainer.contributions(plain)
    with pytest.raises(ValueError):
        booster.predict(plain, pred_contrib=True)
