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
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import splu

from ml.fairness.statistics import VarianceComponents

BLOCK = 512  # columns of the identity solved at once for the diagonal of the inverse
DENSE = 48  # blocks of up to this many columns are inverted densely, all of a size at once
BATCH = 2048  # dense blocks inverted per call (at most 2048 × 48² doubles, 38 MB)
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
    k = system.shape[0]
    wanted = np.arange(k) if se_of is None else np.asarray(se_of, int)
    effect, diagonal = solve_blocks(system.tocsc(), np.asarray(rhs, float), wanted)
    return Fixed(effect, np.sqrt(components.noise * np.maximum(diagonal, 0.0)))


def solve_blocks(
    system: sp.csc_matrix, rhs: np.ndarray, wanted: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The solution of ``system`` x = ``rhs`` and the ``wanted`` entries of the diagonal of its
    inverse (NaN elsewhere), one connected block of the system at a time.

    Raters are coupled only through ratees they share, so the absorbed system falls apart into
    blocks — one per rater where each ratee has one rater, one per agency at most where raters
    rotate. Solved whole, every column of the inverse's diagonal costs a triangular solve over
    the whole factor: quadratic in the number of raters (a tenth of the national workforce's
    audit took 32 s on it; the nation's would take days). Block by block the cost is linear in
    the number of raters, and the answer is the same: the inverse of a block-diagonal matrix
    is the block-diagonal of the blocks' inverses. Small blocks are solved densely, many at
    once; larger ones by their own sparse LU.
    """
    k = system.shape[0]
    effect = np.empty(k)
    diagonal = np.full(k, np.nan)
    want = np.zeros(k, dtype=bool)
    want[wanted] = True
    count, labels = connected_components(system, directed=False)
    order = np.argsort(labels, kind="stable")  # each block's columns together, in column order
    sizes = np.bincount(labels, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    position = np.empty(k, dtype=np.int64)  # a column's place within its block
    position[order] = np.arange(k) - np.repeat(starts[:-1], sizes)
    coo = system.tocoo()
    row_labels = labels[coo.row]  # each stored entry's block, once for every batch
    for size in np.unique(sizes):
        blocks = np.flatnonzero(sizes == size)
        if size > DENSE:
            for block in blocks:
                columns = order[starts[block] : starts[block + 1]]
                _sparse_block(system, rhs, columns, want, effect, diagonal)
            continue
        for first in range(0, len(blocks), BATCH):
            _dense_blocks(
                system, coo, rhs, blocks[first : first + BATCH], int(size),
                (row_labels, order, starts, position), want, effect, diagonal,
            )  # fmt: skip
    return effect, diagonal


def _dense_blocks(
    system: sp.csc_matrix,
    coo: sp.coo_matrix,
    rhs: np.ndarray,
    blocks: np.ndarray,
    size: int,
    layout: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    want: np.ndarray,
    effect: np.ndarray,
    diagonal: np.ndarray,
) -> None:
    """Invert ``blocks`` (all of ``size`` columns) densely at once, writing into ``effect`` and
    ``diagonal``; a singular one sends the batch to the sparse LU, which says why."""
    row_labels, order, starts, position = layout
    slot = np.full(len(starts) - 1, -1)
    slot[blocks] = np.arange(len(blocks))
    columns = order[starts[blocks][:, None] + np.arange(size)]  # (blocks, size)
    mine = slot[row_labels]
    inside = mine >= 0
    rows, cols = coo.row[inside], coo.col[inside]
    dense = np.zeros((len(blocks), size, size))
    dense[mine[inside], position[rows], position[cols]] = coo.data[inside]
    try:
        inverse = np.linalg.inv(dense)
    except np.linalg.LinAlgError:
        for block in blocks:
            _sparse_block(system, rhs, order[starts[block] : starts[block + 1]], want, effect,
                          diagonal)  # fmt: skip
        return
    effect[columns] = np.einsum("bij,bj->bi", inverse, rhs[columns])
    keep = want[columns]
    diagonal[columns[keep]] = np.diagonal(inverse, axis1=1, axis2=2)[keep]


def _sparse_block(
    system: sp.csc_matrix,
    rhs: np.ndarray,
    columns: np.ndarray,
    want: np.ndarray,
    effect: np.ndarray,
    diagonal: np.ndarray,
) -> None:
    """Solve one block by its sparse LU, writing into ``effect`` and ``diagonal``."""
    lu = splu(system[columns][:, columns].tocsc())
    effect[columns] = lu.solve(rhs[columns])
    wanted = np.flatnonzero(want[columns])
    for start in range(0, len(wanted), BLOCK):
        chosen = wanted[start : start + BLOCK]
        unit = np.zeros((len(columns), len(chosen)))
        unit[chosen, np.arange(len(chosen))] = 1.0
        diagonal[columns[chosen]] = lu.solve(unit)[chosen, np.arange(len(chosen))]


def indicator(codes: np.ndarray, levels: int, rows: np.ndarray | None = None) -> sp.csr_matrix:
    """One column per level: 1 where the row's code is the level (and ``rows`` holds)."""
    keep = np.ones(len(codes), dtype=bool) if rows is None else rows
    index = np.flatnonzero(keep)
    return sp.csr_matrix((np.ones(len(index)), (index, codes[keep])), shape=(len(codes), levels))
