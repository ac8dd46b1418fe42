"""The greedy baseline of the unit plan: best expected gain per rupiah first, while it fits.

It is what a planner does by hand with a sorted list, and the yardstick the integer program of
:mod:`ml.recommend.plan` has to beat.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def greedy_order(
    cost: npt.NDArray[np.float64], gain: npt.NDArray[np.float64]
) -> npt.NDArray[np.intp]:
    """Candidate positions by expected gain per rupiah, then by gain, both descending.

    Free programmes come first (their gain per rupiah is infinite); remaining ties keep the
    input order, so the baseline is deterministic.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        per_rupiah = np.where(cost > 0, gain / cost, np.inf)
    return np.lexsort((-gain, -per_rupiah))


def greedy_select(
    cost: npt.NDArray[np.float64],
    jp: npt.NDArray[np.float64],
    gain: npt.NDArray[np.float64],
    person: npt.NDArray[np.intp],
    programme: npt.NDArray[np.intp],
    budget: float,
    max_jp: float,
    seats: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Which candidates the greedy baseline takes.

    Parameters
    ----------
    cost, jp, gain : ndarray of shape (n_candidates,)
        Rupiah, JP and expected levels of gap closed of each (employee, programme) candidate.
    person, programme : ndarray of shape (n_candidates,)
        Position of the candidate's employee and programme (0-based, dense).
    budget : float
        Rupiah available.
    max_jp : float
        JP that may be planned per employee.
    seats : ndarray of shape (n_programmes,)
        Seats per programme.

    Returns
    -------
    ndarray of bool, shape (n_candidates,)
        The candidates taken.
    """
    chosen = np.zeros(len(cost), dtype=bool)
    left = float(budget)
    planned = np.zeros(int(person.max()) + 1 if len(person) else 0)
    free_seats = seats.astype(np.int64).copy()
    for i in greedy_order(cost, gain):
        e, p = person[i], programme[i]
        if cost[i] <= left and planned[e] + jp[i] <= max_jp and free_seats[p] > 0:
            chosen[i] = True
            left -= cost[i]
            planned[e] += jp[i]
            free_seats[p] -= 1
    return chosen
