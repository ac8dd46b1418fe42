"""The shared statistics, checked by hand and against their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from ml.fairness.statistics import bh_qvalues, cluster_means, empirical_bayes


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
def test_bh_matches_statsmodels(p: list[float]) -> None:
    expected = multipletests(np.array(p), method="fdr_bh")[1]
    np.testing.assert_allclose(bh_qvalues(np.array(p)), expected, atol=1e-12)


def test_bh_leaves_missing_out_of_the_count() -> None:
    q = bh_qvalues(np.array([0.01, np.nan, 0.04]))
    assert np.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], [0.02, 0.04])


def test_cluster_means_count_an_employee_once() -> None:
    # Rater r rated employee a three times and b once: four rows, two clusters.
    values = pd.Series([1.0, 1.0, 1.0, -1.0])
    means = cluster_means(values, pd.Series(["r"] * 4), pd.Series(["a", "a", "a", "b"]))
    assert means.n["r"] == 4 and means.clusters["r"] == 2
    assert means.mean["r"] == pytest.approx(0.5)
    # deviations: a: 3 × 0.5 = 1.5, b: −1.5 → SE² = 2/1 × (1.5² + 1.5²) / 16
    assert means.se["r"] == pytest.approx(np.sqrt(2 * 4.5 / 16))


def test_cluster_means_with_independent_rows_is_the_usual_standard_error() -> None:
    rng = np.random.default_rng(0)
    values = pd.Series(rng.normal(size=400))
    means = cluster_means(values, pd.Series(["g"] * 400), pd.Series(range(400)))
    assert means.se["g"] == pytest.approx(values.std(ddof=1) / np.sqrt(400), rel=1e-2)


def test_empirical_bayes_shrinks_noisy_means_more() -> None:
    rng = np.random.default_rng(1)
    truth = rng.normal(0, 0.3, 2000)
    se = np.where(np.arange(2000) % 2 == 0, 0.05, 0.6)
    observed = truth + rng.normal(0, se)
    shrunk = empirical_bayes(observed, se)
    assert shrunk.tau2 == pytest.approx(0.09, rel=0.15)
    precise, noisy = se == 0.05, se == 0.6
    assert np.mean(np.abs(shrunk.effect[noisy])) < np.mean(np.abs(observed[noisy])) / 2
    # shrinkage lowers the error on both halves
    for part in (precise, noisy):
        assert np.mean((shrunk.effect[part] - truth[part]) ** 2) <= np.mean(
            (observed[part] - truth[part]) ** 2
        )
