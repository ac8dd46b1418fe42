"""Inputs the contract allows that a feature pipeline must survive: absent or empty tables,
blank predikat, dates before any history, duplicates, and calendar-month boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.features import build_features, build_training_examples
from ml.features.pipeline import FeatureInputError, FeatureSet
from ml.features.point_in_time import Tables


def _columns(features: FeatureSet) -> tuple[list[str], list[str]]:
    return list(features.competencies.columns), list(features.employees.columns)


def test_before_any_history_every_feature_is_unknown(tables: Tables) -> None:
    features = build_features(tables, "2019-01-01")
    rows, people = features.competencies, features.employees
    assert len(people) > 300 and rows["last_level"].isna().all() and rows["gap"].isna().all()
    assert (people["n_periods"] == 0).all() and (people["jp_this_year"] == 0).all()
    assert _columns(features) == _columns(build_features(tables, "2025-06-30"))


@pytest.mark.parametrize(
    "keep",
    [
        ("employees", "appraisals"),  # what the fairness audit runs on
        ("employees", "position_requirements", "competency_assessments"),
        ("employees",),
    ],
)
def test_absent_tables_give_the_same_columns(tables: Tables, keep: tuple[str, ...]) -> None:
    full = build_features(tables, "2025-06-30")
    partial = build_features({k: tables[k] for k in keep}, "2025-06-30")
    # the same features; only the per-competency pivot follows the requirements present
    assert partial.employee_columns == full.employee_columns
    assert list(partial.competencies.columns) == list(full.competencies.columns)
    assert len(partial.employees) == len(full.employees)


def test_empty_tables_are_like_absent_ones(tables: Tables) -> None:
    empty = {k: v.iloc[:0] for k, v in tables.items() if k != "employees"}
    features = build_features({**empty, "employees": tables["employees"]}, "2025-06-30")
    assert features.competencies.empty and (features.employees["n_periods"] == 0).all()


def test_blank_stored_predikat_is_derived_by_the_rule(tables: Tables) -> None:
    blank = {**tables, "appraisals": tables["appraisals"].assign(predikat=pd.NA)}
    with_blank = build_features(blank, "2025-06-30").employees
    stored = build_features(tables, "2025-06-30").employees
    pd.testing.assert_series_equal(with_blank["last_predikat"], stored["last_predikat"])
    pd.testing.assert_series_equal(with_blank["predikat_BAIK_last5"], stored["predikat_BAIK_last5"])


def test_duplicate_employee_is_refused(tables: Tables) -> None:
    employees = pd.concat([tables["employees"], tables["employees"].iloc[[3]]])
    with pytest.raises(FeatureInputError, match="more than once"):
        build_features({**tables, "employees": employees}, "2025-06-30")


def test_two_official_raters_in_a_period_do_not_depend_on_row_order(tables: Tables) -> None:
    a = tables["appraisals"]
    official = a[a["rater_role"] == "ATASAN"].iloc[[0]]
    second = official.assign(
        rater_id=tables["employees"]["employee_id"].iloc[-1], hasil_kerja_rating="DI_BAWAH",
        perilaku_rating="DI_BAWAH", predikat="SANGAT_KURANG", kpi_attainment=0.4,
    )  # fmt: skip
    before = build_features({**tables, "appraisals": pd.concat([a, second])}, "2026-01-01")
    after = build_features({**tables, "appraisals": pd.concat([second, a])}, "2026-01-01")
    pd.testing.assert_frame_equal(before.employees, after.employees)


def test_windows_and_staleness_follow_the_calendar(tables: Tables) -> None:
    """Exactly 36 months old is stale; a training that ended exactly 12 months ago is not in
    the last 12 months — on any date, leap years included."""
    employee = tables["employees"].iloc[[5]]
    requirement = tables["position_requirements"]
    code = requirement.loc[
        requirement["position_id"] == employee["position_id"].iloc[0], "competency_code"
    ].iloc[0]
    program = tables["training_catalog"][tables["training_catalog"]["competency_codes"] == code]
    for as_of in ("2025-01-31", "2024-02-29", "2027-03-01"):
        day = pd.Timestamp(as_of)
        three_years, one_year = day - pd.DateOffset(months=36), day - pd.DateOffset(months=12)
        mine = {
            "employees": employee.assign(hire_date=pd.Timestamp("2000-01-01")),
            "position_requirements": requirement,
            "competency_assessments": pd.DataFrame({
                "employee_id": employee["employee_id"].iloc[0], "competency_code": [code],
                "assessed_on": [three_years], "level": [1], "method": ["LAINNYA"]}),
            "trainings": pd.DataFrame({
                "employee_id": employee["employee_id"].iloc[0],
                "program_id": [program["program_id"].iloc[0]] * 2,
                "start_date": [one_year, one_year + pd.Timedelta(days=1)],
                "end_date": [one_year, one_year + pd.Timedelta(days=1)],
                "jp": [10, 20], "status": ["COMPLETED"] * 2, "post_score": [np.nan] * 2}),
            "training_catalog": tables["training_catalog"],
        }  # fmt: skip
        row = build_features(mine, as_of).competencies.set_index("competency_code").loc[code]
        assert np.isnan(row["gap"]) and row["last_level"] == 1, as_of
        assert row["jp_12m"] == 20 and row["jp_24m"] == 30, as_of


def test_training_examples_from_before_any_history(tables: Tables) -> None:
    examples = build_training_examples(tables, ["2020-06-30", "2023-06-30"])
    assert set(examples["as_of"].dt.year) == {2020, 2023}
    first = examples[examples["as_of"].dt.year == 2020]
    assert first["last_level"].isna().all() and first["need"].dtype == bool
