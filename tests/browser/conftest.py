"""Headless Chromium on the pages, served for real: uvicorn in a background thread on a free
port, on the pages' test home (tests/serving/pages/home.py, built once per session).

Chromium is Debian's (``/usr/bin/chromium``, which ``make test`` installs), driven by
Playwright's Python package; Playwright's own browser download is never used. Where Chromium is
missing the tests skip and say so. A failing test leaves a screenshot in ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from ml.serving.app import create_app
from ml.serving.harness import CHROMIUM as CHROMIUM_PATH
from ml.serving.harness import CHROMIUM_ARGS, serving
from ml.store.keys import ROLES, Keys
from tests.serving.pages.home import Home, build_home

CHROMIUM = Path(CHROMIUM_PATH)

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # the dev extra is not installed
    sync_playwright = None  # type: ignore[assignment]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Keep each phase's report on the test, for the page fixture's screenshot on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if sync_playwright is None:
        pytest.skip("Playwright's Python package is missing: pip install -e '.[dev]'")
    if not CHROMIUM.is_file():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: `make test` installs it with "
            "`apt-get install -y chromium`, which needs root and the Debian repositories"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def home(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_home(tmp_path_factory.getbasetemp() / "pages-home")


@pytest.fixture(scope="session")
def app(home: Home) -> FastAPI:
    return create_app(home.settings)


@pytest.fixture(scope="session")
def base_url(app: FastAPI) -> Iterator[str]:
    with serving(app) as url:
        yield url


@pytest.fixture(scope="session")
def keys(home: Home) -> dict[str, str]:
    store = Keys.from_url(home.settings.store_url)
    return {role: store.create(role, f"browser {role}").key for role in ROLES}


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, base_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context (no cookies); a screenshot in tests/artifacts/ if the test
    fails."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    yield opened
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        with contextlib.suppress(Exception):
            opened.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def log_in(page: Page, keys: dict[str, str], base_url: str) -> Callable[[str], Page]:
    """``log_in("planner")``: the page, logged in through the form with that role's key."""

    def logged_in(role: str) -> Page:
        page.goto("/login")
        page.fill("#key", keys[role])
        page.click("form button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        return page

    return logged_in
