"""The regulation's codes as enums, and the coercion of user input to them.

Every code is an upper-case string (design §3). Public functions of :mod:`ml.scoring` accept an
enum member or its code, so that values read from a table can be passed straight in.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd


class Rating(StrEnum):
    """A rating against expectations (*ekspektasi*): above, as expected, below.

    The direct superior gives one for work results (*hasil kerja*) and one for work behaviour
    (*perilaku kerja*) each period (PermenPAN-RB No. 6/2022); the 9-box uses the same scale for
    its performance axis.
    """

    DI_ATAS = "DI_ATAS"
    SESUAI = "SESUAI"
    DI_BAWAH = "DI_BAWAH"


class Predikat(StrEnum):
    """*Predikat kinerja*: an employee's performance verdict for a period (PermenPAN-RB 6/2022).

    It follows from the two ratings by the matrix of :mod:`ml.scoring.predikat`; the code is the
    stored value and :attr:`label` the official display text.
    """

    SANGAT_BAIK = "SANGAT_BAIK"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"

    @property
    def label(self) -> str:
        """The display label of PermenPAN-RB 6/2022, e.g. ``"Kurang/Misconduct"``."""
        return _PREDIKAT_LABELS[self]


_PREDIKAT_LABELS = {
    Predikat.SANGAT_BAIK: "Sangat Baik",
    Predikat.BAIK: "Baik",
    Predikat.BUTUH_PERBAIKAN: "Butuh Perbaikan",
    Predikat.KURANG: "Kurang/Misconduct",
    Predikat.SANGAT_KURANG: "Sangat Kurang",
}


class JpmCategory(StrEnum):
    """Category of a competency-mapping JPM (Peraturan BRIN 3/2023 Pasal 33, BKN framework)."""

    OPTIMAL = "OPTIMAL"
    CUKUP_OPTIMAL = "CUKUP_OPTIMAL"
    KURANG_OPTIMAL = "KURANG_OPTIMAL"


class UjiKompetensiCategory(StrEnum):
    """Pass/fail category of an *uji kompetensi* (competency test), on its own JPM scale."""

    MEMENUHI_SYARAT = "MEMENUHI_SYARAT"
    MASIH_MEMENUHI_SYARAT = "MASIH_MEMENUHI_SYARAT"
    KURANG_MEMENUHI_SYARAT = "KURANG_MEMENUHI_SYARAT"


class Potential(StrEnum):
    """The 9-box's potential axis (*potensial*, PermenPAN-RB 3/2020)."""

    RENDAH = "RENDAH"
    MENENGAH = "MENENGAH"
    TINGGI = "TINGGI"


class OrgRating(StrEnum):
    """The rating of a unit's own performance (*capaian kinerja organisasi*)."""

    ISTIMEWA = "ISTIMEWA"
    BAIK = "BAIK"
    BUTUH_PERBAIKAN = "BUTUH_PERBAIKAN"
    KURANG = "KURANG"
    SANGAT_KURANG = "SANGAT_KURANG"


class JenjangFungsional(StrEnum):
    """Level (*jenjang*) of a functional position: skilled track, then expert track."""

    PEMULA = "PEMULA"
    TERAMPIL = "TERAMPIL"
    MAHIR = "MAHIR"
    PENYELIA = "PENYELIA"
    AHLI_PERTAMA = "AHLI_PERTAMA"
    AHLI_MUDA = "AHLI_MUDA"
    AHLI_MADYA = "AHLI_MADYA"
    AHLI_UTAMA = "AHLI_UTAMA"


E = TypeVar("E", bound=StrEnum)


def allowed_codes(enum_type: type[StrEnum]) -> str:
    """The codes of ``enum_type`` as a comma-separated list, for error messages."""
    return ", ".join(member.value for member in enum_type)


def coerce(enum_type: type[E], value: E | str, argument: str) -> E:
    """Return ``value`` as a member of ``enum_type``.

    Parameters
    ----------
    enum_type : type of StrEnum
        The enum to coerce to.
    value : member of ``enum_type`` or str
        A member or its code.
    argument : str
        The caller's argument name, used in the error message.

    Raises
    ------
    ValueError
        If ``value`` is not one of the codes; the message names ``argument`` and lists the codes.
    """
    try:
        return enum_type(value)
    except ValueError:
        raise ValueError(
            f"{argument}: unknown code {value!r}; allowed: {allowed_codes(enum_type)}"
        ) from None


def code_positions(
    enum_type: type[StrEnum], values: npt.ArrayLike | pd.Series[Any], argument: str
) -> npt.NDArray[np.intp]:
    """Position of each value's code in ``enum_type``'s declaration order, vectorised.

    A hash lookup over the whole array (no Python loop per row), so it suits millions of rows.

    Parameters
    ----------
    enum_type : type of StrEnum
        The enum whose codes are allowed.
    values : array-like of shape (n,)
        Codes or members of ``enum_type``.
    argument : str
        The caller's argument name, used in the error message.

    Returns
    -------
    ndarray of shape (n,)
        Integer positions, 0 for the first member.

    Raises
    ------
    ValueError
        If any value is not a code (missing values included); the message names ``argument``,
        the unknown values and the allowed codes.
    """
    if isinstance(values, pd.Series | pd.Index):
        # Kept in its own storage: a copy to Python objects would cost more than the lookup.
        target = pd.Index(values)
    else:
        array = np.asarray(values, dtype=object)
        if array.ndim != 1:
            raise ValueError(
                f"{argument}: expected a one-dimensional array, got shape {array.shape}"
            )
        target = pd.Index(array, dtype=object)
    positions = pd.Index([member.value for member in enum_type]).get_indexer(target)
    unknown = positions < 0
    if unknown.any():
        bad = ", ".join(repr(v) for v in target[unknown].unique()[:5])
        raise ValueError(f"{argument}: unknown code(s) {bad}; allowed: {allowed_codes(enum_type)}")
    return positions
