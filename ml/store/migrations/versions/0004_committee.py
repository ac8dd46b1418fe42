"""The merit committee's workflow: review sessions, the reviews decided in them, adjusted
predikat and follow-ups.

Decisions stay rows of ``reviews`` (revision 0001): ``session_reviews`` only says which session
decided a review. All four new tables are append-only on SQLite and PostgreSQL (UPDATE, DELETE,
SQLite's REPLACE and PostgreSQL's TRUNCATE are refused by triggers): an adjusted predikat is
superseded by a later row, never edited.

Revision ID: 0004_committee
Revises: 0003 (the task named it "0003_hardening", the file's name; its revision id is "0003")
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_committee"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
PREDIKAT = "('SANGAT_BAIK', 'BAIK', 'BUTUH_PERBAIKAN', 'KURANG', 'SANGAT_KURANG')"
# append-only tables and their keys
KEYS = {
    "committee_sessions": "session_id",
    "session_reviews": "review_id",
    "adjustments": "id",
    "follow_ups": "id",
}


def upgrade() -> None:
    op.create_table(
        "committee_sessions",
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("agency_id", sa.String(100), nullable=True),
        sa.Column("unit_id", sa.String(100), nullable=True),
        sa.Column("period", sa.String(20), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("session_id", name="pk_committee_sessions"),
        sa.CheckConstraint(
            "length(trim(created_by)) > 0", name="ck_committee_sessions_created_by_given"
        ),
    )
    op.create_index("ix_committee_sessions_held_on", "committee_sessions", ["held_on"])
    op.create_table(
        "session_reviews",
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("review_id", name="pk_session_reviews"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_session_reviews_review_id_reviews"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["committee_sessions.session_id"],
            name="fk_session_reviews_session_id_committee_sessions",
        ),
    )
    op.create_index("ix_session_reviews_session_id", "session_reviews", ["session_id"])
    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("employee_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("original_predikat", sa.String(20), nullable=True),
        sa.Column("adjusted_predikat", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("adjusted_by", sa.String(200), nullable=False),
        sa.Column("adjusted_at", UTC_TIME, nullable=False),
        sa.Column("flag_id", sa.String(40), nullable=True),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_adjustments"),
        sa.ForeignKeyConstraint(
            ["flag_id"], ["flags.flag_id"], name="fk_adjustments_flag_id_flags"
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_adjustments_review_id_reviews"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["committee_sessions.session_id"],
            name="fk_adjustments_session_id_committee_sessions",
        ),
        sa.CheckConstraint(
            f"adjusted_predikat IN {PREDIKAT}", name="ck_adjustments_adjusted_predikat"
        ),
        sa.CheckConstraint(
            f"original_predikat IS NULL OR original_predikat IN {PREDIKAT}",
            name="ck_adjustments_original_predikat",
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name="ck_adjustments_reason_given"),
        sa.CheckConstraint(
            "length(trim(adjusted_by)) > 0", name="ck_adjustments_adjusted_by_given"
        ),
    )
    op.create_index("ix_adjustments_employee_id_period", "adjustments", ["employee_id", "period"])
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("flag_id", sa.String(40), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
        sa.ForeignKeyConstraint(["flag_id"], ["flags.flag_id"], name="fk_follow_ups_flag_id_flags"),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name="fk_follow_ups_review_id_reviews"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["committee_sessions.session_id"],
            name="fk_follow_ups_session_id_committee_sessions",
        ),
        sa.CheckConstraint("length(trim(assignee)) > 0", name="ck_follow_ups_assignee_given"),
    )
    op.create_index("ix_follow_ups_flag_id", "follow_ups", ["flag_id"])
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table, key in KEYS.items():
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            # INSERT OR REPLACE deletes the row it collides with without a DELETE trigger
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {key} exists'); END"
            )
    elif dialect == "postgresql":
        # talenta_append_only() comes with revision 0001
        for table in KEYS:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION talenta_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION talenta_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    for table in KEYS:
        if dialect == "sqlite":
            for name in ("update", "delete", "replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{name}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.drop_index("ix_follow_ups_flag_id", table_name="follow_ups")
    op.drop_table("follow_ups")
    op.drop_index("ix_adjustments_employee_id_period", table_name="adjustments")
    op.drop_table("adjustments")
    op.drop_index("ix_session_reviews_session_id", table_name="session_reviews")
    op.drop_table("session_reviews")
    op.drop_index("ix_committee_sessions_held_on", table_name="committee_sessions")
    op.drop_table("committee_sessions")
