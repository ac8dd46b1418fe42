"""The Pegawai search page and the unit list: people by name, partial NIP and unit; units with
names and summaries; names where NIPs and codes were; errors in Indonesian."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ml.contract.names import format_nip
from ml.serving.state import ServingState
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def state(app: FastAPI) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


@pytest.fixture(scope="module")
def person(state: ServingState, home: Home) -> dict[str, str]:
    served = state.served()
    assert served is not None
    record = state.snapshots.employee(served.info.snapshot_id, home.employee_id)
    assert record is not None and record.profile["full_name"]
    return record.profile


def _text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_part_of_a_name_finds_the_person(as_role: AsRole, person: dict[str, str]) -> None:
    words = person["name"].split()
    query = " ".join(w[:4].lower() for w in words)  # "budi sant"
    page = as_role("planner").get("/pegawai", params={"q": query, "unit": person["unit_id"]})
    assert page.status_code == 200
    assert f'href="/pegawai/{person["employee_id"]}"' in page.text
    assert person["full_name"] in unescape(page.text)
    assert format_nip(person["employee_id"]) in page.text  # the NIP as secondary text
    assert "pegawai ditemukan" in page.text


@pytest.mark.parametrize("how", ["spaced", "digits"])
def test_a_partial_nip_lists_and_a_whole_nip_opens(
    as_role: AsRole, person: dict[str, str], how: str
) -> None:
    nip = person["employee_id"]
    part = format_nip(nip)[:15] if how == "spaced" else nip[:14]
    listed = as_role("planner").get("/pegawai", params={"q": part})
    assert listed.status_code == 200 and f'href="/pegawai/{nip}"' in listed.text
    whole = format_nip(nip) if how == "spaced" else nip
    opened = as_role("planner").get("/pegawai", params={"q": whole})
    assert opened.status_code == 303 and opened.headers["location"] == f"/pegawai/{nip}"


def test_nothing_found_says_so_in_indonesian(as_role: AsRole) -> None:
    page = as_role("planner").get("/pegawai", params={"q": "Zzyzx"})
    assert page.status_code == 200
    assert "Tidak ada pegawai yang cocok dengan “Zzyzx”" in page.text


@pytest.mark.parametrize("value", ["0", "x", "-1"])
def test_a_bad_page_number_is_a_400_page_in_indonesian(as_role: AsRole, value: str) -> None:
    for path in ("/pegawai?q=siti&page=", "/unit?page="):
        page = as_role("planner").get(path + value)
        assert page.status_code == 400
        assert f"Nomor halaman “{value}” tidak valid" in page.text


def test_an_unknown_unit_order_is_a_400_page(as_role: AsRole) -> None:
    page = as_role("planner").get("/unit", params={"sort": "acak"})
    assert page.status_code == 400 and "Urutan “acak” tidak dikenal" in page.text


def test_the_data_scientist_finds_nobody(as_role: AsRole, person: dict[str, str]) -> None:
    page = as_role("data-scientist").get("/pegawai", params={"q": person["name"]})
    assert page.status_code == 403 and person["name"] not in page.text


def test_a_search_is_logged(as_role: AsRole, state: ServingState) -> None:
    as_role("planner").get("/pegawai", params={"q": "siti", "unit": "Puskesmas"})
    entry = state.keys.access_log("employee-search", limit=1)[0]
    assert (entry.role, entry.subject_id) == ("planner", "q=siti&unit=Puskesmas")


def test_the_unit_list_has_names_summaries_sorting_and_pages(as_role: AsRole) -> None:
    client = as_role("planner")
    first = client.get("/unit").text
    rows = re.findall(r'<tr>\s*<td><a href="/unit/([^"]+)">([^<]+)</a>', first)
    assert 0 < len(rows) <= 25
    assert all(name != unit_id for unit_id, name in rows)  # names, the code beneath
    assert "Pegawai dengan kesenjangan" in first and "Halaman 1 dari" in first
    by_name = client.get("/unit?sort=name").text
    names = [_text(n).strip() for _, n in re.findall(
        r'<tr>\s*<td><a href="/unit/([^"]+)">([^<]+)</a>', by_name)]  # fmt: skip
    assert names == sorted(names, key=str.casefold)
    second = client.get("/unit?sort=name&page=2").text
    assert 'rel="prev"' in second and "Halaman 2 dari" in second
    filtered = client.get("/unit", params={"q": names[0].upper()}).text
    assert names[0] in _text(filtered)


def test_the_employee_page_names_the_person_unit_and_position(
    as_role: AsRole, person: dict[str, str]
) -> None:
    page = unescape(as_role("planner").get(f"/pegawai/{person['employee_id']}").text)
    assert f"<h1>{person['full_name']}</h1>" in page
    assert format_nip(person["employee_id"]) in page
    assert person["unit_name"] in page and person["position_name"] in page
    assert person["unit_id"] in page and person["position_id"] in page  # codes stay, secondary


def test_the_unit_page_names_the_unit_and_its_people(as_role: AsRole, home: Home) -> None:
    page = unescape(as_role("planner").get(f"/unit/{home.largest_unit}").text)
    heading = re.search(r"<h1>([^<]+)</h1>", page)
    assert heading and heading.group(1) != home.largest_unit and "Unit " not in heading.group(1)
    heatmap = page[page.index('id="heatmap"') : page.index('id="shortfall"')]
    assert re.search(r"<title>[^<(]+ \(\d{18}\)</title>", heatmap)  # name (NIP) per row
