"""The distribution curve: constraints that a unit's rating puts on its employees' predikat."""

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.scoring import (
    DISTRIBUTION_CURVE_2022,
    Bound,
    CurveConstraint,
    CurveViolation,
    DistributionCurve,
    HeadRatingRule,
    OrgRating,
    Predikat,
    Rating,
    Rounding,
    check_distribution,
    head_hasil_kerja,
)

SB, B, BP, K, SK = "SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN", "KURANG", "SANGAT_KURANG"

# KemenPAN-RB circular guidance as reported in the press (domain/predikat.md, "Organisation
# rating and the distribution curve"): (unit rating, predikat counted, bound, share, count)
CURVE = {
    "ISTIMEWA": [({SB}, "AT_MOST", 0.7, None)],
    "BAIK": [({B}, "AT_MOST", 0.7, None), ({BP, K}, "AT_LEAST", None, 1)],
    "BUTUH_PERBAIKAN": [({BP}, "AT_LEAST", 0.6, None), ({SB}, "AT_MOST", 0.1, None)],
    "KURANG": [
        ({K}, "AT_LEAST", 0.6, None),
        ({BP}, "AT_LEAST", 0.1, None),
        ({SB}, "AT_MOST", 0.1, None),
    ],
    "SANGAT_KURANG": [
        ({SK}, "AT_LEAST", 0.6, None),
        ({K, BP}, "AT_LEAST", 0.1, None),
        ({SB}, "AT_MOST", None, 0),
    ],
}


@pytest.mark.parametrize("unit_rating", list(CURVE))
def test_curve_encodes_the_table(unit_rating: str) -> None:
    encoded = [
        ({p.value for p in c.predikats}, c.bound.value, c.share, c.count)
        for c in DISTRIBUTION_CURVE_2022.constraints[OrgRating(unit_rating)]
    ]
    assert encoded == CURVE[unit_rating]


# Units of 10. Per constraint of the table, a unit that just passes it and one that just fails
# it; each failing unit breaks that constraint only.
# (unit rating, employees' predikat counts, index of the constraint broken or None)
PASS_FAIL = [
    ("ISTIMEWA", {SB: 7, B: 3}, None),
    ("ISTIMEWA", {SB: 8, B: 2}, 0),
    ("BAIK", {B: 7, BP: 1, SB: 2}, None),
    ("BAIK", {B: 8, BP: 1, SB: 1}, 0),
    ("BAIK", {B: 7, K: 1, SB: 2}, None),
    ("BAIK", {B: 7, SB: 3}, 1),
    ("BUTUH_PERBAIKAN", {BP: 6, B: 4}, None),
    ("BUTUH_PERBAIKAN", {BP: 5, B: 5}, 0),
    ("BUTUH_PERBAIKAN", {BP: 6, SB: 1, B: 3}, None),
    ("BUTUH_PERBAIKAN", {BP: 6, SB: 2, B: 2}, 1),
    ("KURANG", {K: 6, BP: 1, B: 3}, None),
    ("KURANG", {K: 5, BP: 1, B: 4}, 0),
    ("KURANG", {K: 6, BP: 1, B: 3}, None),
    ("KURANG", {K: 6, B: 4}, 1),
    ("KURANG", {K: 6, BP: 1, SB: 1, B: 2}, None),
    ("KURANG", {K: 6, BP: 1, SB: 2, B: 1}, 2),
    ("SANGAT_KURANG", {SK: 6, K: 1, B: 3}, None),
    ("SANGAT_KURANG", {SK: 5, K: 1, B: 4}, 0),
    ("SANGAT_KURANG", {SK: 6, BP: 1, B: 3}, None),
    ("SANGAT_KURANG", {SK: 6, B: 4}, 1),
    ("SANGAT_KURANG", {SK: 6, K: 1, B: 3}, None),
    ("SANGAT_KURANG", {SK: 6, K: 1, SB: 1, B: 2}, 2),
]


@pytest.mark.parametrize(("unit_rating", "counts", "broken"), PASS_FAIL)
@pytest.mark.parametrize("rounding", list(Rounding))
def test_pass_and_fail_per_constraint(
    unit_rating: str, counts: dict[str, int], broken: int | None, rounding: Rounding
) -> None:
    violations = check_distribution(counts, unit_rating, rounding=rounding)
    constraints = DISTRIBUTION_CURVE_2022.constraints[OrgRating(unit_rating)]
    assert [v.constraint for v in violations] == ([] if broken is None else [constraints[broken]])


def test_sequence_and_counts_agree() -> None:
    employees = [SB] * 8 + [B] * 2
    assert check_distribution(employees, "ISTIMEWA") == check_distribution(
        Counter(employees), OrgRating.ISTIMEWA
    )
    assert check_distribution([Predikat(p) for p in employees], "ISTIMEWA") == (
        check_distribution(employees, "ISTIMEWA")
    )


MESSAGES = [
    (
        "ISTIMEWA",
        {SB: 8, B: 2},
        "SANGAT_BAIK is 8 of 10 (80%), at most 70% allowed for an ISTIMEWA unit",
    ),
    (
        "BAIK",
        {B: 7, SB: 3},
        "BUTUH_PERBAIKAN or KURANG is 0 of 10 (0%), at least 1 required for a BAIK unit",
    ),
    (
        "KURANG",
        {K: 5, BP: 1, B: 4},
        "KURANG is 5 of 10 (50%), at least 60% required for a KURANG unit",
    ),
    (
        "SANGAT_KURANG",
        {SK: 6, K: 1, SB: 1, B: 2},
        "SANGAT_BAIK is 1 of 10 (10%), none allowed for a SANGAT_KURANG unit",
    ),
]


@pytest.mark.parametrize(("unit_rating", "counts", "message"), MESSAGES)
def test_messages(unit_rating: str, counts: dict[str, int], message: str) -> None:
    (violation,) = check_distribution(counts, unit_rating)
    assert violation.message == message


def test_violation_carries_the_numbers() -> None:
    (violation,) = check_distribution({SB: 8, B: 2}, "ISTIMEWA")
    assert isinstance(violation, CurveViolation)
    assert (violation.unit_rating, violation.count, violation.n, violation.allowed) == (
        OrgRating.ISTIMEWA,
        8,
        10,
        7,
    )


# Rounding of a share for a small unit (unspecified by the regulation, a configurable choice):
# STRICT: at most floor(share·n), at least ceil(share·n); LENIENT: the other way round.
# (unit rating, counts, n·share, broken under STRICT, broken under LENIENT)
ROUNDING = [
    ("ISTIMEWA", {SB: 2, B: 1}, "0.7·3 = 2.1", False, False),
    ("ISTIMEWA", {SB: 3}, "0.7·3 = 2.1", True, False),
    ("BUTUH_PERBAIKAN", {BP: 2, B: 1}, "0.6·3 = 1.8", False, False),
    ("BUTUH_PERBAIKAN", {BP: 1, B: 2}, "0.6·3 = 1.8", True, False),
    ("BUTUH_PERBAIKAN", {BP: 0, B: 3}, "0.6·3 = 1.8", True, True),
    ("ISTIMEWA", {SB: 7, B: 3}, "0.7·10 = 7", False, False),
    ("ISTIMEWA", {SB: 8, B: 2}, "0.7·10 = 7", True, True),
    # In floats 0.7·90 is 62.99999999999999, whose floor would wrongly flag 63 of 90.
    ("ISTIMEWA", {SB: 63, B: 27}, "0.7·90 = 63", False, False),
    ("ISTIMEWA", {SB: 64, B: 26}, "0.7·90 = 63", True, True),
    ("KURANG", {K: 18, BP: 3, B: 9}, "0.1·30 = 3", False, False),
    ("KURANG", {K: 18, BP: 2, B: 10}, "0.1·30 = 3", True, True),
]


@pytest.mark.parametrize(("unit_rating", "counts", "product", "strict", "lenient"), ROUNDING)
def test_rounding(
    unit_rating: str, counts: dict[str, int], product: str, strict: bool, lenient: bool
) -> None:
    assert bool(check_distribution(counts, unit_rating, rounding=Rounding.STRICT)) is strict
    assert bool(check_distribution(counts, unit_rating, rounding="LENIENT")) is lenient


def test_allowed_counts_under_each_rounding() -> None:
    at_most = CurveConstraint.at_most(Predikat.SANGAT_BAIK, share=0.7)
    at_least = CurveConstraint.at_least(Predikat.KURANG, share=0.6)
    assert [at_most.allowed(3, r) for r in (Rounding.STRICT, Rounding.LENIENT)] == [2, 3]
    assert [at_least.allowed(3, r) for r in (Rounding.STRICT, Rounding.LENIENT)] == [2, 1]
    assert [at_most.allowed(10, r) for r in (Rounding.STRICT, Rounding.LENIENT)] == [7, 7]


def test_shares_are_exact_decimals() -> None:
    # 0.29 · 100 is 28.999999999999996 in floats; the curve means 29 of 100.
    share = CurveConstraint.at_least(Predikat.KURANG, share=0.29)
    assert [share.allowed(100, r) for r in (Rounding.STRICT, Rounding.LENIENT)] == [29, 29]
    assert CurveConstraint.at_most(Predikat.BAIK, share=0.7).allowed(90, Rounding.STRICT) == 63


@pytest.mark.parametrize("unit_rating", list(OrgRating))
def test_empty_unit_has_no_violations(unit_rating: OrgRating) -> None:
    assert check_distribution([], unit_rating) == []
    assert check_distribution({SB: 0}, unit_rating) == []


@given(
    st.dictionaries(st.sampled_from(list(Predikat)), st.integers(0, 40)),
    st.sampled_from(list(OrgRating)),
)
def test_lenient_never_reports_more_than_strict(
    counts: dict[Predikat, int], unit_rating: OrgRating
) -> None:
    strict = check_distribution(counts, unit_rating, rounding=Rounding.STRICT)
    lenient = check_distribution(counts, unit_rating, rounding=Rounding.LENIENT)
    assert {v.constraint for v in lenient} <= {v.constraint for v in strict}


def test_a_later_curve_is_honoured() -> None:
    no_quota = DistributionCurve(
        name="test", source="test", constraints={rating: () for rating in OrgRating}
    )
    assert check_distribution({SB: 10}, "SANGAT_KURANG", curve=no_quota) == []


@pytest.mark.parametrize(
    ("predikats", "unit_rating", "rounding", "match"),
    [
        ([SB, "CUKUP"], "BAIK", "STRICT", "^predikats: unknown code 'CUKUP'"),
        ({"BAIK ": 1}, "BAIK", "STRICT", "^predikats: unknown code 'BAIK '"),
        ([SB], "SEDANG", "STRICT", "^unit_rating: unknown code 'SEDANG'"),
        ([SB], "BAIK", "ROUND", "^rounding: unknown code 'ROUND'"),
        ({SB: -1}, "BAIK", "STRICT", "count of 'SANGAT_BAIK' must be an int >= 0, got -1"),
        ({SB: 1.5}, "BAIK", "STRICT", "count of 'SANGAT_BAIK' must be an int >= 0, got 1.5"),
    ],
)
def test_bad_input_is_named(
    predikats: list[str], unit_rating: str, rounding: str, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        check_distribution(predikats, unit_rating, rounding=rounding)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"share": 0.5, "count": 1}, "exactly one of share and count"),
        ({}, "exactly one of share and count"),
        ({"share": 1.5}, "share must be within 0–1"),
        ({"count": -1}, "count must be >= 0"),
    ],
)
def test_constraint_validation(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        CurveConstraint(frozenset({Predikat.BAIK}), Bound.AT_MOST, **kwargs)  # type: ignore[arg-type]


def test_curve_needs_every_unit_rating() -> None:
    with pytest.raises(ValueError, match="one row per OrgRating"):
        DistributionCurve(name="partial", source="test", constraints={OrgRating.BAIK: ()})


# Inference (domain/predikat.md): the head's rating hasil kerja follows the unit's rating.
HEAD = [
    ("ISTIMEWA", Rating.DI_ATAS),
    ("BAIK", Rating.SESUAI),
    ("BUTUH_PERBAIKAN", Rating.DI_BAWAH),
    ("KURANG", Rating.DI_BAWAH),
    ("SANGAT_KURANG", Rating.DI_BAWAH),
]


@pytest.mark.parametrize(("unit_rating", "rating"), HEAD)
def test_head_hasil_kerja(unit_rating: str, rating: Rating) -> None:
    assert head_hasil_kerja(unit_rating) is rating
    assert head_hasil_kerja(OrgRating(unit_rating)) is rating


def test_head_rule_is_configurable() -> None:
    rule = HeadRatingRule(
        name="agency variant",
        source="test",
        hasil_kerja=dict.fromkeys(OrgRating, Rating.SESUAI) | {OrgRating.ISTIMEWA: Rating.DI_ATAS},
    )
    assert head_hasil_kerja("SANGAT_KURANG", rule=rule) is Rating.SESUAI


def test_head_unknown_code() -> None:
    with pytest.raises(ValueError, match=r"^unit_rating: unknown code 'LUAR_BIASA'"):
        head_hasil_kerja("LUAR_BIASA")
