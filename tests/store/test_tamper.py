"""What the probe of issue 15 found editable, refused on SQLite and PostgreSQL: REPLACE over
the append-only tables (SQLite's ``INSERT OR REPLACE`` deletes without firing DELETE triggers),
edits of an audit run, and ended page sessions that stay open; and SQLite's fsync policy."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError

from ml.store import ReviewTrail, make_engine, session_factory
from ml.store.database import SYNCHRONOUS_VARIABLE
from ml.store.keys import Keys
from ml.store.models import AuditRun, Review
from tests.store.factories import START, Clock, rater_flag


@pytest.fixture
def reviewed(trail: ReviewTrail) -> tuple[ReviewTrail, str]:
    run_id = trail.start_run("audit-bot", "data/raw", {"alpha": 0.05})
    trail.record_flags(run_id, [rater_flag("R1"), rater_flag("R2")])
    trail.review(rater_flag("R1").flag_id, "CONFIRMED", "far above the evidence", "ani")
    return trail, run_id


def _sqlite_only(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("REPLACE is SQLite's; PostgreSQL has none (its upsert fires UPDATE triggers)")


REPLACES = {
    "reviews": "INSERT OR REPLACE INTO reviews (id, flag_id, decision, reason, reviewer, "
    "reviewed_at) SELECT id, flag_id, 'DISMISSED', 'forged', 'mallory', reviewed_at FROM reviews",
    "flags": "REPLACE INTO flags SELECT flag_id, family, 'SEVERE', subject, group_label, "
    "agency_id, region, first_run_id, created_at FROM flags",
    "flag_observations": "INSERT OR REPLACE INTO flag_observations SELECT id, flag_id, run_id, "
    "observed_at, n, 0.0, ci_low, ci_high, 0.9, evidence FROM flag_observations",
    "audit_runs": "REPLACE INTO audit_runs SELECT run_id, started_at, 'forged', data_dir, "
    "parameters, flags_raised FROM audit_runs",
}


@pytest.mark.parametrize("table", sorted(REPLACES))
def test_replace_cannot_rewrite_the_trail(
    reviewed: tuple[ReviewTrail, str], engine: Engine, table: str
) -> None:
    _sqlite_only(engine)
    with engine.connect() as connection:
        before = connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), engine.begin() as c:
        c.execute(text(REPLACES[table]))
    with engine.connect() as connection:
        assert connection.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all() == before


def test_replace_cannot_rewrite_the_access_log(engine: Engine) -> None:
    _sqlite_only(engine)
    keys = Keys(session_factory(engine))
    key = keys.create("planner", "ani").info
    keys.log_access(key, "GET profile", "employee", "E1")
    statement = (
        "REPLACE INTO access_log (id, at, key_id, role, action, subject_kind, subject_id) "
        "SELECT id, at, key_id, role, action, subject_kind, 'someone-else' FROM access_log"
    )
    with pytest.raises(DBAPIError, match="access_log is append-only"), engine.begin() as c:
        c.execute(text(statement))
    assert [r.subject_id for r in keys.access_log()] == ["E1"]


def test_new_rows_still_go_in(reviewed: tuple[ReviewTrail, str], engine: Engine) -> None:
    """The BEFORE INSERT guards refuse only keys already stored."""
    trail, _ = reviewed
    trail.review(rater_flag("R1").flag_id, "DISMISSED", "explained by the unit's KPIs", "budi")
    run_id = trail.start_run("audit-bot", "data/raw", {})
    trail.record_flags(run_id, [rater_flag("R1"), rater_flag("R3")])
    with session_factory(engine)() as session:
        assert len(session.scalars(select(Review)).all()) == 2
        assert session.get(AuditRun, run_id).flags_raised == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_runs SET started_by = 'forged'",
        "UPDATE audit_runs SET started_at = CURRENT_TIMESTAMP",
        "UPDATE audit_runs SET data_dir = '/elsewhere'",
        "UPDATE audit_runs SET parameters = '{}'",
        "UPDATE audit_runs SET run_id = 'x'",
        "UPDATE audit_runs SET flags_raised = 0",
        "UPDATE audit_runs SET flags_raised = 99",
        "DELETE FROM audit_runs",
    ],
)
def test_an_audit_run_cannot_be_edited(
    reviewed: tuple[ReviewTrail, str], engine: Engine, statement: str
) -> None:
    _, run_id = reviewed
    with session_factory(engine)() as session:
        before = session.get(AuditRun, run_id)
    assert before is not None and before.flags_raised == 2
    with pytest.raises(DBAPIError, match="audit_runs is append-only"), engine.begin() as c:
        c.execute(text(statement))
    with session_factory(engine)() as session:
        after = session.get(AuditRun, run_id)
    assert after is not None
    assert (after.started_by, after.flags_raised, after.parameters) == (
        "audit-bot",
        2,
        {"alpha": 0.05},
    )


def test_an_audit_run_cannot_be_truncated(
    reviewed: tuple[ReviewTrail, str], engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL's")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as c:
        c.execute(text("TRUNCATE audit_runs CASCADE"))


def test_an_ended_session_stays_ended(engine: Engine) -> None:
    clock = Clock()
    keys = Keys(session_factory(engine), now=clock)
    key = keys.create("planner", "ani").info
    assert not keys.session_ended("nonce-1")
    keys.end_session("nonce-1", key.key_id, START + timedelta(hours=8))
    keys.end_session("nonce-1", key.key_id, START + timedelta(hours=8))  # twice: no error
    assert keys.session_ended("nonce-1")
    assert not keys.session_ended("nonce-2")


def test_ended_sessions_are_forgotten_once_expired(engine: Engine) -> None:
    clock = Clock()
    keys = Keys(session_factory(engine), now=clock)
    key = keys.create("planner", "ani").info
    keys.end_session("old", key.key_id, START + timedelta(minutes=3))
    clock.now += timedelta(hours=9)  # past the old session's expiry
    keys.end_session("new", key.key_id, clock.now + timedelta(hours=8))
    assert not keys.session_ended("old")  # it could not open a session anyway: expired
    assert keys.session_ended("new")


@pytest.mark.parametrize(("level", "number"), [(None, 1), ("FULL", 2), ("extra", 3)])
def test_sqlite_s_fsync_policy_is_chosen_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, level: str | None, number: int
) -> None:
    """README "Durability": NORMAL by default, FULL for a trail that must survive power loss."""
    if level is None:
        monkeypatch.delenv(SYNCHRONOUS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(SYNCHRONOUS_VARIABLE, level)
    engine = make_engine(f"sqlite:///{tmp_path / 'talenta.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == number
    finally:
        engine.dispose()


def test_an_unknown_fsync_policy_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SYNCHRONOUS_VARIABLE, "SOMETIMES")
    with pytest.raises(ValueError, match="TALENTA_SQLITE_SYNCHRONOUS='SOMETIMES': give one of"):
        make_engine("sqlite:///unused.db")


def test_postgresql_s_upsert_cannot_rewrite_a_review(
    reviewed: tuple[ReviewTrail, str], engine: Engine
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("ON CONFLICT DO UPDATE is checked here on PostgreSQL (SQLite: REPLACE above)")
    upsert = (
        "INSERT INTO reviews (id, flag_id, decision, reason, reviewer, reviewed_at) "
        "SELECT id, flag_id, 'DISMISSED', 'forged', 'mallory', reviewed_at FROM reviews "
        "ON CONFLICT (id) DO UPDATE SET reason = EXCLUDED.reason"
    )
    with pytest.raises(DBAPIError, match="reviews is append-only"), engine.begin() as c:
        c.execute(text(upsert))
