"""Predikat kinerja: the 3×3 matrix, scalar and vectorised."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.scoring import (
    PERMENPANRB_6_2022,
    Predikat,
    PredikatRegulation,
    Rating,
    predikat_kinerja,
    predikat_kinerja_many,
)

# PermenPAN-RB 6/2022, Lampiran (matrix as in domain/predikat.md):
# (hasil kerja, perilaku kerja, predikat)
MATRIX = [
    ("DI_ATAS", "DI_BAWAH", "KURANG"),
    ("DI_ATAS", "SESUAI", "BAIK"),
    ("DI_ATAS", "DI_ATAS", "SANGAT_BAIK"),
    ("SESUAI", "DI_BAWAH", "KURANG"),
    ("SESUAI", "SESUAI", "BAIK"),
    ("SESUAI", "DI_ATAS", "BAIK"),
    ("DI_BAWAH", "DI_BAWAH", "SANGAT_KURANG"),
    ("DI_BAWAH", "SESUAI", "BUTUH_PERBAIKAN"),
    ("DI_BAWAH", "DI_ATAS", "BUTUH_PERBAIKAN"),
]

CODES = [r.value for r in Rating]


@pytest.mark.parametrize(("hasil_kerja", "perilaku", "expected"), MATRIX)
def test_every_cell_from_codes(hasil_kerja: str, perilaku: str, expected: str) -> None:
    assert predikat_kinerja(hasil_kerja, perilaku) is Predikat(expected)


@pytest.mark.parametrize(("hasil_kerja", "perilaku", "expected"), MATRIX)
def test_every_cell_from_members(hasil_kerja: str, perilaku: str, expected: str) -> None:
    assert predikat_kinerja(Rating(hasil_kerja), Rating(perilaku)) is Predikat(expected)


def test_every_cell_vectorised() -> None:
    hasil_kerja, perilaku, expected = zip(*MATRIX, strict=True)
    result = predikat_kinerja_many(list(hasil_kerja), list(perilaku))
    assert isinstance(result, np.ndarray)
    assert result.tolist() == list(expected)


def test_series_input_gives_plain_codes_without_the_index() -> None:
    hasil_kerja = pd.Series(["SESUAI", "DI_BAWAH"], index=[10, 20])
    perilaku = pd.Series(["DI_ATAS", "DI_BAWAH"], index=[10, 20])
    result = predikat_kinerja_many(hasil_kerja, perilaku)
    assert result.tolist() == ["BAIK", "SANGAT_KURANG"]
    assert all(type(code) is str for code in result)


def test_empty_input_gives_empty_output() -> None:
    assert predikat_kinerja_many([], []).shape == (0,)


@given(
    st.lists(st.tuples(st.sampled_from(CODES), st.sampled_from(CODES)), max_size=200),
)
def test_vectorised_agrees_with_scalar(pairs: list[tuple[str, str]]) -> None:
    hasil_kerja = [h for h, _ in pairs]
    perilaku = [p for _, p in pairs]
    expected = [predikat_kinerja(h, p).value for h, p in pairs]
    assert predikat_kinerja_many(hasil_kerja, perilaku).tolist() == expected


def test_a_later_regulation_is_honoured_by_both_forms() -> None:
    everything_baik = PredikatRegulation(
        name="test",
        source="test",
        perilaku_columns=(Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH),
        matrix={r: (Predikat.BAIK, Predikat.BAIK, Predikat.KURANG) for r in Rating},
    )
    assert predikat_kinerja("DI_ATAS", "DI_BAWAH", regulation=everything_baik) is Predikat.KURANG
    assert predikat_kinerja_many(
        ["DI_ATAS", "DI_BAWAH"], ["DI_BAWAH", "DI_ATAS"], regulation=everything_baik
    ).tolist() == ["KURANG", "BAIK"]
    assert predikat_kinerja("DI_ATAS", "DI_BAWAH") is Predikat.KURANG
    assert predikat_kinerja("DI_ATAS", "DI_ATAS") is Predikat.SANGAT_BAIK


def test_regulation_names_its_source() -> None:
    assert PERMENPANRB_6_2022.name == "PermenPAN-RB 6/2022"
    assert "6 Tahun 2022" in PERMENPANRB_6_2022.source


def test_incomplete_regulation_is_rejected() -> None:
    with pytest.raises(ValueError, match="one row and column per Rating"):
        PredikatRegulation(
            name="broken",
            source="test",
            perilaku_columns=(Rating.DI_BAWAH, Rating.SESUAI, Rating.DI_ATAS),
            matrix={Rating.DI_ATAS: (Predikat.BAIK, Predikat.BAIK, Predikat.BAIK)},
        )


@pytest.mark.parametrize(
    ("hasil_kerja", "perilaku", "argument", "bad"),
    [
        ("SANGAT_BAIK", "SESUAI", "hasil_kerja", "SANGAT_BAIK"),
        ("SESUAI", "di_atas", "perilaku", "di_atas"),
    ],
)
def test_scalar_unknown_code(hasil_kerja: str, perilaku: str, argument: str, bad: str) -> None:
    with pytest.raises(ValueError, match=f"^{argument}: unknown code '{bad}'"):
        predikat_kinerja(hasil_kerja, perilaku)


@pytest.mark.parametrize(
    ("hasil_kerja", "perilaku", "argument", "bad"),
    [
        (["SESUAI", "TINGGI"], ["SESUAI", "SESUAI"], "hasil_kerja", "'TINGGI'"),
        (["SESUAI", "SESUAI"], ["SESUAI", None], "perilaku", "None"),
        (pd.Series(["SESUAI"]), pd.Series([np.nan]), "perilaku", "nan"),
    ],
)
def test_vectorised_unknown_code_names_argument_and_value(
    hasil_kerja: list[str], perilaku: list[str], argument: str, bad: str
) -> None:
    with pytest.raises(ValueError, match=f"^{argument}: unknown code") as error:
        predikat_kinerja_many(hasil_kerja, perilaku)
    assert bad in str(error.value)


def test_vectorised_length_mismatch() -> None:
    with pytest.raises(ValueError, match="differ in length: 2 and 1"):
        predikat_kinerja_many(["SESUAI", "SESUAI"], ["SESUAI"])


def test_vectorised_rejects_a_table() -> None:
    with pytest.raises(ValueError, match="hasil_kerja: expected a one-dimensional array"):
        predikat_kinerja_many([["SESUAI"]], ["SESUAI"])
