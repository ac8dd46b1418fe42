"""axe-core (injected from the axe-playwright-python package: no network) over the planner's
pages, in Bahasa Indonesia: no serious or critical violation. Plus the skip link, the first stop
of the keyboard on every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.serving.pages.home import Home

LogIn = Callable[[str], Page]
SEVERE = {"serious", "critical"}


def _severe(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v.get("impact") in SEVERE
    ]


def _save_plan(page: Page, unit: str, budget: str) -> str:
    page.goto(f"/unit/{unit}")
    page.fill("#budget_idr", budget)
    page.get_by_role("button", name="Susun rencana").click()
    expect(page).to_have_url(re.compile(r"/rencana/[0-9a-f]{32}$"))
    return page.url.rsplit("/", 1)[-1]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_planner_pages_have_no_serious_violations(
    log_in: LogIn, home: Home, width: int
) -> None:
    page = log_in("planner")
    page.set_viewport_size({"width": width, "height": 900})
    first = _save_plan(page, home.largest_unit, "50 juta")
    second = _save_plan(page, home.largest_unit, "20 juta")
    pages = [
        "/",
        "/pegawai?q=a",
        f"/pegawai/{home.employee_id}",
        "/unit",
        f"/unit/{home.largest_unit}",
        "/rencana",
        f"/rencana/{first}",
        f"/rencana/banding?a={first}&b={second}",
    ]
    found = {}
    for path in pages:
        page.goto(path)
        severe = _severe(page)
        if severe:
            found[path] = severe
    assert found == {}, found


def test_the_skip_link_comes_first_and_jumps_to_the_content(log_in: LogIn) -> None:
    page = log_in("planner")
    page.goto("/unit")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Langsung ke isi halaman")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
