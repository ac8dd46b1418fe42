"""Angka kredit: the yearly credit points a functional position earns from its predikat.

A *jabatan fungsional* (functional position, e.g. a teacher or an auditor) advances by
accumulating *angka kredit* (credit points). Under PermenPAN-RB No. 1/2023 the yearly credit is
the coefficient of the position's level (*jenjang*) times a percentage set by the year's predikat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ml.scoring.codes import JenjangFungsional, Predikat, coerce


@dataclass(frozen=True)
class AngkaKreditRegulation:
    """Coefficients per jenjang, percentages per predikat, and the regulation they come from.

    Attributes
    ----------
    name : str
        Short name of the regulation.
    source : str
        Where the tables are printed.
    coefficients : mapping of JenjangFungsional to float
        Yearly credit of the jenjang at 100 %.
    percentages : mapping of Predikat to int
        Share of the coefficient earned with each predikat, in percent.
    """

    name: str
    source: str
    coefficients: Mapping[JenjangFungsional, float] = field(repr=False)
    percentages: Mapping[Predikat, int] = field(repr=False)

    def __post_init__(self) -> None:
        if set(self.coefficients) != set(JenjangFungsional) or set(self.percentages) != set(
            Predikat
        ):
            raise ValueError(
                f"{self.name}: needs a coefficient per JenjangFungsional and a percentage per "
                "Predikat"
            )
        object.__setattr__(self, "coefficients", MappingProxyType(dict(self.coefficients)))
        object.__setattr__(self, "percentages", MappingProxyType(dict(self.percentages)))


PERMENPANRB_1_2023 = AngkaKreditRegulation(
    name="PermenPAN-RB 1/2023",
    source=(
        "Peraturan Menteri PAN-RB No. 1 Tahun 2023 tentang Jabatan Fungsional, Lampiran: "
        "koefisien angka kredit tahunan per jenjang dan persentase per predikat kinerja"
    ),
    coefficients={
        JenjangFungsional.PEMULA: 3.75,
        JenjangFungsional.TERAMPIL: 5.0,
        JenjangFungsional.MAHIR: 12.5,
        JenjangFungsional.PENYELIA: 25.0,
        JenjangFungsional.AHLI_PERTAMA: 12.5,
        JenjangFungsional.AHLI_MUDA: 25.0,
        JenjangFungsional.AHLI_MADYA: 37.5,
        JenjangFungsional.AHLI_UTAMA: 50.0,
    },
    percentages={
        Predikat.SANGAT_BAIK: 150,
        Predikat.BAIK: 100,
        Predikat.BUTUH_PERBAIKAN: 75,
        Predikat.KURANG: 50,
        Predikat.SANGAT_KURANG: 25,
    },
)


def angka_kredit(
    predikat: Predikat | str,
    jenjang: JenjangFungsional | str,
    *,
    regulation: AngkaKreditRegulation = PERMENPANRB_1_2023,
) -> float:
    """Yearly angka kredit: coefficient of the jenjang × percentage of the predikat.

    Follows PermenPAN-RB 1/2023; e.g. an Ahli Muda (coefficient 25) rated BAIK (100 %) earns 25.

    Parameters
    ----------
    predikat : Predikat or str
        The year's predikat kinerja.
    jenjang : JenjangFungsional or str
        The level of the functional position.
    regulation : AngkaKreditRegulation, default PERMENPANRB_1_2023
        The coefficients and percentages to apply.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If an argument is not a code of its enum; the message names it.
    """
    coefficient = regulation.coefficients[coerce(JenjangFungsional, jenjang, "jenjang")]
    return coefficient * regulation.percentages[coerce(Predikat, predikat, "predikat")] / 100
