"""GET /api/v1/fairness/flags and POST .../flags/{id}/reviews: the audit's flags as the review
trail holds them, in order, filtered and paged; reviews appended under the caller's key."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from ml.config import Settings
from ml.fairness.audit import AuditConfig
from ml.pipelines.audit import audit_and_record
from ml.store import STATUSES, ReviewTrail
from ml.synth import SynthConfig, generate_workforce, write_workforce
from tests.serving.conftest import Home

FLAGS = "/api/v1/fairness/flags"
REVIEWS = "/api/v1/fairness/flags/{}/reviews"


def _flags(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    response = client.get(FLAGS, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _trail(home: Home) -> ReviewTrail:
    return ReviewTrail.from_url(home.settings.store_url, upgrade=False)


def _open_flag(home: Home, family: str) -> str:
    """A flag of ``family`` nobody has reviewed yet (each test reviews its own)."""
    page = _trail(home).flags(family=family, status="OPEN", limit=1)
    assert page.items, f"no open {family} flag left"
    return page.items[0].flag_id


def test_the_flags_are_the_trail_s_most_significant_first(
    client: TestClient, home: Home, committee: dict[str, str]
) -> None:
    body = _flags(client, committee, limit=500)
    assert body["count"] == _trail(home).flags().total >= home.flags
    assert body["limit"] == 500 and body["offset"] == 0
    assert len(body["data"]) == min(500, body["count"])
    q = [math.inf if f["q_value"] is None else f["q_value"] for f in body["data"]]
    assert q == sorted(q)  # missing q-values last
    for flag in body["data"]:
        assert flag["status"] in STATUSES
        assert flag["observations"] >= 1
        assert flag["first_run_id"] == flag["run_id"]  # one audit run so far


def test_pages_add_up_to_the_whole(client: TestClient, committee: dict[str, str]) -> None:
    whole = _flags(client, committee, limit=21)
    pages = [_flags(client, committee, limit=7, offset=o) for o in (0, 7, 14)]
    assert [f["flag_id"] for p in pages for f in p["data"]] == [f["flag_id"] for f in whole["data"]]
    assert {p["count"] for p in pages} == {whole["count"]}
    beyond = _flags(client, committee, offset=whole["count"])
    assert beyond["data"] == [] and beyond["count"] == whole["count"]


@pytest.mark.parametrize("family", ["RATER", "DISTRIBUTION"])
def test_filters_narrow_to_matching_flags(
    client: TestClient, home: Home, committee: dict[str, str], family: str
) -> None:
    body = _flags(client, committee, family=family, limit=500)
    assert body["count"] == _trail(home).flags(family=family).total > 0
    assert {f["family"] for f in body["data"]} == {family}
    first = body["data"][0]
    where = {"agency": first["agency_id"], "region": first["region"]}
    given = {k: v for k, v in where.items() if v is not None}
    narrower = _flags(client, committee, family=family, kind=first["kind"], limit=500, **given)
    assert first["flag_id"] in {f["flag_id"] for f in narrower["data"]}
    for f in narrower["data"]:
        assert f["kind"] == first["kind"]
        assert all(f[f"{k}_id" if k == "agency" else k] == v for k, v in given.items())
    assert _flags(client, committee, family="NO-SUCH-FAMILY")["count"] == 0


def test_a_review_is_appended_under_the_key_s_name(
    client: TestClient, home: Home, committee: dict[str, str]
) -> None:
    flag_id = _open_flag(home, "RATER")
    response = client.post(
        REVIEWS.format(flag_id),
        headers=committee,
        json={"decision": "CONFIRMED", "reason": "  ratings far above KPI attainment  "},
    )
    assert response.status_code == 201, response.text
    review = response.json()
    assert review["flag_id"] == flag_id
    assert review["decision"] == review["status"] == "CONFIRMED"
    assert review["reason"] == "ratings far above KPI attainment"
    assert review["reviewer"] == f"test committee ({home.key_ids['committee']})"
    events = [e["event"] for e in review["trail"]]
    assert events == ["RAISED", "REVIEWED"]
    assert review["trail"][0]["by"] == "tests"  # who started the audit run
    assert review["trail"][-1]["decision"] == "CONFIRMED"
    confirmed = _flags(client, committee, status="CONFIRMED", limit=500)
    assert flag_id in {f["flag_id"] for f in confirmed["data"]}
    assert flag_id not in {f["flag_id"] for f in _flags(client, committee, status="OPEN")["data"]}


def test_a_later_review_supersedes_and_nothing_is_edited(
    client: TestClient, home: Home, committee: dict[str, str]
) -> None:
    flag_id = _open_flag(home, "DISTRIBUTION")
    for decision in ("NEEDS_INFO", "DISMISSED"):
        response = client.post(
            REVIEWS.format(flag_id),
            headers=committee,
            json={"decision": decision, "reason": f"{decision.lower()} after the hearing"},
        )
        assert response.status_code == 201
    review = response.json()
    assert review["status"] == "DISMISSED"
    reviewed = [e for e in review["trail"] if e["event"] == "REVIEWED"]
    assert [e["decision"] for e in reviewed] == ["NEEDS_INFO", "DISMISSED"]
    assert _trail(home).flag(flag_id).reviews == 2


def test_an_unknown_flag_is_404(client: TestClient, committee: dict[str, str]) -> None:
    response = client.post(
        REVIEWS.format("0" * 40), headers=committee, json={"decision": "DISMISSED", "reason": "x"}
    )
    assert response.status_code == 404
    assert "0" * 40 in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"decision": "MAYBE", "reason": "unsure"}, ["body", "decision"]),
        ({"decision": "OPEN", "reason": "reopen"}, ["body", "decision"]),
        ({"decision": "CONFIRMED", "reason": ""}, ["body", "reason"]),
        ({"decision": "CONFIRMED", "reason": "   "}, ["body", "reason"]),
        ({"decision": "CONFIRMED", "reason": "x" * 4001}, ["body", "reason"]),
        # NUL: PostgreSQL refuses it in text, SQLite's length() stops at it (a 500 once)
        ({"decision": "CONFIRMED", "reason": "\x00"}, ["body", "reason"]),
        ({"decision": "CONFIRMED", "reason": "ratings\x00 far above"}, ["body", "reason"]),
        ({"decision": "CONFIRMED"}, ["body", "reason"]),
        ({"decision": "CONFIRMED", "reason": "ok", "by": "me"}, ["body", "by"]),
        (None, ["body"]),
    ],
)
def test_a_bad_review_is_422_naming_the_field(
    client: TestClient, home: Home, committee: dict[str, str], body: Any, loc: list[str]
) -> None:
    flag_id = _trail(home).flags(limit=1).items[0].flag_id
    before = _trail(home).flag(flag_id).reviews
    response = client.post(REVIEWS.format(flag_id), headers=committee, json=body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert _trail(home).flag(flag_id).reviews == before  # nothing recorded


def test_an_overlong_flag_id_is_422(client: TestClient, committee: dict[str, str]) -> None:
    response = client.post(
        REVIEWS.format("f" * 41), headers=committee, json={"decision": "DISMISSED", "reason": "x"}
    )
    assert response.status_code == 422
    assert ["path", "flag_id"] in [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "PENDING"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"offset": -1}, "offset"),
        ({"kind": "K" * 41}, "kind"),
        ({"kind": "LENIENT\x00"}, "kind"),
        ({"agency": "\x00"}, "agency"),
        ({"family": "RATER\x00"}, "family"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    client: TestClient, committee: dict[str, str], params: dict[str, Any], field: str
) -> None:
    response = client.get(FLAGS, headers=committee, params=params)
    assert response.status_code == 422
    assert ["query", field] in [e["loc"] for e in response.json()["detail"]]


@pytest.mark.parametrize("role", ["planner", "data-scientist", "admin"])
def test_only_the_committee_reads_and_reviews_flags(
    client: TestClient, home: Home, headers: dict[str, dict[str, str]], role: str
) -> None:
    flag_id = _trail(home).flags(limit=1).items[0].flag_id
    listed = client.get(FLAGS, headers=headers[role])
    reviewed = client.post(
        REVIEWS.format(flag_id),
        headers=headers[role],
        json={"decision": "DISMISSED", "reason": "x"},
    )
    assert listed.status_code == reviewed.status_code == 403
    assert "committee" in listed.json()["detail"]


def test_flags_without_a_key_are_401(client: TestClient) -> None:
    assert client.get(FLAGS).status_code == 401
    assert client.post(REVIEWS.format("abc"), json={"decision": "DISMISSED"}).status_code == 401


COVERAGE = "/api/v1/fairness/coverage"


def test_the_coverage_of_the_latest_run_is_the_committee_s(
    client: TestClient, committee: dict[str, str], planner: dict[str, str]
) -> None:
    body = client.get(COVERAGE, headers=committee)
    assert body.status_code == 200, body.text
    seen = body.json()
    rows = {(r["family"], r["attribute"]): r for r in seen["coverage"]}
    assert rows[("RATER", "")]["ran"] and rows[("RATER", "")]["tested"] > 0
    assert seen["design"]["raters"] > 0
    assert any(line.startswith("RATER: ran") for line in seen["statement"])
    assert client.get(COVERAGE, headers=planner).status_code == 403


def test_an_audit_without_rater_ids_says_so_through_the_api(
    empty_home: tuple[Settings, dict[str, str]], empty_client: TestClient, tmp_path: Path
) -> None:
    settings, committee = empty_home
    assert empty_client.get(COVERAGE, headers=committee).status_code == 404  # no run yet
    data = tmp_path / "anonymous"
    write_workforce(generate_workforce(SynthConfig(employees=600, seed=31)), data)
    appraisals = pd.read_csv(data / "appraisals.csv", dtype=str)
    appraisals["rater_id"] = ""
    appraisals.to_csv(data / "appraisals.csv", index=False)
    audit_and_record(
        data, tmp_path / "out", store_url=settings.store_url, by="tests",
        config=AuditConfig(folds=2),
    )  # fmt: skip
    body = empty_client.get(COVERAGE, headers=committee)
    assert body.status_code == 200, body.text
    rows = {(r["family"], r["attribute"]): r for r in body.json()["coverage"]}
    assert not rows[("RATER", "")]["ran"]
    assert rows[("RATER", "")]["reason"] == "no rater ids in the appraisals"
    assert "RATER: NOT run: no rater ids in the appraisals." in body.json()["statement"]
    assert body.json()["design"]["appraisals_with_rater"] == 0
