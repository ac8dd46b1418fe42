"""The 9-box talent placement of Manajemen Talenta ASN (PermenPAN-RB No. 3/2020).

The vertical axis is *kinerja* (performance, a :class:`~ml.scoring.Rating` drawn from the last two
years of predikat), the horizontal axis *potensial* (potential, a :class:`~ml.scoring.Potential`
drawn from competency/JPM, potential assessment and track record). Each pair is a box 1–9; boxes
7, 8 and 9 form the talent pool (*kelompok rencana suksesi*, succession pool).

How each axis is derived is set per agency; :func:`performance_axis` and :func:`potential_axis`
are documented defaults, not the regulation's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ml.scoring.codes import Potential, Predikat, Rating, coerce

BOXES = range(1, 10)


@dataclass(frozen=True)
class TalentRegulation:
    """A 9-box matrix, its talent pool and follow-up texts, and the regulation they come from.

    Attributes
    ----------
    name : str
        Short name of the regulation.
    source : str
        Where the matrix is printed.
    potential_columns : tuple of Potential
        The potential of each column of ``boxes``, in order.
    boxes : mapping of Rating to tuple of int
        One row per performance rating: the box for each potential column.
    talent_pool : frozenset of int
        The boxes that form the talent pool.
    follow_up : mapping of int to str
        The typical follow-up per box.
    """

    name: str
    source: str
    potential_columns: tuple[Potential, Potential, Potential]
    boxes: Mapping[Rating, tuple[int, int, int]] = field(repr=False)
    talent_pool: frozenset[int]
    follow_up: Mapping[int, str] = field(repr=False)

    def __post_init__(self) -> None:
        # Typed in by hand for each regulation: check that the matrix is a permutation of 1–9 with
        # a text per box, rather than fail on one employee's lookup later.
        numbers = sorted(box for row in self.boxes.values() for box in row)
        if (
            set(self.potential_columns) != set(Potential)
            or set(self.boxes) != set(Rating)
            or numbers != list(BOXES)
            or set(self.follow_up) != set(BOXES)
            or not self.talent_pool <= set(BOXES)
        ):
            raise ValueError(
                f"{self.name}: the matrix needs one row per Rating, one column per Potential, "
                "boxes 1–9 once each, and a follow-up text per box"
            )
        object.__setattr__(self, "boxes", MappingProxyType(dict(self.boxes)))
        object.__setattr__(self, "follow_up", MappingProxyType(dict(self.follow_up)))


# fmt: off
_BOXES_3_2020 = {
    # kinerja ↓  potensial →  RENDAH  MENENGAH  TINGGI
    Rating.DI_ATAS:          (4,      7,        9),
    Rating.SESUAI:           (2,      5,        8),
    Rating.DI_BAWAH:         (1,      3,        6),
}
# fmt: on

PERMENPANRB_3_2020 = TalentRegulation(
    name="PermenPAN-RB 3/2020",
    source=(
        "Peraturan Menteri PAN-RB No. 3 Tahun 2020 tentang Manajemen Talenta ASN, "
        "Lampiran: kotak manajemen talenta (9-box) dan tindak lanjut"
    ),
    potential_columns=(Potential.RENDAH, Potential.MENENGAH, Potential.TINGGI),
    boxes=_BOXES_3_2020,
    talent_pool=frozenset({7, 8, 9}),
    follow_up={
        9: "promote and retain, succession pool, award",
        8: "retain, succession pool, rotation or job enlargement, performance coaching",
        7: (
            "retain, succession pool, rotation or job enrichment, competency development, "
            "study assignment"
        ),
        6: "suitable placement, performance coaching and counselling",
        5: "suitable placement, coaching, competency development",
        4: "rotation, competency development",
        3: "coaching, counselling, competency development, suitable placement",
        2: "coaching, competency development, suitable placement",
        1: "handled under the disciplinary and performance regulations",
    },
)


def talent_box(
    performance: Rating | str,
    potential: Potential | str,
    *,
    regulation: TalentRegulation = PERMENPANRB_3_2020,
) -> int:
    """The 9-box for a performance rating and a potential (PermenPAN-RB 3/2020).

    Parameters
    ----------
    performance : Rating or str
        The kinerja axis.
    potential : Potential or str
        The potensial axis.
    regulation : TalentRegulation, default PERMENPANRB_3_2020
        The matrix to apply.

    Returns
    -------
    int
        The box, 1 (low performance, low potential) to 9.

    Raises
    ------
    ValueError
        If an argument is not a code of its enum; the message names it.
    """
    row = regulation.boxes[coerce(Rating, performance, "performance")]
    return row[regulation.potential_columns.index(coerce(Potential, potential, "potential"))]


def _box(box: int) -> int:
    if isinstance(box, bool) or not isinstance(box, int) or box not in BOXES:
        raise ValueError(f"box must be an int 1–9, got {box!r}")
    return box


def is_talent_pool(box: int, *, regulation: TalentRegulation = PERMENPANRB_3_2020) -> bool:
    """Whether ``box`` belongs to the talent pool (boxes 7, 8, 9 under PermenPAN-RB 3/2020).

    Raises
    ------
    ValueError
        If ``box`` is not an int from 1 to 9.
    """
    return _box(box) in regulation.talent_pool


def follow_up(box: int, *, regulation: TalentRegulation = PERMENPANRB_3_2020) -> str:
    """The typical follow-up for ``box`` (PermenPAN-RB 3/2020; the text is configurable).

    Raises
    ------
    ValueError
        If ``box`` is not an int from 1 to 9.
    """
    return regulation.follow_up[_box(box)]


DEFAULT_PREDIKAT_TO_RATING: Mapping[Predikat, Rating] = MappingProxyType(
    {
        Predikat.SANGAT_BAIK: Rating.DI_ATAS,
        Predikat.BAIK: Rating.SESUAI,
        Predikat.BUTUH_PERBAIKAN: Rating.DI_BAWAH,
        Predikat.KURANG: Rating.DI_BAWAH,
        Predikat.SANGAT_KURANG: Rating.DI_BAWAH,
    }
)
"""How one year's predikat reads on the performance axis (a design choice, not the regulation's)."""


def performance_axis(
    predikat_history: Sequence[Predikat | str],
    *,
    per_year: Mapping[Predikat, Rating] = DEFAULT_PREDIKAT_TO_RATING,
) -> Rating:
    """The 9-box performance axis from the last two years of annual predikat.

    PermenPAN-RB 3/2020 draws the axis from the last two years but leaves the combination to the
    agency. This default reads each year through ``per_year`` and combines the two prudently:
    DI_ATAS only if both years are, DI_BAWAH if either year is, otherwise SESUAI. With one year
    on record, that year decides.

    Parameters
    ----------
    predikat_history : sequence of Predikat or str
        Annual predikat, oldest first; only the last two are used.
    per_year : mapping of Predikat to Rating, default DEFAULT_PREDIKAT_TO_RATING
        How one year's predikat reads on the axis.

    Returns
    -------
    Rating

    Raises
    ------
    ValueError
        If the history is empty or holds an unknown code.
    """
    if not predikat_history:
        raise ValueError("predikat_history is empty: the performance axis needs at least one year")
    years = {
        per_year[coerce(Predikat, predikat, "predikat_history")]
        for predikat in predikat_history[-2:]
    }
    if Rating.DI_BAWAH in years:
        return Rating.DI_BAWAH
    if years == {Rating.DI_ATAS}:
        return Rating.DI_ATAS
    return Rating.SESUAI


def potential_axis(jpm_percent: float, *, cutoffs: tuple[float, float] = (78.0, 90.0)) -> Potential:
    """The 9-box potential axis from a JPM percentage.

    The default cut-offs reuse the BRIN 3/2023 JPM bands (CUKUP_OPTIMAL from 78 %, OPTIMAL from
    90 %), a design choice: PermenPAN-RB 3/2020 leaves cut-offs and weights to the agency.

    Parameters
    ----------
    jpm_percent : float
        The employee's JPM.
    cutoffs : (float, float), default (78.0, 90.0)
        Lower bounds (inclusive) of MENENGAH and of TINGGI.

    Returns
    -------
    Potential

    Raises
    ------
    ValueError
        If the cut-offs are not ascending, or ``jpm_percent`` is negative or NaN.
    """
    menengah, tinggi = cutoffs
    if not menengah <= tinggi:
        raise ValueError(f"cutoffs must be ascending (MENENGAH, TINGGI), got {cutoffs!r}")
    if not jpm_percent >= 0:
        raise ValueError(f"jpm_percent must be a number >= 0, got {jpm_percent!r}")
    if jpm_percent >= tinggi:
        return Potential.TINGGI
    if jpm_percent >= menengah:
        return Potential.MENENGAH
    return Potential.RENDAH
