"""Agency scope: a planner bound to one agency gets 403/404 on every employee, unit and plan of
another — on every route of the API and every page that takes such an id. The routes are read
from the app itself, so a route added later is covered without touching this file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from ml.serving.app import create_app
from ml.store.keys import Keys
from tests.serving.conftest import Home, bearer

SUBJECT_PARAMS = {"employee_id", "unit_id", "plan_id", "other_id"}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _routes() -> list[tuple[str, str, bool]]:
    """(path, method, is_api) of every route that names an employee, a unit or a plan."""
    out = []
    for path, methods in _all_routes(create_app()):
        if not set(re.findall(r"{(\w+)", path)) & SUBJECT_PARAMS:
            continue
        for method in sorted(methods - {"HEAD"}):
            out.append((path, method, path.startswith("/api/")))
    return out


def _all_routes(app: FastAPI) -> list[tuple[str, set[str]]]:
    """Every route's path and methods. FastAPI 0.165 includes routers lazily: the app's routes
    hold included routers whose effective routes carry the prefixed paths."""
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            found.append((route.path, set(route.methods)))
        elif hasattr(route, "effective_route_contexts"):
            found += [(c.path, set(c.methods)) for c in route.effective_route_contexts()]
    return found


ROUTES = _routes()


def test_the_route_table_is_read_from_the_app() -> None:
    paths = {path for path, _, _ in ROUTES}
    for expected in (
        "/api/v1/employees/{employee_id}/profile",
        "/api/v1/units/{unit_id}/training-plan",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/compare/{other_id}",
        "/pegawai/{employee_id}",
        "/unit/{unit_id}",
        "/rencana/{plan_id}",
    ):
        assert expected in paths


@pytest.fixture(scope="module")
def foreign(
    client: TestClient, headers: dict[str, dict[str, str]], home: Home, unit_id: str
) -> dict[str, Any]:
    """Subjects of one agency (a unit, one of its employees, a plan of it) and a planner key
    bound to another agency."""
    agency = str(home.employees.loc[home.employees["unit_id"] == unit_id, "agency_id"].iloc[0])
    other = sorted(set(home.employees["agency_id"]) - {agency})[0]
    employee = str(home.employees.loc[home.employees["unit_id"] == unit_id, "employee_id"].iloc[0])
    made = client.post(
        "/api/v1/plans",
        headers=headers["planner"],
        json={"unit_id": unit_id, "budget_idr": "3 juta"},
    )
    assert made.status_code == 201, made.text
    key = Keys.from_url(home.settings.store_url).create("planner", "Perencana lain", [other])
    return {
        "ids": {
            "employee_id": employee,
            "unit_id": unit_id,
            "plan_id": made.json()["plan_id"],
            "other_id": made.json()["plan_id"],
        },
        "key": key.key,
        "agency": agency,
        "name": home.records[employee].profile["full_name"],
    }


def _page_client(app: FastAPI, key: str) -> tuple[TestClient, str]:
    browser = TestClient(app, follow_redirects=False)
    form = browser.get("/login")
    token = CSRF.search(form.text)
    assert token
    answer = browser.post("/login", data={"key": key, "csrf_token": token.group(1)})
    assert answer.status_code == 303
    home_page = browser.get("/")
    token = CSRF.search(home_page.text)
    assert token
    return browser, token.group(1)


@pytest.mark.parametrize(
    ("path", "method", "is_api"), ROUTES, ids=[f"{m} {p}" for p, m, _ in ROUTES]
)
def test_a_bound_planner_cannot_reach_another_agency(
    app: FastAPI, client: TestClient, foreign: dict[str, Any], path: str, method: str, is_api: bool
) -> None:
    url = path
    for name, value in foreign["ids"].items():
        url = url.replace(f"{{{name}}}", value)
    url = re.sub(r"{kind[^}]*}", "pdf", url)
    if is_api:
        body = {"status": "proposed"} if url.endswith("/transitions") else {"budget_idr": 5e6}
        answer = client.request(method, url, headers=bearer(foreign["key"]), json=body)
    else:
        browser, token = _page_client(app, foreign["key"])
        data = {"csrf_token": token, "budget_idr": "5 juta", "status": "proposed"}
        answer = browser.request(method, url, data=data if method == "POST" else None)
        if answer.status_code == 303:  # a GET on a form's address: follow it to the page
            answer = browser.get(answer.headers["location"])
    assert answer.status_code in (403, 404), (url, answer.status_code, answer.text[:300])
    assert foreign["name"] not in answer.text  # nothing of the person leaks


def test_lists_hide_other_agencies(
    app: FastAPI, client: TestClient, foreign: dict[str, Any], home: Home
) -> None:
    headers = bearer(foreign["key"])
    units = client.get("/api/v1/units", headers=headers, params={"per_page": 100}).json()
    assert units["data"] and all(u["agency_id"] != foreign["agency"] for u in units["data"])
    people = client.get("/api/v1/employees", headers=headers, params={"per_page": 100}).json()
    assert all(p["agency_id"] != foreign["agency"] for p in people["data"])
    plans = client.get("/api/v1/plans", headers=headers).json()
    assert foreign["ids"]["plan_id"] not in {p["plan_id"] for p in plans["data"]}
    browser, _ = _page_client(app, foreign["key"])
    assert foreign["ids"]["unit_id"] not in browser.get("/unit").text
    assert foreign["ids"]["plan_id"] not in browser.get("/rencana").text
    assert foreign["ids"]["employee_id"] not in browser.get("/pegawai?q=a").text
