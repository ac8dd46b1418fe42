"""The enums' codes and labels, and coercion of codes to enums."""

import pytest

from ml.scoring import (
    JenjangFungsional,
    JpmCategory,
    OrgRating,
    Potential,
    Predikat,
    Rating,
    UjiKompetensiCategory,
)
from ml.scoring.codes import coerce

# Display labels of PermenPAN-RB 6/2022 (domain/predikat.md).
LABELS = [
    (Predikat.SANGAT_BAIK, "Sangat Baik"),
    (Predikat.BAIK, "Baik"),
    (Predikat.BUTUH_PERBAIKAN, "Butuh Perbaikan"),
    (Predikat.KURANG, "Kurang/Misconduct"),
    (Predikat.SANGAT_KURANG, "Sangat Kurang"),
]


@pytest.mark.parametrize(("predikat", "label"), LABELS)
def test_predikat_label(predikat: Predikat, label: str) -> None:
    assert predikat.label == label


@pytest.mark.parametrize(
    "enum_type",
    [
        Rating,
        Predikat,
        JpmCategory,
        UjiKompetensiCategory,
        Potential,
        OrgRating,
        JenjangFungsional,
    ],
)
def test_codes_are_the_upper_case_member_names(enum_type: type[Rating]) -> None:
    for member in enum_type:
        assert member.value == member.name
        assert member.value.isupper()


def test_coerce_accepts_member_and_code() -> None:
    assert coerce(Rating, "SESUAI", "x") is Rating.SESUAI
    assert coerce(Rating, Rating.DI_ATAS, "x") is Rating.DI_ATAS


@pytest.mark.parametrize("bad", ["sesuai", "", "BAIK", None, 1])
def test_coerce_names_the_argument_and_lists_the_codes(bad: str) -> None:
    with pytest.raises(ValueError, match="hasil_kerja") as error:
        coerce(Rating, bad, "hasil_kerja")
    assert repr(bad) in str(error.value)
    assert "DI_ATAS, SESUAI, DI_BAWAH" in str(error.value)
