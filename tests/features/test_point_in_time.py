"""Nothing dated after ``as_of`` may influence a feature (design §4): a property test."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml.features import build_features, period_end
from ml.features.point_in_time import Tables

AS_OF = st.dates(
    min_value=pd.Timestamp("2020-06-01").date(), max_value=pd.Timestamp("2026-02-01").date()
)


def _after(tables: Tables, table: str, as_of: pd.Timestamp) -> pd.Series:
    frame = tables[table]
    if table == "competency_assessments":
        return frame["assessed_on"] > as_of
    if table == "appraisals":
        return period_end(frame["period"]) >= as_of  # final the day after the period ends
    if table == "trainings":
        return ~(frame["end_date"] <= as_of)
    return frame["hire_date"] > as_of


def _changed(tables: Tables, table: str, row: int, how: str, data: st.DataObject) -> pd.DataFrame:
    frame = tables[table].copy()
    label = frame.index[row]
    if how == "remove":
        return frame.drop(index=label)
    if how == "add":
        new = frame.loc[[label]].copy()
        new.index = [frame.index.max() + 1]
        if table == "employees":
            new["employee_id"] = "199912312099121999"
        return pd.concat([frame, new])
    changes = {
        "competency_assessments": ("level", st.integers(1, 5)),
        "appraisals": ("hasil_kerja_rating", st.sampled_from(["DI_ATAS", "SESUAI", "DI_BAWAH"])),
        "trainings": ("status", st.sampled_from(["COMPLETED", "DROPPED", "ENROLLED"])),
        "employees": ("grade", st.sampled_from(["III/a", "IV/b"])),
    }
    column, values = changes[table]
    frame.loc[label, column] = data.draw(values)
    if table == "trainings":
        frame.loc[label, "jp"] = data.draw(st.integers(1, 500))
    return frame


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    as_of=AS_OF,
    table=st.sampled_from(["competency_assessments", "appraisals", "trainings", "employees"]),
    how=st.sampled_from(["add", "remove", "change"]),
    data=st.data(),
)
def test_rows_dated_after_as_of_change_nothing(
    tables: Tables, as_of: object, table: str, how: str, data: st.DataObject
) -> None:
    as_of = pd.Timestamp(as_of)
    after = _after(tables, table, as_of).to_numpy().nonzero()[0]
    if len(after) == 0:
        return
    row = int(after[data.draw(st.integers(0, len(after) - 1))])
    mutated = dict(tables)
    mutated[table] = _changed(tables, table, row, how, data)
    before = build_features(tables, as_of)
    after_change = build_features(mutated, as_of)
    pd.testing.assert_frame_equal(before.competencies, after_change.competencies)
    pd.testing.assert_frame_equal(before.employees, after_change.employees)


def test_rows_dated_before_as_of_do_change_features(tables: Tables) -> None:
    """The property above is not vacuous: an earlier assessment does move the features."""
    as_of = pd.Timestamp("2024-06-30")
    a = tables["competency_assessments"]
    row = a.index[(a["assessed_on"] <= as_of).to_numpy()][-1]
    mutated = dict(tables)
    changed = a.copy()
    changed.loc[row, "level"] = (
        6 - changed.loc[row, "level"] if changed.loc[row, "level"] != 3 else 1
    )
    mutated["competency_assessments"] = changed
    before = build_features(tables, as_of).competencies
    after = build_features(mutated, as_of).competencies
    assert not before["last_level"].equals(after["last_level"])


def test_period_end() -> None:
    got = period_end(pd.Series(["2021", "2022-02", "2024-02", "2023-12"]))
    assert [d.strftime("%Y-%m-%d") for d in got] == [
        "2021-12-31",
        "2022-02-28",
        "2024-02-29",
        "2023-12-31",
    ]
