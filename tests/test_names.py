"""Names in the contract (design §3, "Names"): optional columns, units and positions, titles and
NIPs written as Indonesian records write them, and never a model input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.contract.names import format_nip, full_name, nip_query, split_full_name
from ml.contract.validation import validate_directory
from ml.training.design import Design, DesignError


def test_a_source_without_names_or_units_is_still_valid(workforce_copy: Path) -> None:
    path = workforce_copy / "employees.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.drop(columns=["name", "front_title", "back_title"]).to_csv(path, index=False)
    (workforce_copy / "units.csv").unlink()
    (workforce_copy / "positions.csv").unlink()
    report = validate_directory(workforce_copy)
    assert report.ok, report.errors[:5]
    assert {"units", "positions"} <= set(report.absent)
    employees = report.tables["employees"].frame
    assert employees["name"].isna().all() and employees["back_title"].isna().all()


def test_a_repeated_unit_is_reported_with_its_first_row(workforce_copy: Path) -> None:
    path = workforce_copy / "units.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[4, "unit_id"] = frame.loc[1, "unit_id"]
    frame.to_csv(path, index=False)
    errors = validate_directory(workforce_copy).errors
    assert any(
        v.file == "units.csv" and v.row == 6 and "first seen at row 3" in v.rule for v in errors
    ), errors[:5]


def test_a_wrong_header_names_the_optional_columns(workforce_copy: Path) -> None:
    path = workforce_copy / "employees.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.rename(columns={"name": "nama"}).to_csv(path, index=False)
    report = validate_directory(workforce_copy)
    (problem,) = [e.problem for e in report.file_errors]
    assert "unexpected column(s) nama" in problem and "name (optional)" in problem


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Dr. Budi Santoso, S.E., M.Si.", ("Dr.", "Budi Santoso", "S.E., M.Si.")),
        ("Hj. dr. Siti Rahma,M.Kes.", ("Hj. dr.", "Siti Rahma", "M.Kes.")),
        ("Sri Wahyuni", (None, "Sri Wahyuni", None)),
        ("Dr.", (None, "Dr.", None)),  # a lone title is kept as the name, not lost
        ("  ", (None, None, None)),
    ],
)
def test_split_full_name(text: str, parts: tuple[str | None, ...]) -> None:
    assert split_full_name(text) == parts


_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=8)


@given(
    st.lists(_word.map(str.title), min_size=1, max_size=3),
    st.lists(st.sampled_from(["Dr.", "dr.", "H.", "Ir."]), max_size=2),
    st.lists(st.sampled_from(["S.E.", "M.Si.", "S.Kom.", "A.Md."]), max_size=2),
)
def test_full_name_and_split_are_inverse(
    words: list[str], front: list[str], back: list[str]
) -> None:
    name = " ".join(words)
    text = full_name(name, " ".join(front) or None, ", ".join(back) or None)
    assert split_full_name(text) == (" ".join(front) or None, name, ", ".join(back) or None)


def test_full_name_without_a_name_is_none() -> None:
    assert full_name(None, "Dr.", "S.E.") is None and full_name(" ") is None


@given(st.text(st.sampled_from("0123456789"), min_size=18, max_size=18))
def test_the_spaced_nip_reads_back_as_its_digits(nip: str) -> None:
    spaced = format_nip(nip)
    assert [len(g) for g in spaced.split(" ")] == [8, 6, 1, 3]
    assert nip_query(spaced) == nip


def test_nip_query_accepts_partial_nips_only() -> None:
    assert nip_query("19850312 2010") == "198503122010"
    assert nip_query("1985-03") == "198503"
    assert nip_query("Budi") is None and nip_query("") is None
    assert format_nip("BKN-U0001") == "BKN-U0001"


@pytest.mark.parametrize("column", ["name", "front_title", "back_title"])
def test_names_are_never_model_inputs(column: str) -> None:
    frame = pd.DataFrame({"grade_rank": [1.0, 2.0], column: ["Budi", "Sri"]})
    with pytest.raises(DesignError, match="names cannot be model inputs"):
        Design.from_frame(frame)
