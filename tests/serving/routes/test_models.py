"""GET /api/v1/models and POST /api/v1/models/reload: the registry as it stands, and a hot
reload that swaps the champion without failing a request in flight."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from ml.serving.state import ServingState
from ml.training.gates import Gates
from ml.training.registry import APPRAISAL_MODEL, CHALLENGER, CHAMPION, NEED_MODEL, promote
from tests.serving.conftest import Home

MODELS = "/api/v1/models"
RELOAD = "/api/v1/models/reload"
RECOMMENDATIONS = "/api/v1/employees/{}/recommendations"


# Gates a 1,500-employee model passes (the default ones are sized for 10,000; see
# tests/serving/conftest.py): test ROC AUC and beating the baseline only.
LENIENT = Gates(
    max_test_ece=None,
    max_oracle_gap=None,
    max_achievable_gap=None,
    max_equalized_odds_difference=None,
    min_appraisal_r2=None,
)


@pytest.fixture
def second_version(home: Home, state: ServingState) -> Iterator[str]:
    """A second talenta-need version, promoted to ``champion`` through ``promote``. It is the
    first one's artifacts registered again under the same run: for a reload that is as good as
    a retrained model, and seconds faster. Afterwards the first version is champion again and
    serving."""
    registry = home.client
    first = registry.get_model_version(NEED_MODEL, home.need_version)
    made = registry.create_model_version(NEED_MODEL, source=first.source, run_id=first.run_id)
    assert promote(registry, str(made.version), LENIENT).promoted
    try:
        yield str(made.version)
    finally:
        registry.set_registered_model_alias(NEED_MODEL, CHAMPION, home.need_version)
        state.models.reload()
        assert state.models.current is not None
        assert state.models.current.version == home.need_version


def test_the_models_are_the_registry_s(
    client: TestClient, home: Home, scientist: dict[str, str]
) -> None:
    response = client.get(MODELS, headers=scientist)
    assert response.status_code == 200, response.text
    body = response.json()
    registry = home.client
    champion = registry.get_model_version_by_alias(NEED_MODEL, CHAMPION)
    assert body["serving"]["model"] == {
        "name": NEED_MODEL,
        "version": str(champion.version),
        "alias": CHAMPION,
        "run_id": champion.run_id,
    }
    assert [m["name"] for m in body["data"]] == [NEED_MODEL, APPRAISAL_MODEL]
    assert body["count"] == 2
    need, appraisal = body["data"]
    numbers = [int(v["version"]) for v in need["versions"]]
    assert numbers == sorted(numbers, reverse=True)  # newest first
    served = next(v for v in need["versions"] if v["version"] == str(champion.version))
    assert CHAMPION in served["aliases"]
    run = registry.get_run(home.run_id)
    assert served["metrics"]["test_roc_auc"] == pytest.approx(run.data.metrics["test_roc_auc"])
    assert served["run_id"] == home.run_id
    first = next(v for v in appraisal["versions"] if v["version"] == home.appraisal_version)
    assert {CHAMPION, CHALLENGER} <= set(first["aliases"])
    assert first["tags"]["partner_version"] == home.need_version


def test_reload_serves_the_version_promoted_since(
    client: TestClient,
    state: ServingState,
    scientist: dict[str, str],
    planner: dict[str, str],
    employee_id: str,
    second_version: str,
) -> None:
    before = state.models.current
    assert before is not None and before.version != second_version
    response = client.post(RELOAD, headers=scientist)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"]["version"] == second_version
    assert body["model"]["name"] == NEED_MODEL and body["model"]["alias"] == CHAMPION
    assert datetime.fromisoformat(body["loaded_at"]) > before.loaded_at
    served = client.get(MODELS, headers=scientist).json()["serving"]["model"]
    assert served["version"] == second_version
    answered = client.get(RECOMMENDATIONS.format(employee_id), headers=planner).json()
    assert answered["model"]["version"] == second_version
    assert f"v{second_version} " in client.get("/ready").json()["checks"][1]["detail"]


def test_requests_in_flight_during_reloads_all_succeed(
    client: TestClient,
    home: Home,
    scientist: dict[str, str],
    planner: dict[str, str],
    employee_id: str,
    second_version: str,
) -> None:
    url = RECOMMENDATIONS.format(employee_id)
    done = threading.Event()
    answered = threading.Semaphore(0)  # released once per answer

    def hammer() -> list[tuple[int, str | None]]:
        answers = []
        while not done.is_set():
            response = client.get(url, headers=planner, params={"programs": 3})
            version = response.json()["model"]["version"] if response.status_code == 200 else None
            answers.append((response.status_code, version))
            answered.release()
        return answers

    def answers_go_on(n: int = 8) -> None:
        for _ in range(n):
            assert answered.acquire(timeout=30), "the requests stopped"

    registry = home.client
    reloaded = []
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(hammer) for _ in range(4)]
        try:
            answers_go_on()
            for version in (second_version, home.need_version, second_version):
                registry.set_registered_model_alias(NEED_MODEL, CHAMPION, version)
                response = client.post(RELOAD, headers=scientist)
                assert response.status_code == 200, response.text
                reloaded.append(response.json()["model"]["version"])
                answers_go_on()  # requests before, during and after each swap
        finally:
            done.set()
        answers = [a for f in futures for a in f.result()]
    assert reloaded == [second_version, home.need_version, second_version]
    assert {status for status, _ in answers} == {200}
    assert {version for _, version in answers} == {home.need_version, second_version}
    final = client.get(url, headers=planner).json()["model"]["version"]
    assert final == second_version


def test_a_failed_reload_keeps_the_old_model_serving(
    client: TestClient,
    home: Home,
    state: ServingState,
    admin: dict[str, str],
    employee_id: str,
) -> None:
    registry = home.client
    registry.delete_registered_model_alias(NEED_MODEL, CHAMPION)
    try:
        response = client.post(RELOAD, headers=admin)
    finally:
        registry.set_registered_model_alias(NEED_MODEL, CHAMPION, home.need_version)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "previous model keeps serving" in detail and CHAMPION in detail
    answered = client.get(RECOMMENDATIONS.format(employee_id), headers=admin)
    assert answered.status_code == 200
    assert answered.json()["model"]["version"] == home.need_version
    assert client.get("/ready").status_code == 200
    assert client.post(RELOAD, headers=admin).status_code == 200  # the alias back: loads again
    assert state.models.error is None


@pytest.mark.parametrize("role", ["planner", "committee"])
def test_roles_without_models_are_403(
    client: TestClient, headers: dict[str, dict[str, str]], role: str
) -> None:
    listed = client.get(MODELS, headers=headers[role])
    reloaded = client.post(RELOAD, headers=headers[role])
    assert listed.status_code == reloaded.status_code == 403
    assert "read models" in listed.json()["detail"]
    assert "reload models" in reloaded.json()["detail"]


def test_models_without_a_key_are_401(client: TestClient) -> None:
    assert client.get(MODELS).status_code == 401
    assert client.post(RELOAD).status_code == 401
