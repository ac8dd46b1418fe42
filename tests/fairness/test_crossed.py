"""The crossed model's solver: block by block, the same answer as the whole system solved at once
(a dense inverse as the independent reference), on systems of many connected blocks."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.fairness.crossed import DENSE, fixed_effects, indicator, solve_blocks
from ml.fairness.statistics import VarianceComponents


def _block_system(sizes: list[int], seed: int) -> sp.csc_matrix:
    """A symmetric positive definite matrix of the given blocks, its columns shuffled so that a
    block's columns are not next to each other."""
    rng = np.random.default_rng(seed)
    blocks = []
    for size in sizes:
        a = rng.normal(size=(size, size)) * (rng.random((size, size)) < 0.4)
        blocks.append(a @ a.T + size * np.eye(size))
    whole = sp.block_diag(blocks).tocsr()
    shuffle = rng.permutation(whole.shape[0])
    return whole[shuffle][:, shuffle].tocsc()


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 70), min_size=1, max_size=25),
    seed=st.integers(0, 2**32 - 1),
)
def test_blocks_give_the_whole_system_s_solution_and_inverse_diagonal(
    sizes: list[int], seed: int
) -> None:
    system = _block_system(sizes, seed)
    rng = np.random.default_rng(seed)
    rhs = rng.normal(size=system.shape[0])
    wanted = np.flatnonzero(rng.random(system.shape[0]) < 0.6)
    effect, diagonal = solve_blocks(system, rhs, wanted)
    dense = np.linalg.inv(system.toarray())
    np.testing.assert_allclose(effect, dense @ rhs, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(diagonal[wanted], np.diag(dense)[wanted], rtol=1e-8)
    others = np.setdiff1d(np.arange(system.shape[0]), wanted)
    assert np.isnan(diagonal[others]).all()  # not asked for: not computed


def test_large_and_small_blocks_are_both_solved() -> None:
    sizes = [1, 2, DENSE, DENSE + 1, 3 * DENSE]  # both paths, and the boundary between them
    system = _block_system(sizes, 7)
    rhs = np.arange(system.shape[0], dtype=float)
    effect, diagonal = solve_blocks(system, rhs, np.arange(system.shape[0]))
    dense = np.linalg.inv(system.toarray())
    np.testing.assert_allclose(effect, dense @ rhs, rtol=1e-9)
    np.testing.assert_allclose(diagonal, np.diag(dense), rtol=1e-9)


def test_a_singular_block_is_refused_as_before() -> None:
    system = sp.block_diag([np.eye(2), np.zeros((2, 2)) + 1.0]).tocsc()  # [[1,1],[1,1]] singular
    with pytest.raises(RuntimeError, match="singular"):
        solve_blocks(system, np.ones(4), np.arange(4))


def test_one_rater_per_ratee_reads_each_rater_s_ratee_means() -> None:
    """Where every ratee has one rater, each rater is a block of its own: the GLS estimate is the
    rater's precision-weighted mean of its ratees' mean residuals, against a direct computation."""
    rng = np.random.default_rng(3)
    raters, per_rater, per_ratee = 300, 6, 3
    ratee = np.repeat(np.arange(raters * per_rater), per_ratee)
    rater = ratee // per_rater
    y = rng.normal(size=len(ratee)) + 0.3 * (rater % 3 == 0)
    components = VarianceComponents(noise=1.0, ratee=0.5)
    fit = fixed_effects(y, indicator(rater, raters), ratee, components)
    means = np.bincount(ratee, y) / per_ratee
    # each ratee mean has variance ratee + noise / per_ratee; equal weights within a rater
    expected = np.bincount(np.arange(raters * per_rater) // per_rater, means) / per_rater
    np.testing.assert_allclose(fit.effect, expected, rtol=1e-9, atol=1e-12)
    variance = (components.ratee + components.noise / per_ratee) / per_rater
    np.testing.assert_allclose(fit.se, np.sqrt(np.full(raters, variance)), rtol=1e-9)
