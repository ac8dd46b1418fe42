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
from datetime import date

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ml.serving.app import create_app
from ml.store import ReviewTrail
from ml.store.committee import CommitteeStore
from ml.store.keys import Keys
from ml.store.plans import Actor, Plans
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


# The saved plans' routes, by their last path segment.
PLAN_ROUTES = {"plans", "{plan_id}", "transitions", "{other_id}", "export"}
# Operations whose generated bodies never name a real unit: a planner's cases get past the
# 403 to the handler's 404/422, never to a 201 (tests/serving/routes/test_plans.py makes plans).
NO_SUCCESS_EXPECTED = {("/api/v1/plans", "POST")}
# What each key may call: its cases must get past the 403 at least sometimes.
REACHES = {
    # "employees": the search (/api/v1/employees), "units": the unit list (/api/v1/units)
    "planner": {
        *PLAN_ROUTES,
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
        "sessions",
        "{session_id}",
        "minutes.csv",
        "minutes.pdf",
        "follow-ups",
        "adjustments.csv",
    },
    "data-scientist": {"models", "reload", "health", "ready"},
    "admin": {
        *PLAN_ROUTES,
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


# Routes a role may call whose generated bodies cannot name real ids (a decision on random flag
# ids is a 404, every time): checked for no server error and no 403 alone.
BODY_NEEDS_IDS = {("committee", "decisions")}


@pytest.fixture(scope="module")
def real_ids(home: Home, employee_id: str, unit_id: str) -> dict[str, str]:
    """Path parameters that exist, so that generated queries and bodies reach the handlers
    (random ids mostly meet a 404)."""
    trail = ReviewTrail.from_url(home.settings.store_url, upgrade=False)
    last = trail.flags(limit=1, offset=trail.flags(limit=1).total - 1).items[0]
    held = CommitteeStore.from_url(home.settings.store_url, upgrade=False).create_session(
        date(2026, 12, 1), ["fuzz"], "schemathesis"
    )
    return {
        "employee_id": employee_id,
        "unit_id": unit_id,
        "flag_id": last.flag_id,
        "session_id": held.session_id,
    }


def fresh_plan(home: Home, unit_id: str) -> str:
    """A draft of its own for each operation and role: one run's transitions must not decide
    what the next finds (an approved plan has no step left)."""
    key = Keys.from_url(home.settings.store_url).create("planner", "fuzz")
    plan = Plans.from_url(home.settings.store_url).save(
        unit_id=unit_id, agency_id=None, unit_name=None, inputs={"budget_idr": 1e6},
        result={"assignments": [], "total_cost": 0.0}, author=Actor("fuzz", key.info.key_id),
    )  # fmt: skip
    return plan.plan_id


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
    ids = dict(real_ids)
    if "{plan_id}" in path:
        ids["plan_id"] = ids["other_id"] = fresh_plan(home, real_ids["unit_id"])
    existing = {name: value for name, value in ids.items() if f"{{{name}}}" in path}
    if existing:
        strategies += [
            operation.as_strategy(mode, path_parameters=existing)
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
        ]
    statuses: list[int] = []

    def call(case: schemathesis.Case) -> None:
        response = case.call(headers=key)
        statuses.append(response.status_code)
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

    if path.endswith("/transitions"):
        # One valid step first (a draft may always be proposed): whether the generated cases
        # name it depends on how the derandomised draws fall, which other fixtures shift.
        call(operation.Case(path_parameters=existing, body={"status": "proposed"},
                            media_type="application/json"))  # fmt: skip

    @BOUNDED
    @given(case=st.one_of(strategies))
    def run(case: schemathesis.Case) -> None:
        call(case)

    run()
    # (Negative cases may break the Authorization header too: 401 is among the answers.)
    if (role, path.rsplit("/", 1)[-1]) in BODY_NEEDS_IDS:
        assert 403 not in statuses, statuses
    elif (path, method) in NO_SUCCESS_EXPECTED and path.rsplit("/", 1)[-1] in REACHES[role]:
        assert any(status != 403 for status in statuses), statuses
    elif path.rsplit("/", 1)[-1] in REACHES[role]:
        assert any(status < 300 for status in statuses), statuses
    else:
        assert 403 in statuses and all(400 <= status < 500 for status in statuses), statuses
