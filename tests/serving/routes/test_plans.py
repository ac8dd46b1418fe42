"""The saved plans' API: create (a draft), list, read, transitions with four-eyes, compare and
export; bad requests answer 4xx. Each test makes its own plans."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from ml.recommend.plan import rupiah
from ml.store.keys import Keys
from tests.serving.conftest import Home, bearer


def create(client: TestClient, headers: dict[str, str], unit_id: str, **body: Any) -> Any:
    answer = client.post(
        "/api/v1/plans", headers=headers, json={"unit_id": unit_id, "budget_idr": "5 juta", **body}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


@pytest.fixture
def other_planner(home: Home) -> dict[str, str]:
    return bearer(Keys.from_url(home.settings.store_url).create("planner", "Budi").key)


def test_create_read_and_list(client: TestClient, planner: dict[str, str], unit_id: str) -> None:
    plan = create(client, planner, unit_id)
    assert plan["status"] == "draft" and plan["version"] == 1
    assert plan["inputs"]["budget_idr"] == 5_000_000
    assert plan["total_cost"] <= 5_000_000 and plan["places"] == len(plan["result"]["assignments"])
    read = client.get(f"/api/v1/plans/{plan['plan_id']}", headers=planner).json()
    assert read == plan
    listed = client.get("/api/v1/plans", headers=planner, params={"unit_id": unit_id}).json()
    assert plan["plan_id"] in {p["plan_id"] for p in listed["data"]}


def test_versions_count_up(client: TestClient, planner: dict[str, str], unit_id: str) -> None:
    first = create(client, planner, unit_id)
    second = create(client, planner, unit_id, parent_id=first["plan_id"], budget_idr=8e6)
    assert second["version"] == 2 and second["lineage_id"] == first["plan_id"]
    assert second["parent_id"] == first["plan_id"]


def test_four_eyes_over_the_api(
    client: TestClient, planner: dict[str, str], other_planner: dict[str, str], unit_id: str
) -> None:
    plan_id = create(client, planner, unit_id)["plan_id"]
    path = f"/api/v1/plans/{plan_id}/transitions"
    assert client.post(path, headers=planner, json={"status": "approved"}).status_code == 409
    assert client.post(path, headers=planner, json={"status": "proposed"}).status_code == 200
    own = client.post(path, headers=planner, json={"status": "approved"})
    assert own.status_code == 403 and "four-eyes" in own.json()["detail"]
    no_note = client.post(path, headers=other_planner, json={"status": "returned"})
    assert no_note.status_code == 422
    done = client.post(path, headers=other_planner, json={"status": "approved", "note": "ok"})
    assert done.status_code == 200
    assert [e["status"] for e in done.json()["events"]] == ["draft", "proposed", "approved"]
    assert done.json()["events"][-1]["actor"].startswith("Budi")


def test_compare_and_export(client: TestClient, planner: dict[str, str], unit_id: str) -> None:
    a = create(client, planner, unit_id)
    b = create(client, planner, unit_id, budget_idr="2 juta", parent_id=a["plan_id"])
    compared = client.get(f"/api/v1/plans/{a['plan_id']}/compare/{b['plan_id']}", headers=planner)
    assert compared.status_code == 200
    body = compared.json()
    assert body["totals_a"]["cost_idr"] == pytest.approx(a["total_cost"])
    assert body["difference"]["cost_idr"] == pytest.approx(b["total_cost"] - a["total_cost"])

    xlsx = client.get(f"/api/v1/plans/{a['plan_id']}/export", headers=planner)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    total = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "Jumlah")
    assert total[5] == pytest.approx(a["total_cost"])
    pdf = client.get(
        f"/api/v1/plans/{a['plan_id']}/export",
        headers=planner,
        params={"format": "pdf", "lang": "en"},
    )
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Total" in text and rupiah(a["total_cost"]) in text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"unit_id": "NO-SUCH-UNIT", "budget_idr": 1e6}, 404),
        ({"budget_idr": 1e6}, 422),
        ({"unit_id": "X", "budget_idr": "lima juta"}, 422),
        ({"unit_id": "X", "budget_idr": 1e6, "parent_id": "nope"}, 404),
        ({"unit_id": "X", "budget_idr": 1e6, "surprise": 1}, 422),
    ],
)
def test_bad_requests_are_4xx(
    client: TestClient, planner: dict[str, str], body: dict[str, Any], status: int
) -> None:
    assert client.post("/api/v1/plans", headers=planner, json=body).status_code == status


def test_a_plan_of_another_unit_cannot_be_compared(
    client: TestClient, planner: dict[str, str], unit_id: str, home: Home
) -> None:
    other_unit = next(u for u in sorted(home.employees["unit_id"].unique()) if u != unit_id)
    a = create(client, planner, unit_id)
    b = create(client, planner, str(other_unit), budget_idr="1 juta")
    answer = client.get(f"/api/v1/plans/{a['plan_id']}/compare/{b['plan_id']}", headers=planner)
    assert answer.status_code == 422 and "same unit" in answer.json()["detail"]


def test_committee_and_data_scientist_may_not(
    client: TestClient, committee: dict[str, str], scientist: dict[str, str]
) -> None:
    for headers in (committee, scientist):
        assert client.get("/api/v1/plans", headers=headers).status_code == 403
