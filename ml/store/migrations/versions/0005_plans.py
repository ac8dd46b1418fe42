"""Plans as documents, and keys bound to agencies.

* ``plans``: a unit plan as saved — the planner's inputs and the optimiser's answer, the author,
  the version and the plan it was made from. Its content never changes: triggers refuse UPDATE
  and DELETE (and SQLite's REPLACE, and TRUNCATE on PostgreSQL); a change is a new version.
* ``plan_events``: the status trail (draft → proposed → approved / returned), append-only.
* ``api_keys.agencies``: the agencies a key is bound to (a JSON list; null: every agency).

Revision ID: 0005_plans
Revises: 0003 (0003_hardening; the lead re-chains the revisions at merge)
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_plans"
down_revision: str | Sequence[str] | None = "0004_committee"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)
APPEND_ONLY = {"plans": "plan_id", "plan_events": "id"}


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("agencies", sa.Text(), nullable=True))
    op.create_table(
        "plans",
        sa.Column("plan_id", sa.String(32), nullable=False),
        sa.Column("lineage_id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.String(32), nullable=True),
        sa.Column("agency_id", sa.String(100), nullable=True),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("unit_name", sa.String(300), nullable=True),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_by_key", sa.String(16), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name="pk_plans"),
        sa.ForeignKeyConstraint(["parent_id"], ["plans.plan_id"], name="fk_plans_parent_id_plans"),
        sa.CheckConstraint("version >= 1", name="ck_plans_version_positive"),
        sa.CheckConstraint("length(trim(created_by)) > 0", name="ck_plans_author_given"),
    )
    op.create_index("ix_plans_unit_id_created_at", "plans", ["unit_id", "created_at"])
    op.create_index("ix_plans_agency_id", "plans", ["agency_id"])
    op.create_index("uq_plans_lineage_id_version", "plans", ["lineage_id", "version"], unique=True)
    op.create_table(
        "plan_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_key", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_events"),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.plan_id"], name="fk_plan_events_plan_id_plans"
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'proposed', 'approved', 'returned')",
            name="ck_plan_events_status_known",
        ),
        sa.CheckConstraint("length(trim(actor)) > 0", name="ck_plan_events_actor_given"),
    )
    op.create_index("ix_plan_events_plan_id_id", "plan_events", ["plan_id", "id"])
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table, key in APPEND_ONLY.items():
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {key} exists'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION talenta_plans_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION talenta_plans_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION talenta_plans_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        for table in APPEND_ONLY:
            for name in ("no_update", "no_delete", "no_replace"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{name}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS talenta_plans_append_only()")
    op.drop_index("ix_plan_events_plan_id_id", table_name="plan_events")
    op.drop_table("plan_events")
    op.drop_index("uq_plans_lineage_id_version", table_name="plans")
    op.drop_index("ix_plans_agency_id", table_name="plans")
    op.drop_index("ix_plans_unit_id_created_at", table_name="plans")
    op.drop_table("plans")
    # plain ALTER (SQLite >= 3.35): a batch copy of api_keys would trip the access log's keys
    op.execute("ALTER TABLE api_keys DROP COLUMN agencies")
