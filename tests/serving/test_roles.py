"""The role matrix: which role may call which route, from the table below (written out here, not
read from ml.serving.roles.GRANTS, so that a change to the grants has to change this table)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from ml.store import ReviewTrail
from ml.store.keys import ROLES, Keys
from ml.store.plans import Actor, Plans
from tests.serving.conftest import Home

Call = Callable[[TestClient, dict[str, str], dict[str, Any]], httpx.Response]

ROUTES: dict[str, Call] = {
    "profile": lambda c, h, x: c.get(f"/api/v1/employees/{x['employee']}/profile", headers=h),
    "recommendations": lambda c, h, x: c.get(
        f"/api/v1/employees/{x['employee']}/recommendations", headers=h
    ),
    "training-plan": lambda c, h, x: c.post(
        f"/api/v1/units/{x['unit']}/training-plan", headers=h, json={"budget_idr": 5e6}
    ),
    "search": lambda c, h, x: c.get("/api/v1/employees", headers=h, params={"q": x["name"]}),
    "units": lambda c, h, x: c.get("/api/v1/units", headers=h),
    "flags": lambda c, h, x: c.get("/api/v1/fairness/flags", headers=h),
    "review": lambda c, h, x: c.post(
        f"/api/v1/fairness/flags/{x['flag']}/reviews",
        headers=h,
        json={"decision": "NEEDS_INFO", "reason": "the rater's unit to explain"},
    ),
    "models": lambda c, h, x: c.get("/api/v1/models", headers=h),
    "reload": lambda c, h, x: c.post("/api/v1/models/reload", headers=h),
    "create-plan": lambda c, h, x: c.post(
        "/api/v1/plans", headers=h, json={"unit_id": x["unit"], "budget_idr": 2e6}
    ),
    "plans": lambda c, h, x: c.get("/api/v1/plans", headers=h),
    "plan": lambda c, h, x: c.get(f"/api/v1/plans/{x['plan']}", headers=h),
    "compare-plans": lambda c, h, x: c.get(
        f"/api/v1/plans/{x['plan']}/compare/{x['plan']}", headers=h
    ),
    "export-plan": lambda c, h, x: c.get(f"/api/v1/plans/{x['plan']}/export", headers=h),
}

#                    planner  committee  data-scientist  admin
EXPECTED: dict[str, tuple[int, int, int, int]] = {
    "profile":         (200,    200,       403,            200),
    "recommendations": (200,    200,       403,            200),
    "training-plan":   (200,    403,       403,            200),
    "search":          (200,    200,       403,            200),
    "units":           (200,    403,       403,            200),
    "flags":           (403,    200,       403,            403),
    "review":          (403,    201,       403,            403),
    "models":          (403,    403,       200,            200),
    "reload":          (403,    403,       200,            200),
    "create-plan":     (201,    403,       403,            201),
    "plans":           (200,    403,       403,            200),
    "plan":            (200,    403,       403,            200),
    "compare-plans":   (200,    403,       403,            200),
    "export-plan":     (200,    403,       403,            200),
}  # fmt: skip
COLUMNS = ("planner", "committee", "data-scientist", "admin")
CASES = [
    (route, role, status)
    for route, statuses in EXPECTED.items()
    for role, status in zip(COLUMNS, statuses, strict=True)
]


def test_the_table_covers_every_role_and_route() -> None:
    assert set(COLUMNS) == set(ROLES)
    assert set(EXPECTED) == set(ROUTES)


@pytest.fixture(scope="module")
def subjects(home: Home, employee_id: str, unit_id: str) -> dict[str, Any]:
    flag = ReviewTrail.from_url(home.settings.store_url, upgrade=False).flags(limit=1).items[0]
    name = home.records[employee_id].profile["name"]
    # a saved plan of the unit, made by a planner key of its own
    planner = Keys.from_url(home.settings.store_url).create("planner", "role matrix")
    plan = Plans.from_url(home.settings.store_url).save(
        unit_id=unit_id, agency_id=None, unit_name=None, inputs={"budget_idr": 1e6},
        result={"assignments": [], "total_cost": 0.0},
        author=Actor("role matrix", planner.info.key_id),
    )  # fmt: skip
    return {
        "employee": employee_id,
        "unit": unit_id,
        "flag": flag.flag_id,
        "name": name,
        "plan": plan.plan_id,
    }


@pytest.mark.parametrize(("route", "role", "status"), CASES)
def test_role_matrix(
    client: TestClient,
    headers: dict[str, dict[str, str]],
    subjects: dict[str, Any],
    route: str,
    role: str,
    status: int,
) -> None:
    response = ROUTES[route](client, headers[role], subjects)
    assert response.status_code == status, response.text
    if status == 403:
        assert f"role {role!r} may not" in response.json()["detail"]


@pytest.mark.parametrize("role", COLUMNS)
def test_protected_attributes_only_for_the_committee(
    client: TestClient,
    headers: dict[str, dict[str, str]],
    subjects: dict[str, Any],
    role: str,
) -> None:
    response = ROUTES["profile"](client, headers[role], subjects)
    if role == "data-scientist":
        assert response.status_code == 403
        return
    protected = response.json().get("protected")
    if role == "committee":
        assert protected is not None and {"gender", "birth_year", "age_band"} <= set(protected)
    else:
        assert protected is None
        assert "gender" not in response.text and "birth_year" not in response.text


@pytest.mark.parametrize("role", COLUMNS)
def test_names_only_for_the_roles_that_read_employees(
    client: TestClient,
    headers: dict[str, dict[str, str]],
    subjects: dict[str, Any],
    home: Home,
    role: str,
) -> None:
    """A planner sees the person's name (profile and search); a data scientist sees none."""
    full_name = home.records[subjects["employee"]].profile["full_name"]
    assert full_name
    for route in ("profile", "search"):
        response = ROUTES[route](client, headers[role], subjects)
        if role == "data-scientist":
            assert response.status_code == 403 and subjects["name"] not in response.text
        else:
            assert response.status_code == 200 and full_name in response.text


@pytest.mark.parametrize("role", COLUMNS)
def test_flags_only_for_the_committee(
    client: TestClient,
    headers: dict[str, dict[str, str]],
    subjects: dict[str, Any],
    role: str,
) -> None:
    response = ROUTES["flags"](client, headers[role], subjects)
    if role == "committee":
        assert response.status_code == 200 and response.json()["data"]
    else:
        assert response.status_code == 403
        assert "data" not in response.json()


def test_the_roles_that_see_protected_attributes_are_the_owners_list() -> None:
    """ml.contract.protected decides who may see protected attributes; the grants agree."""
    from ml.contract import protected
    from ml.serving.roles import Permission, roles_with

    assert set(roles_with(Permission.READ_PROTECTED)) == protected.VISIBLE_TO
