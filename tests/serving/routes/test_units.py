"""POST /api/v1/units/{id}/training-plan: a plan within the budget and the JP limits, for the
unit's own staff, with the arithmetic of its totals right; and every error status."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ml.config import Settings
from ml.store.keys import Keys
from ml.training.registry import CHAMPION, NEED_MODEL
from tests.serving.conftest import Home, bearer

PLAN = "/api/v1/units/{}/training-plan"


def _plan(client: TestClient, unit_id: str, headers: dict[str, str], **body: Any) -> Any:
    response = client.post(PLAN.format(unit_id), headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


def _staff(home: Home, unit_id: str) -> set[str]:
    employees = home.employees
    return set(employees.loc[employees["unit_id"] == unit_id, "employee_id"].astype(str))


def test_the_plan_stays_within_the_budget_and_covers_the_unit(
    client: TestClient, home: Home, planner: dict[str, str], unit_id: str
) -> None:
    budget = 30_000_000.0
    plan = _plan(client, unit_id, planner, budget_idr=budget, max_jp_per_person=60)
    staff = _staff(home, unit_id)
    assert plan["unit_id"] == unit_id
    assert plan["as_of"] == f"{home.as_of:%Y-%m-%d}"
    assert plan["employees"] == len(staff)
    assert plan["status"] == "optimal"
    assignments = plan["assignments"]
    assert assignments, "a budget of Rp 30 million buys something"
    assert plan["total_cost"] <= budget + 1e-6
    assert plan["total_cost"] == pytest.approx(sum(a["cost_idr"] for a in assignments))
    assert plan["total_gain"] == pytest.approx(sum(a["expected_gain"] for a in assignments))
    assert plan["explanation"] and all(isinstance(s, str) and s for s in plan["explanation"])
    pairs = [(a["employee_id"], a["program_id"]) for a in assignments]
    assert len(pairs) == len(set(pairs))  # nobody attends one programme twice
    for a in assignments:
        assert a["employee_id"] in staff
        program = home.programs[a["program_id"]]
        assert a["cost_idr"] == program["cost_idr"] and a["jp"] == program["jp"]
        assert a["program_id"] not in home.records[a["employee_id"]].features["completed_programs"]
        assert a["expected_gain"] > 0


def test_each_person_s_hours_add_up(
    client: TestClient, home: Home, planner: dict[str, str], unit_id: str
) -> None:
    plan = _plan(client, unit_id, planner, budget_idr=30_000_000, max_jp_per_person=60)
    people = {p["employee_id"]: p for p in plan["per_person"]}
    assert set(people) == _staff(home, unit_id)
    planned: dict[str, float] = {}
    for a in plan["assignments"]:
        planned[a["employee_id"]] = planned.get(a["employee_id"], 0.0) + a["jp"]
    for employee_id, p in people.items():
        taken = home.records[employee_id].profile["development"]["years"][-1]["jp_taken"]
        assert p["jp_taken"] == taken
        assert p["jp_planned"] == pytest.approx(planned.get(employee_id, 0.0))
        assert p["jp_planned"] <= 60 + 1e-9
        assert p["jp_total"] == pytest.approx(p["jp_taken"] + p["jp_planned"])
        assert p["short_of_minimum"] == pytest.approx(max(0.0, 20 - p["jp_total"]))
        # the plan names its people and unit for the roles that plan (they read employees)
        assert p["full_name"] == home.records[employee_id].profile["full_name"] is not None
    assert plan["unit_name"] == home.records[next(iter(people))].profile["unit_name"]


def test_more_money_closes_no_less_gap(
    client: TestClient, planner: dict[str, str], unit_id: str
) -> None:
    small = _plan(client, unit_id, planner, budget_idr=5_000_000)
    large = _plan(client, unit_id, planner, budget_idr=100_000_000)
    none = _plan(client, unit_id, planner, budget_idr=0)
    assert none["total_cost"] == 0
    assert all(a["cost_idr"] == 0 for a in none["assignments"])
    assert small["total_cost"] <= 5_000_000 + 1e-6
    assert none["total_gain"] <= small["total_gain"] + 1e-6
    assert small["total_gain"] <= large["total_gain"] * (1 + 1e-3) + 1e-6


def test_the_plan_names_the_model(
    client: TestClient, home: Home, admin: dict[str, str], unit_id: str
) -> None:
    plan = _plan(client, unit_id, admin, budget_idr=10_000_000)
    champion = home.client.get_model_version_by_alias(NEED_MODEL, CHAMPION)
    assert plan["model"]["name"] == NEED_MODEL
    assert plan["model"]["version"] == str(champion.version)
    assert plan["model"]["alias"] == CHAMPION


def test_an_unknown_unit_is_404_naming_the_largest(
    client: TestClient, home: Home, planner: dict[str, str]
) -> None:
    response = client.post(PLAN.format("NO-SUCH-UNIT"), headers=planner, json={"budget_idr": 1e6})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert "'NO-SUCH-UNIT'" in detail
    largest = home.employees["unit_id"].value_counts()
    assert str(largest.index[0]) in detail


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body", "budget_idr"]),
        ({"budget_idr": -1}, ["body", "budget_idr"]),
        ({"budget_idr": "lots"}, ["body", "budget_idr"]),
        ({"budget_idr": 1e6, "max_jp_per_person": 0}, ["body", "max_jp_per_person"]),
        ({"budget_idr": 1e6, "time_limit_s": 0}, ["body", "time_limit_s"]),
        ({"budget_idr": 1e6, "default_capacity": -1}, ["body", "default_capacity"]),
        ({"budget_idr": 1e6, "budget": 2e6}, ["body", "budget"]),  # unknown fields refused
        (None, ["body"]),
    ],
)
def test_a_bad_body_is_422_naming_the_field(
    client: TestClient, planner: dict[str, str], unit_id: str, body: Any, loc: list[str]
) -> None:
    response = client.post(PLAN.format(unit_id), headers=planner, json=body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_a_nul_in_the_unit_id_is_422(client: TestClient, planner: dict[str, str]) -> None:
    response = client.post(PLAN.format("BKN%00"), headers=planner, json={"budget_idr": 1e6})
    assert response.status_code == 422
    assert ["path", "unit_id"] in [e["loc"] for e in response.json()["detail"]]


def test_a_body_that_is_not_json_is_422(
    client: TestClient, planner: dict[str, str], unit_id: str
) -> None:
    response = client.post(
        PLAN.format(unit_id),
        headers={**planner, "Content-Type": "application/json"},
        content=b"{budget_idr: 1",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize("role", ["committee", "data-scientist"])
def test_roles_without_unit_planning_are_403(
    client: TestClient, headers: dict[str, dict[str, str]], unit_id: str, role: str
) -> None:
    response = client.post(PLAN.format(unit_id), headers=headers[role], json={"budget_idr": 1e6})
    assert response.status_code == 403
    assert "plan units" in response.json()["detail"]


def test_a_plan_without_a_key_is_401(client: TestClient, unit_id: str) -> None:
    response = client.post(PLAN.format(unit_id), json={"budget_idr": 1e6})
    assert response.status_code == 401


def test_an_empty_home_cannot_plan(
    empty_client: TestClient, empty_home: tuple[Settings, dict[str, str]]
) -> None:
    settings, _ = empty_home
    key = Keys.from_url(settings.store_url, upgrade=False).create("planner", "empty planner")
    response = empty_client.post(
        PLAN.format("BKN-U0001"), headers=bearer(key.key), json={"budget_idr": 1e6}
    )
    assert response.status_code == 503
    assert "talenta score" in response.json()["detail"]


def test_rupiah_as_planners_write_them_and_a_422_naming_the_field(
    client: TestClient, planner: dict[str, str], unit_id: str
) -> None:
    written = _plan(client, unit_id, planner, budget_idr="Rp 30.000.000", max_jp_per_person=60)
    spoken = _plan(client, unit_id, planner, budget_idr="30 juta", max_jp_per_person=60)
    number = _plan(client, unit_id, planner, budget_idr=30_000_000, max_jp_per_person=60)
    assert written["total_cost"] == spoken["total_cost"] == number["total_cost"]
    for bad in ("tiga puluh juta", "1.5 juta", "-5 juta", "x" * 41):
        response = client.post(PLAN.format(unit_id), headers=planner, json={"budget_idr": bad})
        assert response.status_code == 422, bad
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["body", "budget_idr"], detail
        assert "Traceback" not in response.text and "could not convert" not in response.text


def test_pins_exclusions_and_an_infeasible_hard_minimum(
    client: TestClient, home: Home, planner: dict[str, str], unit_id: str
) -> None:
    big = {a["employee_id"] for a in _plan(client, unit_id, planner, budget_idr=5e7)["assignments"]}
    small = {
        a["employee_id"] for a in _plan(client, unit_id, planner, budget_idr=5e6)["assignments"]
    }
    outside, inside = sorted(big - small), sorted(small)
    assert outside and inside, "Rp 5 juta leaves out someone whom Rp 50 juta plans for"
    choices = {"pinned": [outside[0]], "excluded_employees": [inside[0]]}
    pinned = _plan(client, unit_id, planner, budget_idr=5e6, **choices)
    if pinned["status"] == "infeasible":  # their programmes cost more: the budget needed does
        assert pinned["needed_budget_idr"] > 5e6
        pinned = _plan(client, unit_id, planner, budget_idr=pinned["needed_budget_idr"], **choices)
    assert pinned["status"] == "optimal"
    people = {a["employee_id"] for a in pinned["assignments"]}
    assert outside[0] in people and inside[0] not in people
    hard = _plan(client, unit_id, planner, budget_idr=1_000, hard_minimum=True)
    assert hard["status"] == "infeasible" and hard["assignments"] == []
    needed = hard["needed_budget_idr"]
    assert needed is None or needed > 1_000
    if needed is not None:  # with the budget that is said to be needed, the plan exists
        enough = _plan(client, unit_id, planner, budget_idr=needed, hard_minimum=True)
        assert enough["status"] == "optimal"
        assert all(p["short_of_minimum"] == 0 for p in enough["per_person"])
    stranger = client.post(
        PLAN.format(unit_id), headers=planner, json={"budget_idr": 1, "pinned": ["nobody"]}
    )
    assert stranger.status_code == 422 and "pinned" in stranger.text
