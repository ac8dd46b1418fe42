"""Yearly angka kredit of a functional position from its predikat."""

import pytest

from ml.scoring import (
    PERMENPANRB_1_2023,
    AngkaKreditRegulation,
    JenjangFungsional,
    Predikat,
    angka_kredit,
)

# PermenPAN-RB 1/2023 (domain/predikat.md, "Predikat → angka kredit"): coefficient × percentage,
# with SANGAT_BAIK 150 %, BAIK 100 %, BUTUH_PERBAIKAN 75 %, KURANG 50 %, SANGAT_KURANG 25 %.
PREDIKAT_COLUMNS = ["SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"]
# jenjang (coefficient):   150 %   100 %  75 %     50 %    25 %
TABLE = {
    "PEMULA": (5.625, 3.75, 2.8125, 1.875, 0.9375),  # 3.75
    "TERAMPIL": (7.5, 5.0, 3.75, 2.5, 1.25),  # 5
    "MAHIR": (18.75, 12.5, 9.375, 6.25, 3.125),  # 12.5
    "PENYELIA": (37.5, 25.0, 18.75, 12.5, 6.25),  # 25
    "AHLI_PERTAMA": (18.75, 12.5, 9.375, 6.25, 3.125),  # 12.5
    "AHLI_MUDA": (37.5, 25.0, 18.75, 12.5, 6.25),  # 25
    "AHLI_MADYA": (56.25, 37.5, 28.125, 18.75, 9.375),  # 37.5
    "AHLI_UTAMA": (75.0, 50.0, 37.5, 25.0, 12.5),  # 50
}
CELLS = [
    (jenjang, predikat, credit)
    for jenjang, row in TABLE.items()
    for predikat, credit in zip(PREDIKAT_COLUMNS, row, strict=True)
]


def test_table_has_40_cells() -> None:
    assert len(CELLS) == 40 == len(JenjangFungsional) * len(Predikat)


@pytest.mark.parametrize(("jenjang", "predikat", "credit"), CELLS)
def test_every_cell(jenjang: str, predikat: str, credit: float) -> None:
    assert angka_kredit(predikat, jenjang) == pytest.approx(credit)
    assert angka_kredit(Predikat(predikat), JenjangFungsional(jenjang)) == pytest.approx(credit)


def test_a_later_regulation_is_honoured() -> None:
    doubled = AngkaKreditRegulation(
        name="test",
        source="test",
        coefficients={j: 2 * c for j, c in PERMENPANRB_1_2023.coefficients.items()},
        percentages=PERMENPANRB_1_2023.percentages,
    )
    assert angka_kredit("BAIK", "AHLI_MUDA", regulation=doubled) == pytest.approx(50.0)


def test_regulation_must_be_complete() -> None:
    with pytest.raises(ValueError, match="coefficient per JenjangFungsional"):
        AngkaKreditRegulation(
            name="partial",
            source="test",
            coefficients={JenjangFungsional.AHLI_MUDA: 25.0},
            percentages=PERMENPANRB_1_2023.percentages,
        )


@pytest.mark.parametrize(
    ("predikat", "jenjang", "match"),
    [
        ("CUKUP", "AHLI_MUDA", "^predikat: unknown code 'CUKUP'"),
        ("BAIK", "AHLI", "^jenjang: unknown code 'AHLI'"),
    ],
)
def test_unknown_code_is_named(predikat: str, jenjang: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        angka_kredit(predikat, jenjang)
