"""The review trail: audit runs, flags, flag observations, reviews.

Flags, observations and reviews are append-only; on SQLite and PostgreSQL triggers refuse any
UPDATE or DELETE on them (and TRUNCATE on PostgreSQL), so a committee's record cannot be edited
behind the application's back.

Revision ID: 0001
Revises:
Create Date: 2025-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("flags", "flag_observations", "reviews")
UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "audit_runs",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("started_by", sa.String(200), nullable=False),
        sa.Column("data_dir", sa.Text(), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("flags_raised", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_audit_runs"),
    )
    op.create_table(
        "flags",
        sa.Column("flag_id", sa.String(40), nullable=False),
        sa.Column("family", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("group_label", sa.String(200), nullable=True),
        sa.Column("agency_id", sa.String(100), nullable=True),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("first_run_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("flag_id", name="pk_flags"),
        sa.ForeignKeyConstraint(
            ["first_run_id"], ["audit_runs.run_id"], name="fk_flags_first_run_id_audit_runs"
        ),
    )
    op.create_index("ix_flags_family_kind", "flags", ["family", "kind"])
    op.create_index("ix_flags_agency_id", "flags", ["agency_id"])
    op.create_table(
        "flag_observations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("flag_id", sa.String(40), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("observed_at", UTC_TIME, nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("effect", sa.Float(), nullable=True),
        sa.Column("ci_low", sa.Float(), nullable=True),
        sa.Column("ci_high", sa.Float(), nullable=True),
        sa.Column("q_value", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_flag_observations"),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["flags.flag_id"], name="fk_flag_observations_flag_id_flags"
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["audit_runs.run_id"], name="fk_flag_observations_run_id_audit_runs"
        ),
    )
    op.create_index(
        "ix_flag_observations_flag_id_run_id", "flag_observations", ["flag_id", "run_id"]
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("flag_id", sa.String(40), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("reviewed_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.ForeignKeyConstraint(["flag_id"], ["flags.flag_id"], name="fk_reviews_flag_id_flags"),
        sa.CheckConstraint(
            "decision IN ('CONFIRMED', 'DISMISSED', 'NEEDS_INFO')", name="ck_reviews_decision"
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name="ck_reviews_reason_given"),
        sa.CheckConstraint("length(trim(reviewer)) > 0", name="ck_reviews_reviewer_given"),
    )
    op.create_index("ix_reviews_flag_id_reviewed_at", "reviews", ["flag_id", "reviewed_at"])
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index("ix_reviews_flag_id_reviewed_at", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_flag_observations_flag_id_run_id", table_name="flag_observations")
    op.drop_table("flag_observations")
    op.drop_index("ix_flags_agency_id", table_name="flags")
    op.drop_index("ix_flags_family_kind", table_name="flags")
    op.drop_table("flags")
    op.drop_table("audit_runs")


def _create_append_only_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION talenta_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION talenta_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION talenta_append_only()"
            )


def _drop_append_only_triggers() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for event in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS talenta_append_only()")
