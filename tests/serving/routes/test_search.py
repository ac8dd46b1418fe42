"""GET /api/v1/employees (find people) and GET /api/v1/units (the unit list with summaries):
ranked, paged, logged, and 422 for bad parameters."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ml.contract.names import format_nip
from ml.serving.state import ServingState
from tests.serving.conftest import Home

SEARCH = "/api/v1/employees"
UNITS = "/api/v1/units"


def _get(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(url, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_partial_nip_finds_the_employee_with_or_without_spaces(
    client: TestClient, planner: dict[str, str], employee_id: str
) -> None:
    spaced = format_nip(employee_id)  # "19850312 201001 1 002"
    for query in (employee_id, spaced, spaced[:15], employee_id[:14]):
        found = _get(client, SEARCH, planner, q=query)
        ids = [p["employee_id"] for p in found["data"]]
        assert employee_id in ids, query
        # everyone found carries the digits typed, and the exact NIP comes first
        digits = query.replace(" ", "")
        assert all(digits in i for i in ids)
    assert _get(client, SEARCH, planner, q=spaced)["data"][0]["employee_id"] == employee_id


def test_part_of_a_name_finds_the_person_with_titles_and_unit_name(
    client: TestClient, planner: dict[str, str], employee_id: str, home: Home
) -> None:
    profile = home.records[employee_id].profile
    first = profile["name"].split()[0]
    found = _get(client, SEARCH, planner, q=first[:3].lower(), per_page=100)
    assert found["count"] >= 1
    for person in found["data"]:  # every word typed begins (or is in) a word of the name
        assert first[:3].lower() in person["full_name"].lower()
    exact = _get(client, SEARCH, planner, q=profile["name"], unit=profile["unit_id"])
    top = exact["data"][0]
    assert top["employee_id"] == employee_id
    assert top["full_name"] == profile["full_name"] and top["nip"] == format_nip(employee_id)
    assert top["unit_name"] == profile["unit_name"] and top["position_name"]


def test_a_name_found_ranks_whole_words_before_parts(
    client: TestClient, planner: dict[str, str], home: Home
) -> None:
    names = [r.profile["name"] for r in home.records.values()]
    word = max({w for n in names for w in n.split()}, key=lambda w: sum(w in n for n in names))
    found = _get(client, SEARCH, planner, q=word, per_page=100)["data"]
    whole = [word.lower() in p["full_name"].lower().replace(",", " ").split() for p in found]
    assert whole == sorted(whole, reverse=True)  # whole-word matches first


def test_a_unit_lists_its_people_and_pages_cover_everyone(
    client: TestClient, planner: dict[str, str], unit_id: str, home: Home
) -> None:
    staff = set(home.employees.loc[home.employees["unit_id"] == unit_id, "employee_id"])
    first = _get(client, SEARCH, planner, unit=unit_id, per_page=5)
    assert first["count"] == len(staff) and first["pages"] == -(-len(staff) // 5)
    pages = [
        _get(client, SEARCH, planner, unit=unit_id, per_page=5, page=page)["data"]
        for page in range(1, first["pages"] + 1)
    ]
    seen = [p["employee_id"] for found in pages for p in found]
    assert sorted(seen) == sorted(staff)
    # by part of the unit's name, too
    name = home.records[next(iter(staff))].profile["unit_name"]
    by_name = _get(client, SEARCH, planner, unit=name.lower(), per_page=100)
    assert staff <= {p["employee_id"] for p in by_name["data"]} or by_name["count"] > 100


def test_nothing_found_is_an_empty_page(client: TestClient, planner: dict[str, str]) -> None:
    found = _get(client, SEARCH, planner, q="Zzyzx Qwerty")
    assert found == {"data": [], "count": 0, "page": 1, "per_page": 20, "pages": 1}


@pytest.mark.parametrize(
    "params",
    [{"page": 0}, {"per_page": 101}, {"page": "x"}, {"q": "a" * 101}, {"q": "a\x00b"}],
)
def test_bad_search_parameters_are_422(
    client: TestClient, planner: dict[str, str], params: dict[str, Any]
) -> None:
    assert client.get(SEARCH, headers=planner, params=params).status_code == 422


def test_searches_are_logged_with_what_was_searched(
    client: TestClient, planner: dict[str, str], state: ServingState
) -> None:
    _get(client, SEARCH, planner, q="Siti", unit="Puskesmas")
    (record,) = state.keys.access_log(subject_kind="employee-search", limit=1)
    assert (record.subject_id, record.role) == ("q=Siti&unit=Puskesmas", "planner")
    assert record.action == "GET /api/v1/employees"


def test_units_have_names_and_summaries_that_add_up(
    client: TestClient, planner: dict[str, str], home: Home
) -> None:
    listed = _get(client, UNITS, planner, per_page=100)
    units = listed["data"]
    while len(units) < listed["count"]:
        units += _get(client, UNITS, planner, per_page=100, page=len(units) // 100 + 1)["data"]
    assert sum(u["headcount"] for u in units) == len(home.records)
    assert all(u["name"] for u in units)
    needs = [(u["with_gap"], u["gap_share"]) for u in units]
    assert needs == sorted(needs, reverse=True)  # default: most people with a gap first
    for u in units[:5]:  # the summaries are the profiles' own numbers
        staff = [r.profile for r in home.records.values() if r.unit_id == u["unit_id"]]
        gaps = sum(any((c["gap"] or 0) > 0 for c in p["competencies"]) for p in staff)
        short = [p["development"]["years"][-2]["shortfall"] for p in staff]
        assert (u["headcount"], u["with_gap"]) == (len(staff), gaps)
        assert (u["short"], u["jp_short"]) == (sum(s > 0 for s in short), sum(short))


@pytest.mark.parametrize(
    ("sort", "key"),
    [("headcount", lambda u: -u["headcount"]), ("shortfall", lambda u: -u["jp_short"]),
     ("name", lambda u: u["name"].casefold())],
)  # fmt: skip
def test_units_sort_and_filter(
    client: TestClient, planner: dict[str, str], sort: str, key: Any
) -> None:
    units = _get(client, UNITS, planner, sort=sort, per_page=100)["data"]
    assert [key(u) for u in units] == sorted(key(u) for u in units)
    name = units[0]["name"]
    found = _get(client, UNITS, planner, q=name.upper())["data"]
    assert units[0]["unit_id"] in {u["unit_id"] for u in found}


def test_an_unknown_sort_is_422(client: TestClient, planner: dict[str, str]) -> None:
    response = client.get(UNITS, headers=planner, params={"sort": "random"})
    assert response.status_code == 422
