"""The split: by employee and by time, so nothing of the test reaches training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.features.io import load_tables
from ml.training.dataset import employee_groups, label_dates, split_examples


@given(st.lists(st.text(alphabet="0123456789", min_size=18, max_size=18), min_size=1, max_size=50))
def test_an_employee_always_lands_in_the_same_group(ids: list[str]) -> None:
    first = employee_groups(pd.Series(ids))
    again = employee_groups(pd.Series(list(reversed(ids))))[::-1]
    assert (first == again).all()
    assert set(first) <= {"train", "validation", "test"}


def test_group_shares_follow_the_settings() -> None:
    ids = pd.Series([f"{i:018d}" for i in range(20_000)])
    share = pd.Series(employee_groups(ids, 0.2, 0.1)).value_counts(normalize=True)
    assert share["test"] == pytest.approx(0.1, abs=0.01)
    assert share["validation"] == pytest.approx(0.2, abs=0.01)


@pytest.mark.parametrize("shares", [(0.0, 0.1), (0.5, 0.5), (0.2, -0.1)])
def test_bad_shares_are_refused(shares: tuple[float, float]) -> None:
    with pytest.raises(ValueError, match="shares"):
        employee_groups(pd.Series(["1"]), *shares)


def _examples(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    dates = pd.to_datetime(["2022-01-01", "2023-01-01", "2024-01-01"])
    as_of = dates[rng.integers(0, 3, n)]
    return pd.DataFrame(
        {
            "employee_id": [f"{i % 150:018d}" for i in range(n)],
            "as_of": as_of,
            "label_date": as_of + pd.to_timedelta(rng.integers(1, 700, n), unit="D"),
            "need": rng.random(n) < 0.3,
        }
    )


def test_no_employee_and_no_later_label_reaches_training() -> None:
    examples = _examples()
    dates = sorted(examples["as_of"].unique())
    split = split_examples(examples, dates, validation_share=0.2, test_share=0.2)
    train, val, test = (set(f["employee_id"]) for f in (split.train, split.validation, split.test))
    assert not train & val and not train & test and not val & test
    assert (split.train["label_date"] < split.test_as_of).all()
    assert (split.test["as_of"] == split.test_as_of).all()
    assert (split.validation["as_of"] == split.test_as_of).all()


def test_label_dates_need_history_and_labels(trained_tables_dates: list[pd.Timestamp]) -> None:
    dates = trained_tables_dates
    assert dates == sorted(dates) and all((d.month, d.day) == (1, 1) for d in dates)
    assert len(dates) >= 2


def test_too_short_a_history_is_refused() -> None:
    tables = {
        "competency_assessments": pd.DataFrame(
            {"assessed_on": pd.to_datetime(["2024-03-01", "2024-09-01"])}
        )
    }
    with pytest.raises(ValueError, match="at least two yearly dates"):
        label_dates(tables)


@pytest.fixture
def trained_tables_dates(training_dir: Path) -> list[pd.Timestamp]:
    return label_dates(load_tables(training_dir))
