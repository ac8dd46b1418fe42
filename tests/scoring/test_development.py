"""JP of competency development per year and the shortfall against the 20 JP minimum."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.scoring import DevelopmentHours, development_hours, development_hours_by_employee


def records(*rows: tuple[str, object, int, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["employee_id", "end_date", "jp", "status"])


# PP 11/2017 Pasal 203(4) as amended by PP 17/2020: at least 20 JP a year. Only COMPLETED records
# ending in the year count. (records of one employee, jp_taken in 2024, shortfall)
CASES = [
    ([], 0, 20),
    ([("2024-03-01", 8, "COMPLETED")], 8, 12),
    ([("2024-03-01", 20, "COMPLETED")], 20, 0),
    ([("2024-03-01", 32, "COMPLETED")], 32, 0),
    ([("2024-03-01", 8, "DROPPED")], 0, 20),
    ([("2024-03-01", 8, "ENROLLED")], 0, 20),
    ([(None, 8, "ENROLLED")], 0, 20),
    ([("2023-12-31", 8, "COMPLETED"), ("2025-01-01", 8, "COMPLETED")], 0, 20),
    ([("2024-01-01", 8, "COMPLETED"), ("2024-12-31", 8, "COMPLETED")], 16, 4),
    ([(dt.datetime(2024, 6, 30, 17), 12, "COMPLETED"), ("2024-07-01", 9, "COMPLETED")], 21, 0),
    ([(pd.Timestamp("2024-02-02"), 5, "COMPLETED"), ("2024-02-03", 5, "DROPPED")], 5, 15),
]


@pytest.mark.parametrize(("rows", "taken", "shortfall"), CASES)
def test_development_hours(rows: list[tuple[object, int, str]], taken: int, shortfall: int) -> None:
    trainings = records(*(("199001012015031001", *row) for row in rows))
    assert development_hours(trainings, 2024) == DevelopmentHours(taken, shortfall)


def test_minimum_is_configurable() -> None:
    trainings = records(("1", "2024-05-05", 30, "COMPLETED"))
    assert development_hours(trainings, 2024, minimum_jp=40) == (30, 10)


def test_only_the_required_columns_are_needed() -> None:
    trainings = pd.DataFrame({"end_date": ["2024-05-05"], "jp": [3], "status": ["COMPLETED"]})
    jp_taken, shortfall = development_hours(trainings, 2024)
    assert (jp_taken, shortfall) == (3, 17)


def test_scalar_refuses_several_employees() -> None:
    trainings = records(("1", "2024-05-05", 3, "COMPLETED"), ("2", "2024-05-05", 3, "COMPLETED"))
    with pytest.raises(ValueError, match="several employees"):
        development_hours(trainings, 2024)


def test_missing_columns_are_named() -> None:
    trainings = pd.DataFrame({"employee_id": ["1"], "end_date": ["2024-01-01"]})
    with pytest.raises(ValueError, match="lacks required column\\(s\\): jp, status"):
        development_hours(trainings, 2024)
    with pytest.raises(ValueError, match="lacks required column\\(s\\): jp, status"):
        development_hours_by_employee(trainings, 2024)


def test_by_employee_needs_employee_id() -> None:
    trainings = pd.DataFrame({"end_date": ["2024-01-01"], "jp": [2], "status": ["COMPLETED"]})
    with pytest.raises(ValueError, match="lacks required column\\(s\\): employee_id"):
        development_hours_by_employee(trainings, 2024)


def test_bad_end_date_is_named() -> None:
    trainings = records(("1", "31/12/2024", 3, "COMPLETED"))
    with pytest.raises(ValueError, match=r"trainings\.end_date holds a value that is not a date"):
        development_hours(trainings, 2024)


def test_negative_minimum_is_rejected() -> None:
    with pytest.raises(ValueError, match="minimum_jp must be >= 0"):
        development_hours(records(), 2024, minimum_jp=-1)


def test_by_employee() -> None:
    trainings = records(
        ("A", "2024-02-01", 12, "COMPLETED"),
        ("A", "2024-09-01", 10, "COMPLETED"),
        ("B", "2024-02-01", 12, "COMPLETED"),
        ("B", "2024-03-01", 6, "DROPPED"),
        ("C", "2023-11-01", 40, "COMPLETED"),
    )
    result = development_hours_by_employee(trainings, 2024)
    expected = pd.DataFrame(
        {"jp_taken": [22, 12, 0], "shortfall": [0, 8, 20]},
        index=pd.Index(["A", "B", "C"], name="employee_id"),
    )
    pd.testing.assert_frame_equal(result, expected, check_dtype=False, check_index_type=False)
    assert "D" not in result.index


statuses = st.sampled_from(["COMPLETED", "DROPPED", "ENROLLED"])
dates = st.dates(min_value=dt.date(2022, 6, 1), max_value=dt.date(2025, 6, 30)).map(str)
rows = st.tuples(st.sampled_from(["A", "B", "C", "D"]), dates, st.integers(0, 40), statuses)


@given(st.lists(rows, max_size=40), st.sampled_from([2023, 2024]), st.integers(0, 60))
def test_by_employee_agrees_with_scalar(
    data: list[tuple[str, str, int, str]], year: int, minimum: int
) -> None:
    trainings = records(*data)
    result = development_hours_by_employee(trainings, year, minimum_jp=minimum)
    assert sorted(result.index) == sorted(set(trainings["employee_id"]))
    for employee, group in trainings.groupby("employee_id"):
        expected = development_hours(group, year, minimum_jp=minimum)
        assert tuple(result.loc[employee]) == expected
