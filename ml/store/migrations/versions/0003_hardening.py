"""Hardening: the trail cannot be rewritten by REPLACE on SQLite, audit runs cannot be edited,
and the pages' sessions can be ended on the server.

* SQLite's ``INSERT OR REPLACE`` (and ``REPLACE INTO``) deletes the row it collides with without
  firing its DELETE trigger; a ``BEFORE INSERT`` trigger that refuses a key already stored closes
  that door on every append-only table. (PostgreSQL has no REPLACE; its ``ON CONFLICT DO
  UPDATE`` fires the UPDATE triggers, which refuse.)
* ``audit_runs``: who started a run, when, on what and with which parameters never change, a run
  is never deleted, and its one updated column, ``flags_raised``, may only be set to the number
  of distinct flags the run has observed (what ``ReviewTrail.record_flags`` writes).
* ``ended_sessions``: the nonces of page sessions that logged out; a cookie copied before the
  log-out no longer opens a session. Rows go once the session would have expired anyway.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
# append-only tables and their keys
KEYS = {
    "audit_runs": "run_id",
    "flags": "flag_id",
    "flag_observations": "id",
    "reviews": "id",
    "access_log": "id",
}
RUN_FIXED = ("run_id", "started_at", "started_by", "data_dir", "parameters")
FLAGS_OBSERVED = "(SELECT count(DISTINCT flag_id) FROM flag_observations WHERE run_id = NEW.run_id)"


def upgrade() -> None:
    op.create_table(
        "ended_sessions",
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("nonce", name="pk_ended_sessions"),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.key_id"], name="fk_ended_sessions_key_id_api_keys"
        ),
    )
    op.create_index("ix_ended_sessions_expires_at", "ended_sessions", ["expires_at"])
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        _postgresql_upgrade()


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in KEYS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        for name in ("no_delete", "fixed", "counted"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_runs_{name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_runs_guarded ON audit_runs")
        op.execute("DROP TRIGGER IF EXISTS audit_runs_no_truncate ON audit_runs")
        op.execute("DROP FUNCTION IF EXISTS talenta_audit_run_guard()")
    op.drop_index("ix_ended_sessions_expires_at", table_name="ended_sessions")
    op.drop_table("ended_sessions")


def _sqlite_upgrade() -> None:
    for table, key in KEYS.items():
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {key} exists'); END"
        )
    op.execute(
        "CREATE TRIGGER audit_runs_no_delete BEFORE DELETE ON audit_runs "
        "BEGIN SELECT RAISE(ABORT, 'audit_runs is append-only'); END"
    )
    op.execute(
        f"CREATE TRIGGER audit_runs_fixed BEFORE UPDATE OF {', '.join(RUN_FIXED)} ON audit_runs "
        "BEGIN SELECT RAISE(ABORT, 'audit_runs is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_runs_counted BEFORE UPDATE OF flags_raised ON audit_runs "
        f"WHEN NEW.flags_raised IS NOT {FLAGS_OBSERVED} "
        "BEGIN SELECT RAISE(ABORT, "
        "'audit_runs is append-only: flags_raised counts the flags the run observed'); END"
    )


def _postgresql_upgrade() -> None:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in RUN_FIXED)
    op.execute(
        "CREATE FUNCTION talenta_audit_run_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF TG_OP = 'DELETE' OR " + changed + " THEN "
        "RAISE EXCEPTION USING MESSAGE = 'audit_runs is append-only'; END IF; "
        f"IF NEW.flags_raised IS DISTINCT FROM {FLAGS_OBSERVED} THEN "
        "RAISE EXCEPTION USING MESSAGE = "
        "'audit_runs is append-only: flags_raised counts the flags the run observed'; END IF; "
        "RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_runs_guarded BEFORE UPDATE OR DELETE ON audit_runs "
        "FOR EACH ROW EXECUTE FUNCTION talenta_audit_run_guard()"
    )
    # talenta_append_only() comes with revision 0001
    op.execute(
        "CREATE TRIGGER audit_runs_no_truncate BEFORE TRUNCATE ON audit_runs "
        "FOR EACH STATEMENT EXECUTE FUNCTION talenta_append_only()"
    )
