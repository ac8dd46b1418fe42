"""What a person sees in a real browser: log in, open each page, submit a review and a plan,
switch the language; what a role may not open, and a forged form refused."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from ml.serving.state import ServingState
from tests.browser.conftest import ARTIFACTS
from tests.serving.pages.home import Home

LogIn = Callable[[str], Page]


@pytest.fixture(scope="module")
def state(app: FastAPI, base_url: str) -> ServingState:
    talenta: ServingState = app.state.talenta  # built by the lifespan once the server runs
    return talenta


@pytest.fixture(scope="module")
def flag_id(state: ServingState) -> str:
    """A rater flag nobody has reviewed in this module yet (the review test appends to it)."""
    return state.trail.flags(family="RATER", limit=3).items[-1].flag_id


@pytest.fixture(scope="module")
def person(state: ServingState, home: Home) -> dict[str, str]:
    """The employee the tests open, as served: name with titles, unit and position names."""
    served = state.served()
    assert served is not None
    record = state.snapshots.employee(served.info.snapshot_id, home.employee_id)
    assert record is not None and record.profile["full_name"]
    return record.profile


def test_log_in_with_a_key_and_out_again(page: Page, keys: dict[str, str], base_url: str) -> None:
    page.goto("/unit")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Funit$"))
    expect(page.locator("h1")).to_have_text("Masuk")
    page.fill("#key", "tal_wrong_key")
    page.click("form button[type=submit]")
    expect(page.get_by_role("alert")).to_contain_text("Kunci tidak dikenal")
    page.fill("#key", keys["planner"])
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{base_url}/unit")  # on to the page first asked for
    expect(page.locator("h1")).to_have_text("Unit kerja")
    session = next(c for c in page.context.cookies() if c["name"] == "talenta_session")
    assert session["httpOnly"] and session["sameSite"] == "Lax"
    assert keys["planner"] not in session["value"]
    assert page.evaluate("() => document.cookie") == ""  # scripts cannot read the session
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("status")).to_contain_text("Anda telah keluar")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_the_employee_page(log_in: LogIn, home: Home, person: dict[str, str]) -> None:
    page = log_in("planner")
    # found by part of the name, in the unit (the header's box, then the search page's form)
    page.fill("#nip", " ".join(w[:4].lower() for w in person["name"].split()))
    page.get_by_role("button", name="Buka").click()
    expect(page.locator("h1")).to_have_text("Cari pegawai")
    page.fill("#find-unit", person["unit_name"])
    page.get_by_role("button", name="Cari", exact=True).click()
    expect(page.locator("#find-count")).to_contain_text("pegawai ditemukan")
    page.locator(f'#people a[href="/pegawai/{home.employee_id}"]').click()
    expect(page.locator("h1")).to_have_text(person["full_name"])
    expect(page.locator("#who")).to_contain_text(person["nip"])
    expect(page.locator("#profile")).to_contain_text(person["unit_name"])
    expect(page.locator("#profile")).to_contain_text(home.largest_unit)  # the code, beneath
    expect(page.locator("svg.levels rect.bar.level").first).to_be_visible()
    expect(page.locator("svg.ninebox rect.box")).to_have_count(9)
    assert page.locator("svg.ninebox rect.box.current").count() <= 1
    expect(page.locator("#talent")).to_contain_text("Job-Person Match")
    expect(page.locator("#jp svg.jp")).to_have_count(2)
    expect(page.locator("#predikat tbody tr").first).to_be_visible()
    expect(page.locator("#recommendations svg.waterfall")).to_have_count(3)
    first = page.locator("#recommendations svg.waterfall").first
    expect(first).to_contain_text("Nilai dasar model")
    expect(first).to_contain_text("Skor akhir model")
    expect(first.locator("text.strong")).to_contain_text("0,")  # the probability, "0,80"
    expect(first).not_to_contain_text("log-odds")
    expect(page.locator("#programs tbody tr").first).to_be_visible()
    expect(page.locator("#protected")).to_have_count(0)  # a planner sees no protected attribute


def test_the_unit_page_and_its_plan(
    log_in: LogIn, home: Home, state: ServingState, person: dict[str, str]
) -> None:
    page = log_in("planner")
    page.get_by_role("link", name="Unit", exact=True).click()
    page.locator("#units th").get_by_role("link", name="Pegawai", exact=True).click()
    expect(page.locator("#units-count")).to_contain_text("jumlah pegawai")  # largest first
    page.locator("#units tbody a").first.click()
    expect(page.locator("h1")).to_have_text(person["unit_name"])  # the unit by its name
    served = state.served()
    assert served is not None
    staff = state.snapshots.unit(served.info.snapshot_id, home.largest_unit)
    heat = page.locator("svg.heatmap")
    expect(heat.locator("a")).to_have_count(len(staff))  # one linked row per employee
    assert heat.locator("rect.cell").count() >= len(staff)
    expect(page.locator("#shortfall")).to_contain_text("Minimal 20 JP")

    page.fill("#budget_idr", "40.000.000")
    page.get_by_role("button", name="Susun rencana").click()
    result = page.locator("#plan-result")
    expect(result).to_be_visible()
    expect(page).to_have_url(re.compile(r"/rencana/[0-9a-f]{32}$"))  # saved: post/redirect/get
    expect(result).to_contain_text("optimal")
    expect(page.locator("#plan-inputs")).to_contain_text("Rp 40.000.000")
    assert page.locator("#assignments tbody tr").count() > 0
    assert page.locator("#programmes tbody tr").count() > 0
    page.get_by_role("link", name="Buat versi baru dari rencana ini").click()
    expect(page.locator("#budget_idr")).to_have_value("40.000.000")  # the next version's form


def test_the_fairness_page_and_a_review(log_in: LogIn, flag_id: str, state: ServingState) -> None:
    page = log_in("committee")
    page.get_by_role("link", name="Keadilan").first.click()
    expect(page.locator("h1")).to_have_text("Keadilan penilaian kinerja")
    forest = page.locator("#raters svg.forest")
    expect(forest).to_be_visible()
    assert forest.locator("circle.dot").count() >= 1
    assert forest.locator("line.whisker").count() >= 1
    expect(page.locator("#groups svg.forest rect.bar").first).to_be_visible()
    expect(page.locator("#groups")).to_contain_text("perempuan")  # groups in words
    expect(page.locator("#scores tbody tr").first).to_be_visible()

    page.locator(f'#flag-table a[href^="/keadilan/tanda/{flag_id}?"]').click()
    expect(page.locator("#details")).to_contain_text("Penilai")
    before = len(state.trail.trail(flag_id))
    reason = "Efek konsisten tiga tahun; minta klarifikasi atasan (uji peramban)"
    page.get_by_label("Dikonfirmasi").check()
    page.fill("#reason", reason)
    page.get_by_role("button", name="Simpan tinjauan").click()
    expect(page.get_by_role("status")).to_contain_text("Tinjauan tersimpan")
    expect(page.locator("#flag-status")).to_have_text("Dikonfirmasi")
    last = page.locator("#trail tbody tr").last
    expect(last).to_contain_text(reason)
    expect(last).to_contain_text("Ditinjau")
    expect(last).to_contain_text("browser committee")
    assert len(state.trail.trail(flag_id)) == before + 1


def test_a_forged_review_form_is_refused(log_in: LogIn, flag_id: str, state: ServingState) -> None:
    page = log_in("committee")
    page.goto(f"/keadilan/tanda/{flag_id}")
    before = len(state.trail.trail(flag_id))
    page.locator("#review input[name=csrf_token]").evaluate("e => { e.value = 'forged'; }")
    page.get_by_label("Ditolak").check()
    page.fill("#reason", "tidak boleh tersimpan")
    page.get_by_role("button", name="Simpan tinjauan").click()
    expect(page.locator("h1")).to_have_text("Kesalahan 403")
    expect(page.get_by_role("alert")).to_contain_text("CSRF")
    assert len(state.trail.trail(flag_id)) == before


def test_the_model_page(log_in: LogIn) -> None:
    page = log_in("data-scientist")
    page.get_by_role("link", name="Model").first.click()
    expect(page.locator("h1")).to_have_text("Model")
    expect(page.locator("#serving")).to_contain_text("talenta-need")
    expect(page.locator("#versions-talenta-need tbody tr")).to_have_count(1)
    expect(page.locator("#versions-talenta-need")).to_contain_text("champion")
    calibration = page.locator("#calibration svg.calibration")
    expect(calibration).to_be_visible()
    assert calibration.locator("circle.dot").count() >= 5
    expect(calibration.locator("polyline.curve")).to_have_count(1)
    expect(page.locator("#card .markdown table").first).to_be_visible()
    expect(page.locator("#card")).to_contain_text("Limitations")


def test_the_language_switch(log_in: LogIn, home: Home, person: dict[str, str]) -> None:
    page = log_in("committee")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.goto(f"/pegawai/{home.employee_id}")
    expect(page.locator("#recommendations h2")).to_have_text("Rekomendasi")
    page.get_by_role("link", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(person["full_name"])
    expect(page.locator("#recommendations h2")).to_have_text("Recommendations")
    expect(page.locator("#profile")).to_contain_text("Protected attributes")
    expect(page.locator("#protected")).to_contain_text(re.compile("Male|Female"))
    page.get_by_role("link", name="Fairness").click()  # the choice is remembered
    expect(page.locator("h1")).to_have_text("Appraisal fairness")
    page.get_by_role("link", name="ID", exact=True).click()
    expect(page.locator("h1")).to_have_text("Keadilan penilaian kinerja")


@pytest.mark.parametrize(
    ("role", "path", "menu"),
    [
        ("planner", "/keadilan", "Keadilan"),
        ("data-scientist", "/unit", "Unit"),
        ("committee", "/model", "Model"),
        ("admin", "/keadilan", "Keadilan"),
    ],
)
def test_a_role_sees_only_its_pages(log_in: LogIn, role: str, path: str, menu: str) -> None:
    page = log_in(role)
    expect(page.locator("nav.menu").get_by_role("link", name=menu)).to_have_count(0)
    response = page.goto(path)
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Kesalahan 403")
    expect(page.get_by_role("alert")).to_contain_text("tidak boleh")


def test_every_page_opens_for_its_role_without_a_browser_error(
    log_in: LogIn, home: Home, flag_id: str
) -> None:
    """Each page, as its role opens it: found, titled, and no script error or failed asset on
    the way. How fast they open is measured in bench/pages.py, not here (machines are noisy)."""
    pages = {
        "planner": ["/", "/unit", f"/unit/{home.largest_unit}", f"/pegawai/{home.employee_id}"],
        "committee": ["/keadilan", f"/keadilan/tanda/{flag_id}"],
        "data-scientist": ["/model"],
    }
    problems: list[str] = []
    for role, paths in pages.items():
        page = log_in(role)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            expect(page.locator("h1")).to_be_visible()
        page.context.clear_cookies()
    assert not problems, problems


def test_a_plan_with_fifty_juta_a_pin_and_a_hard_minimum_at_both_widths(
    log_in: LogIn, home: Home
) -> None:
    """The options as a planner uses them, at a desktop's and a phone's width; screenshots in
    tests/artifacts/ to look at."""
    page = log_in("planner")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/unit/{home.largest_unit}")
        first = page.locator("#pinned option").first
        pinned_name = first.inner_text()
        page.select_option("#pinned", index=0)
        page.fill("#budget_idr", "50 juta")
        page.get_by_role("button", name="Susun rencana").click()
        result = page.locator("#plan-result")
        expect(result).to_be_visible()
        expect(page.locator("#assignments")).to_contain_text(pinned_name)
        expect(page.locator("#plan-inputs")).to_contain_text("Rp 50.000.000")
        expect(page.locator("#plan-inputs")).to_contain_text(pinned_name)
        expect(result.locator(".explanation")).not_to_contain_text("HiGHS")
        # no sideways scrolling of the page at either width
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (width, overflow)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"unit-plan-{width}.png"), full_page=True)

        page.goto(f"/unit/{home.largest_unit}")
        page.fill("#budget_idr", "Rp 1.000")
        page.check("#hard_minimum")
        page.get_by_role("button", name="Susun rencana").click()
        expect(page.locator("#plan-result .notice.bad")).to_contain_text("Rp")
        page.goto(f"/unit/{home.largest_unit}")
        page.fill("#budget_idr", "lima juta")
        page.get_by_role("button", name="Susun rencana").click()
        expect(page.locator(".notice.bad").first).to_contain_text(
            "tidak dapat dibaca sebagai rupiah"
        )
