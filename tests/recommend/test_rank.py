"""Ranking programmes: gains from need × effect × headroom, nothing completed lately, order by
gain per rupiah."""

from __future__ import annotations

import pandas as pd
import pytest

from ml.recommend.rank import candidate_gains, rank_programs, recently_completed

CATALOG = pd.DataFrame(
    {
        "program_id": ["A", "B", "C"],
        "title": ["a", "b", "c"],
        "competency_codes": ["M1;M2", "M1", "T-KEU"],
        "max_level": [3, 5, 4],
        "jp": [20.0, 40.0, 30.0],
        "cost_idr": [1_000_000.0, 4_000_000.0, 0.0],
    }
)
EFFECTS = pd.DataFrame(
    {
        "program_id": ["A", "A", "B", "C"],
        "competency_code": ["M1", "M2", "M1", "T-KEU"],
        "shrunk_effect": [0.5, 0.4, 0.6, -0.1],
    }
)
SCORES = pd.DataFrame(
    {
        "employee_id": ["e1", "e1", "e1", "e2"],
        "competency_code": ["M1", "M2", "T-KEU", "M1"],
        "need_probability": [0.8, 0.5, 0.9, 0.3],
        "required_level": [3.0, 3.0, 3.0, 4.0],
        "last_level": [2.0, float("nan"), 2.0, 3.5],
    }
)


def test_gain_is_need_times_effect_times_headroom() -> None:
    gains = candidate_gains(
        SCORES, CATALOG, EFFECTS, pd.DataFrame(columns=["employee_id", "program_id"])
    )
    by = gains.set_index(["employee_id", "program_id"])["expected_gain"]
    # e1, A: M1 0.8 × 0.5 × min(3 − 2, 1) + M2 0.5 × 0.4 × (3 − (3 − 1)) = 0.4 + 0.2
    assert by[("e1", "A")] == pytest.approx(0.6)
    # e2, A: max_level 3 leaves no headroom above 3.5; e2, B: 0.3 × 0.6 × 1
    assert ("e2", "A") not in by.index
    assert by[("e2", "B")] == pytest.approx(0.18)
    # a negative estimated effect is no gain
    assert ("e1", "C") not in by.index
    codes = gains.set_index(["employee_id", "program_id"])["competency_code"]
    assert codes[("e1", "A")] == "M1;M2"  # largest gain first


def test_recently_completed_programmes_are_not_offered_again() -> None:
    trainings = pd.DataFrame(
        {
            "employee_id": ["e1", "e1"],
            "program_id": ["A", "B"],
            "end_date": pd.to_datetime(["2024-06-01", "2021-06-01"]),
            "status": ["COMPLETED", "COMPLETED"],
        }
    )
    done = recently_completed(trainings, pd.Timestamp("2026-01-01"))
    assert set(done["program_id"]) == {"A"}  # B ended more than three years ago
    gains = candidate_gains(SCORES, CATALOG, EFFECTS, done)
    assert ("e1", "A") not in set(zip(gains["employee_id"], gains["program_id"], strict=True))


def test_ranking_is_by_gain_per_rupiah() -> None:
    gains = candidate_gains(
        SCORES, CATALOG, EFFECTS, pd.DataFrame(columns=["employee_id", "program_id"])
    )
    ranked = rank_programs(gains)
    first = ranked[ranked["employee_id"] == "e1"].iloc[0]
    # A: 0.6 per Rp 1 M beats B: 0.48 per Rp 4 M
    assert first["program_id"] == "A" and first["rank"] == 1
    assert first["gain_per_million_idr"] == pytest.approx(0.6)


def test_a_past_plan_sees_only_the_history_before_it() -> None:
    from ml.recommend.unit import known_before

    tables = {
        "competency_assessments": pd.DataFrame(
            {"assessed_on": pd.to_datetime(["2022-05-01", "2024-05-01"])}
        ),
        "trainings": pd.DataFrame({"end_date": pd.to_datetime(["2022-06-01", None, "2023-02-01"])}),
    }
    past = known_before(tables, pd.Timestamp("2023-01-01"))
    assert len(past["competency_assessments"]) == 1
    assert len(past["trainings"]) == 1  # the unfinished and the later training are unknown
