"""Competency gaps, the Job-Person Match and its category scales."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.scoring import (
    BRIN_3_2023,
    UJI_KOMPETENSI,
    JobPersonMatch,
    JpmCategory,
    JpmScale,
    UjiKompetensiCategory,
    competency_gaps,
    job_person_match,
)

levels = st.integers(min_value=1, max_value=5)
codes = st.sampled_from(["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "SK1", "T-KEU"])

# gap = max(0, required − actual); unknown when the actual level is (design §2.3).
# (actual level, required level, gap); "absent" leaves the competency out of actual.
GAPS = [
    (1, 3, 2),
    (2, 3, 1),
    (3, 3, 0),
    (5, 3, 0),
    (1, 5, 4),
    (5, 1, 0),
    (None, 3, None),
    ("absent", 3, None),
]


@pytest.mark.parametrize(("actual", "required", "gap"), GAPS)
def test_gap_cells(actual: int | str | None, required: int, gap: int | None) -> None:
    have = {} if actual == "absent" else {"M1": actual}
    assert competency_gaps(have, {"M1": required}) == {"M1": gap}  # type: ignore[arg-type]


def test_gaps_cover_required_only() -> None:
    gaps = competency_gaps({"M1": 2, "T-TIK": 4}, {"M1": 3, "M2": 2})
    assert gaps == {"M1": 1, "M2": None}


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "3", True, None])
def test_gap_rejects_bad_required_level(bad: object) -> None:
    with pytest.raises(ValueError, match="required level of 'M4' must be an int 1–5"):
        competency_gaps({"M4": 3}, {"M1": 3, "M4": bad})  # type: ignore[dict-item]


@pytest.mark.parametrize("bad", [0, 6, 3.0, "3", False])
def test_gap_rejects_bad_actual_level(bad: object) -> None:
    with pytest.raises(ValueError, match="actual level of 'SK1' must be an int 1–5"):
        competency_gaps({"SK1": bad}, {"SK1": 3})  # type: ignore[dict-item]


def test_numpy_integer_levels_are_accepted() -> None:
    assert competency_gaps({"M1": np.int64(2)}, {"M1": np.int64(4)}) == {"M1": 2}  # type: ignore[dict-item]


@given(st.dictionaries(codes, st.tuples(levels, levels), min_size=1))
def test_gaps_are_non_negative_and_zero_iff_requirement_met(
    pairs: dict[str, tuple[int, int]],
) -> None:
    gaps = competency_gaps(
        {c: a for c, (a, _) in pairs.items()}, {c: r for c, (_, r) in pairs.items()}
    )
    for competency, (actual, required) in pairs.items():
        gap = gaps[competency]
        assert gap is not None
        assert gap >= 0
        assert (gap == 0) == (actual >= required)


# (actual, required, capped percent, uncapped percent) — design §2.3 and domain/competencies.md.
JPM_EXAMPLES = [
    ({"M1": 3, "M2": 3}, {"M1": 3, "M2": 3}, 100.0, 100.0),
    ({"M1": 5, "M2": 1}, {"M1": 3, "M2": 3}, 200 / 3, 100.0),
    ({"M1": 4, "M2": 4}, {"M1": 3, "M2": 3}, 100.0, 400 / 3),
    ({"M1": 1, "M2": 5}, {"M1": 4, "M2": 4}, 62.5, 75.0),
    ({"M1": 1, "M2": 2}, {"M1": 4, "M2": 4}, 37.5, 37.5),
]


@pytest.mark.parametrize(("actual", "required", "capped", "uncapped"), JPM_EXAMPLES)
def test_jpm_capped_and_uncapped(
    actual: dict[str, int], required: dict[str, int], capped: float, uncapped: float
) -> None:
    assert job_person_match(actual, required).percent == pytest.approx(capped)
    assert job_person_match(actual, required, capped=False).percent == pytest.approx(uncapped)


def test_a_surplus_does_not_hide_a_gap_when_capped() -> None:
    actual, required = {"M1": 5, "M2": 1}, {"M1": 3, "M2": 3}
    assert job_person_match(actual, required).category is JpmCategory.KURANG_OPTIMAL
    assert job_person_match(actual, required, capped=False).category is JpmCategory.OPTIMAL


def test_result_unpacks_as_percent_and_category() -> None:
    percent, category = job_person_match({"M1": 3}, {"M1": 3})
    assert (percent, category) == (100.0, JpmCategory.OPTIMAL)
    assert isinstance(job_person_match({"M1": 3}, {"M1": 3}), JobPersonMatch)


def test_whole_percentages_are_exact_at_the_bounds() -> None:
    # Ten competencies at level 5 sum to 50; 39 of 50 is exactly 78 %, 45 of 50 exactly 90 %.
    required = {f"T-{i}": 5 for i in range(10)}
    at_78 = dict(required, **{"T-0": 1, "T-1": 1, "T-2": 2})
    at_90 = dict(required, **{"T-0": 2, "T-1": 3})
    assert job_person_match(at_78, required) == (78.0, JpmCategory.CUKUP_OPTIMAL)
    assert job_person_match(at_90, required) == (90.0, JpmCategory.OPTIMAL)
    assert job_person_match(at_78, required, scale=UJI_KOMPETENSI) == (
        78.0,
        UjiKompetensiCategory.MASIH_MEMENUHI_SYARAT,
    )


# Peraturan BRIN 3/2023 Pasal 33: OPTIMAL ≥ 90; CUKUP_OPTIMAL ≥ 78 and < 90; KURANG_OPTIMAL < 78.
BRIN_BOUNDS = [
    (120.0, "OPTIMAL"),
    (100.0, "OPTIMAL"),
    (90.0, "OPTIMAL"),
    (89.99, "CUKUP_OPTIMAL"),
    (78.0, "CUKUP_OPTIMAL"),
    (77.99, "KURANG_OPTIMAL"),
    (0.0, "KURANG_OPTIMAL"),
]
# Uji kompetensi (domain/competencies.md): MEMENUHI_SYARAT ≥ 80; MASIH_MEMENUHI_SYARAT ≥ 68 and
# < 80; KURANG_MEMENUHI_SYARAT < 68.
UJI_BOUNDS = [
    (100.0, "MEMENUHI_SYARAT"),
    (80.0, "MEMENUHI_SYARAT"),
    (79.99, "MASIH_MEMENUHI_SYARAT"),
    (68.0, "MASIH_MEMENUHI_SYARAT"),
    (67.99, "KURANG_MEMENUHI_SYARAT"),
    (0.0, "KURANG_MEMENUHI_SYARAT"),
]
SCALE_BOUNDS = [(BRIN_3_2023, p, c) for p, c in BRIN_BOUNDS] + [
    (UJI_KOMPETENSI, p, c) for p, c in UJI_BOUNDS
]


@pytest.mark.parametrize(("scale", "percent", "category"), SCALE_BOUNDS)
def test_category_bounds(scale: JpmScale[JpmCategory], percent: float, category: str) -> None:
    assert scale.categorize(percent) == category
    assert scale.categorize_many(np.array([percent])).tolist() == [category]


def test_category_types_per_scale() -> None:
    assert BRIN_3_2023.categorize(95) is JpmCategory.OPTIMAL
    assert UJI_KOMPETENSI.categorize(95) is UjiKompetensiCategory.MEMENUHI_SYARAT


def test_brin_is_the_default_scale() -> None:
    assert job_person_match({"M1": 4}, {"M1": 5}) == (80.0, JpmCategory.CUKUP_OPTIMAL)
    assert job_person_match({"M1": 4}, {"M1": 5}, scale=UJI_KOMPETENSI) == (
        80.0,
        UjiKompetensiCategory.MEMENUHI_SYARAT,
    )


percents = st.one_of(
    st.floats(min_value=0, max_value=200, allow_nan=False),
    st.sampled_from([68.0, 78.0, 80.0, 90.0, 77.99, 89.99, 67.99, 79.99]),
)


@given(st.lists(percents, max_size=100), st.sampled_from([BRIN_3_2023, UJI_KOMPETENSI]))
def test_categorize_many_agrees_with_scalar(
    values: list[float], scale: JpmScale[JpmCategory]
) -> None:
    expected = [scale.categorize(v).value for v in values]
    assert scale.categorize_many(np.array(values, dtype=float)).tolist() == expected


@given(st.dictionaries(codes, st.tuples(levels, levels), min_size=1))
def test_capped_jpm_is_within_0_100_and_at_most_uncapped(
    pairs: dict[str, tuple[int, int]],
) -> None:
    actual = {c: a for c, (a, _) in pairs.items()}
    required = {c: r for c, (_, r) in pairs.items()}
    capped = job_person_match(actual, required).percent
    uncapped = job_person_match(actual, required, capped=False).percent
    assert 0 <= capped <= 100
    assert capped <= uncapped
    assert (capped == 100) == all(a >= r for a, r in pairs.values())


def test_empty_required() -> None:
    with pytest.raises(ValueError, match="required is empty"):
        job_person_match({"M1": 3}, {})


@pytest.mark.parametrize("actual", [{"M1": 3}, {"M1": 3, "M2": None}])
def test_unassessed_required_competency_is_named(actual: dict[str, int | None]) -> None:
    with pytest.raises(ValueError, match="no actual level for required competencies M2"):
        job_person_match(actual, {"M1": 3, "M2": 3})


def test_bad_level_in_jpm_is_named() -> None:
    with pytest.raises(ValueError, match="actual level of 'M2' must be an int 1–5, got 7"):
        job_person_match({"M1": 3, "M2": 7}, {"M1": 3, "M2": 3})


@pytest.mark.parametrize("bad", [-0.1, math.nan])
def test_categorize_rejects_negative_and_nan(bad: float) -> None:
    with pytest.raises(ValueError, match="percent must be"):
        BRIN_3_2023.categorize(bad)
    with pytest.raises(ValueError, match="percent must be"):
        BRIN_3_2023.categorize_many(np.array([50.0, bad]))


def test_scale_bands_must_descend() -> None:
    with pytest.raises(ValueError, match="highest bound down"):
        JpmScale(
            name="upside down",
            source="test",
            bands=((78.0, JpmCategory.CUKUP_OPTIMAL), (90.0, JpmCategory.OPTIMAL)),
            below=JpmCategory.KURANG_OPTIMAL,
        )
