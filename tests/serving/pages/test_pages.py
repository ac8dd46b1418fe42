"""The pages on a served home, through FastAPI's test client: log-in, the role table, CSRF,
the access log, the review and the plan forms, the language switch and render times."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ml.serving import service
from ml.serving.pages.data import unit_needs
from ml.serving.pages.session import LANG_COOKIE, SESSION_COOKIE
from ml.serving.roles import Permission, allowed
from ml.serving.state import ServingState
from ml.store.keys import ROLES, Keys
from tests.serving.pages.conftest import csrf_of, log_in
from tests.serving.pages.home import Home

AsRole = Callable[[str], TestClient]


@pytest.fixture(scope="module")
def state(app: FastAPI) -> ServingState:
    talenta: ServingState = app.state.talenta
    return talenta


@pytest.fixture(scope="module")
def flag_id(state: ServingState) -> str:
    return state.trail.flags(family="RATER", limit=1).items[0].flag_id


@pytest.fixture(scope="module")
def pages(home: Home, flag_id: str) -> dict[str, Permission | None]:
    """Every page, and the permission it needs (None: any logged-in role)."""
    return {
        "/": None,
        "/unit": Permission.PLAN_UNITS,
        "/unit?sort=shortfall&page=2": Permission.PLAN_UNITS,
        f"/unit/{home.largest_unit}": Permission.PLAN_UNITS,
        "/pegawai?q=siti": Permission.READ_EMPLOYEES,
        f"/pegawai/{home.employee_id}": Permission.READ_EMPLOYEES,
        "/keadilan": Permission.FAIRNESS,
        f"/keadilan/tanda/{flag_id}": Permission.FAIRNESS,
        "/model": Permission.READ_MODELS,
    }


def test_pages_send_strangers_to_the_log_in_form(
    client: TestClient, pages: dict[str, Permission | None]
) -> None:
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login")
    assert client.get("/unit?q=X").headers["location"] == "/login?next=%2Funit%3Fq%3DX"
    late = client.post("/unit/U1/rencana", data={"budget_idr": "1"})  # the session ended
    assert late.status_code == 303 and late.headers["location"] == "/login?next=%2Funit%2FU1"
    form = client.get("/login")
    assert form.status_code == 200 and 'name="key"' in form.text and 'lang="id"' in form.text


def test_log_in_sets_a_signed_httponly_cookie_without_the_key(
    client: TestClient, keys: dict[str, str]
) -> None:
    form = client.get("/login?next=/model")
    answer = client.post(
        "/login",
        data={"key": keys["data-scientist"], "csrf_token": csrf_of(form.text), "next": "/model"},
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/model"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert (
        keys["data-scientist"] not in cookie and keys["data-scientist"].split("_")[2] not in cookie
    )
    assert client.get("/model").status_code == 200
    assert client.get("/login").status_code == 303  # already in: on to the page


def test_log_in_refuses_a_wrong_key_and_a_form_without_its_token(
    client: TestClient, keys: dict[str, str]
) -> None:
    form = client.get("/login")
    token = csrf_of(form.text)
    wrong = client.post("/login", data={"key": "tal_nope_nope", "csrf_token": token})
    assert wrong.status_code == 401 and "Kunci tidak dikenal" in wrong.text
    assert SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
    client.cookies.clear()  # a cross-site form: no log-in cookie to match
    forged = client.post("/login", data={"key": keys["planner"], "csrf_token": token})
    assert forged.status_code == 403 and SESSION_COOKIE not in forged.headers.get("set-cookie", "")


def test_log_in_goes_nowhere_but_here(client: TestClient, keys: dict[str, str]) -> None:
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={
            "key": keys["planner"],
            "csrf_token": csrf_of(form.text),
            "next": "https://evil.example/",
        },
    )
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_the_api_lets_it_read(
    role: str, as_role: AsRole, pages: dict[str, Permission | None]
) -> None:
    client = as_role(role)
    for path, permission in pages.items():
        answer = client.get(path)
        expected = 200 if permission is None or allowed(role, permission) else 403
        assert answer.status_code == expected, (role, path, answer.text[:400])
        if expected == 403:
            assert "Kesalahan 403" in answer.text and "tidak boleh" in answer.text
    menu = client.get("/").text
    for href, permission in (
        ("/unit", Permission.PLAN_UNITS),
        ("/keadilan", Permission.FAIRNESS),
        ("/model", Permission.READ_MODELS),
    ):
        assert (f'href="{href}"' in menu) == allowed(role, permission), (role, href)


def test_protected_attributes_are_for_the_committee_alone(as_role: AsRole, home: Home) -> None:
    path = f"/pegawai/{home.employee_id}"
    assert 'id="protected"' in as_role("committee").get(path).text
    for role in ("planner", "admin"):
        assert 'id="protected"' not in as_role(role).get(path).text


def test_the_employee_page_shows_profile_charts_and_reasons(as_role: AsRole, home: Home) -> None:
    page = as_role("planner").get(f"/pegawai/{home.employee_id}").text
    for part in (
        'id="profile"',
        'class="chart levels"',
        'class="chart ninebox"',
        'class="chart jp"',
        'id="predikat"',
        'id="needs"',
        'class="chart waterfall"',
        "Job-Person Match",
        "Kotak manajemen talenta",
        "Nilai dasar model",
    ):
        assert part in page, part
    assert page.count('class="chart waterfall"') == 3


def test_reads_of_personal_data_are_logged_like_the_api(
    as_role: AsRole, home: Home, flag_id: str, keys: dict[str, str], state: ServingState
) -> None:
    planner, committee = Keys.from_url(home.settings.store_url), keys
    as_role("planner").get(f"/pegawai/{home.employee_id}")
    entry = planner.access_log("employee", home.employee_id, limit=1)[0]
    assert (entry.role, entry.action) == ("planner", f"GET /pegawai/{home.employee_id}")
    assert entry.key_id == committee["planner"].split("_")[1]
    as_role("planner").get(f"/unit/{home.largest_unit}")
    assert state.keys.access_log("unit", home.largest_unit, limit=1)[0].role == "planner"
    as_role("committee").get(f"/keadilan/tanda/{flag_id}")
    assert state.keys.access_log("flag", flag_id, limit=1)[0].role == "committee"
    as_role("committee").get("/keadilan")
    assert state.keys.access_log("flags", limit=1)[0].action == "GET /keadilan"


def test_a_review_needs_the_forms_token_and_then_writes_the_trail(
    as_role: AsRole, flag_id: str, state: ServingState
) -> None:
    client = as_role("committee")
    page = client.get(f"/keadilan/tanda/{flag_id}")
    before = len(state.trail.trail(flag_id))
    form = {"decision": "NEEDS_INFO", "reason": "minta data IKU 2024 dari unit"}
    for token in ("", "forged", csrf_of(page.text)[:-2] + "xx"):
        refused = client.post(
            f"/keadilan/tanda/{flag_id}/tinjau", data={**form, "csrf_token": token}
        )
        assert refused.status_code == 403 and "CSRF" in refused.text
    assert len(state.trail.trail(flag_id)) == before

    saved = client.post(
        f"/keadilan/tanda/{flag_id}/tinjau", data={**form, "csrf_token": csrf_of(page.text)}
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=1")
    trail = state.trail.trail(flag_id)
    assert len(trail) == before + 1 and trail[-1].reason == form["reason"]
    assert trail[-1].by.startswith("pages test committee (")
    shown = client.get(saved.headers["location"]).text
    assert "Tinjauan tersimpan" in shown and form["reason"] in shown and "Perlu informasi" in shown


def test_a_review_without_a_reason_is_refused_and_says_why(
    as_role: AsRole, flag_id: str, state: ServingState
) -> None:
    client = as_role("committee")
    token = csrf_of(client.get(f"/keadilan/tanda/{flag_id}").text)
    before = len(state.trail.trail(flag_id))
    answer = client.post(
        f"/keadilan/tanda/{flag_id}/tinjau",
        data={"decision": "CONFIRMED", "reason": "  ", "csrf_token": token},
    )
    assert answer.status_code == 422 and "tidak tersimpan" in answer.text
    assert len(state.trail.trail(flag_id)) == before
    missing = client.post(
        "/keadilan/tanda/nope/tinjau",
        data={"decision": "CONFIRMED", "reason": "x", "csrf_token": token},
    )
    assert missing.status_code == 404


def test_the_plan_form_needs_its_token_and_shows_the_plan(as_role: AsRole, home: Home) -> None:
    client = as_role("planner")
    path = f"/unit/{home.largest_unit}"
    page = client.get(path)
    assert page.status_code == 200 and 'class="chart heatmap"' in page.text
    form = {"budget_idr": "50.000.000", "max_jp_per_person": "80", "minimum_jp": "20"}
    refused = client.post(f"{path}/rencana", data={**form, "csrf_token": "nope"})
    assert refused.status_code == 403
    planned = client.post(
        f"{path}/rencana", data={**form, "csrf_token": csrf_of(page.text)}, follow_redirects=True
    )
    assert planned.status_code == 200, planned.text[:500]
    for part in (
        'id="plan-result"',
        "optimal",
        "Rp 50.000.000",
        'id="assignments"',
        "Pengoptimasi",
    ):
        assert part in planned.text, part
    bad = client.post(
        f"{path}/rencana", data={**form, "budget_idr": "-5", "csrf_token": csrf_of(page.text)}
    )
    assert bad.status_code == 422 and "tidak valid" in bad.text


def test_the_heat_map_is_the_models_need_per_employee_and_competency(
    state: ServingState, home: Home
) -> None:
    served = state.served()
    loaded = state.models.current
    assert served is not None and loaded is not None
    staff = state.snapshots.unit(served.info.snapshot_id, home.largest_unit)
    grid = unit_needs(staff, loaded.explainer)
    assert sorted(grid.employees) == sorted(r.employee_id for r in staff)
    record = staff[0]
    answer = service.recommendations(record, served, loaded)
    for c in answer["competencies"]:
        assert grid.probability[(record.employee_id, c["competency_code"])] == pytest.approx(
            c["need_probability"]
        )
    totals = [sum(p for (e, _), p in grid.probability.items() if e == x) for x in grid.employees]
    assert totals == sorted(totals, reverse=True)
    without = unit_needs(staff, None)  # no model: the rules' gaps alone
    assert set(without.probability.values()) <= {0.0, 1.0}


def test_the_fairness_page_draws_raters_groups_and_lists_flags(as_role: AsRole) -> None:
    page = as_role("committee").get("/keadilan").text
    for part in (
        'id="raters"',
        'class="chart forest"',
        'id="groups"',
        "perempuan",  # groups in words, not `gender=P`
        'id="scores"',
        'id="flag-table"',
        "Kurva distribusi",
    ):
        assert part in page, part
    assert page.count('class="chart forest"') == 2
    filtered = as_role("committee").get("/keadilan?family=SCORE&status=OPEN").text
    assert filtered.count('href="/keadilan/tanda/') > 0
    assert "Kurva distribusi</td>" not in filtered


def test_the_model_page_shows_versions_calibration_and_card(as_role: AsRole) -> None:
    page = as_role("data-scientist").get("/model").text
    for part in (
        "talenta-need",
        "talenta-expected-appraisal",
        ">champion<",
        "test_roc_auc",
        'class="chart calibration"',
        "<table>",
        "Model card",
        "Limitations",
    ):
        assert part in page, part
    assert "calibration.png" not in page  # the card's image is replaced by the SVG


def test_the_language_switch_is_remembered(as_role: AsRole) -> None:
    client = as_role("committee")
    assert "Keadilan penilaian kinerja" in client.get("/keadilan").text
    assert "Appraisal fairness" in client.get("/keadilan?lang=en").text
    switched = client.get("/bahasa/en?next=/keadilan")
    assert switched.status_code == 303 and switched.headers["location"] == "/keadilan"
    assert LANG_COOKIE in switched.headers["set-cookie"]
    page = client.get("/keadilan").text
    assert 'lang="en"' in page and "Appraisal fairness" in page and "Rater effects" in page
    client.get("/bahasa/id?next=//evil.example")
    assert 'lang="id"' in client.get("/").text


def test_log_out_needs_the_token_and_ends_the_session(as_role: AsRole) -> None:
    client = as_role("planner")
    token = csrf_of(client.get("/").text)
    assert client.post("/logout", data={"csrf_token": "x"}).status_code == 403
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/login?bye=1"
    assert client.get("/unit").status_code == 303


def test_a_copy_of_the_cookie_taken_before_log_out_opens_nothing(
    as_role: AsRole, app: FastAPI
) -> None:
    """Log-out ends the session on the server (issue 15): a cookie copied before it, replayed
    by another client, is sent back to the log-in form."""
    client = as_role("planner")
    copied = client.cookies.get(SESSION_COOKIE)
    assert copied
    thief = TestClient(app, follow_redirects=False, cookies={SESSION_COOKIE: copied})
    assert thief.get("/unit").status_code == 200  # a live session: the copy works, for now
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
    replayed = thief.get("/unit")
    assert replayed.status_code == 303 and replayed.headers["location"].startswith("/login")
    as_role("planner")  # logging in again makes a new session, which works
    assert client.get("/unit").status_code == 200


def test_a_revoked_key_ends_its_session_at_once(client: TestClient, home: Home) -> None:
    store = Keys.from_url(home.settings.store_url)
    made = store.create("planner", "to be revoked")
    log_in(client, made.key)
    assert client.get("/unit").status_code == 200
    store.revoke(made.info.key_id)
    assert client.get("/unit").status_code == 303


def test_the_session_opens_no_api_route(as_role: AsRole, home: Home) -> None:
    client = as_role("committee")
    answer = client.get(f"/api/v1/employees/{home.employee_id}/profile")
    assert answer.status_code == 401  # the API wants its bearer key; a cookie is not one


def test_unknown_things_get_a_404_page(as_role: AsRole) -> None:
    assert as_role("planner").get("/pegawai/000").status_code == 404
    assert "Tidak ditemukan" in as_role("planner").get("/unit/NO-SUCH-UNIT").text
    assert as_role("committee").get("/keadilan/tanda/nope").status_code == 404
    found = as_role("planner").get("/pegawai?nip=000")
    assert found.status_code == 303 and found.headers["location"] == "/pegawai/000"


def test_pages_carry_security_headers_and_local_assets(as_role: AsRole) -> None:
    client = as_role("planner")
    page = client.get("/unit")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"
    assert "http://" not in page.text and "https://" not in page.text  # no CDN
    css = client.get("/static/talenta.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert ' style="' not in page.text  # the policy allows no inline style


def test_each_page_renders_for_a_role_allowed_to_open_it(
    as_role: AsRole, pages: dict[str, Permission | None]
) -> None:
    """Every page answers 200 with its title for a role that may open it (render times are
    measured in bench/pages.py against /health in the same run, not asserted here)."""
    for path, permission in pages.items():
        role = next(r for r in ROLES if permission is None or allowed(r, permission))
        answer = as_role(role).get(path)
        assert answer.status_code == 200, path
        assert "<h1" in answer.text, path


def test_the_api_schema_is_unchanged_by_the_pages(app: FastAPI) -> None:
    paths = set(app.openapi()["paths"])
    assert paths and all(p.startswith(("/api/v1/", "/health", "/ready")) for p in paths), paths
