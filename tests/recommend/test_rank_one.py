"""rank_for_employee, the API's one-employee ranking in plain Python, against the frame version it
replaces (candidate_gains then rank_programs): the same programmes in the same order with the
same gains, on a generated workforce and on hand-made ties, free programmes and unknown effects."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ml.contract.schemas import ALL_COLUMNS
from ml.features import build_features
from ml.features.io import load_tables
from ml.recommend.effects import estimate_program_effects
from ml.recommend.rank import (
    candidate_gains,
    program_records,
    rank_for_employee,
    rank_programs,
    recently_completed,
)
from ml.recommend.unit import known_before
from ml.training.score import latest_as_of

TOL = 1e-9
COMPARED = ["program_id", "title", "competency_code", "cost_idr", "jp", "rank"]


@pytest.fixture(scope="module")
def inputs(workforce_dir: Path) -> dict[str, Any]:
    """Scores with made-up need probabilities (exact 0 and 1 among them) on the generated
    workforce, its catalogue, effects estimated from its history, and what was completed."""
    tables = load_tables(workforce_dir, ALL_COLUMNS)
    as_of = latest_as_of(tables)
    features = build_features(tables, as_of)
    scores = features.competencies[
        ["employee_id", "competency_code", "required_level", "last_level"]
    ].copy()
    rng = np.random.default_rng(3)
    probability = rng.uniform(0, 1, len(scores))
    probability[rng.uniform(size=len(scores)) < 0.05] = 0.0
    probability[rng.uniform(size=len(scores)) < 0.05] = 1.0
    scores["need_probability"] = probability
    effects = estimate_program_effects(known_before(tables, as_of))
    completed = recently_completed(tables["trainings"], as_of)
    return {
        "scores": scores,
        "catalog": tables["training_catalog"],
        "effects": effects,
        "completed": completed,
    }


def _needs(scores: pd.DataFrame) -> dict[str, tuple[float, float | None, float]]:
    """What the API passes: per competency with a requirement, (probability, level, required)."""
    return {
        str(r.competency_code): (
            float(r.need_probability),
            None if pd.isna(r.last_level) else float(r.last_level),
            float(r.required_level),
        )
        for r in scores.itertuples(index=False)
        if not pd.isna(r.required_level)
    }


def _one_by_one(inputs: dict[str, Any], top: int | None) -> pd.DataFrame:
    programs = program_records(inputs["catalog"], inputs["effects"])
    done = inputs["completed"].groupby("employee_id")["program_id"].agg(set)
    ranked = []
    for employee_id, scores in inputs["scores"].groupby("employee_id", sort=True):
        completed = done.get(employee_id, set())
        for row in rank_for_employee(_needs(scores), programs, completed, top=top):
            ranked.append({"employee_id": employee_id, **row})
    return pd.DataFrame(ranked)


def _assert_same(one: pd.DataFrame, frame: pd.DataFrame) -> None:
    frame = frame.sort_values(["employee_id", "rank"]).reset_index(drop=True)
    one = one.sort_values(["employee_id", "rank"]).reset_index(drop=True)
    assert len(one) == len(frame) > 0
    assert one["employee_id"].tolist() == frame["employee_id"].astype(str).tolist()
    for column in COMPARED:
        assert one[column].tolist() == frame[column].tolist(), column
    for column in ("expected_gain", "gain_per_million_idr", "gain_per_jp"):
        np.testing.assert_allclose(
            one[column].to_numpy(float), frame[column].to_numpy(float), rtol=0, atol=TOL
        )


@pytest.mark.parametrize("top", [1, 5])
def test_the_top_programmes_are_the_frame_version_s(inputs: dict[str, Any], top: int) -> None:
    candidates = candidate_gains(
        inputs["scores"], inputs["catalog"], inputs["effects"], inputs["completed"]
    )
    frame = rank_programs(candidates, top=top)
    one = _one_by_one(inputs, top)
    assert one["employee_id"].nunique() > 100  # many employees compared, not a handful
    _assert_same(one, frame)


def test_every_candidate_is_the_frame_version_s(inputs: dict[str, Any]) -> None:
    candidates = candidate_gains(
        inputs["scores"], inputs["catalog"], inputs["effects"], inputs["completed"]
    )
    frame = rank_programs(candidates, top=10**9)
    _assert_same(_one_by_one(inputs, None), frame)


def test_completed_programmes_are_never_ranked(inputs: dict[str, Any]) -> None:
    ranked = _one_by_one(inputs, None)
    completed = inputs["completed"]
    done = set(zip(completed["employee_id"], completed["program_id"], strict=True))
    assert done, "the generated workforce completed programmes lately"
    assert not done & set(zip(ranked["employee_id"], ranked["program_id"], strict=True))


CATALOG = pd.DataFrame(
    {
        "program_id": ["P-TIE-B", "P-TIE-A", "P-FREE", "P-NONE", "P-NEG", "P-CAP"],
        "title": ["tie b", "tie a", "free", "no history", "harmful", "capped"],
        "competency_codes": ["M1", "M1", "M2", "M1;M2", "M2", "M1;M2"],
        "max_level": [5, 5, 5, 5, 5, 2],
        "jp": [20.0, 20.0, 8.0, 30.0, 10.0, 16.0],
        "cost_idr": [2_000_000.0, 2_000_000.0, 0.0, 1_000_000.0, 500_000.0, 1_000_000.0],
    }
)
EFFECTS = pd.DataFrame(
    {
        "program_id": ["P-TIE-B", "P-TIE-A", "P-FREE", "P-NEG", "P-CAP", "P-CAP"],
        "competency_code": ["M1", "M1", "M2", "M2", "M1", "M2"],
        "shrunk_effect": [0.4, 0.4, 0.2, -0.3, 0.5, 0.5],
    }
)
SCORES = pd.DataFrame(
    {
        "employee_id": ["e1", "e1", "e2", "e2"],
        "competency_code": ["M1", "M2", "M1", "M2"],
        "need_probability": [0.7, 0.6, 0.2, 0.9],
        "required_level": [3.0, 3.0, 4.0, 2.0],
        "last_level": [float("nan"), 1.5, 3.0, 1.0],
    }
)


def test_ties_free_programmes_and_unknown_effects_rank_alike() -> None:
    none_done = pd.DataFrame({"employee_id": ["e2"], "program_id": ["P-FREE"]})
    frame = rank_programs(candidate_gains(SCORES, CATALOG, EFFECTS, none_done), top=10)
    programs = program_records(CATALOG, EFFECTS)
    assert programs["P-NONE"]["effects"] == {"M1": None, "M2": None}
    one = []
    for employee_id, scores in SCORES.groupby("employee_id"):
        done = set(none_done.loc[none_done["employee_id"] == employee_id, "program_id"])
        for row in rank_for_employee(_needs(scores), programs, done, top=10):
            one.append({"employee_id": employee_id, **row})
    _assert_same(pd.DataFrame(one), frame)
    e1 = [r["program_id"] for r in one if r["employee_id"] == "e1"]
    # free first (infinite gain per rupiah); equal ties in programme-id order; no gain from a
    # harmful programme or one without history
    assert e1[0] == "P-FREE" and math.isinf(one[0]["gain_per_million_idr"])
    assert e1.index("P-TIE-A") < e1.index("P-TIE-B")
    assert "P-NEG" not in e1 and "P-NONE" not in e1
    # e2: level 3 in M1 leaves a max_level-2 programme no headroom there; only M2 counts
    e2 = {r["program_id"]: r for r in one if r["employee_id"] == "e2"}
    assert e2["P-CAP"]["competency_code"] == "M2"
    assert e2["P-CAP"]["expected_gain"] == pytest.approx(0.9 * 0.5 * 1.0)


def test_no_needs_no_programmes() -> None:
    programs = program_records(CATALOG, EFFECTS)
    assert rank_for_employee({}, programs, set()) == []
    assert rank_for_employee({"M1": (0.0, 1.0, 3.0)}, programs, set()) == []
    assert rank_for_employee({"M1": (0.9, 1.0, 3.0)}, programs, set(), top=0) == []
