"""GET /api/v1/employees/{id}/profile and /recommendations: the deterministic profile as stored,
the model's needs with reasons that add up, ranked programmes, and every error status."""

from __future__ import annotations

import math
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ml.config import Settings
from ml.serving.app import create_app
from ml.serving.schemas import ProfilePublic
from ml.serving.state import ServingState, build_state
from ml.training.registry import CHAMPION, NEED_MODEL
from tests.serving.conftest import Home, bearer, mlflow_environment_kept

PROFILE = "/api/v1/employees/{}/profile"
RECOMMENDATIONS = "/api/v1/employees/{}/recommendations"


def _get(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(url, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


# --- profile ------------------------------------------------------------------------------------


def test_the_profile_is_the_materialised_one_without_protected_attributes(
    client: TestClient, home: Home, planner: dict[str, str], employee_id: str
) -> None:
    profile = _get(client, PROFILE.format(employee_id), planner)
    stored = home.records[employee_id].profile
    assert profile.get("protected") is None  # the planner never sees them
    # what was stored, as the response schema shapes it (absent optional fields as null) …
    shaped = ProfilePublic.model_validate(stored).model_dump(mode="json")
    assert profile == shaped
    # … and the schema drops nothing that was stored
    assert set(stored) <= set(profile)
    assert set(stored["talent"]) <= set(profile["talent"])
    pairs = zip(stored["competencies"], profile["competencies"], strict=True)
    assert all(set(c) <= set(p) for c, p in pairs)
    person = home.employees.set_index("employee_id").loc[employee_id]
    assert profile["unit_id"] == person["unit_id"]
    assert profile["agency_id"] == person["agency_id"]
    assert profile["as_of"] == f"{home.as_of:%Y-%m-%d}"


def test_the_profile_gaps_follow_the_rule(
    client: TestClient, planner: dict[str, str], employee_id: str
) -> None:
    competencies = _get(client, PROFILE.format(employee_id), planner)["competencies"]
    known = [c for c in competencies if c["gap_known"]]
    unknown = [c for c in competencies if not c["gap_known"]]
    assert known and unknown  # the fixture's employee has both
    for c in known:
        assert c["gap"] == max(0, c["required_level"] - c["last_level"])
    for c in unknown:
        assert c["gap"] is None


def test_the_profile_development_and_talent_box_are_consistent(
    client: TestClient, planner: dict[str, str], employee_id: str
) -> None:
    profile = _get(client, PROFILE.format(employee_id), planner)
    development = profile["development"]
    minimum = development["minimum_jp"]
    for year in development["years"]:
        assert year["shortfall"] == max(0, minimum - year["jp_taken"])
    years = [y["year"] for y in development["years"]]
    assert years == sorted(years) and len(years) == 2
    assert [y["complete"] for y in development["years"]] == [True, False]
    talent = profile["talent"]
    assert 1 <= talent["box"] <= 9
    jpm = profile["jpm"]
    assert jpm["competencies_known"] == sum(c["gap_known"] for c in profile["competencies"])
    for period in profile["predikat_history"]:
        assert period["predikat"]


def test_the_committee_sees_the_protected_attributes(
    client: TestClient, home: Home, committee: dict[str, str], employee_id: str
) -> None:
    protected = _get(client, PROFILE.format(employee_id), committee)["protected"]
    person = home.employees.set_index("employee_id").loc[employee_id]
    assert protected["gender"] == person["gender"]
    assert protected["birth_year"] == int(person["birth_year"])
    assert protected["age_band"]


# --- recommendations ----------------------------------------------------------------------------


def test_the_recommendations_say_which_model_answered(
    client: TestClient, home: Home, planner: dict[str, str], employee_id: str
) -> None:
    body = _get(client, RECOMMENDATIONS.format(employee_id), planner)
    champion = home.client.get_model_version_by_alias(NEED_MODEL, CHAMPION)
    assert body["model"] == {
        "name": NEED_MODEL,
        "version": str(champion.version),
        "alias": CHAMPION,
        "run_id": champion.run_id,
    }
    assert body["employee_id"] == employee_id
    assert body["as_of"] == f"{home.as_of:%Y-%m-%d}"


def test_each_need_adds_up_and_sits_beside_the_deterministic_gap(
    client: TestClient, home: Home, planner: dict[str, str], employee_id: str
) -> None:
    body = _get(client, RECOMMENDATIONS.format(employee_id), planner, reasons=4)
    competencies = body["competencies"]
    profile = {c["competency_code"]: c for c in home.records[employee_id].profile["competencies"]}
    assert {c["competency_code"] for c in competencies} == set(profile)
    for c in competencies:
        assert 0.0 <= c["need_probability"] <= 1.0
        shown = c["baseline"] + sum(r["contribution"] for r in c["reasons"]) + c["other"]
        assert math.isclose(shown, c["log_odds"], rel_tol=0, abs_tol=1e-9)
        assert len(c["reasons"]) == 4
        sizes = [abs(r["contribution"]) for r in c["reasons"]]
        assert sizes == sorted(sizes, reverse=True)
        assert c["gap"] == profile[c["competency_code"]]["gap"]
        assert c["gap_known"] == (c["gap"] is not None)
        assert c["required_level"] == profile[c["competency_code"]]["required_level"]
    probabilities = [c["need_probability"] for c in competencies]
    assert probabilities == sorted(probabilities, reverse=True)  # most likely need first


def test_the_programmes_are_ranked_by_gain_per_rupiah(
    client: TestClient, home: Home, planner: dict[str, str], employee_id: str
) -> None:
    body = _get(client, RECOMMENDATIONS.format(employee_id), planner, programs=8)
    programs = body["programs"]
    assert 0 < len(programs) <= 8
    assert [p["rank"] for p in programs] == list(range(1, len(programs) + 1))
    completed = set(home.records[employee_id].features["completed_programs"])
    needed = {c["competency_code"] for c in body["competencies"]}
    for p in programs:
        assert p["program_id"] not in completed  # never offered again within three years
        assert p["program_id"] in home.programs
        assert p["expected_gain"] > 0
        assert set(p["competency_codes"]) <= needed
        if p["cost_idr"] > 0:
            assert p["gain_per_million_idr"] == pytest.approx(
                p["expected_gain"] / (p["cost_idr"] / 1e6), rel=1e-12
            )
        else:
            assert p["gain_per_million_idr"] is None  # infinite: a free programme
    per_rupiah = [
        math.inf if p["gain_per_million_idr"] is None else p["gain_per_million_idr"]
        for p in programs
    ]
    assert per_rupiah == sorted(per_rupiah, reverse=True)


def test_fewer_programmes_and_reasons_on_request(
    client: TestClient, planner: dict[str, str], employee_id: str
) -> None:
    body = _get(client, RECOMMENDATIONS.format(employee_id), planner, programs=0, reasons=1)
    assert body["programs"] == []
    assert all(len(c["reasons"]) == 1 for c in body["competencies"])
    five = _get(client, RECOMMENDATIONS.format(employee_id), planner)["programs"]
    two = _get(client, RECOMMENDATIONS.format(employee_id), planner, programs=2)["programs"]
    assert two == five[:2]


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", [PROFILE, RECOMMENDATIONS])
def test_an_unknown_employee_is_404_naming_it(
    client: TestClient, planner: dict[str, str], route: str
) -> None:
    response = client.get(route.format("NOBODY-0001"), headers=planner)
    assert response.status_code == 404
    assert "'NOBODY-0001'" in response.json()["detail"]


@pytest.mark.parametrize("route", [PROFILE, RECOMMENDATIONS])
def test_a_request_without_a_valid_key_is_401(
    client: TestClient, home: Home, route: str, employee_id: str
) -> None:
    url = route.format(employee_id)
    unknown = "tal_000000000000_" + "x" * 43
    for headers in (
        {},  # missing
        {"Authorization": "Basic dXNlcjpwYXNz"},  # not a bearer token
        bearer("not-a-talenta-key"),  # malformed
        bearer(unknown),  # well formed, unknown
        bearer(home.keys["planner"] + "x"),  # a known id with the wrong secret
        bearer(home.revoked),  # revoked
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_key_revoked_while_serving_is_refused_from_then_on(
    client: TestClient, state: ServingState, employee_id: str
) -> None:
    made = state.keys.create("planner", "revoked mid-session")
    url = PROFILE.format(employee_id)
    assert client.get(url, headers=bearer(made.key)).status_code == 200
    state.keys.revoke(made.info.key_id)  # through the server's own keys: at once
    assert client.get(url, headers=bearer(made.key)).status_code == 401


@pytest.mark.parametrize("route", [PROFILE, RECOMMENDATIONS])
def test_the_data_scientist_may_not_read_employees(
    client: TestClient, scientist: dict[str, str], route: str, employee_id: str
) -> None:
    response = client.get(route.format(employee_id), headers=scientist)
    assert response.status_code == 403
    assert "data-scientist" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"programs": -1}, "programs"),
        ({"programs": 51}, "programs"),
        ({"reasons": 0}, "reasons"),
        ({"reasons": "many"}, "reasons"),
    ],
)
def test_bad_query_parameters_are_422_naming_the_field(
    client: TestClient,
    planner: dict[str, str],
    employee_id: str,
    params: dict[str, Any],
    field: str,
) -> None:
    response = client.get(RECOMMENDATIONS.format(employee_id), headers=planner, params=params)
    assert response.status_code == 422
    assert ["query", field] in [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize("employee", ["9" * 101, "1976%00"])  # too long; a NUL in it
def test_a_malformed_employee_id_is_422(
    client: TestClient, planner: dict[str, str], employee: str
) -> None:
    response = client.get(PROFILE.format(employee), headers=planner)
    assert response.status_code == 422
    assert ["path", "employee_id"] in [e["loc"] for e in response.json()["detail"]]


# --- nothing to serve ---------------------------------------------------------------------------


def test_an_empty_home_answers_503_saying_what_to_run(
    empty_client: TestClient, empty_home: tuple[Settings, dict[str, str]]
) -> None:
    _, key = empty_home
    profile = empty_client.get(PROFILE.format("197601152003091001"), headers=key)
    assert profile.status_code == 503
    assert "talenta score" in profile.json()["detail"]
    needs = empty_client.get(RECOMMENDATIONS.format("197601152003091001"), headers=key)
    assert needs.status_code == 503


def test_without_a_model_profiles_serve_and_recommendations_are_503(
    home: Home, committee: dict[str, str], employee_id: str
) -> None:
    # the session's store (snapshot and keys), but an alias no version holds
    with mlflow_environment_kept():
        state = build_state(home.settings, alias="nobody-holds-this")
    assert state.models.current is None
    app = create_app(home.settings, state=state)
    with TestClient(app) as client:
        assert client.get(PROFILE.format(employee_id), headers=committee).status_code == 200
        response = client.get(RECOMMENDATIONS.format(employee_id), headers=committee)
    assert response.status_code == 503
    detail = response.json()["detail"]
    assert "no model loaded" in detail and "nobody-holds-this" in detail
