"""/health and /ready (no key, no personal data) and the OpenAPI document."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from ml.serving.state import ServingState
from tests.serving.conftest import EMPLOYEES, Home


def test_health_answers_without_a_key(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_store_model_and_snapshot_are_there(client: TestClient, home: Home) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["ready"] is True
    checks = {c["name"]: c for c in body["checks"]}
    assert list(checks) == ["store", "model", "snapshot"]
    assert all(c["ok"] for c in checks.values())
    assert checks["model"]["detail"] == f"talenta-need v{home.need_version} (@champion)"
    assert checks["snapshot"]["detail"] == f"{EMPLOYEES} employees as of {home.as_of:%Y-%m-%d}"


def test_not_ready_on_an_empty_home_and_says_why(empty_client: TestClient) -> None:
    response = empty_client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    checks = {c["name"]: c for c in body["checks"]}
    assert checks["store"]["ok"] is True  # migrated at startup
    assert checks["model"]["ok"] is False
    assert "champion" in checks["model"]["detail"]  # the registry's reason
    assert checks["snapshot"]["ok"] is False
    assert "talenta score" in checks["snapshot"]["detail"]
    assert empty_client.get("/health").status_code == 200  # alive all the same


def test_the_openapi_document_lists_every_route_behind_a_bearer_key(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert {
        "/health",
        "/ready",
        "/api/v1/employees/{employee_id}/profile",
        "/api/v1/employees/{employee_id}/recommendations",
        "/api/v1/units/{unit_id}/training-plan",
        "/api/v1/fairness/flags",
        "/api/v1/fairness/flags/{flag_id}/reviews",
        "/api/v1/models",
        "/api/v1/models/reload",
    } <= set(paths)
    schemes = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    for path, operations in paths.items():
        for operation in operations.values():
            secured = bool(operation.get("security"))
            assert secured == path.startswith("/api/v1/"), path


def test_an_unreachable_store_is_reported_without_its_host_or_user() -> None:
    # /ready answers anyone: the driver's message (host, port, user) stays in the server log
    engine = create_engine(
        "postgresql+psycopg://secretuser@127.0.0.1:9/nodb", connect_args={"connect_timeout": 2}
    )
    try:
        detail = ServingState.store_reachable(SimpleNamespace(engine=engine))  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert detail is not None and detail.startswith("unreachable")
    assert "secretuser" not in detail and "127.0.0.1" not in detail
