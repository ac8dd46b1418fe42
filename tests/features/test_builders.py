"""Feature values on a hand-built record whose every number can be checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.contract.protected import SOURCE_COLUMNS as PROTECTED
from ml.features import build_features, build_training_examples

A = "198001012005011001"
B = "199002022015012002"
BOSS = "197003032000011003"
D = pd.Timestamp


@pytest.fixture
def record() -> dict[str, pd.DataFrame]:
    employees = pd.DataFrame(
        {
            "employee_id": [A, B, BOSS],
            "birth_year": [1980, 1990, 1970],
            "gender": ["L", "P", "L"],
            "agency_id": ["X", "X", "X"],
            "unit_id": ["U1", "U1", "U0"],
            "region": ["KUPANG"] * 3,
            "position_id": ["P-STAFF", "P-STAFF", "P-HEAD"],
            "position_type": ["PELAKSANA", "PELAKSANA", "PENGAWAS"],
            "grade": ["III/a", "II/c", "III/d"],
            "education": ["S1", "D3", "S2"],
            "employment_type": ["PNS"] * 3,
            "hire_date": [D("2005-01-01"), D("2025-03-01"), D("2000-01-01")],
            "supervisor_id": [BOSS, BOSS, None],
        }
    )
    requirements = pd.DataFrame(
        {
            "position_id": ["P-STAFF", "P-STAFF", "P-HEAD"],
            "competency_code": ["M1", "T-KEU", "M1"],
            "required_level": [3, 2, 4],
        }
    )
    competencies = pd.DataFrame(
        {"competency_code": ["M1", "T-KEU"], "name": ["Integritas", "Keuangan"],
         "group": ["MANAJERIAL", "TEKNIS"]}
    )  # fmt: skip
    assessments = pd.DataFrame(
        {
            "employee_id": [A, A, A, A, BOSS],
            "competency_code": ["M1", "M1", "T-KEU", "M1", "M1"],
            "assessed_on": [
                D("2022-01-01"),
                D("2024-01-01"),
                D("2019-06-01"),
                D("2025-03-01"),
                D("2024-06-01"),
            ],
            "level": [1, 2, 2, 3, 4],
            "method": [
                "ASSESSMENT_CENTER",
                "PENILAIAN_360",
                "UJI_KOMPETENSI",
                "ASSESSMENT_CENTER",
                "LAINNYA",
            ],
        }
    )
    appraisals = pd.DataFrame(
        {
            "employee_id": [A, A, A, A],
            "period": ["2022", "2023", "2023", "2024"],
            "rater_id": [BOSS, BOSS, B, BOSS],
            "rater_role": ["ATASAN", "ATASAN", "REKAN", "ATASAN"],
            "hasil_kerja_rating": ["SESUAI", "DI_ATAS", "DI_BAWAH", "DI_ATAS"],
            "perilaku_rating": ["SESUAI", "DI_ATAS", "SESUAI", "SESUAI"],
            "predikat": ["BAIK", None, None, "BAIK"],
            "kpi_attainment": [0.9, 1.0, 1.0, 1.1],
            "community_feedback": [np.nan, 4.0, 4.0, 3.0],
            "score": [np.nan] * 4,
        }
    )
    trainings = pd.DataFrame(
        {
            "employee_id": [A, A, A, A],
            "program_id": ["KEU", "KEU", "INT", "KEU"],
            "start_date": [D("2024-09-01"), D("2022-01-10"), D("2024-11-01"), D("2024-12-20")],
            "end_date": [D("2024-09-05"), D("2022-01-12"), D("2024-11-02"), D("2025-01-10")],
            "jp": [40, 30, 16, 24],
            "status": ["COMPLETED", "DROPPED", "COMPLETED", "COMPLETED"],
            "post_score": [80.0, np.nan, 70.0, 90.0],
        }
    )
    catalog = pd.DataFrame(
        {"program_id": ["KEU", "INT"], "title": ["Keuangan", "Integritas"],
         "provider": ["BPPK", "KPK"],
         "provider_type": ["INTERNAL", "LAINNYA"], "competency_codes": ["T-KEU", "M1;T-KEU"],
         "max_level": [3, 3], "jp": [40, 16], "cost_idr": [0, 0], "mode": ["KLASIKAL", "KLASIKAL"]}
    )  # fmt: skip
    return {
        "employees": employees, "position_requirements": requirements, "competencies": competencies,
        "competency_assessments": assessments, "appraisals": appraisals, "trainings": trainings,
        "training_catalog": catalog,
    }  # fmt: skip


AS_OF = D("2025-01-31")


def _row(features: pd.DataFrame, employee: str, code: str) -> pd.Series:
    hit = features[(features["employee_id"] == employee) & (features["competency_code"] == code)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_one_row_per_required_competency_of_employees_hired_by_then(record: dict) -> None:
    rows = build_features(record, AS_OF).competencies
    # B was hired after AS_OF: not on the roster yet.
    assert sorted(zip(rows["employee_id"], rows["competency_code"], strict=True)) == [
        (BOSS, "M1"), (A, "M1"), (A, "T-KEU"),
    ]  # fmt: skip


def test_assessment_features_and_gap(record: dict) -> None:
    rows = build_features(record, AS_OF).competencies
    m1 = _row(rows, A, "M1")
    # The 2025-03-01 assessment is after AS_OF: the last known is level 2 on 2024-01-01.
    assert m1["last_level"] == 2 and m1["last_method"] == "PENILAIAN_360"
    assert m1["n_assessments"] == 2
    assert m1["assessment_age_months"] == pytest.approx(396 / 30.4375)
    assert m1["level_trend_per_year"] == pytest.approx(1 / (730 / 365.25))
    assert m1["gap"] == 1 and m1["required_level"] == 3
    keu = _row(rows, A, "T-KEU")
    # Assessed 2019-06-01: older than 36 months, so the deterministic gap is unknown.
    assert keu["last_level"] == 2 and np.isnan(keu["gap"])
    assert np.isnan(keu["level_trend_per_year"])
    assert _row(rows, BOSS, "M1")["gap"] == 0


def test_training_features(record: dict) -> None:
    rows = build_features(record, AS_OF).competencies
    keu = _row(rows, A, "T-KEU")
    # KEU 2024-09 (40 JP) and INT 2024-11 (16 JP, also T-KEU) completed; the 2022 KEU dropped;
    # the KEU ending 2025-01-10 is completed by AS_OF.
    assert (keu["jp_12m"], keu["jp_24m"], keu["jp_36m"]) == (80, 80, 80)
    assert keu["programs_completed"] == 3 and keu["dropped_count"] == 1
    assert keu["months_since_training"] == pytest.approx(21 / 30.4375)
    assert keu["mean_post_score"] == pytest.approx(80)
    m1 = _row(rows, A, "M1")
    assert m1["jp_12m"] == 16 and m1["programs_completed"] == 1
    a = build_features(record, AS_OF).employees.set_index("employee_id").loc[A]
    assert a["jp_this_year"] == 24 and a["jp_shortfall"] == 0
    assert a["jp_last_12m"] == 80


def test_appraisal_features(record: dict) -> None:
    people = build_features(record, AS_OF).employees.set_index("employee_id")
    a = people.loc[A]
    assert a["n_periods"] == 3
    assert a["last_predikat"] == "BAIK"
    assert (a["hasil_DI_ATAS_last1"], a["hasil_DI_ATAS_last3"]) == (1, 2)
    # 2023 has no stored predikat: derived from DI_ATAS × DI_ATAS.
    assert a["predikat_SANGAT_BAIK_last3"] == 1 and a["predikat_BAIK_last3"] == 2
    assert a["kpi_mean"] == pytest.approx(1.0)
    assert a["kpi_slope_per_year"] == pytest.approx(0.1, rel=0.01)
    assert a["feedback_mean"] == pytest.approx(3.5)
    assert a["peer_rating_mean"] == pytest.approx(0.5)
    boss = people.loc[BOSS]
    assert boss["n_periods"] == 0 and boss["hasil_SESUAI_last5"] == 0 and pd.isna(boss["kpi_mean"])
    assert boss["jp_this_year"] == 0 and boss["jp_shortfall"] == 20


def test_wide_view(record: dict) -> None:
    people = build_features(record, AS_OF).employees.set_index("employee_id")
    a = people.loc[A]
    assert a["gap_M1"] == 1 and np.isnan(a["gap_T-KEU"]) and a["required_level_T-KEU"] == 2
    assert a["n_competencies"] == 2 and a["n_gaps_known"] == 1 and a["n_gaps_positive"] == 1
    assert a["jpm_known_percent"] == pytest.approx(200 / 3)
    assert a["jpm_coverage"] == pytest.approx(0.5)
    assert a["jpm_known_category"] == "KURANG_OPTIMAL"
    assert people.loc[BOSS, "jpm_known_category"] == "OPTIMAL"


def test_no_protected_attribute_is_a_feature(record: dict) -> None:
    features = build_features(record, AS_OF)
    for frame in (features.competencies, features.employees):
        assert not set(PROTECTED) & set(frame.columns)


def test_training_examples_are_labelled_by_the_next_assessment(record: dict) -> None:
    examples = build_training_examples(record, [D("2023-06-30"), AS_OF])
    pairs = examples[["as_of", "employee_id", "competency_code", "label_level", "need"]]
    assert pairs.values.tolist() == [
        [D("2023-06-30"), A, "M1", 2, True],
        [D("2023-06-30"), BOSS, "M1", 4, False],
        [AS_OF, A, "M1", 3, False],
    ]
    first = examples.iloc[0]
    assert first["last_level"] == 1  # the label's assessment is not among the features


def test_model_rows_join_the_employee_features(record: dict) -> None:
    features = build_features(record, AS_OF)
    rows = features.model_rows()
    assert len(rows) == len(features.competencies)
    assert {"kpi_mean", "tenure_years", "gap", "jp_36m"} <= set(rows.columns)
    assert "gap_M1" not in rows.columns  # the wide pivot stays in the employee view
    assert rows.loc[rows["employee_id"] == A, "n_periods"].tolist() == [3, 3]
