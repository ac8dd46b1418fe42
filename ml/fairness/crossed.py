"""Rater effects as fixed effects in a crossed model with random ratee effects, solved by
generalised least squares (Henderson's mixed-model equations, the ratee block absorbed).

    residual = rater effect (+ rater × group effect) + ratee effect + noise,
    ratee effect ~ N(0, σ²_ratee), noise ~ N(0, σ²_noise).

Why fixed raters and random ratees: the rater's effect is what a committee reads, so it must not
be shrunk towards zero (a random rater effect would be — its BLUP is pulled by a prior fitted
over mostly unbiased raters); the ratees' unmeasured performance is a nuisance, and treating it
as random lets every rating of a ratee by *other* raters (a panel, another year's rater after
rotation) tell this rater's ratings apart from the ratee's own level. In the civil-service design
(one rater per ratee and period, no rotation) the estimate is the GLS-weighted mean of the
rater's ratee means; in a panel it is much sharper. Standard errors come from the inverse of the
absorbed equations, with the variance components estimated once over the workforce
(:func:`ml.fairness.statistics.variance_components`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ml.fairness.statistics import VarianceComponents

BLOCK = 512  # columns of the identity solved at once for the diagonal of the inverse


@dataclass(frozen=True)
class Fixed:
    """Estimates and standard errors of the fixed columns, in their order."""

    effect: np.ndarray
    se: np.ndarray


def fixed_effects(
    y: np.ndarray, fixed: sp.csr_matrix, ratee: np.ndarray, components: VarianceComponents
) -> Fixed:
    """GLS estimates of the ``fixed`` columns (rows × k, sparse) with ratees (integer codes per
    row) as random effects. Every fixed column must have rows; ratees need no other rater."""
    y = np.asarray(y, float)
    fixed = sp.csr_matrix(fixed, dtype=float)
    ftf = (fixed.T @ fixed).tocsc()
    fty = fixed.T @ y
    if components.ratee > 0:
        levels = int(ratee.max()) + 1
        z = sp.csr_matrix((np.ones(len(y)), (np.arange(len(y)), ratee)), shape=(len(y), levels))
        ridge = components.noise / components.ratee
        inverse = sp.diags(1.0 / (np.asarray(z.sum(axis=0)).ravel() + ridge))
        ftz = (fixed.T @ z).tocsr()
        system = (ftf - ftz @ inverse @ ftz.T).tocsc()
        rhs = fty - ftz @ (inverse @ (z.T @ y))
    else:
        system, rhs = ftf, fty
    lu = splu(system)
    effect = lu.solve(np.asarray(rhs, float))
    k = system.shape[0]
    diagonal = np.empty(k)
    for start in range(0, k, BLOCK):
        stop = min(start + BLOCK, k)
        unit = np.zeros((k, stop - start))
        unit[np.arange(start, stop), np.arange(stop - start)] = 1.0
        diagonal[start:stop] = lu.solve(unit)[np.arange(start, stop), np.arange(stop - start)]
    return Fixed(effect, np.sqrt(components.noise * np.maximum(diagonal, 0.0)))


def indicator(codes: np.ndarray, levels: int, rows: np.ndarray | None = None) -> sp.csr_matrix:
    """One column per level: 1 where the row's code is the level (and ``rows`` holds)."""
    keep = np.ones(len(codes), dtype=bool) if rows is None else rows
    index = np.flatnonzero(keep)
    return sp.csr_matrix((np.ones(len(index)), (index, codes[keep])), shape=(len(codes), levels))
