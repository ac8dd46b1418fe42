"""Packed snapshot values: zstd on SQLite, plain text on PostgreSQL; both kinds read back, and a
store written before packing still serves."""

from __future__ import annotations

import json
from dataclasses import replace

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from ml.store import session_factory
from ml.store.packing import MAGIC, is_packed, pack, unpack, unpack_text
from ml.store.snapshots import Snapshots
from tests.store.factories import Clock
from tests.store.test_snapshots import AS_OF, record


@given(st.binary(max_size=5_000))
def test_unpack_gives_back_what_was_packed(data: bytes) -> None:
    packed = pack(data)
    assert is_packed(packed)
    assert unpack(packed) == data


@given(st.recursive(st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))  # fmt: skip
def test_plain_json_is_never_taken_for_packed(value: object) -> None:
    """A value stored before packing (or on PostgreSQL) is JSON text: read as it is."""
    plain = json.dumps(value)
    assert not is_packed(plain)
    assert not is_packed(plain.encode())
    assert unpack_text(plain) == plain
    assert unpack(plain.encode()) == plain.encode()


def test_a_snapshot_row_shrinks() -> None:
    """What packing is for: a feature set of eleven competencies, a quarter or less of its text."""
    features = record("E1").features | {
        "competencies": [{"competency_code": f"C{i}", "last_level": 2.0 + i / 7,
                          "jp_12m": 0.0, "gap": 1.0} for i in range(11)]
    }  # fmt: skip
    text_ = orjson.dumps(features)
    assert len(pack(text_)) < len(text_) / 2


def _raw(engine: Engine, column: str) -> list[object]:
    with engine.connect() as connection:
        return list(connection.execute(text(f"SELECT {column} FROM snapshot_employees")).scalars())


@pytest.mark.parametrize("bulk", [True, False])
def test_sqlite_stores_packed_and_postgresql_plain(
    engine: Engine, clock: Clock, bulk: bool
) -> None:
    snapshots = Snapshots(session_factory(engine), now=clock)
    staff = [replace(record(f"E{i}"), answer=b'{"competencies":[],"programs":[]}')
             for i in range(3)]  # fmt: skip
    info = snapshots.write(AS_OF, "/d", staff, {}, bulk=bulk)
    sqlite = engine.dialect.name == "sqlite"
    for column in ("profile", "features", "answer"):
        assert all(is_packed(v) == sqlite for v in _raw(engine, column)), column
    assert not any(is_packed(v) for v in _raw(engine, "protected"))
    for e in staff:
        assert snapshots.employee(info.snapshot_id, e.employee_id) == e
        assert snapshots.answer(info.snapshot_id, e.employee_id) == e.answer
    assert [p for _, _, p in snapshots.profiles(info.snapshot_id)] == [e.profile for e in staff]


def test_a_store_written_before_packing_still_serves(engine: Engine, clock: Clock) -> None:
    """Rows stored as plain text (a store from before this change) read as before."""
    snapshots = Snapshots(session_factory(engine), now=clock)
    info = snapshots.write(AS_OF, "/d", [], {})
    old = replace(record("E9"), answer=b'{"competencies":[]}')
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO snapshot_employees (snapshot_id, employee_id, unit_id, profile, "
                 "protected, features, answer) VALUES (:s, :e, :u, :p, :pr, :f, :a)"),
            {"s": info.snapshot_id, "e": old.employee_id, "u": old.unit_id,
             "p": json.dumps(old.profile), "pr": json.dumps(old.protected),
             "f": json.dumps(old.features), "a": old.answer},
        )  # fmt: skip
    assert snapshots.employee(info.snapshot_id, "E9") == old
    assert snapshots.answer(info.snapshot_id, "E9") == old.answer
    assert MAGIC not in old.answer  # type: ignore[operator]
