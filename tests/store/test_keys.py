"""API keys and the access log, on SQLite and PostgreSQL: keys are stored hashed, authenticate
until revoked, carry a known role; the access log only grows."""

from __future__ import annotations

import hashlib
import time
from concurrent.futures import wait
from dataclasses import replace

import pytest
from sqlalchemy import Engine, delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from ml.store import session_factory
from ml.store.keys import ROLES, ApiKeyError, Keys, key_id_of
from ml.store.models import AccessEntry, ApiKey
from tests.store.factories import Clock


@pytest.fixture
def keys(engine: Engine, clock: Clock) -> Keys:
    return Keys(session_factory(engine), now=clock)


def _row(engine: Engine, key_id: str) -> ApiKey:
    with session_factory(engine)() as session:
        row = session.get(ApiKey, key_id)
        assert row is not None
        return row


@pytest.mark.parametrize("role", ROLES)
def test_a_key_authenticates_as_its_role(keys: Keys, role: str) -> None:
    made = keys.create(role, f"  {role} desk  ")
    assert made.info.role == role
    assert made.info.name == f"{role} desk"  # trimmed
    assert made.info.revoked_at is None
    assert key_id_of(made.key) == made.info.key_id
    assert keys.authenticate(made.key) == made.info


def test_only_the_hash_of_the_key_is_stored(keys: Keys, engine: Engine) -> None:
    made = keys.create("planner", "Bidang PSDM")
    row = _row(engine, made.info.key_id)
    assert row.key_hash == hashlib.sha256(made.key.encode()).hexdigest()
    secret = made.key.rsplit("_", 1)[1]
    with engine.connect() as connection:
        stored = connection.execute(select(ApiKey.__table__)).all()
    assert stored
    assert not any(secret in str(value) for row in stored for value in row)


def test_keys_are_unique_and_random(keys: Keys) -> None:
    made = [keys.create("admin", f"k{i}") for i in range(20)]
    assert len({m.key for m in made}) == len({m.info.key_id for m in made}) == 20
    assert all(len(m.key.rsplit("_", 1)[1]) >= 40 for m in made)  # 256 bits, url-safe


def test_wrong_malformed_and_unknown_keys_do_not_authenticate(keys: Keys) -> None:
    made = keys.create("committee", "Tim Penilai")
    key_id = made.info.key_id
    for attempt in (
        "",
        "tal_",
        "tal__secret",
        f"tal_{key_id}_",
        f"xyz_{key_id}_{made.key.rsplit('_', 1)[1]}",
        made.key + "x",  # the right id, the wrong secret
        made.key.replace(key_id, "000000000000"),  # an unknown id
        f"{made.key}_extra",
        f"tal_{key_id}\x00_{made.key.rsplit('_', 1)[1]}",  # PostgreSQL refuses NUL in text
        f"tal_{key_id}é_{made.key.rsplit('_', 1)[1]}",
    ):
        assert keys.authenticate(attempt) is None, attempt


def test_a_revoked_key_no_longer_authenticates(keys: Keys, engine: Engine) -> None:
    made = keys.create("planner", "leaver")
    other = keys.create("planner", "stayer")
    revoked = keys.revoke(made.info.key_id)
    assert revoked.revoked_at is not None
    assert keys.authenticate(made.key) is None
    assert keys.authenticate(other.key) == other.info  # only that key
    again = keys.revoke(made.info.key_id)
    assert again.revoked_at == revoked.revoked_at  # revoking twice keeps the first time
    listed = {k.key_id: k for k in keys.all()}
    assert listed[made.info.key_id].revoked_at == revoked.revoked_at
    assert listed[other.info.key_id].revoked_at is None
    assert _row(engine, made.info.key_id).key_hash  # kept, for the access log's sake


def test_revoking_an_unknown_key_says_so(keys: Keys) -> None:
    with pytest.raises(ApiKeyError, match="no key 'nope'"):
        keys.revoke("nope")


@pytest.mark.parametrize("role", ["root", "Planner", "", "data_scientist"])
def test_an_unknown_role_is_refused(keys: Keys, role: str) -> None:
    with pytest.raises(ApiKeyError, match="role must be one of"):
        keys.create(role, "someone")
    assert keys.all() == []


def test_the_database_refuses_an_unknown_role_too(engine: Engine) -> None:
    row = {
        "key_id": "abc",
        "key_hash": "0" * 64,
        "role": "root",
        "name": "x",
        "created_at": Clock()(),
        "revoked_at": None,
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(ApiKey.__table__).values(row))


def test_a_key_needs_a_name(keys: Keys) -> None:
    with pytest.raises(ApiKeyError, match="name"):
        keys.create("planner", "   ")


def test_a_name_leaves_room_for_the_key_id_in_a_review_s_signature(keys: Keys) -> None:
    with pytest.raises(ApiKeyError, match="at most 180"):
        keys.create("committee", "x" * 181)
    assert keys.create("committee", "x" * 180).info.name == "x" * 180


def test_keys_are_listed_oldest_first(keys: Keys) -> None:
    made = [keys.create(role, role) for role in ROLES]
    assert [k.key_id for k in keys.all()] == [m.info.key_id for m in made]


def test_a_remembered_key_is_refused_within_the_ttl_of_a_revocation_elsewhere(
    engine: Engine,
) -> None:
    server = Keys(session_factory(engine), cache_ttl_s=0.3)
    elsewhere = Keys(session_factory(engine))  # `talenta keys revoke`, another process
    made = elsewhere.create("planner", "cached")
    assert server.authenticate(made.key) == made.info
    elsewhere.revoke(made.info.key_id)
    assert server.remembered(made.key) == made.info  # within the TTL: trusted still
    time.sleep(0.35)
    assert server.authenticate(made.key) is None
    assert server.remembered(made.key) is None  # a refused key is never remembered


def test_a_revocation_through_the_server_s_keys_is_at_once(engine: Engine) -> None:
    server = Keys(session_factory(engine), cache_ttl_s=60)
    made = server.create("committee", "cached")
    assert server.authenticate(made.key) == made.info
    server.revoke(made.info.key_id)
    assert server.authenticate(made.key) is None


# --- the access log -----------------------------------------------------------------------------


def test_reads_are_logged_newest_first(keys: Keys) -> None:
    planner = keys.create("planner", "p").info
    committee = keys.create("committee", "c").info
    keys.log_access(planner, "GET /api/v1/employees/E1/profile", "employee", "E1")
    keys.log_access(committee, "GET /api/v1/fairness/flags", "flags", None)
    keys.log_access(planner, "GET /api/v1/employees/E2/recommendations", "employee", "E2")
    log = keys.access_log()
    assert [(r.key_id, r.role, r.subject_kind, r.subject_id) for r in log] == [
        (planner.key_id, "planner", "employee", "E2"),
        (committee.key_id, "committee", "flags", None),
        (planner.key_id, "planner", "employee", "E1"),
    ]
    assert log[0].at > log[1].at > log[2].at
    assert log[2].action == "GET /api/v1/employees/E1/profile"
    assert [r.subject_id for r in keys.access_log("employee", "E1")] == ["E1"]
    assert len(keys.access_log("employee")) == 2
    assert len(keys.access_log(limit=1)) == 1


def test_long_actions_and_subjects_are_cut_not_refused(keys: Keys) -> None:
    key = keys.create("planner", "p").info
    keys.log_access(key, "GET /" + "x" * 500, "employee", "9" * 500)
    (record,) = keys.access_log()
    assert len(record.action) == 200 and len(record.subject_id or "") == 200


def test_the_access_log_cannot_be_edited_or_erased(keys: Keys, engine: Engine) -> None:
    key = keys.create("committee", "c").info
    keys.log_access(key, "GET /api/v1/fairness/flags", "flags", None)
    for statement in (
        update(AccessEntry).values(subject_id="someone else"),
        delete(AccessEntry),
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(statement)
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text("TRUNCATE access_log"))
    assert len(keys.access_log()) == 1


def test_submitted_reads_are_committed_when_their_future_is_done(keys: Keys) -> None:
    key = keys.create("planner", "p").info
    futures = [
        keys.submit_access(key, f"GET /api/v1/employees/E{i}/profile", "employee", f"E{i}")
        for i in range(50)
    ]
    done, pending = wait(futures, timeout=30)
    assert not pending and all(f.exception() is None for f in done)
    logged = {r.subject_id for r in keys.access_log(limit=100)}
    assert logged == {f"E{i}" for i in range(50)}


def test_a_bad_read_row_fails_alone(keys: Keys) -> None:
    key = keys.create("planner", "p").info
    unknown = replace(key, key_id="000000000000")  # no such key: the foreign key refuses it
    futures = [
        keys.submit_access(key, "GET /a", "employee", "E1"),
        keys.submit_access(unknown, "GET /b", "employee", "E2"),
        keys.submit_access(key, "GET /c", "employee", "E3"),
    ]
    wait(futures, timeout=30)
    assert futures[1].exception() is not None
    assert futures[0].exception() is None and futures[2].exception() is None
    assert {r.subject_id for r in keys.access_log()} == {"E1", "E3"}


def test_a_revocation_during_an_authentication_is_not_undone_by_its_cache(
    engine: Engine,
) -> None:
    keys = Keys(session_factory(engine), cache_ttl_s=60)
    made = keys.create("planner", "ani")
    real = keys._sessions

    def revoked_meanwhile() -> object:
        keys.forget(made.info.key_id)  # what revoke() does, landing while the read runs
        return real()

    keys._sessions = revoked_meanwhile  # type: ignore[assignment]
    assert keys.authenticate(made.key) is not None  # the read saw the row as it was
    keys._sessions = real
    assert keys.remembered(made.key) is None
