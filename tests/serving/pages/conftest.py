"""The served home, the app on it and one key per role, for the pages' unit tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ml.serving.app import create_app
from ml.store.keys import ROLES, Keys
from tests.serving.pages.home import Home, build_home

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="session")
def home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return build_home(tmp_path_factory.getbasetemp() / "pages-home")


@pytest.fixture(scope="session")
def keys(home: Home) -> dict[str, str]:
    """One live key per role."""
    store = Keys.from_url(home.settings.store_url)
    return {role: store.create(role, f"pages test {role}").key for role in ROLES}


@pytest.fixture(scope="module")
def app(home: Home) -> Iterator[FastAPI]:
    application = create_app(home.settings)
    with TestClient(application):  # runs the lifespan: state built once per module
        yield application


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    """A fresh browser-like client (its own cookies) on the module's running app."""
    return TestClient(app, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, key: str) -> None:
    form = client.get("/login")
    answer = client.post("/login", data={"key": key, "csrf_token": csrf_of(form.text)})
    assert answer.status_code == 303, answer.text


@pytest.fixture
def as_role(client: TestClient, keys: dict[str, str]) -> Callable[[str], TestClient]:
    """``as_role("planner")``: the client, logged in with that role's key."""

    def logged_in(role: str) -> TestClient:
        client.cookies.clear()
        log_in(client, keys[role])
        return client

    return logged_in


@pytest.fixture(autouse=True)
def _mlflow_points_at_home() -> None:
    """Replaces tests/serving's fixture of that name, which would build the API tests' home
    for every test here: the pages read the registry through the app's own client, and the
    chart, language and session tests need no home at all."""
