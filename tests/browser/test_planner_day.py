"""A training planner's day on the test home, in Bahasa Indonesia, in a real browser: find an
employee by part of their name, read the reasons in words, open their unit by name, build a plan
with "50 juta" and a pinned person, save it, refresh, switch language, compare it with a second
plan, have it approved by a second planner (four-eyes), and download it as XLSX and PDF, whose
totals match the saved plan. The test makes its own plans and keys."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from ml.recommend.plan import rupiah
from ml.serving.state import ServingState
from ml.store.keys import Keys
from ml.store.plans import Plans
from tests.serving.pages.home import Home

LogIn = Callable[[str], Page]
PLAN_URL = re.compile(r"/rencana/([0-9a-f]{32})$")


@pytest.fixture(scope="module")
def state(app: FastAPI, base_url: str) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


def _plan_id(page: Page) -> str:
    found = PLAN_URL.search(page.url)
    assert found, page.url
    return found.group(1)


def test_a_planners_day(
    log_in: LogIn,
    browser: Browser,
    base_url: str,
    home: Home,
    state: ServingState,
    tmp_path: Path,
) -> None:
    served = state.served()
    assert served is not None
    record = state.snapshots.employee(served.info.snapshot_id, home.employee_id)
    assert record is not None
    profile = record.profile
    page = log_in("planner")

    # 1. find the employee by part of their name (first name and the start of the second)
    words = str(profile["name"]).split()
    partial = words[0] + (f" {words[1][:3]}" if len(words) > 1 else "")
    page.fill("header form.search input", partial)
    page.press("header form.search input", "Enter")
    page.get_by_role("link", name=profile["full_name"]).first.click()
    expect(page.locator("h1")).to_contain_text(profile["name"])

    # 2. the reasons, in words: sentences under each waterfall, no model jargon
    reasons = page.locator("ul.reasons li")
    assert reasons.count() >= 1
    expect(reasons.first).to_contain_text("kebutuhan")
    body = page.locator("main").inner_text()
    for jargon in ("log-odds", "TreeSHAP", "p = 0."):
        assert jargon not in body

    # 3. their unit, by its name
    page.locator("#who").get_by_role("link", name=profile["unit_name"]).click()
    expect(page.locator("h1")).to_have_text(profile["unit_name"])

    # 4. a plan with "50 juta" and a pinned person, saved (post/redirect/get)
    pinned = page.locator("#pinned option").nth(1)
    pinned_name = pinned.inner_text()
    page.select_option("#pinned", value=pinned.get_attribute("value"))
    page.fill("#budget_idr", "50 juta")
    page.get_by_role("button", name="Susun rencana").click()
    expect(page).to_have_url(PLAN_URL)
    first = _plan_id(page)
    expect(page.locator("#plan-inputs")).to_contain_text("Rp 50.000.000")
    expect(page.locator("#plan-inputs")).to_contain_text(pinned_name)
    expect(page.locator("#assignments")).to_contain_text(pinned_name)

    # 5. refresh and a language switch keep it
    page.reload()
    expect(page.locator("#plan-status h2")).to_contain_text("draf")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("#plan-status h2")).to_contain_text("draft")
    expect(page).to_have_url(re.compile(first))
    page.get_by_role("link", name="ID", exact=True).click()
    expect(page.locator("#plan-status h2")).to_contain_text("draf")

    # 6. a second plan (the next version, a smaller budget) compared with the first
    page.get_by_role("link", name="Buat versi baru dari rencana ini").click()
    expect(page.locator("#budget_idr")).to_have_value("50 juta")
    page.fill("#budget_idr", "20 juta")
    page.get_by_role("button", name="Susun rencana").click()
    expect(page).to_have_url(PLAN_URL)
    second = _plan_id(page)
    assert second != first
    page.select_option("#compare-b", value=first)
    page.get_by_role("button", name="Bandingkan").click()
    expect(page.locator("h1")).to_have_text("Perbandingan rencana")
    plans = Plans.from_url(home.settings.store_url)
    a, b = plans.get(second), plans.get(first)
    totals = page.locator("#compare-totals")
    expect(totals).to_contain_text(rupiah(a.result["total_cost"]))
    expect(totals).to_contain_text(rupiah(b.result["total_cost"]))

    # 7. propose the first plan; its author cannot approve it, a second planner can
    page.goto(f"/rencana/{first}")
    page.get_by_role("button", name="Ajukan untuk disetujui").click()
    expect(page.locator(".notice.ok")).to_contain_text("diajukan")
    expect(page.get_by_role("button", name="Setujui")).to_have_count(0)  # not offered to its author
    expect(page.locator("#plan-own")).to_contain_text("perencana lain")
    other_key = Keys.from_url(home.settings.store_url).create("planner", "Budi Santoso").key
    other = browser.new_context(base_url=base_url).new_page()
    other.goto("/login")
    other.fill("#key", other_key)
    other.click("form button[type=submit]")
    other.wait_for_url(f"{base_url}/")
    other.goto(f"/rencana/{first}")
    other.get_by_role("button", name="Setujui").click()
    expect(other.locator(".notice.ok")).to_contain_text("disetujui")
    other.context.close()
    page.reload()
    expect(page.locator("#plan-status")).to_contain_text("Budi Santoso")

    # 8. XLSX and PDF, their totals against the saved plan
    saved = plans.get(first)
    assert saved.status == "approved"
    cost = sum(x["cost_idr"] for x in saved.result["assignments"])
    jp = sum(x["jp"] for x in saved.result["assignments"])
    assert cost == pytest.approx(saved.result["total_cost"])
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    xlsx = tmp_path / "plan.xlsx"
    xlsx_download.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    total = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Jumlah")
    assert total[4] == pytest.approx(jp) and total[5] == pytest.approx(cost)
    header = {r[0]: r[1] for r in sheet.iter_rows(values_only=True, max_row=12) if r and r[0]}
    assert header["Status"] == "disetujui" and "Budi Santoso" in str(header["Disetujui oleh"])
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    pdf = tmp_path / "plan.pdf"
    pdf_download.value.save_as(pdf)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert rupiah(cost) in text and "disetujui" in text and "Budi Santoso" in text
