"""The API's search directory comes from the body `talenta score` stored with the snapshot, not
from reading every profile again (at national size that took some 15 minutes per worker); a
snapshot stored without one (a store from before revision 0007) still gets its directory."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from ml.serving.state import ServingState
from tests.serving.conftest import Home


def _search(client: TestClient, headers: dict[str, str], employee_id: str) -> list[str]:
    r = client.get("/api/v1/employees", params={"q": employee_id}, headers=headers)
    assert r.status_code == 200, r.text
    return [p["employee_id"] for p in r.json()["data"]]


def test_search_reads_the_stored_directory(
    client: TestClient, state: ServingState, planner: dict[str, str], employee_id: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    served = state.served()
    assert served is not None
    assert state.snapshots.directory(served.info.snapshot_id) is not None

    def no_profiles(*_: Any) -> Any:
        raise AssertionError("the directory was built from the profiles")

    monkeypatch.setattr(state, "_directory", None)
    monkeypatch.setattr(state.snapshots, "profiles", no_profiles)
    assert _search(client, planner, employee_id)[0] == employee_id


def test_without_a_stored_directory_the_profiles_serve(
    client: TestClient, state: ServingState, planner: dict[str, str], employee_id: str,
    home: Home, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    served = state.served()
    assert served is not None
    stored = state.snapshots.directory(served.info.snapshot_id)
    kept: list[bytes] = []
    monkeypatch.setattr(state, "_directory", None)
    monkeypatch.setattr(state.snapshots, "directory", lambda _: None)
    monkeypatch.setattr(state.snapshots, "keep_directory", lambda _, body: kept.append(body))
    assert _search(client, planner, employee_id)[0] == employee_id
    # every employee of the snapshot is found, as from the stored body
    assert len(state.directory(served)) == len(home.records)
    # and what was collected is kept for the other workers: the body `talenta score` stores
    assert kept == [stored]
