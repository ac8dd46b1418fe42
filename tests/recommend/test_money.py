"""The rupiah parser: every way a planner writes an amount reads as the same whole rupiah."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.recommend.money import RupiahError, parse_rupiah
from ml.recommend.plan import rupiah

AMOUNTS = st.integers(min_value=0, max_value=10**15)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Rp 50.000.000", 50_000_000),
        ("50.000.000", 50_000_000),
        ("50000000", 50_000_000),
        ("50 juta", 50_000_000),
        ("50juta", 50_000_000),
        ("Rp 50 Juta", 50_000_000),
        ("1,5 miliar", 1_500_000_000),
        ("1,5 milyar", 1_500_000_000),
        ("2,5 M", 2_500_000_000),
        ("750 rb", 750_000),
        ("Rp. 4.000.000,00", 4_000_000),
        ("  rp4.000.000  ", 4_000_000),
        ("IDR 1.000", 1_000),
        ("1,2345 ribu", 1_235),
        ("0", 0),
    ],
)
def test_the_ways_planners_write_amounts(text: str, amount: int) -> None:
    assert parse_rupiah(text) == amount


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("-5 juta", "negative"),
        ("Rp -5.000", "negative"),
        ("1.5 juta", "dot"),
        ("50.00.000", "dot"),
        ("12,345", "decimals"),
        ("lima puluh juta", "format"),
        ("50,000,000", "format"),
        ("1e9", "format"),
        ("50 dolar", "unit"),
        ("NaN", "format"),
    ],
)
def test_what_is_not_an_amount_is_refused_with_its_reason(text: str, code: str) -> None:
    with pytest.raises(RupiahError) as refused:
        parse_rupiah(text)
    assert refused.value.code == code
    assert repr(text) in str(refused.value)


@given(AMOUNTS)
def test_the_formatted_amount_reads_back(amount: int) -> None:
    written = rupiah(amount)  # "Rp 4.000.000", as the pages show amounts
    assert parse_rupiah(written) == amount
    assert parse_rupiah(written.removeprefix("Rp ")) == amount
    assert parse_rupiah(str(amount)) == amount


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["ribu", "juta", "miliar"]))
def test_words_multiply_and_the_decimal_comma_scales(thousandths: int, word: str) -> None:
    factor = {"ribu": 10**3, "juta": 10**6, "miliar": 10**9}[word]
    whole, fraction = divmod(thousandths, 1000)
    text = f"{whole},{fraction:03d} {word}"
    assert parse_rupiah(text) == thousandths * factor // 1000


@given(st.text(max_size=30))
def test_any_text_gives_an_amount_or_a_rupiah_error(text: str) -> None:
    try:
        amount = parse_rupiah(text)
    except RupiahError as refused:
        assert refused.code in {"empty", "negative", "dot", "decimals", "unit", "format"}
    else:
        assert amount >= 0
