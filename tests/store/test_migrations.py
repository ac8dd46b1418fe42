"""The Alembic migration builds exactly the models' schema, can be undone, and guards the
append-only tables."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from ml.config import Settings
from ml.store import ReviewTrail, downgrade, make_engine, migrate, session_factory
from ml.store.keys import Keys
from ml.store.models import Base
from tests.store.factories import rater_flag

TRAIL_TABLES = {"audit_runs", "flags", "flag_observations", "reviews"}
SERVICE_TABLES = {"api_keys", "access_log", "snapshots", "snapshot_employees", "snapshot_programs"}
DIRECTORY_TABLES = {"snapshot_directories"}  # 0007
SESSION_TABLES = {"ended_sessions"}
COMMITTEE_TABLES = {"committee_sessions", "session_reviews", "adjustments", "follow_ups"}
PLAN_TABLES = {"plans", "plan_events"}
STORE_TABLES = (
    TRAIL_TABLES
    | SERVICE_TABLES
    | SESSION_TABLES
    | COMMITTEE_TABLES
    | PLAN_TABLES
    | DIRECTORY_TABLES
)


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrate_creates_the_tables_and_downgrade_removes_them(store_url: str) -> None:
    migrate(store_url)
    assert tables(store_url) == STORE_TABLES | {"alembic_version"}
    migrate(store_url)  # already at head: nothing to do
    downgrade(store_url, "0003")
    assert tables(store_url) == TRAIL_TABLES | SERVICE_TABLES | SESSION_TABLES | {"alembic_version"}
    downgrade(store_url, "0002")
    assert tables(store_url) == TRAIL_TABLES | SERVICE_TABLES | {"alembic_version"}
    downgrade(store_url, "0001")
    assert tables(store_url) == TRAIL_TABLES | {"alembic_version"}
    downgrade(store_url)
    assert tables(store_url) == {"alembic_version"}
    migrate(store_url)
    assert tables(store_url) >= STORE_TABLES


def test_the_migration_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_indexes_are_there(engine: Engine) -> None:
    inspector = inspect(engine)
    indexes = {
        (table, index["name"], tuple(index["column_names"]))
        for table in STORE_TABLES
        for index in inspector.get_indexes(table)
        if not index.get("duplicates_constraint")  # PostgreSQL lists UNIQUE's own index
    }
    assert indexes == {
        ("flags", "ix_flags_family_kind", ("family", "kind")),
        ("flags", "ix_flags_agency_id", ("agency_id",)),
        ("reviews", "ix_reviews_flag_id_reviewed_at", ("flag_id", "reviewed_at")),
        ("flag_observations", "ix_flag_observations_flag_id_run_id", ("flag_id", "run_id")),
        ("access_log", "ix_access_log_subject_kind_subject_id", ("subject_kind", "subject_id")),
        ("access_log", "ix_access_log_key_id_at", ("key_id", "at")),
        ("ended_sessions", "ix_ended_sessions_expires_at", ("expires_at",)),
        ("committee_sessions", "ix_committee_sessions_held_on", ("held_on",)),
        ("session_reviews", "ix_session_reviews_session_id", ("session_id",)),
        ("adjustments", "ix_adjustments_employee_id_period", ("employee_id", "period")),
        ("follow_ups", "ix_follow_ups_flag_id", ("flag_id",)),
        ("plans", "ix_plans_unit_id_created_at", ("unit_id", "created_at")),
        ("plans", "ix_plans_agency_id", ("agency_id",)),
        ("plans", "uq_plans_lineage_id_version", ("lineage_id", "version")),
        ("plan_events", "ix_plan_events_plan_id_id", ("plan_id", "id")),
        (
            "snapshot_employees",
            "ix_snapshot_employees_snapshot_id_unit_id",
            ("snapshot_id", "unit_id"),
        ),
    }


@pytest.mark.parametrize(
    ("table", "statement"),
    [
        ("reviews", "UPDATE reviews SET decision = 'DISMISSED'"),
        ("reviews", "DELETE FROM reviews"),
        ("flag_observations", "UPDATE flag_observations SET q_value = 0.9"),
        ("flag_observations", "DELETE FROM flag_observations"),
        ("flags", "UPDATE flags SET kind = 'SEVERE'"),
    ],
)
def test_triggers_refuse_changes_to_the_trail(
    trail: ReviewTrail, engine: Engine, table: str, statement: str
) -> None:
    run_id = trail.start_run("audit-bot", "data/raw", {})
    trail.record_flags(run_id, [rater_flag("R1")])
    trail.review(rater_flag("R1").flag_id, "CONFIRMED", "far above the evidence", "ani")
    with pytest.raises(DBAPIError, match=f"{table} is append-only"), engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize(
    "statement", ["UPDATE access_log SET role = 'admin'", "DELETE FROM access_log"]
)
def test_triggers_refuse_changes_to_the_access_log(engine: Engine, statement: str) -> None:
    keys = Keys(session_factory(engine))
    key = keys.create("planner", "ani").info
    keys.log_access(key, "GET profile", "employee", "E1")
    with (
        pytest.raises(DBAPIError, match="access_log is append-only"),
        engine.begin() as connection,
    ):
        connection.execute(text(statement))
    assert len(keys.access_log()) == 1


def test_the_database_refuses_a_decision_outside_the_list(
    trail: ReviewTrail, engine: Engine
) -> None:
    run_id = trail.start_run("audit-bot", "data/raw", {})
    trail.record_flags(run_id, [rater_flag("R1")])
    insert = text(
        "INSERT INTO reviews (flag_id, decision, reason, reviewer, reviewed_at) "
        "VALUES (:flag_id, 'MAYBE', 'why not', 'ani', CURRENT_TIMESTAMP)"
    )
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"flag_id": rater_flag("R1").flag_id})


def test_sqlite_enforces_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'talenta.db'}"
    migrate(url)
    engine = make_engine(url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO flags (flag_id, family, kind, subject, first_run_id, created_at)"
                    " VALUES ('f', 'RATER', 'LENIENT', 'R1', 'no-such-run', CURRENT_TIMESTAMP)"
                )
            )
    finally:
        engine.dispose()


def test_the_default_store_lives_under_talenta_home(tmp_path: Path) -> None:
    url = Settings(home=tmp_path, database_url=None).store_url
    trail = ReviewTrail.from_url(url)
    run_id = trail.start_run("audit-bot", str(tmp_path / "data" / "raw"), {"alpha": 0.05})
    assert trail.record_flags(run_id, [rater_flag("R1")]).new == 1
    assert (tmp_path / "data" / "talenta.db").is_file()


def test_the_precomputed_answers_migrate_up_and_down_keeping_the_snapshot(store_url: str) -> None:
    """0006 adds the answer and model columns and takes them away again; the snapshot stored
    before stays whole both ways (a copy-and-swap of `snapshots` would cascade-delete it)."""
    from datetime import date

    from ml.store.snapshots import EmployeeRecord, Snapshots

    migrate(store_url, "0003")
    engine = make_engine(store_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO snapshots (snapshot_id, as_of, created_at, data_dir, employees) "
                    "VALUES ('s1', '2026-01-01', '2026-01-02 00:00:00', '/d', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO snapshot_employees (snapshot_id, employee_id, unit_id, profile, "
                    "protected, features) VALUES ('s1', 'E1', 'U1', '{}', '{}', '{}')"
                )
            )
        migrate(store_url)
        snapshots = Snapshots(session_factory(engine))
        assert snapshots.employee("s1", "E1") == EmployeeRecord("E1", "U1", {}, {}, {}, None)
        info = snapshots.write(
            date(2026, 2, 1), "/e", [EmployeeRecord("E2", "U1", {}, {}, {}, b"{}")], {},
            model=("talenta-need", "4"),
        )  # fmt: skip
        assert (info.model_name, info.model_version) == ("talenta-need", "4")
        assert snapshots.answer(info.snapshot_id, "E2") == b"{}"
        downgrade(store_url, "0003")
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM snapshot_employees")).scalar()
            columns = {c["name"] for c in inspect(connection).get_columns("snapshot_employees")}
        assert count == 2 and "answer" not in columns
    finally:
        engine.dispose()
