"""Answers precomputed by ``talenta score`` and stored with the snapshot: served as stored while
the model that scored is the one loaded, and the same answer the API computes live for the same
employee and model, on SQLite and on PostgreSQL; after a promotion to another version, live
again until the next score."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from ml.contract.schemas import ALL_COLUMNS
from ml.features import build_features
from ml.features.io import load_tables
from ml.features.pipeline import FeatureSet
from ml.pipelines.snapshot import AnswerModel, store_snapshot
from ml.recommend import answer
from ml.recommend.answer import precompute_explanations
from ml.recommend.explain import NeedExplainer
from ml.serving import service
from ml.serving.app import create_app
from ml.serving.state import ServingState, build_state
from ml.store import session_factory
from ml.store.database import scratch_schema
from ml.store.models import SnapshotEmployee
from ml.store.snapshots import as_stored
from ml.training.registry import CHAMPION, NEED_MODEL, load_model
from tests.serving.conftest import Home, bearer, mlflow_environment_kept
from tests.store.conftest import POSTGRES_URL, _postgres_unreachable

RECOMMENDATIONS = "/api/v1/employees/{}/recommendations"
SAMPLE = 40  # employees compared per engine, besides the fixture's


@pytest.fixture(scope="module")
def explainer(home: Home) -> NeedExplainer:
    bundle, _ = load_model(home.client, NEED_MODEL, CHAMPION)
    return NeedExplainer(bundle)


@pytest.fixture(scope="module")
def features(home: Home) -> tuple[dict[str, pd.DataFrame], FeatureSet]:
    tables = load_tables(home.raw, ALL_COLUMNS)
    return tables, build_features(tables, home.as_of)


@pytest.fixture(params=["sqlite", "postgresql"])
def scored(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    home: Home,
    explainer: NeedExplainer,
    features: tuple[dict[str, pd.DataFrame], FeatureSet],
) -> Iterator[tuple[ServingState, str]]:
    """A store of its own holding what `talenta score` writes with the champion (answers
    included), the state serving it with the home's registry, and a planner key there."""

    def serve(url: str) -> Iterator[tuple[ServingState, str]]:
        tables, built = features
        model = AnswerModel(NEED_MODEL, home.need_version, explainer)
        store_snapshot(tables, home.as_of, home.raw, url, features=built, model=model)
        with mlflow_environment_kept():
            state = build_state(home.settings.model_copy(update={"database_url": url}))
        key = state.keys.create("planner", "precomputed")
        try:
            yield state, key.key
        finally:
            state.engine.dispose()

    if request.param == "sqlite":
        yield from serve(f"sqlite:///{tmp_path_factory.mktemp('precomputed') / 'talenta.db'}")
        return
    reason = _postgres_unreachable()
    if reason:
        pytest.skip(reason)
    with scratch_schema(POSTGRES_URL, "t_", "-csynchronous_commit=off") as url:
        yield from serve(url)


def sample(home: Home, employee_id: str) -> list[str]:
    ids = sorted(home.records)
    step = max(len(ids) // SAMPLE, 1)
    return [employee_id, *ids[::step][:SAMPLE]]


def test_the_stored_answer_is_the_live_answer(
    scored: tuple[ServingState, str],
    home: Home,
    client: TestClient,
    planner: dict[str, str],
    employee_id: str,
) -> None:
    """Served from the store by one app, computed live by the session's (whose snapshot holds
    no answers): the same JSON for the same employee and model."""
    state, key = scored
    served = state.served()
    assert served is not None and served.info.model_version == home.need_version
    loaded = state.models.current
    assert loaded is not None and loaded.version == home.need_version
    with TestClient(create_app(home.settings, state=state)) as stored_client:
        for person in sample(home, employee_id):
            record = state.snapshots.employee(served.info.snapshot_id, person)
            assert record is not None and record.answer is not None
            stored = stored_client.get(RECOMMENDATIONS.format(person), headers=bearer(key))
            assert stored.status_code == 200
            # the bytes sent are the stored ones behind the header, not a re-serialisation
            assert stored.content == service.stored_recommendations(state, served, loaded, person)
            live = client.get(RECOMMENDATIONS.format(person), headers=planner)
            assert live.status_code == 200
            assert stored.json() == live.json()
            assert stored.json()["competencies"][0]["reasons"]  # reasons were stored


def _tamper(state: ServingState, snapshot_id: str, employee_id: str, body: dict[str, Any]) -> None:
    with session_factory(state.engine).begin() as session:
        session.execute(
            update(SnapshotEmployee)
            .where(
                SnapshotEmployee.snapshot_id == snapshot_id,
                SnapshotEmployee.employee_id == employee_id,
            )
            .values(answer=orjson.dumps(body))
        )


def test_the_route_serves_what_is_stored_only_for_the_model_that_scored(
    scored: tuple[ServingState, str], home: Home, employee_id: str
) -> None:
    """A marker stored in place of one answer shows which path answered: the stored one while
    the scoring version serves and the defaults are asked; live after a promotion to another
    version (until the next score) and for other programme or reason counts."""
    state, key = scored
    served = state.served()
    assert served is not None
    marker = {"competencies": [], "programs": []}
    _tamper(state, served.info.snapshot_id, employee_id, marker)
    url = RECOMMENDATIONS.format(employee_id)
    with TestClient(create_app(home.settings, state=state)) as app_client:
        got = app_client.get(url, headers=bearer(key)).json()
        assert got["competencies"] == [] and got["model"]["version"] == home.need_version

        more = app_client.get(url, params={"reasons": 5}, headers=bearer(key)).json()
        assert more["competencies"] and len(more["competencies"][0]["reasons"]) == 5

        # another version promoted and loaded: the stored answers are not its answers
        loaded = state.models.current
        assert loaded is not None
        state.models._current = replace(loaded, version=f"{loaded.version}0")
        try:
            live = app_client.get(url, headers=bearer(key)).json()
        finally:
            state.models._current = loaded
        assert live["competencies"] and live["model"]["version"] == f"{loaded.version}0"
        assert len(live["competencies"][0]["reasons"]) == answer.REASONS


def test_a_snapshot_stored_without_a_model_answers_live(home: Home) -> None:
    """The session's snapshot (stored without answers) names no model."""
    with mlflow_environment_kept():
        state = build_state(home.settings)
    try:
        served = state.served()
        assert served is not None
        assert served.info.model_name is None and served.info.model_version is None
    finally:
        state.engine.dispose()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chunk=st.integers(min_value=1, max_value=60), start=st.integers(0, 1400))
def test_answers_do_not_depend_on_the_employees_explained_beside(
    home: Home, explainer: NeedExplainer, chunk: int, start: int
) -> None:
    """Many employees per model call ahead of time, one per request live: the same bytes."""
    ids = sorted(home.records)[start : start + 25]
    programs = as_stored(home.programs)
    people = [
        (i, as_stored(home.records[i].features), as_stored(home.records[i].profile)) for i in ids
    ]
    batched = dict(
        precompute_explanations(
            ((i, f, p["competencies"]) for i, f, p in people), explainer, programs, chunk=chunk
        )
    )
    assert list(batched) == ids
    for i, f, p in people:
        one = answer.answer(f, p["competencies"], explainer, programs)
        assert json.loads(batched[i]) == json.loads(orjson.dumps(one))
        assert batched[i] == orjson.dumps(one)
