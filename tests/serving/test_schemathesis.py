"""Property-based requests from the app's own OpenAPI schema (schemathesis): whatever the
generated path, query and body, valid or not, no answer is a server error.

One run per operation and role, with that role's key: each reaches its own routes past the
403 and meets the 403 on the others. Bounded to a few dozen examples per operation so the file
takes seconds; ``TALENTA_FUZZ_EXAMPLES=200`` for a hunt.

schemathesis' own ``@schema.parametrize()`` over ``schemathesis.pytest.from_fixture`` fails under
pytest 9 (it sets ``request.node._nodeid``, which pytest 9 no longer has), and the session's app
only exists inside a fixture; so each operation's cases come from ``APIOperation.as_strategy``
under a plain hypothesis ``@given``.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml.serving.app import create_app
from ml.store import ReviewTrail
from tests.serving.conftest import Home

# TALENTA_FUZZ_EXAMPLES=500 for a longer hunt, on fresh random inputs; the suite's own run is
# derandomised, so that `make test` passes or fails the same way every time.
HUNT = "TALENTA_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("TALENTA_FUZZ_EXAMPLES", "30"))
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not HUNT,
    suppress_health_check=list(HealthCheck),
)
# The operations, read from the schema of an app that is not started (no state needed for it).
OPERATIONS = [
    (path, method.upper())
    for path, methods in create_app().openapi()["paths"].items()
    for method in methods
]


@pytest.fixture(scope="module")
def api_schema(app: FastAPI, client: object) -> schemathesis.BaseSchema:
    # `client`: the app is started (its lifespan built the state) before schemathesis calls it
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_route_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 11
    assert ("/api/v1/employees", "GET") in OPERATIONS and ("/api/v1/units", "GET") in OPERATIONS
    assert ("/api/v1/units/{unit_id}/training-plan", "POST") in OPERATIONS


# What each key may call: its cases must get past the 403 at least sometimes.
REACHES = {
    # "employees": the search (/api/v1/employees), "units": the unit list (/api/v1/units)
    "planner": {
        "profile",
        "recommendations",
        "training-plan",
        "health",
        "ready",
        "employees",
        "units",
    },
    "committee": {
        "profile",
        "recommendations",
        "flags",
        "reviews",
        "coverage",
        "health",
        "ready",
        "employees",
    },
    "data-scientist": {"models", "reload", "health", "ready"},
    "admin": {
        "profile",
        "recommendations",
        "training-plan",
        "models",
        "reload",
        "health",
        "ready",
        "employees",
        "units",
    },
}


@pytest.fixture(scope="module")
def real_ids(home: Home, employee_id: str, unit_id: str) -> dict[str, str]:
    """Path parameters that exist, so that generated queries and bodies reach the handlers
    (random ids mostly meet a 404)."""
    trail = ReviewTrail.from_url(home.settings.store_url, upgrade=False)
    last = trail.flags(limit=1, offset=trail.flags(limit=1).total - 1).items[0]
    return {"employee_id": employee_id, "unit_id": unit_id, "flag_id": last.flag_id}


@pytest.mark.parametrize("role", sorted(REACHES))
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_no_server_errors(
    api_schema: schemathesis.BaseSchema,
    home: Home,
    real_ids: dict[str, str],
    role: str,
    path: str,
    method: str,
) -> None:
    operation = api_schema[path][method]
    key = {"Authorization": f"Bearer {home.keys[role]}"}
    strategies = [
        operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(schemathesis.GenerationMode.NEGATIVE),
    ]
    existing = {name: value for name, value in real_ids.items() if f"{{{name}}}" in path}
    if existing:
        strategies += [
            operation.as_strategy(mode, path_parameters=existing)
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
        ]
    statuses: list[int] = []

    @BOUNDED
    @given(case=st.one_of(strategies))
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers=key)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    run()
    # (Negative cases may break the Authorization header too: 401 is among the answers.)
    if path.rsplit("/", 1)[-1] in REACHES[role]:
        assert any(status < 300 for status in statuses), statuses
    else:
        assert 403 in statuses and all(400 <= status < 500 for status in statuses), statuses
