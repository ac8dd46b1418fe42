"""The 9-box of Manajemen Talenta ASN and the helpers that derive its axes."""

import math

import pytest

from ml.scoring import (
    PERMENPANRB_3_2020,
    Potential,
    Predikat,
    Rating,
    TalentRegulation,
    follow_up,
    is_talent_pool,
    performance_axis,
    potential_axis,
    talent_box,
)

# PermenPAN-RB 3/2020, 9-box (domain/talent.md): (kinerja, potensial, box)
BOXES = [
    ("DI_ATAS", "RENDAH", 4),
    ("DI_ATAS", "MENENGAH", 7),
    ("DI_ATAS", "TINGGI", 9),
    ("SESUAI", "RENDAH", 2),
    ("SESUAI", "MENENGAH", 5),
    ("SESUAI", "TINGGI", 8),
    ("DI_BAWAH", "RENDAH", 1),
    ("DI_BAWAH", "MENENGAH", 3),
    ("DI_BAWAH", "TINGGI", 6),
]

# PermenPAN-RB 3/2020, typical follow-up per box (domain/talent.md); 7, 8, 9 are the talent pool.
FOLLOW_UP = [
    (9, True, "promote and retain, succession pool, award"),
    (8, True, "retain, succession pool, rotation or job enlargement, performance coaching"),
    (
        7,
        True,
        "retain, succession pool, rotation or job enrichment, competency development, "
        "study assignment",
    ),
    (6, False, "suitable placement, performance coaching and counselling"),
    (5, False, "suitable placement, coaching, competency development"),
    (4, False, "rotation, competency development"),
    (3, False, "coaching, counselling, competency development, suitable placement"),
    (2, False, "coaching, competency development, suitable placement"),
    (1, False, "handled under the disciplinary and performance regulations"),
]


@pytest.mark.parametrize(("performance", "potential", "box"), BOXES)
def test_every_box(performance: str, potential: str, box: int) -> None:
    assert talent_box(performance, potential) == box
    assert talent_box(Rating(performance), Potential(potential)) == box


@pytest.mark.parametrize(("box", "in_pool", "text"), FOLLOW_UP)
def test_talent_pool_and_follow_up(box: int, in_pool: bool, text: str) -> None:
    assert is_talent_pool(box) is in_pool
    assert follow_up(box) == text


def test_follow_up_text_is_configurable() -> None:
    custom = TalentRegulation(
        name="agency variant",
        source="test",
        potential_columns=PERMENPANRB_3_2020.potential_columns,
        boxes=PERMENPANRB_3_2020.boxes,
        talent_pool=frozenset({8, 9}),
        follow_up={box: f"tindak lanjut {box}" for box in range(1, 10)},
    )
    assert follow_up(7, regulation=custom) == "tindak lanjut 7"
    assert not is_talent_pool(7, regulation=custom)
    assert talent_box("DI_ATAS", "TINGGI", regulation=custom) == 9


def test_regulation_must_number_each_box_once() -> None:
    with pytest.raises(ValueError, match="boxes 1–9 once each"):
        TalentRegulation(
            name="broken",
            source="test",
            potential_columns=PERMENPANRB_3_2020.potential_columns,
            boxes={r: (1, 2, 3) for r in Rating},
            talent_pool=frozenset({7, 8, 9}),
            follow_up=PERMENPANRB_3_2020.follow_up,
        )


@pytest.mark.parametrize("bad", [0, 10, True, "7", 7.0])
def test_box_must_be_1_to_9(bad: int) -> None:
    with pytest.raises(ValueError, match="box must be an int 1–9"):
        is_talent_pool(bad)
    with pytest.raises(ValueError, match="box must be an int 1–9"):
        follow_up(bad)


@pytest.mark.parametrize(
    ("performance", "potential", "argument"),
    [("TINGGI", "TINGGI", "performance"), ("SESUAI", "SESUAI", "potential")],
)
def test_talent_box_unknown_code(performance: str, potential: str, argument: str) -> None:
    with pytest.raises(ValueError, match=f"^{argument}: unknown code"):
        talent_box(performance, potential)


SB, B, BP, K, SK = (
    Predikat.SANGAT_BAIK,
    Predikat.BAIK,
    Predikat.BUTUH_PERBAIKAN,
    Predikat.KURANG,
    Predikat.SANGAT_KURANG,
)

# Design choice documented in ml.scoring.talent: per year SANGAT_BAIK→DI_ATAS, BAIK→SESUAI,
# lower→DI_BAWAH; two years: both DI_ATAS→DI_ATAS, any DI_BAWAH→DI_BAWAH, else SESUAI.
PERFORMANCE = [
    ([SB, SB], Rating.DI_ATAS),
    ([SB, B], Rating.SESUAI),
    ([B, SB], Rating.SESUAI),
    ([B, B], Rating.SESUAI),
    ([SB, BP], Rating.DI_BAWAH),
    ([K, SB], Rating.DI_BAWAH),
    ([B, SK], Rating.DI_BAWAH),
    ([SB], Rating.DI_ATAS),
    ([B], Rating.SESUAI),
    ([BP], Rating.DI_BAWAH),
    ([K], Rating.DI_BAWAH),
    ([SK], Rating.DI_BAWAH),
    ([SK, SB, SB], Rating.DI_ATAS),
    (["BAIK", "SANGAT_BAIK"], Rating.SESUAI),
]


@pytest.mark.parametrize(("history", "axis"), PERFORMANCE)
def test_performance_axis(history: list[Predikat], axis: Rating) -> None:
    assert performance_axis(history) is axis


def test_performance_axis_reading_is_configurable() -> None:
    generous = dict.fromkeys(Predikat, Rating.DI_ATAS)
    assert performance_axis([SK, SK], per_year=generous) is Rating.DI_ATAS


def test_performance_axis_needs_a_year() -> None:
    with pytest.raises(ValueError, match="predikat_history is empty"):
        performance_axis([])


def test_performance_axis_unknown_code() -> None:
    with pytest.raises(ValueError, match=r"^predikat_history: unknown code 'CUKUP'"):
        performance_axis(["BAIK", "CUKUP"])


# Design choice documented in ml.scoring.talent: ≥ 90 TINGGI, ≥ 78 MENENGAH, else RENDAH.
POTENTIAL = [
    (100.0, Potential.TINGGI),
    (90.0, Potential.TINGGI),
    (89.99, Potential.MENENGAH),
    (78.0, Potential.MENENGAH),
    (77.99, Potential.RENDAH),
    (0.0, Potential.RENDAH),
]


@pytest.mark.parametrize(("jpm", "potential"), POTENTIAL)
def test_potential_axis(jpm: float, potential: Potential) -> None:
    assert potential_axis(jpm) is potential


def test_potential_cutoffs_are_configurable() -> None:
    assert potential_axis(70.0, cutoffs=(60.0, 80.0)) is Potential.MENENGAH
    assert potential_axis(80.0, cutoffs=(60.0, 80.0)) is Potential.TINGGI


def test_potential_cutoffs_must_ascend() -> None:
    with pytest.raises(ValueError, match="cutoffs must be ascending"):
        potential_axis(80.0, cutoffs=(90.0, 78.0))


@pytest.mark.parametrize("bad", [-1.0, math.nan])
def test_potential_axis_rejects_negative_and_nan(bad: float) -> None:
    with pytest.raises(ValueError, match="jpm_percent must be"):
        potential_axis(bad)
