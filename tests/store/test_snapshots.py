"""Snapshots for serving, on SQLite and PostgreSQL: written whole or not at all, the newest
served, read back exactly, the oldest pruned beyond ``keep``."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from ml.store import session_factory
from ml.store.models import Snapshot, SnapshotEmployee, SnapshotProgram
from ml.store.snapshots import CHUNK, EmployeeRecord, Snapshots
from tests.store.factories import Clock

AS_OF = date(2026, 1, 1)
PROGRAMS: dict[str, dict[str, Any]] = {
    "P1": {"title": "Kepemimpinan", "cost_idr": 4_500_000.0, "jp": 40.0, "max_level": 4.0,
           "effects": {"M1": 0.31, "M2": None}},
    "P2": {"title": "Gratis", "cost_idr": 0.0, "jp": 8.0, "max_level": 3.0,
           "effects": {"T-KEU": 0.12}},
}  # fmt: skip


@pytest.fixture
def snapshots(engine: Engine, clock: Clock) -> Snapshots:
    return Snapshots(session_factory(engine), now=clock)


def record(employee_id: str, unit_id: str | None = "U1", **features: Any) -> EmployeeRecord:
    return EmployeeRecord(
        employee_id=employee_id,
        unit_id=unit_id,
        profile={"employee_id": employee_id, "unit_id": unit_id, "competencies": [
            {"competency_code": "M1", "required_level": 3, "last_level": 2, "gap": 1},
        ]},
        protected={"gender": "P", "birth_year": 1980, "age_band": "40-49"},
        features={"employee": {"tenure_years": 12.5, "grade": "III/c"},
                  "competencies": [{"competency_code": "M1", "last_level": 2.0}],
                  "completed_programs": ["P2"], **features},
    )  # fmt: skip


STAFF = [
    record("E3", "U1"),
    record("E1", "U1"),
    record("E2", "U2"),
    record("E4", "U1"),
    record("E5", None),
]


def _count(engine: Engine, model: type, snapshot_id: str | None = None) -> int:
    query = select(func.count()).select_from(model)
    if snapshot_id is not None:
        query = query.where(model.snapshot_id == snapshot_id)  # type: ignore[attr-defined]
    with engine.connect() as connection:
        return connection.scalar(query) or 0


def test_an_empty_store_serves_nothing(snapshots: Snapshots) -> None:
    assert snapshots.latest() is None
    assert snapshots.employee("nope", "E1") is None
    assert snapshots.unit("nope", "U1") == []
    assert snapshots.units("nope") == []
    assert snapshots.programs("nope") == {}


def test_a_written_snapshot_is_the_latest_and_reads_back(snapshots: Snapshots) -> None:
    info = snapshots.write(AS_OF, "/data/raw", STAFF, PROGRAMS)
    assert info.employees == len(STAFF)
    assert snapshots.latest() == info
    assert (info.as_of, info.data_dir) == (AS_OF, "/data/raw")
    for written in STAFF:
        assert snapshots.employee(info.snapshot_id, written.employee_id) == written
    assert snapshots.employee(info.snapshot_id, "E9") is None
    assert snapshots.programs(info.snapshot_id) == PROGRAMS


def test_units_and_their_staff(snapshots: Snapshots) -> None:
    info = snapshots.write(AS_OF, "/data/raw", STAFF, PROGRAMS)
    assert [r.employee_id for r in snapshots.unit(info.snapshot_id, "U1")] == ["E1", "E3", "E4"]
    assert [r.employee_id for r in snapshots.unit(info.snapshot_id, "U2")] == ["E2"]
    assert snapshots.unit(info.snapshot_id, "U9") == []
    # largest first; an employee without a unit belongs to none
    assert snapshots.units(info.snapshot_id) == [("U1", 3), ("U2", 1)]


def test_employee_ids_page_in_order(snapshots: Snapshots) -> None:
    info = snapshots.write(AS_OF, "/data/raw", STAFF, PROGRAMS)
    sid = info.snapshot_id
    assert list(snapshots.employee_ids(sid)) == ["E1", "E2", "E3", "E4", "E5"]
    pages = [list(snapshots.employee_ids(sid, limit=2, offset=o)) for o in (0, 2, 4)]
    assert pages == [["E1", "E2"], ["E3", "E4"], ["E5"]]
    assert list(snapshots.employee_ids(sid, unit_id="U1", limit=2, offset=1)) == ["E3", "E4"]


def test_json_values_come_back_exactly(snapshots: Snapshots) -> None:
    """Model inputs go through the store: a float must come back bit for bit."""
    exact = record("E1", ability_estimate=2.7629175054e-08, ratio=0.1 + 0.2, big=2**53 + 1)
    info = snapshots.write(AS_OF, "/d", [exact], {})
    back = snapshots.employee(info.snapshot_id, "E1")
    assert back is not None
    assert back.features["ability_estimate"] == 2.7629175054e-08
    assert back.features["ratio"] == 0.1 + 0.2
    assert back.features["big"] == 2**53 + 1
    assert back == exact


def test_more_employees_than_one_chunk(snapshots: Snapshots, engine: Engine) -> None:
    many = [record(f"E{i:05d}", f"U{i % 7}") for i in range(CHUNK * 2 + 17)]
    info = snapshots.write(AS_OF, "/d", iter(many), PROGRAMS)  # any iterable, read once
    assert info.employees == len(many) == _count(engine, SnapshotEmployee, info.snapshot_id)
    assert sum(n for _, n in snapshots.units(info.snapshot_id)) == len(many)
    assert snapshots.employee(info.snapshot_id, f"E{CHUNK * 2 + 16:05d}") == many[-1]


def test_the_newest_serves_and_the_oldest_are_pruned(snapshots: Snapshots, engine: Engine) -> None:
    written = [
        snapshots.write(date(2026, 1, i), f"/d{i}", STAFF[:i], PROGRAMS, keep=2)
        for i in range(1, 5)
    ]
    latest = snapshots.latest()
    assert latest == written[-1] and latest.employees == 4
    with engine.connect() as connection:
        kept = set(connection.scalars(select(Snapshot.snapshot_id)))
    assert kept == {written[2].snapshot_id, written[3].snapshot_id}
    for old in written[:2]:  # gone whole: employees and programmes too
        assert _count(engine, SnapshotEmployee, old.snapshot_id) == 0
        assert _count(engine, SnapshotProgram, old.snapshot_id) == 0
        assert snapshots.employee(old.snapshot_id, "E1") is None
    # the previous one is still readable: a request that started on it finds it
    assert snapshots.employee(written[2].snapshot_id, "E1") is not None


def test_keep_one_still_keeps_the_new_one(snapshots: Snapshots, engine: Engine) -> None:
    snapshots.write(AS_OF, "/a", STAFF, PROGRAMS, keep=1)
    second = snapshots.write(AS_OF, "/b", STAFF, PROGRAMS, keep=0)  # at least one is kept
    assert snapshots.latest() == second
    assert _count(engine, Snapshot) == 1


def test_a_failed_write_leaves_the_previous_snapshot_serving(
    snapshots: Snapshots, engine: Engine
) -> None:
    first = snapshots.write(AS_OF, "/a", STAFF, PROGRAMS, keep=1)
    duplicated = [*STAFF, record("E1", "U2")]  # E1 twice
    with pytest.raises(IntegrityError):
        snapshots.write(date(2026, 2, 1), "/b", duplicated, PROGRAMS, keep=1)
    assert snapshots.latest() == first
    assert _count(engine, Snapshot) == 1  # nothing of the failed one, nothing pruned
    assert _count(engine, SnapshotEmployee) == len(STAFF)
    assert _count(engine, SnapshotProgram) == len(PROGRAMS)
    assert snapshots.employee(first.snapshot_id, "E1") == STAFF[1]


def test_a_failed_write_midway_through_the_chunks_leaves_nothing(
    snapshots: Snapshots, engine: Engine
) -> None:
    first = snapshots.write(AS_OF, "/a", STAFF, PROGRAMS)
    many = [record(f"E{i:05d}") for i in range(CHUNK + 5)]
    many.append(record("E00003"))  # a duplicate in the second chunk
    with pytest.raises(IntegrityError):
        snapshots.write(AS_OF, "/b", many, PROGRAMS)
    assert snapshots.latest() == first
    assert _count(engine, SnapshotEmployee) == len(STAFF)


def test_a_snapshot_without_programmes(snapshots: Snapshots) -> None:
    info = snapshots.write(AS_OF, "/d", STAFF, {})
    assert snapshots.programs(info.snapshot_id) == {}
    assert snapshots.latest() == info


def test_profiles_are_read_without_features_or_protected_attributes(
    snapshots: Snapshots,
) -> None:
    """What the serving directory is built from: every employee's profile, in NIP order, and
    nothing of the protected attributes (the directory serves roles that may not see them)."""
    info = snapshots.write(AS_OF, "/data", STAFF, PROGRAMS)
    snapshots.write(AS_OF, "/data", [record("E9", "U9")], PROGRAMS)  # another snapshot
    rows = list(snapshots.profiles(info.snapshot_id))
    assert [(e, u) for e, u, _ in rows] == [
        ("E1", "U1"), ("E2", "U2"), ("E3", "U1"), ("E4", "U1"), ("E5", None)
    ]  # fmt: skip
    assert all(p == record(e, u).profile for e, u, p in rows)
    assert all("gender" not in str(p) and "tenure_years" not in str(p) for _, _, p in rows)


class _Collected:
    """A stand-in for the search directory: what the store hands it, and a body."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def add(self, employee_id: str, unit_id: str | None, profile: dict[str, Any]) -> None:
        assert profile["employee_id"] == employee_id
        self.seen.append(employee_id)

    def body(self) -> bytes:
        return ",".join(self.seen).encode()


def test_a_directory_is_stored_with_its_snapshot_and_pruned_with_it(
    snapshots: Snapshots, engine: Engine
) -> None:
    from ml.store.models import SnapshotDirectory

    collected = _Collected()
    first = snapshots.write(AS_OF, "/d", STAFF, PROGRAMS, keep=1, directory=collected)
    assert collected.seen == [e.employee_id for e in STAFF]  # every employee, as written
    assert snapshots.directory(first.snapshot_id) == b"E3,E1,E2,E4,E5"
    second = snapshots.write(AS_OF, "/d", STAFF[:2], {}, keep=1)  # written without one
    assert snapshots.directory(second.snapshot_id) is None
    assert snapshots.directory(first.snapshot_id) is None  # pruned with its snapshot
    assert _count(engine, SnapshotDirectory) == 0


def test_a_failed_write_stores_no_directory(snapshots: Snapshots, engine: Engine) -> None:
    from ml.store.models import SnapshotDirectory

    with pytest.raises(IntegrityError):
        snapshots.write(AS_OF, "/d", [*STAFF, STAFF[0]], {}, directory=_Collected())
    assert _count(engine, SnapshotDirectory) == 0


def test_a_directory_is_kept_once_for_a_snapshot_written_without_one(
    snapshots: Snapshots,
) -> None:
    """Workers that built a pre-0007 snapshot's directory store it; the first one wins."""
    info = snapshots.write(AS_OF, "/d", STAFF, {})
    assert snapshots.keep_directory(info.snapshot_id, b"first")
    assert not snapshots.keep_directory(info.snapshot_id, b"second")
    assert snapshots.directory(info.snapshot_id) == b"first"
    assert not snapshots.keep_directory("no-such-snapshot", b"x")
