"""The service: API keys (hashed), the access log, and the snapshots served by the API.

The access log is append-only like the review trail: triggers refuse UPDATE and DELETE on it
(and TRUNCATE on PostgreSQL), so a record of who read personal data cannot be erased.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("key_id", name="pk_api_keys"),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.CheckConstraint(
            "role IN ('planner', 'committee', 'data-scientist', 'admin')", name="ck_api_keys_role"
        ),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(200), nullable=False),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
        sa.ForeignKeyConstraint(
            ["key_id"], ["api_keys.key_id"], name="fk_access_log_key_id_api_keys"
        ),
    )
    op.create_index(
        "ix_access_log_subject_kind_subject_id", "access_log", ["subject_kind", "subject_id"]
    )
    op.create_index("ix_access_log_key_id_at", "access_log", ["key_id", "at"])
    op.create_table(
        "snapshots",
        sa.Column("snapshot_id", sa.String(32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("data_dir", sa.Text(), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", name="pk_snapshots"),
    )
    op.create_table(
        "snapshot_employees",
        sa.Column("snapshot_id", sa.String(32), nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=True),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("protected", sa.Text(), nullable=False),
        sa.Column("features", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", "employee_id", name="pk_snapshot_employees"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.snapshot_id"],
            name="fk_snapshot_employees_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_snapshot_employees_snapshot_id_unit_id",
        "snapshot_employees",
        ["snapshot_id", "unit_id"],
    )
    op.create_table(
        "snapshot_programs",
        sa.Column("snapshot_id", sa.String(32), nullable=False),
        sa.Column("program_id", sa.String(100), nullable=False),
        sa.Column("program", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", "program_id", name="pk_snapshot_programs"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.snapshot_id"],
            name="fk_snapshot_programs_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
    )
    _append_only("access_log")


def downgrade() -> None:
    _drop_append_only("access_log")
    op.drop_table("snapshot_programs")
    op.drop_index("ix_snapshot_employees_snapshot_id_unit_id", table_name="snapshot_employees")
    op.drop_table("snapshot_employees")
    op.drop_table("snapshots")
    op.drop_index("ix_access_log_key_id_at", table_name="access_log")
    op.drop_index("ix_access_log_subject_kind_subject_id", table_name="access_log")
    op.drop_table("access_log")
    op.drop_table("api_keys")


def _append_only(table: str) -> None:
    # talenta_append_only() comes with revision 0001 on PostgreSQL.
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION talenta_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION talenta_append_only()"
        )


def _drop_append_only(table: str) -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    elif dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
