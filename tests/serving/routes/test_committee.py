"""The committee's API: sessions, decisions in bulk with adjusted predikat and follow-ups, the
minutes as CSV and PDF (read back), the adjusted-predikat export and the audit's coverage. The
committee role alone, every call logged.

Each test decides flags that are still OPEN when it runs (other tests review flags of the same
home), and checks its own session's record rather than global counts."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader

from ml.serving.pages.i18n import Translator
from ml.serving.state import ServingState
from ml.store import ReviewTrail
from tests.serving.conftest import Home

API = "/api/v1/committee"


def _open_flags(home: Home, family: str, count: int) -> list[str]:
    """``count`` flags of ``family`` nobody has reviewed yet, from the end of the list (the
    fairness tests take theirs from the front)."""
    trail = ReviewTrail.from_url(home.settings.store_url, upgrade=False)
    total = trail.flags(family=family, status="OPEN", limit=1).total
    assert total >= count, f"only {total} open {family} flags left"
    page = trail.flags(family=family, status="OPEN", limit=count, offset=total - count)
    return [f.flag_id for f in page.items]


def _session(client: TestClient, committee: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"held_on": "2026-12-01", "members": ["Ani Wijaya", "Budi Santoso"], **fields}
    answer = client.post(f"{API}/sessions", json=body, headers=committee)
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_session_is_created_listed_and_read(
    client: TestClient, committee: dict[str, str]
) -> None:
    made = _session(client, committee, agency_id="A01", period="2025")
    assert made["members"] == ["Ani Wijaya", "Budi Santoso"] and made["decided"] == 0
    assert made["created_by"].startswith("test committee")
    listed = client.get(f"{API}/sessions", headers=committee, params={"limit": 500}).json()
    assert made["session_id"] in {s["session_id"] for s in listed["data"]}
    one = client.get(f"{API}/sessions/{made['session_id']}", headers=committee).json()
    assert one["decisions"] == [] and one["agency_id"] == "A01"


def test_bad_requests_are_4xx_naming_the_field(
    client: TestClient, committee: dict[str, str]
) -> None:
    answer = client.post(f"{API}/sessions", json={"held_on": "2026-12-01", "members": []},
                         headers=committee)  # fmt: skip
    assert answer.status_code == 422 and "members" in answer.text
    answer = client.post(
        f"{API}/decisions", json={"flag_ids": ["x"], "decision": "MAYBE", "reason": "r"},
        headers=committee,
    )  # fmt: skip
    assert answer.status_code == 422 and "decision" in answer.text
    assert client.get(f"{API}/sessions/abc123", headers=committee).status_code == 404


def test_other_roles_get_403(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    for role in ("planner", "data-scientist", "admin"):
        for path in ("/sessions", "/adjustments.csv", "/follow-ups"):
            assert client.get(API + path, headers=headers[role]).status_code == 403, (role, path)


def test_a_decision_with_an_adjusted_predikat_and_a_follow_up(
    client: TestClient, home: Home, committee: dict[str, str], state: ServingState
) -> None:
    (flag,) = _open_flags(home, "RATER", 1)
    session = _session(client, committee)
    employee = sorted(home.records)[3]
    body = {
        "flag_ids": [flag], "decision": "CONFIRMED", "reason": "jauh di atas capaian KPI",
        "session_id": session["session_id"],
        "adjustments": [{"employee_id": employee, "period": "2025",
                         "original_predikat": "SANGAT_BAIK", "adjusted_predikat": "BAIK"}],
        "follow_up": {"assignee": "Sekretariat BKPSDM", "due_on": "2027-01-15"},
    }  # fmt: skip
    answer = client.post(f"{API}/decisions", json=body, headers=committee)
    assert answer.status_code == 201, answer.text
    assert answer.json()["data"][0]["flag_id"] == flag
    # a later adjustment of the same appraisal supersedes the first; both are kept
    lower = {**body["adjustments"][0], "adjusted_predikat": "BUTUH_PERBAIKAN"}
    again = {**body, "reason": "dikoreksi", "follow_up": None, "adjustments": [lower]}
    assert client.post(f"{API}/decisions", json=again, headers=committee).status_code == 201
    detail = client.get(f"{API}/sessions/{session['session_id']}", headers=committee).json()
    assert [a["adjusted_predikat"] for a in detail["adjustments"]] == ["BAIK", "BUTUH_PERBAIKAN"]
    assert [a["current"] for a in detail["adjustments"]] == [False, True]
    assert detail["follow_ups"][0]["assignee"] == "Sekretariat BKPSDM"
    exported = client.get(f"{API}/adjustments.csv", headers=committee)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = [r for r in csv.DictReader(io.StringIO(exported.text)) if r["employee_id"] == employee]
    assert [r["adjusted_predikat"] for r in rows] == ["BUTUH_PERBAIKAN"]
    history = client.get(f"{API}/adjustments.csv", headers=committee, params={"history": "true"})
    assert "BAIK" in history.text and "yes" in history.text
    logged = state.keys.access_log(subject_kind="adjustments", limit=1)
    assert logged and logged[0].role == "committee"


def test_a_bulk_decision_is_all_or_nothing(
    client: TestClient, home: Home, committee: dict[str, str]
) -> None:
    flags = _open_flags(home, "DISTRIBUTION", 3)
    body = {"flag_ids": [*flags, "no-such-flag"], "decision": "DISMISSED", "reason": "kecil"}
    answer = client.post(f"{API}/decisions", json=body, headers=committee)
    assert answer.status_code == 404 and "nothing was decided" in answer.text
    trail = ReviewTrail.from_url(home.settings.store_url, upgrade=False)
    assert {trail.status(f) for f in flags} == {"OPEN"}
    answer = client.post(f"{API}/decisions", json={**body, "flag_ids": flags}, headers=committee)
    assert answer.status_code == 201 and answer.json()["count"] == 3
    assert {trail.status(f) for f in flags} == {"DISMISSED"}


def test_the_minutes_hold_every_decision(
    client: TestClient, home: Home, committee: dict[str, str]
) -> None:
    session = _session(client, committee, period="2025")
    decided = []
    for flag, decision in zip(
        _open_flags(home, "DISTRIBUTION", 2) + _open_flags(home, "RATER", 1),
        ("DISMISSED", "NEEDS_INFO", "CONFIRMED"), strict=True,
    ):  # fmt: skip
        body = {"flag_ids": [flag], "decision": decision, "reason": f"alasan {decision.lower()}",
                "session_id": session["session_id"]}  # fmt: skip
        answer = client.post(f"{API}/decisions", json=body, headers=committee)
        assert answer.status_code == 201, answer.text
        decided.append(answer.json()["data"][0])
    sid = session["session_id"]
    pdf = client.get(f"{API}/sessions/{sid}/minutes.pdf", headers=committee)
    assert pdf.headers["content-type"] == "application/pdf"
    text = _squash(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert _squash("Berita Acara Sidang Tim Penilai Kinerja") in text
    assert _squash("Ani Wijaya") in text and _squash("1 Desember 2026") in text
    t = Translator("id")
    for d in decided:
        assert _squash(d["subject"]) in text
        assert _squash(t.code(d["decision"])) in text and _squash(d["reason"]) in text
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"{API}/sessions/{sid}/minutes.csv", headers=committee).text)))  # fmt: skip
    assert [r["flag_id"] for r in rows if r["record"] == "DECISION"] == [
        d["flag_id"] for d in decided
    ]
    assert [r["by"] for r in rows if r["record"] == "MEMBER"] == ["Ani Wijaya", "Budi Santoso"]


def test_the_coverage_has_one_address_under_fairness(
    client: TestClient, committee: dict[str, str]
) -> None:
    """The coverage statement is served once, at /api/v1/fairness/coverage, with its sentences;
    the committee's former copy without them is gone."""
    assert client.get(f"{API}/coverage", headers=committee).status_code == 404
    body = client.get("/api/v1/fairness/coverage", headers=committee).json()
    assert body["run_id"] and body["coverage"], body
    assert {"family", "attribute", "ran", "reason"} <= set(body["coverage"][0])
    assert body["statement"] and "appraisals" in body["statement"][0]
