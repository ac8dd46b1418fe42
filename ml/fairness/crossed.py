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
RIDGE = 1e-9  # relative ridge on nuisance columns (see ``fixed_effects``)


@dataclass(frozen=True)
class Fixed:
    """Estimates and standard errors of the fixed columns, in their order."""

    effect: np.ndarray
    se: np.ndarray


def fixed_effects(
    y: np.ndarray,
    fixed: sp.csr_matrix,
    ratee: np.ndarray,
    components: VarianceComponents,
    *,
    nuisance: np.ndarray | None = None,
    se_of: np.ndarray | None = None,
) -> Fixed:
    """GLS estimates of the ``fixed`` columns (rows × k, sparse) with ratees (integer codes per
    row) as random effects. Every fixed column must have rows; ratees need no other rater.

    ``nuisance`` (boolean per column) marks adjustment columns that may be collinear with
    others (a rater whose women ratees are all in one age band): they get a ridge too small
    to move an identified estimate, so that the system stays solvable and a tested column
    that cannot be told apart from them gets the huge standard error it deserves rather than
    an error. ``se_of``: the columns whose standard errors are wanted (all by default; each
    costs a solve)."""
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
    if nuisance is not None and nuisance.any():
        scale = system.diagonal()
        system = system + sp.diags(np.where(nuisance, RIDGE * np.maximum(scale, 1.0), 0.0))
        system = system.tocsc()
    lu = splu(system)
    effect = lu.solve(np.asarray(rhs, float))
    k = system.shape[0]
    wanted = np.arange(k) if se_of is None else np.asarray(se_of, int)
    diagonal = np.full(k, np.nan)
    for start in range(0, len(wanted), BLOCK):
        columns = wanted[start : start + BLOCK]
        unit = np.zeros((k, len(columns)))
        unit[columns, np.arange(len(columns))] = 1.0
        diagonal[columns] = lu.solve(unit)[columns, np.arange(len(columns))]
    return Fixed(effect, np.sqrt(components.noise * np.maximum(diagonal, 0.0)))


def indicator(codes: np.ndarray, levels: int, rows: np.ndarray | None = None) -> sp.csr_matrix:
    """One column per level: 1 where the row's code is the level (and ``rows`` holds)."""
    keep = np.ones(len(codes), dtype=bool) if rows is None else rows
    index = np.flatnonzero(keep)
    return sp.csr_matrix((np.ones(len(index)), (index, codes[keep])), shape=(len(codes), levels))
