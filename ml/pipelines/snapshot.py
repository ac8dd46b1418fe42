"""What ``talenta score`` stores for the API (the API never recomputes features: it serves
what the last scoring run stored): per employee the deterministic profile, the protected
attributes (kept apart, for the merit committee), and the need model's input rows; the catalogue
with programme effects estimated from the history known on the date."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from ml.contract import protected
from ml.features import build_features
from ml.features.pipeline import FeatureSet
from ml.features.point_in_time import Tables
from ml.features.profile import employee_profiles, json_value
from ml.pipelines.directory import DirectoryColumns
from ml.recommend import answer
from ml.recommend.answer import precompute_explanations
from ml.recommend.effects import estimate_program_effects
from ml.recommend.explain import NeedExplainer
from ml.recommend.rank import program_records, recently_completed
from ml.recommend.unit import known_before
from ml.store.snapshots import EmployeeRecord, SnapshotInfo, Snapshots, as_stored
from ml.training.score import require_tables

# Columns of FeatureSet.model_rows that are keys or shown elsewhere, not model inputs.
NOT_STORED = frozenset({"employee_id", "as_of", "last_assessed_on"})


@dataclass(frozen=True)
class Materialised:
    as_of: pd.Timestamp
    employees: list[EmployeeRecord]
    programs: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class StoredSnapshot:
    info: SnapshotInfo
    built: Materialised


def materialise(
    tables: Tables,
    as_of: pd.Timestamp,
    progress: Callable[[str], None] | None = None,
    features: FeatureSet | None = None,
) -> Materialised:
    """Everything the API serves on ``as_of``, built from ``tables`` (protected attributes
    included: they are stored apart, for the committee, and never reach the model rows)."""
    step = progress or (lambda _: None)
    require_tables(
        tables,
        ("position_requirements", "competency_assessments", "trainings", "training_catalog"),
        "serving",
    )
    as_of = pd.Timestamp(as_of)
    if features is None:  # `talenta score` passes the ones it scored with
        features = build_features(tables, as_of, progress=step)
    step("profiles")
    profiles = employee_profiles(tables, features, as_of)
    attributes = protected.records(tables["employees"], as_of.year)
    step("programme effects")
    effects = estimate_program_effects(known_before(tables, as_of))
    programs = program_records(tables["training_catalog"], effects)
    completed = recently_completed(tables["trainings"], as_of)
    done = completed.groupby("employee_id")["program_id"].agg(lambda s: sorted(map(str, s)))
    step("model rows")
    rows = _model_rows(features)
    employee_rows = features.employees[["employee_id", *features.employee_columns]]
    people = {
        str(r[0]): {
            c: input_value(v) for c, v in zip(features.employee_columns, r[1:], strict=True)
        }
        for r in employee_rows.itertuples(index=False)
    }
    records = [
        EmployeeRecord(
            employee_id=profile["employee_id"],
            unit_id=profile["unit_id"],
            profile=profile,
            protected=attributes.get(profile["employee_id"], {}),
            features={
                "employee": people[profile["employee_id"]],
                "competencies": rows.get(profile["employee_id"], []),
                "completed_programs": done.get(profile["employee_id"], []),
            },
        )
        for profile in profiles
    ]
    return Materialised(as_of, records, programs)


@dataclass(frozen=True)
class AnswerModel:
    """The need model whose answers ``talenta score`` stores with the snapshot."""

    name: str
    version: str
    explainer: NeedExplainer


def store_snapshot(
    tables: Tables,
    as_of: pd.Timestamp,
    data_dir: Path,
    store_url: str,
    *,
    features: FeatureSet | None = None,
    model: AnswerModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> StoredSnapshot:
    """Materialise ``tables`` on ``as_of`` and write the snapshot into the store at
    ``store_url`` in one transaction; with ``model``, every employee's recommendation answer
    by that model too, which the API serves while that version is the one loaded."""
    step = progress or (lambda _: None)
    built = materialise(tables, as_of, progress=step, features=features)
    step(f"writing {len(built.employees):,} employees to the store")
    employees: Iterable[EmployeeRecord] = built.employees
    if model is not None:
        step("answers with reasons (exact TreeSHAP) and programmes, for every employee")
        employees = with_answers(built.employees, built.programs, model.explainer)
    info = Snapshots.from_url(store_url).write(
        as_of.date(),
        str(data_dir),
        employees,
        built.programs,
        model=None if model is None else (model.name, model.version),
        directory=DirectoryColumns(),  # the search directory, collected as the rows go by
    )
    return StoredSnapshot(info, built)


def with_answers(
    records: Iterable[EmployeeRecord],
    programs: dict[str, dict[str, Any]],
    explainer: NeedExplainer,
    chunk: int = answer.CHUNK,
) -> Iterator[EmployeeRecord]:
    """``records`` with their answers, a chunk at a time (memory stays bounded however many).

    Computed from the inputs as the store gives them back (JSON, read again), as the API
    computes a live answer: the same numbers in, the same answer out."""
    catalogue = as_stored(programs)
    items = iter(records)
    while block := list(islice(items, chunk)):
        stored = [(r.employee_id, as_stored(r.features), as_stored(r.profile)) for r in block]
        answers = precompute_explanations(
            ((i, f, p["competencies"]) for i, f, p in stored), explainer, catalogue, chunk=chunk
        )
        for record, (employee_id, body) in zip(block, answers, strict=True):
            assert employee_id == record.employee_id
            yield replace(record, answer=body)


def _model_rows(features: FeatureSet) -> dict[str, list[dict[str, Any]]]:
    frame = features.competencies
    columns = [c for c in frame.columns if c not in NOT_STORED]
    out: dict[str, list[dict[str, Any]]] = {}
    for employee_id, *values in frame[["employee_id", *columns]].itertuples(index=False):
        out.setdefault(str(employee_id), []).append(
            {c: input_value(v) for c, v in zip(columns, values, strict=True)}
        )
    return out


def input_value(value: Any) -> Any:
    """A model input as a JSON value, unrounded. A rounded input is not the model's input:
    LightGBM tells 0 from 3e-8 (its zero threshold is 1e-35), and a value moved across a split
    threshold changes the need probability, so the API would not answer as ``talenta score``
    does for the same employee."""
    return json_value(value, digits=None)
