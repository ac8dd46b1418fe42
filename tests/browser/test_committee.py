"""A committee session end to end in Chromium: open a rater flag, read its paragraph and the
ratings behind it, decide with an adjusted predikat, bulk-dismiss three flags in a session,
download the minutes and find every decision in the PDF's text. The flag page at 1366 px and
390 px: nothing scrolls sideways, the chart fits its card (screenshots in tests/artifacts/).

The flags decided are those still OPEN when the test runs, taken from the end of the list
(other tests of this home take theirs from the front)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from ml.serving.state import ServingState
from tests.browser.conftest import ARTIFACTS

LogIn = Callable[[str], Page]


@pytest.fixture(scope="module")
def state(app: FastAPI, base_url: str) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


def open_flags(state: ServingState, family: str, count: int) -> list[str]:
    total = state.trail.flags(family=family, status="OPEN", limit=1).total
    assert total >= count, f"only {total} open {family} flags left"
    page = state.trail.flags(family=family, status="OPEN", limit=count, offset=total - count)
    return [f.flag_id for f in page.items]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_committee_session_end_to_end(log_in: LogIn, state: ServingState) -> None:
    page = log_in("committee")
    # a session, opened from the sessions page
    page.goto("/keadilan/sidang")
    page.fill("#held_on", "2026-12-02")
    page.fill("#members", "Ani Wijaya\nBudi Santoso")
    page.click("#new-session button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Sidang 2 Desember 2026")
    session_url = page.url

    # a rater flag: its paragraph and the ratings behind it
    rater = (open_flags(state, "RATER", 1) or open_flags(state, "DIFFERENTIAL", 1))[0]
    page.goto(f"/keadilan/tanda/{rater}")
    paragraph = page.locator("#paragraph")
    expect(paragraph).to_contain_text("Penilai")
    expect(paragraph).to_contain_text("didukung bukti")
    expect(page.locator("#behind-table tbody tr").first).to_be_visible()
    given = page.locator("#behind-table tbody tr").first.locator("td.num").first.inner_text()
    assert re.fullmatch(r"-?\d+,\d{2}", given), given
    # decide with an adjusted predikat, within the session
    page.get_by_label("Dikonfirmasi").check()
    page.fill("#reason", "penilai jauh di atas capaian KPI")
    page.select_option("#session_id", value=session_url.rstrip("/").rsplit("/", 1)[-1])
    page.select_option("#appraisal", index=1)
    page.select_option("#adjusted_predikat", "BAIK")
    page.click("#review button[type=submit]")
    expect(page.get_by_role("status")).to_contain_text("Tinjauan tersimpan")
    expect(page.locator("#flag-status")).to_have_text("Dikonfirmasi")
    expect(page.locator("#adjustments")).to_contain_text("Baik")

    # three curve flags dismissed at once under one reason
    page.goto(session_url + "?family=DISTRIBUTION")
    boxes = page.locator("#bulk input[name=flag_id]")
    assert boxes.count() >= 3
    chosen = [str(boxes.nth(boxes.count() - 1 - i).get_attribute("value")) for i in range(3)]
    for flag_id in chosen:
        page.check(f"#pick-{flag_id}")
    page.get_by_label("Ditolak").check()
    page.fill("#bulk-reason", "unit kecil, sebaran masih wajar")
    page.click("#bulk button[type=submit]")
    expect(page.locator("#saved")).to_contain_text("3 keputusan tersimpan")
    assert {state.trail.status(f) for f in chosen} == {"DISMISSED"}

    # the minutes, downloaded and read back: every decision is in them
    with page.expect_download() as download:
        page.click("#minutes-pdf")
    path = Path(download.value.path())
    text = squash("".join(p.extract_text() for p in PdfReader(path).pages))
    assert squash("Berita Acara Sidang Tim Penilai Kinerja") in text
    assert "AniWijaya" in text and "BudiSantoso" in text
    assert squash(state.trail.flag(rater).subject) in text and "Dikonfirmasi" in text
    assert squash("penilai jauh di atas capaian KPI") in text
    for flag_id in chosen:
        assert squash(state.trail.flag(flag_id).subject) in text
    assert text.count("Ditolak") >= 3 and squash("unit kecil, sebaran masih wajar") in text
    assert "Baik" in text  # the adjusted predikat


@pytest.mark.parametrize("width", [1366, 390])
def test_the_flag_page_fits_the_screen(log_in: LogIn, state: ServingState, width: int) -> None:
    page = log_in("committee")
    page.set_viewport_size({"width": width, "height": 900})
    found = (
        state.trail.flags(family="RATER", limit=1).items
        or state.trail.flags(family="DIFFERENTIAL", limit=1).items
    )
    page.goto(f"/keadilan/tanda/{found[0].flag_id}")
    expect(page.locator("#paragraph")).to_be_visible()
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        "() => [...document.querySelectorAll('main *')].filter(e => "
        "e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll'))"
        ".slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className)"
    )
    assert sideways <= 0, f"the page scrolls {sideways} px sideways at {width} px: {wide}"
    for chart in ("#found svg.chart", "#peers svg.chart"):
        box = page.locator(chart).bounding_box()
        card = page.locator(chart.split(" ")[0]).bounding_box()
        assert box and card and box["x"] + box["width"] <= card["x"] + card["width"] + 1, chart
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"keadilan-tanda-{width}.png"), full_page=True)
