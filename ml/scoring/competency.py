"""Competency gaps and the Job-Person Match (JPM).

A position's competency standard (*Standar Kompetensi Jabatan*, PermenPAN-RB No. 38/2017) requires
a level from 1 to 5 in each of its managerial, socio-cultural and technical competencies. The *JPM*
(Job-Person Match) sums an employee's levels against those requirements, in percent, and a scale
turns the percentage into a category.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from ml.scoring.codes import JpmCategory, UjiKompetensiCategory

LEVELS = range(1, 6)
"""Competency levels of PermenPAN-RB 38/2017: 1 (oneself) up to 5 (the nation)."""

C_co = TypeVar("C_co", bound=StrEnum, covariant=True)


@dataclass(frozen=True)
class JpmScale(Generic[C_co]):
    """Bands that turn a JPM percentage into a category.

    Attributes
    ----------
    name : str
        Short name of the scale.
    source : str
        The regulation that sets the bands.
    bands : tuple of (float, category)
        Lower bound (inclusive, in percent) and category, highest bound first.
    below : category
        The category below the lowest bound.
    """

    name: str
    source: str
    bands: tuple[tuple[float, C_co], ...]
    below: C_co

    def __post_init__(self) -> None:
        bounds = [bound for bound, _ in self.bands]
        if bounds != sorted(bounds, reverse=True):
            raise ValueError(f"{self.name}: bands must be ordered from the highest bound down")

    def categorize(self, percent: float) -> C_co:
        """The category of one JPM percentage.

        Raises
        ------
        ValueError
            If ``percent`` is negative or NaN.
        """
        if not percent >= 0:
            raise ValueError(f"percent must be a number >= 0, got {percent!r}")
        for bound, category in self.bands:
            if percent >= bound:
                return category
        return self.below

    def categorize_many(self, percent: npt.ArrayLike) -> npt.NDArray[np.object_]:
        """The categories of many JPM percentages, vectorised; agrees with :meth:`categorize`.

        Parameters
        ----------
        percent : array-like of shape (n,)
            JPM percentages.

        Returns
        -------
        ndarray of shape (n,), dtype object
            Category codes as plain strings.

        Raises
        ------
        ValueError
            If any percentage is negative or NaN; the message shows one.
        """
        values = np.asarray(percent, dtype=float)
        invalid = ~(values >= 0)
        if invalid.any():
            raise ValueError(f"percent must be numbers >= 0, got {values[invalid][0]!r}")
        codes = np.array([c.value for _, c in self.bands] + [self.below.value], dtype=object)
        position = np.select(
            [values >= bound for bound, _ in self.bands],
            list(range(len(self.bands))),
            default=len(self.bands),
        )
        return codes[position]


BRIN_3_2023: JpmScale[JpmCategory] = JpmScale(
    name="BRIN 3/2023",
    source="Peraturan BRIN No. 3 Tahun 2023 Pasal 33 (pemetaan kompetensi, BKN framework)",
    bands=((90.0, JpmCategory.OPTIMAL), (78.0, JpmCategory.CUKUP_OPTIMAL)),
    below=JpmCategory.KURANG_OPTIMAL,
)
"""The competency-mapping scale: OPTIMAL ≥ 90 %, CUKUP_OPTIMAL ≥ 78 %, else KURANG_OPTIMAL."""

UJI_KOMPETENSI: JpmScale[UjiKompetensiCategory] = JpmScale(
    name="Uji kompetensi",
    source="BKN uji kompetensi pass/fail scale (agencies publish their own variants)",
    bands=(
        (80.0, UjiKompetensiCategory.MEMENUHI_SYARAT),
        (68.0, UjiKompetensiCategory.MASIH_MEMENUHI_SYARAT),
    ),
    below=UjiKompetensiCategory.KURANG_MEMENUHI_SYARAT,
)
"""The competency-test scale: MEMENUHI_SYARAT ≥ 80 %, MASIH_MEMENUHI_SYARAT ≥ 68 %, else
KURANG_MEMENUHI_SYARAT."""


class JobPersonMatch(NamedTuple):
    """A JPM percentage and its category on the scale used."""

    percent: float
    category: StrEnum


def _level(value: object, competency: str, which: str) -> int:
    # bool is an int subclass, and True would otherwise pass as level 1.
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value not in LEVELS:
        raise ValueError(f"{which} level of {competency!r} must be an int 1–5, got {value!r}")
    return int(value)


def competency_gaps(
    actual: Mapping[str, int | None], required: Mapping[str, int]
) -> dict[str, int | None]:
    """Gap per required competency: max(0, required − actual) (design §2.3, PermenPAN-RB 38/2017).

    Parameters
    ----------
    actual : mapping of competency code to level or None
        The employee's assessed levels. A competency that is absent or None has not been assessed
        (or its assessment is stale: the caller decides and passes None).
    required : mapping of competency code to level
        The position's standard.

    Returns
    -------
    dict of competency code to int or None
        One entry per competency of ``required``; None where the gap is unknown because the
        actual level is. Competencies only in ``actual`` are ignored.

    Raises
    ------
    ValueError
        If a level used is not an int from 1 to 5; the message names the competency.
    """
    gaps: dict[str, int | None] = {}
    for competency, required_level in required.items():
        need = _level(required_level, competency, "required")
        have = actual.get(competency)
        gaps[competency] = (
            None if have is None else max(0, need - _level(have, competency, "actual"))
        )
    return gaps


def job_person_match(
    actual: Mapping[str, int | None],
    required: Mapping[str, int],
    *,
    capped: bool = True,
    scale: JpmScale[StrEnum] = BRIN_3_2023,
) -> JobPersonMatch:
    """The Job-Person Match of an employee against a position's standard, with its category.

    ``capped=True`` computes Σ min(actual, required) / Σ required × 100, so a surplus in one
    competency cannot hide a gap in another (design §2.3); it stays within [0, 100].
    ``capped=False`` computes Σ actual / Σ required × 100, the form of BKN-style assessment
    reports, which can exceed 100. Whichever is asked for drives the category, read off
    ``scale`` (Peraturan BRIN 3/2023 Pasal 33 by default).

    Parameters
    ----------
    actual : mapping of competency code to level
        The employee's assessed levels.
    required : mapping of competency code to level
        The position's standard. Every competency here needs an actual level; for a partial JPM
        over the assessed competencies only, restrict ``required`` to them first (and say so
        wherever the result is shown).
    capped : bool, default True
        Cap each competency at its requirement.
    scale : JpmScale, default BRIN_3_2023
        The category bands; :data:`UJI_KOMPETENSI` for competency tests.

    Returns
    -------
    JobPersonMatch
        ``(percent, category)``.

    Raises
    ------
    ValueError
        If ``required`` is empty, a required competency has no actual level (the message names
        it), or a level is not an int from 1 to 5 (the message names the competency).
    """
    if not required:
        raise ValueError("required is empty: a JPM needs at least one required competency")
    unassessed = sorted(c for c in required if actual.get(c) is None)
    if unassessed:
        raise ValueError(
            f"no actual level for required competencies {', '.join(unassessed)}; "
            "restrict required to the assessed ones for a partial JPM"
        )
    needed = held = 0
    for competency, required_level in required.items():
        need = _level(required_level, competency, "required")
        have = _level(actual[competency], competency, "actual")
        needed += need
        held += min(have, need) if capped else have
    # Multiplying before dividing keeps whole percentages exact (39/50 → 78.0, not 77.999…),
    # which matters at the category bounds.
    percent = 100 * held / needed
    return JobPersonMatch(percent, scale.categorize(percent))
