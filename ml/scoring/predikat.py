"""Predikat kinerja: the verdict that follows from the two ratings of a period.

Under PermenPAN-RB No. 6/2022 (Pengelolaan Kinerja Pegawai ASN) the direct superior rates each
employee's *hasil kerja* (work results against the agreed indicators, the SKP) and *perilaku
kerja* (work behaviour against the BerAKHLAK core values), each as a :class:`~ml.scoring.Rating`.
The *predikat* is then read off a 3×3 matrix, held here in one table per regulation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ml.scoring.codes import Predikat, Rating, code_positions, coerce


@dataclass(frozen=True)
class PredikatRegulation:
    """A predikat matrix and the regulation it comes from.

    Attributes
    ----------
    name : str
        Short name of the regulation, e.g. ``"PermenPAN-RB 6/2022"``.
    source : str
        Where the matrix is printed, for a reviewer to check it against.
    perilaku_columns : tuple of Rating
        The perilaku rating of each column of ``matrix``, in order.
    matrix : mapping of Rating to tuple of Predikat
        One row per hasil kerja rating: the predikat for each perilaku column.
    """

    name: str
    source: str
    perilaku_columns: tuple[Rating, Rating, Rating]
    matrix: Mapping[Rating, tuple[Predikat, Predikat, Predikat]] = field(repr=False)

    def __post_init__(self) -> None:
        # A later regulation is typed in by hand: a missing row or column would otherwise show up
        # only as a KeyError deep inside a batch run.
        if set(self.perilaku_columns) != set(Rating) or set(self.matrix) != set(Rating):
            raise ValueError(f"{self.name}: the matrix needs exactly one row and column per Rating")
        object.__setattr__(self, "matrix", MappingProxyType(dict(self.matrix)))

    def lookup(self, hasil_kerja: Rating, perilaku: Rating) -> Predikat:
        """The matrix cell for one pair of ratings."""
        return self.matrix[hasil_kerja][self.perilaku_columns.index(perilaku)]

    @cached_property
    def codes_by_position(self) -> npt.NDArray[np.object_]:
        """The matrix as a 3×3 array of predikat codes, indexed by Rating declaration order."""
        return np.array(
            [[self.lookup(h, p).value for p in Rating] for h in Rating],
            dtype=object,
        )


# The annex prints the matrix as a figure; this is the same figure, cell for cell.
# fmt: off
_MATRIX_6_2022 = {
    # hasil kerja ↓  perilaku →  DI_BAWAH                SESUAI                    DI_ATAS
    Rating.DI_ATAS:  (Predikat.KURANG,        Predikat.BAIK,            Predikat.SANGAT_BAIK),
    Rating.SESUAI:   (Predikat.KURANG,        Predikat.BAIK,            Predikat.BAIK),
    Rating.DI_BAWAH: (Predikat.SANGAT_KURANG, Predikat.BUTUH_PERBAIKAN, Predikat.BUTUH_PERBAIKAN),
}
# fmt: on

PERMENPANRB_6_2022 = PredikatRegulation(
    name="PermenPAN-RB 6/2022",
    source=(
        "Peraturan Menteri PAN-RB No. 6 Tahun 2022 tentang Pengelolaan Kinerja Pegawai ASN, "
        "Lampiran: matriks penentuan predikat kinerja pegawai"
    ),
    perilaku_columns=(Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS),
    matrix=_MATRIX_6_2022,
)


def predikat_kinerja(
    hasil_kerja: Rating | str,
    perilaku: Rating | str,
    *,
    regulation: PredikatRegulation = PERMENPANRB_6_2022,
) -> Predikat:
    """The predikat kinerja for one pair of ratings (PermenPAN-RB 6/2022, matrix annex).

    Parameters
    ----------
    hasil_kerja : Rating or str
        Rating of work results.
    perilaku : Rating or str
        Rating of work behaviour.
    regulation : PredikatRegulation, default PERMENPANRB_6_2022
        The matrix to apply.

    Returns
    -------
    Predikat

    Raises
    ------
    ValueError
        If either argument is not a rating code; the message names the argument.

    Examples
    --------
    >>> predikat_kinerja("DI_ATAS", "DI_BAWAH").label
    'Kurang/Misconduct'
    """
    return regulation.lookup(
        coerce(Rating, hasil_kerja, "hasil_kerja"), coerce(Rating, perilaku, "perilaku")
    )


def predikat_kinerja_many(
    hasil_kerja: npt.ArrayLike | pd.Series[Any],
    perilaku: npt.ArrayLike | pd.Series[Any],
    *,
    regulation: PredikatRegulation = PERMENPANRB_6_2022,
) -> npt.NDArray[np.object_]:
    """The predikat kinerja of many rows at once; same rule as :func:`predikat_kinerja`.

    Each rating becomes its integer position and the pair indexes the 3×3 matrix, so there is no
    Python loop per row.

    Parameters
    ----------
    hasil_kerja : array-like of shape (n,)
        Rating codes (or members) of work results.
    perilaku : array-like of shape (n,)
        Rating codes (or members) of work behaviour.
    regulation : PredikatRegulation, default PERMENPANRB_6_2022
        The matrix to apply.

    Returns
    -------
    ndarray of shape (n,), dtype object
        Predikat codes as plain strings. A Series' index is not kept; wrap the result in
        ``pd.Series(..., index=...)`` to align it.

    Raises
    ------
    ValueError
        If the lengths differ, or a value (missing values included) is not a rating code; the
        message names the argument and the bad values.
    """
    rows = code_positions(Rating, hasil_kerja, "hasil_kerja")
    columns = code_positions(Rating, perilaku, "perilaku")
    if rows.shape != columns.shape:
        raise ValueError(
            f"hasil_kerja and perilaku differ in length: {rows.shape[0]} and {columns.shape[0]}"
        )
    return regulation.codes_by_position[rows, columns]
