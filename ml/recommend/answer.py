"""An employee's recommendation answer: per required competency the need probability beside the
deterministic gap with its exact TreeSHAP reasons, and the ranked programmes.

One function builds it, for both paths that give it: the API live (one employee, the model
loaded now) and ``talenta score`` ahead of time (every employee, the model it scored with), whose
answers are stored with the snapshot as JSON bytes and served as they are. Built by the same code
from the same stored inputs, the two are the same answer (tests/serving/test_precomputed.py).

Inputs are what the snapshot stores for an employee: ``features`` (``{"employee": {...},
"competencies": [...], "completed_programs": [...]}``) and the profile's ``competencies``
(names and deterministic gaps).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

import orjson

from ml.recommend.explain import Explained, NeedExplainer
from ml.recommend.rank import rank_for_employee

# The answer stored ahead of time: the API's defaults (?programs=5&reasons=3). Other choices
# are answered live.
PROGRAMS = 5
REASONS = 3
# employees explained per model call ahead of time: one pred_contrib call over a few thousand
# rows instead of one per employee, in bounded memory
CHUNK = 500

Employee = tuple[str, Mapping[str, Any], Sequence[Mapping[str, Any]]]  # id, features, shown


def model_rows(features: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The need model's input rows: the employee's features beside each competency's."""
    person = features["employee"]
    return [{**person, **row} for row in features["competencies"]]


def needs_of(
    rows: Sequence[Mapping[str, Any]], probabilities: Sequence[float]
) -> dict[str, tuple[float, float | None, float]]:
    """What :func:`~ml.recommend.rank.rank_for_employee` reads: competency code → (need
    probability, last level, required level), for the competencies with a requirement."""
    return {
        row["competency_code"]: (p, row.get("last_level"), row["required_level"])
        for row, p in zip(rows, probabilities, strict=True)
        if row.get("required_level") is not None
    }


def assemble(
    features: Mapping[str, Any],
    shown: Sequence[Mapping[str, Any]],
    rows: Sequence[Mapping[str, Any]],
    explained: Sequence[Explained],
    catalogue: Mapping[str, Mapping[str, Any]],
    programs: int,
) -> dict[str, Any]:
    """``{"competencies": [...], "programs": [...]}`` from the model's explanations of ``rows``
    (most likely need first), in the API's shape (``RecommendationsPublic`` without its
    header: employee, date, model)."""
    names = {c["competency_code"]: c for c in shown}
    competencies = []
    for row, why in zip(rows, explained, strict=True):
        code = row["competency_code"]
        known = names.get(code, {})
        competencies.append(
            {
                "competency_code": code,
                "name": known.get("name", code),
                "required_level": row.get("required_level"),
                "last_level": row.get("last_level"),
                "gap": known.get("gap"),
                "gap_known": known.get("gap") is not None,
                "need_probability": why.need_probability,
                "log_odds": why.log_odds,
                "baseline": why.baseline,
                "reasons": [
                    {
                        "feature": r.feature,
                        "label": r.label,
                        "value": r.value,
                        "contribution": r.contribution,
                    }
                    for r in why.reasons
                ],
                "other": why.other,
            }
        )
    competencies.sort(key=lambda c: -c["need_probability"])
    needs = needs_of(rows, [why.need_probability for why in explained])
    ranked = rank_for_employee(needs, catalogue, set(features["completed_programs"]), top=programs)
    return {"competencies": competencies, "programs": [program_public(p) for p in ranked]}


def answer(
    features: Mapping[str, Any],
    shown: Sequence[Mapping[str, Any]],
    explainer: NeedExplainer,
    catalogue: Mapping[str, Mapping[str, Any]],
    programs: int = PROGRAMS,
    reasons: int = REASONS,
) -> dict[str, Any]:
    """One employee's answer, live."""
    rows = model_rows(features)
    return assemble(features, shown, rows, explainer.explain(rows, k=reasons), catalogue, programs)


def precompute_explanations(
    employees: Iterable[Employee],
    explainer: NeedExplainer,
    catalogue: Mapping[str, Mapping[str, Any]],
    programs: int = PROGRAMS,
    reasons: int = REASONS,
    chunk: int = CHUNK,
) -> Iterator[tuple[str, bytes]]:
    """Every employee's answer as serialised JSON, ``(employee_id, bytes)`` in the order given.

    The model explains ``chunk`` employees' rows per call: LightGBM's contributions of a row do
    not depend on the rows beside it, so the answers are those of :func:`answer`, one employee
    at a time."""
    items = iter(employees)
    while block := list(islice(items, chunk)):
        rows = [model_rows(features) for _, features, _ in block]
        explained = iter(explainer.explain([r for own in rows for r in own], k=reasons))
        for (employee_id, features, shown), own in zip(block, rows, strict=True):
            why = [next(explained) for _ in own]
            built = assemble(features, shown, own, why, catalogue, programs)
            yield employee_id, orjson.dumps(built)


def program_public(p: Mapping[str, Any]) -> dict[str, Any]:
    """A ranked programme as the API shows it (infinite ratios, a free programme's, as null)."""
    finite = {
        k: (p[k] if math.isfinite(p[k]) else None) for k in ("gain_per_million_idr", "gain_per_jp")
    }
    return {
        "rank": p["rank"],
        "program_id": p["program_id"],
        "title": p["title"],
        "competency_codes": p["competency_code"].split(";"),
        "expected_gain": p["expected_gain"],
        "cost_idr": p["cost_idr"],
        "jp": p["jp"],
        **finite,
    }
