"""Ranking catalogue programmes for an employee: expected gap closure per rupiah and per JP.

For employee e and programme p, the expected gain is the sum over the competencies c that p
targets of

    P(need in c) × effect(p, c) × headroom,   headroom = clip(max_level(p) − level(c), 0, 1)

the need probability from the training-need model, the programme's effect on c estimated from
training history (:mod:`ml.recommend.effects`), and the headroom the programme's ``max_level``
leaves above the employee's level (a programme for pengawas cannot lift anyone beyond level 3).
The level is the last assessed one, or one below the requirement when unknown: a competency
with a need is below it. Programmes the employee completed in the last three years are never
offered again.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ml.contract.codes import TrainingStatus
from ml.recommend.effects import program_links

REPEAT_YEARS = 3
RANK_COLUMNS = [
    "employee_id", "program_id", "title", "competency_code", "expected_gain", "cost_idr", "jp",
    "gain_per_million_idr", "gain_per_jp", "rank",
]  # fmt: skip


def recently_completed(trainings: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """(employee_id, program_id) completed within ``REPEAT_YEARS`` before ``as_of``."""
    since = as_of - pd.DateOffset(years=REPEAT_YEARS)
    done = trainings[
        (trainings["status"].astype("str") == TrainingStatus.COMPLETED)
        & (trainings["end_date"] > since)
        & (trainings["end_date"] <= as_of)
    ]
    return done[["employee_id", "program_id"]].drop_duplicates()


def candidate_gains(
    scores: pd.DataFrame,
    catalog: pd.DataFrame,
    effects: pd.DataFrame,
    completed: pd.DataFrame,
) -> pd.DataFrame:
    """One row per (employee, programme) with any expected gain: the needed competencies it
    targets (";"-joined, largest gain first), the summed expected gain, cost and JP.

    ``scores``: employee_id, competency_code, need_probability, required_level, last_level
    (``talenta score``); ``effects``: program_id, competency_code, shrunk_effect.
    """
    links = program_links(catalog)[
        ["program_id", "title", "competency_code", "max_level", "cost_idr", "jp"]
    ]
    links = links.merge(
        effects[["program_id", "competency_code", "shrunk_effect"]],
        on=["program_id", "competency_code"],
        how="left",
    )
    rows = scores[
        ["employee_id", "competency_code", "need_probability", "required_level", "last_level"]
    ].merge(links, on="competency_code", how="inner")
    level = rows["last_level"].fillna(rows["required_level"] - 1).to_numpy(float)
    headroom = np.clip(rows["max_level"].to_numpy(float) - level, 0.0, 1.0)
    effect = np.clip(rows["shrunk_effect"].fillna(0.0).to_numpy(float), 0.0, None)
    rows["gain"] = rows["need_probability"].to_numpy(float) * effect * headroom
    rows = rows[rows["gain"] > 0]
    rows = rows.merge(completed.assign(_done=True), on=["employee_id", "program_id"], how="left")
    rows = rows[rows["_done"].isna()]
    # largest gain first; equal gains by competency code, so the order does not depend on the
    # order of the input rows (rank_for_employee orders them alike)
    rows = rows.sort_values(
        ["employee_id", "program_id", "gain", "competency_code"],
        ascending=[True, True, False, True],
    )
    pairs = rows.groupby(["employee_id", "program_id"], sort=False).agg(
        title=("title", "first"),
        competency_code=("competency_code", ";".join),
        expected_gain=("gain", "sum"),
        cost_idr=("cost_idr", "first"),
        jp=("jp", "first"),
    )
    return pairs.reset_index()


def rank_programs(candidates: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Each employee's ``top`` programmes by expected gain per rupiah (ties: per JP)."""
    ranked = candidates.assign(
        gain_per_million_idr=candidates["expected_gain"] / (candidates["cost_idr"] / 1e6),
        gain_per_jp=candidates["expected_gain"] / candidates["jp"],
    )
    cheap = ~np.isfinite(ranked["gain_per_million_idr"])  # a free programme ranks first
    ranked.loc[cheap, "gain_per_million_idr"] = np.inf
    ranked = ranked.sort_values(
        ["employee_id", "gain_per_million_idr", "gain_per_jp"], ascending=[True, False, False]
    )
    ranked["rank"] = ranked.groupby("employee_id").cumcount() + 1
    return ranked[ranked["rank"] <= top][RANK_COLUMNS].reset_index(drop=True)


def rank_for_employee(
    needs: Mapping[str, tuple[float, float | None, float]],
    programs: Mapping[str, Mapping[str, Any]],
    completed: Collection[str],
    top: int | None = 5,
) -> list[dict[str, Any]]:
    """One employee's ``top`` programmes (every candidate for None): :func:`candidate_gains`
    then :func:`rank_programs` for a single employee, in plain Python (a request answers in
    well under a millisecond where the frame version takes several).

    ``needs``: competency code → (need probability, last level or None, required level);
    ``programs``: programme id → title, cost_idr, jp, max_level and ``effects`` (competency code →
    shrunk effect), as :func:`program_records` gives; ``completed``: programmes done in the last
    ``REPEAT_YEARS``.
    """
    candidates = []
    for program_id in sorted(programs):  # the frame version's tie order
        program = programs[program_id]
        if program_id in completed:
            continue
        gains = []
        for code, effect in program["effects"].items():
            if code not in needs or effect is None or effect <= 0:
                continue
            probability, level, required = needs[code]
            base = required - 1 if level is None else level
            headroom = min(max(float(program["max_level"]) - base, 0.0), 1.0)
            gain = probability * effect * headroom
            if gain > 0:
                gains.append((gain, code))
        if not gains:
            continue
        gains.sort(key=lambda g: (-g[0], g[1]))  # as candidate_gains: ties by code
        total = sum(g for g, _ in gains)
        cost, jp = float(program["cost_idr"]), float(program["jp"])
        per_million = total / (cost / 1e6) if cost > 0 else math.inf
        candidates.append(
            {
                "program_id": program_id,
                "title": program["title"],
                "competency_code": ";".join(code for _, code in gains),
                "expected_gain": total,
                "cost_idr": cost,
                "jp": jp,
                "gain_per_million_idr": per_million,
                "gain_per_jp": total / jp if jp > 0 else math.inf,
            }
        )
    candidates.sort(key=lambda c: (-c["gain_per_million_idr"], -c["gain_per_jp"]))
    return [{**c, "rank": i + 1} for i, c in enumerate(candidates[:top])]


def program_records(catalog: pd.DataFrame, effects: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per programme: its catalogue entry and its shrunk effect on each competency it targets
    (None where history tells nothing), the input of :func:`rank_for_employee`."""
    links = program_links(catalog).merge(
        effects[["program_id", "competency_code", "shrunk_effect"]],
        on=["program_id", "competency_code"],
        how="left",
    )
    out: dict[str, dict[str, Any]] = {}
    columns = ["program_id", "title", "cost_idr", "jp", "max_level", "competency_code"]
    for *entry, effect in links[[*columns, "shrunk_effect"]].itertuples(index=False, name=None):
        program_id, title, cost, jp, max_level, code = entry
        program = out.setdefault(
            str(program_id),
            {
                "title": str(title),
                "cost_idr": float(cost),
                "jp": float(jp),
                "max_level": float(max_level),
                "effects": {},
            },
        )
        program["effects"][str(code)] = None if pd.isna(effect) else float(effect)
    return out
