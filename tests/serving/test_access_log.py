"""The access log (UU 27/2022): each read of personal data appends one row naming the key, its
role, the request and the subject; refused requests and reads of no personal data leave none."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ml.serving.state import ServingState
from ml.store import ReviewTrail
from ml.store.models import AccessEntry
from tests.serving.conftest import Home, bearer


def _newest(state: ServingState) -> int:
    with state.engine.connect() as connection:
        return connection.scalar(select(func.max(AccessEntry.id))) or 0


def _since(state: ServingState, newest: int) -> list[AccessEntry]:
    with state.engine.connect() as connection:
        rows = connection.execute(
            select(AccessEntry).where(AccessEntry.id > newest).order_by(AccessEntry.id)
        )
        return list(rows)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def flag_id(home: Home) -> str:
    trail = ReviewTrail.from_url(home.settings.store_url, upgrade=False)
    return trail.flags(limit=1).items[0].flag_id


READS: list[tuple[str, str, str, str | None]] = [
    # role, method and path template, subject kind, subject key
    ("planner", "GET /api/v1/employees/{employee}/profile", "employee", "employee"),
    ("committee", "GET /api/v1/employees/{employee}/recommendations", "employee", "employee"),
    ("admin", "POST /api/v1/units/{unit}/training-plan", "unit", "unit"),
    ("committee", "GET /api/v1/fairness/flags", "flags", None),
    ("committee", "POST /api/v1/fairness/flags/{flag}/reviews", "flag", "flag"),
]
BODIES: dict[str, Any] = {
    "unit": {"budget_idr": 5e6},
    "flag": {"decision": "NEEDS_INFO", "reason": "asked the unit for the KPI evidence"},
}


@pytest.mark.parametrize(("role", "request_line", "kind", "subject"), READS)
def test_each_read_appends_one_row(
    client: TestClient,
    state: ServingState,
    home: Home,
    headers: dict[str, dict[str, str]],
    employee_id: str,
    unit_id: str,
    flag_id: str,
    role: str,
    request_line: str,
    kind: str,
    subject: str | None,
) -> None:
    subjects = {"employee": employee_id, "unit": unit_id, "flag": flag_id}
    method, template = request_line.split(" ")
    path = template.format(**subjects)
    newest = _newest(state)
    response = client.request(method, path, headers=headers[role], json=BODIES.get(subject or ""))
    assert response.status_code in (200, 201), response.text
    rows = _since(state, newest)
    assert len(rows) == 1
    row = rows[0]
    assert row.key_id == home.key_ids[role]
    assert row.role == role
    assert row.action == f"{method} {path}"
    assert row.subject_kind == kind
    assert row.subject_id == (None if subject is None else subjects[subject])
    assert row.at is not None


def test_the_server_s_keys_read_the_log_back_newest_first(
    client: TestClient, state: ServingState, planner: dict[str, str], employee_id: str
) -> None:
    for _ in range(2):
        client.get(f"/api/v1/employees/{employee_id}/profile", headers=planner)
    records = state.keys.access_log(subject_kind="employee", subject_id=employee_id, limit=2)
    assert len(records) == 2
    assert records[0].at >= records[1].at
    assert {r.subject_id for r in records} == {employee_id}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("nobody", 401),
        ("malformed", 401),
        ("revoked", 401),
        ("data-scientist", 403),
    ],
)
def test_a_refused_request_leaves_no_read_row(
    client: TestClient,
    state: ServingState,
    home: Home,
    headers: dict[str, dict[str, str]],
    employee_id: str,
    who: str,
    status: int,
) -> None:
    sent = {
        "nobody": {},
        "malformed": bearer("tal_broken"),
        "revoked": bearer(home.revoked),
        "data-scientist": headers["data-scientist"],
    }[who]
    newest = _newest(state)
    for path in (
        f"/api/v1/employees/{employee_id}/profile",
        f"/api/v1/employees/{employee_id}/recommendations",
        "/api/v1/fairness/flags",
    ):
        assert client.get(path, headers=sent).status_code == status
    assert _since(state, newest) == []


def test_planner_refused_the_flags_leaves_no_row(
    client: TestClient, state: ServingState, planner: dict[str, str], flag_id: str
) -> None:
    newest = _newest(state)
    assert client.get("/api/v1/fairness/flags", headers=planner).status_code == 403
    response = client.post(
        f"/api/v1/fairness/flags/{flag_id}/reviews",
        headers=planner,
        json={"decision": "DISMISSED", "reason": "not mine to decide"},
    )
    assert response.status_code == 403
    assert _since(state, newest) == []


def test_health_ready_and_models_are_not_logged(
    client: TestClient, state: ServingState, headers: dict[str, dict[str, str]]
) -> None:
    newest = _newest(state)
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    for role in ("data-scientist", "admin"):
        assert client.get("/api/v1/models", headers=headers[role]).status_code == 200
    assert _since(state, newest) == []
