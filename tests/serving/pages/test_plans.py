"""Saved plans on the pages: post/redirect/get, the status trail with four-eyes approval,
comparison, new versions, the XLSX and PDF downloads, and agency scope. Each test makes its own
plans (the home is shared by the whole session)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from ml.recommend.plan import rupiah
from ml.store.keys import Keys
from ml.store.plans import Plans
from tests.serving.pages.conftest import csrf_of, log_in
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]
FORM = {"max_jp_per_person": "80", "minimum_jp": "20"}


def save_plan(client: TestClient, unit: str, **fields: object) -> str:
    """Post the unit's plan form; the answer is a 303 to the saved plan's page: its id."""
    token = csrf_of(client.get(f"/unit/{unit}").text)
    answer = client.post(
        f"/unit/{unit}/rencana",
        data={**FORM, "budget_idr": "50 juta", **fields, "csrf_token": token},
    )
    assert answer.status_code == 303, answer.text[-2000:]
    location = answer.headers["location"]
    assert re.fullmatch(r"/rencana/[0-9a-f]{32}", location), location
    return location.rsplit("/", 1)[-1]


def move(client: TestClient, plan_id: str, status: str, note: str = "") -> Any:
    """Take the step; every answer is a 303 back to the plan (post/redirect/get): the page it
    leads to, with what the redirect said."""
    token = csrf_of(client.get(f"/rencana/{plan_id}").text)
    answer = client.post(
        f"/rencana/{plan_id}/status", data={"status": status, "note": note, "csrf_token": token}
    )
    assert answer.status_code == 303, answer.text[-500:]
    assert answer.headers["location"].startswith(f"/rencana/{plan_id}?")
    return client.get(answer.headers["location"])


@pytest.fixture
def second_planner(app: FastAPI, home: Home) -> TestClient:
    """Another planner, in a browser of their own (four-eyes)."""
    key = Keys.from_url(home.settings.store_url).create("planner", "Budi Santoso").key
    other = TestClient(app, follow_redirects=False)
    log_in(other, key)
    return other


def test_a_saved_plan_survives_refresh_and_language_switch(as_role: AsRole, home: Home) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    first = client.get(f"/rencana/{plan_id}")
    again = client.get(f"/rencana/{plan_id}")  # a refresh is a GET: nothing asks to resend
    assert first.status_code == again.status_code == 200
    assert "draf" in first.text and "Rp 50.000.000" in first.text
    switched = client.get(f"/bahasa/en?next=/rencana/{plan_id}")
    assert switched.status_code in (302, 303, 307)
    english = client.get(switched.headers["location"])
    assert english.status_code == 200 and "draft" in english.text and "Status" in english.text
    assert "Method Not Allowed" not in first.text + english.text


@pytest.mark.parametrize(
    "path", ["/unit/{unit}/rencana", "/rencana/{plan}/status"], ids=["form", "status"]
)
def test_the_addresses_forms_post_to_answer_a_get(as_role: AsRole, home: Home, path: str) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    answer = client.get(path.format(unit=home.largest_unit, plan=plan_id))
    assert answer.status_code == 303 and "Method Not Allowed" not in answer.text


def test_four_eyes_propose_then_another_planner_approves(
    as_role: AsRole, home: Home, second_planner: TestClient
) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    proposed = move(client, plan_id, "proposed")
    assert "Rencana diajukan." in proposed.text
    author_view = client.get(f"/rencana/{plan_id}").text
    assert 'value="approved"' not in author_view and 'id="plan-own"' in author_view
    other_view = second_planner.get(f"/rencana/{plan_id}").text
    assert 'value="approved"' in other_view and 'value="returned"' in other_view
    own = move(client, plan_id, "approved")
    assert 'role="alert"' in own.text and "empat mata" in own.text
    assert "Rencana disetujui." in move(second_planner, plan_id, "approved").text
    page = client.get(f"/rencana/{plan_id}").text
    assert "disetujui" in page and "Budi Santoso" in page
    assert 'id="plan-actions"' not in page  # an approved plan has no further step
    again = move(second_planner, plan_id, "returned", "terlambat")
    assert "tidak dapat menjadi dikembalikan" in again.text


def test_returning_needs_a_note(as_role: AsRole, home: Home, second_planner: TestClient) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    move(client, plan_id, "proposed")
    bare = move(second_planner, plan_id, "returned")
    assert 'role="alert"' in bare.text and "alasan" in bare.text
    assert (
        "Rencana dikembalikan." in move(second_planner, plan_id, "returned", "kurangi biaya").text
    )
    assert "kurangi biaya" in client.get(f"/rencana/{plan_id}").text


def test_a_new_version_and_a_comparison(as_role: AsRole, home: Home) -> None:
    client = as_role("planner")
    first = save_plan(client, home.largest_unit)
    form = client.get(f"/unit/{home.largest_unit}?dari={first}").text
    assert f'name="parent_id" value="{first}"' in form
    second = save_plan(client, home.largest_unit, budget_idr="20 juta", parent_id=first)
    page = client.get(f"/rencana/{second}").text
    assert "versi 2" in page
    compared = client.get(f"/rencana/banding?a={first}&b={second}")
    assert compared.status_code == 200
    plans = Plans.from_url(home.settings.store_url)
    a, b = plans.get(first), plans.get(second)
    assert rupiah(a.result["total_cost"]) in compared.text
    assert rupiah(b.result["total_cost"]) in compared.text
    assert b.result["total_cost"] <= 20_000_000 < 50_000_000
    assert "Siapa yang berubah" in compared.text
    # asked from the later plan's page, the earlier plan still stands on the left (A), so the
    # difference reads from the earlier to the later
    backwards = client.get(f"/rencana/banding?a={second}&b={first}").text
    costs = [rupiah(p.result["total_cost"]) for p in (a, b)]
    assert backwards.index(costs[0]) < backwards.index(costs[1])


def test_the_downloads_add_up_to_the_plan(as_role: AsRole, home: Home) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    saved = Plans.from_url(home.settings.store_url).get(plan_id)
    cost = sum(a["cost_idr"] for a in saved.result["assignments"])
    jp = sum(a["jp"] for a in saved.result["assignments"])
    assert cost == pytest.approx(saved.result["total_cost"])

    xlsx = client.get(f"/rencana/{plan_id}/unduh.xlsx")
    assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Jumlah"]
    assert len(rows) == 1
    assert rows[0][4] == pytest.approx(jp) and rows[0][5] == pytest.approx(cost)
    people = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[5], int | float)]
    assert len(people) == len(saved.result["assignments"]) + 1  # one per place, and the totals

    pdf = client.get(f"/rencana/{plan_id}/unduh.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Jumlah" in text and rupiah(cost) in text
    assert "draf" in text and saved.agency_id in text


def test_a_planner_bound_to_another_agency_sees_none_of_it(
    as_role: AsRole, app: FastAPI, home: Home
) -> None:
    client = as_role("planner")
    plan_id = save_plan(client, home.largest_unit)
    agency = Plans.from_url(home.settings.store_url).get(plan_id).agency_id
    key = Keys.from_url(home.settings.store_url).create("planner", "Luar", ["NO-SUCH-AGENCY"])
    outsider = TestClient(app, follow_redirects=False)
    log_in(outsider, key.key)
    for path in (
        f"/rencana/{plan_id}",
        f"/rencana/{plan_id}/unduh.pdf",
        f"/rencana/banding?a={plan_id}&b={plan_id}",
        f"/unit/{home.largest_unit}",
        f"/pegawai/{home.employee_id}",
    ):
        assert outsider.get(path).status_code == 404, path
    assert plan_id not in outsider.get("/rencana").text
    assert home.largest_unit not in outsider.get("/unit").text
    insider_key = Keys.from_url(home.settings.store_url).create("planner", "Dalam", [agency])
    insider = TestClient(app, follow_redirects=False)
    log_in(insider, insider_key.key)
    assert insider.get(f"/rencana/{plan_id}").status_code == 200


def test_the_plan_pages_are_in_bahasa(as_role: AsRole, home: Home) -> None:
    from tests.serving.pages.test_bahasa import english_in

    client = as_role("planner")
    first = save_plan(client, home.largest_unit)
    second = save_plan(client, home.largest_unit, budget_idr="10 juta", parent_id=first)
    move(client, first, "proposed")
    for path in (
        f"/rencana/{first}",
        f"/rencana/{second}",
        "/rencana",
        f"/rencana/banding?a={first}&b={second}",
        f"/unit/{home.largest_unit}?dari={first}",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert english_in(page.text) == set(), path
    refused = move(client, first, "approved")
    assert "empat mata" in refused.text and english_in(refused.text) == set()
