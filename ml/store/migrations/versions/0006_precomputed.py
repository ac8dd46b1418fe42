"""Precomputed answers: ``talenta score`` stores each employee's recommendation answer (need
probabilities, TreeSHAP reasons, ranked programmes) with the snapshot, and which need model
computed them; the API serves those bytes while that model is the one loaded.

On PostgreSQL the answers (a few kilobytes of JSON each, much of it repeated labels), and the
profile and feature columns beside them, are compressed with lz4 where the server was built
with it: several times faster than the default pglz to compress and to read back, for a
similar size. (Only values written afterwards; a downgrade leaves the setting, which is
harmless.)

Revision ID: 0006_precomputed
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_precomputed"
# the task named "0003_hardening"; this branch's 0003 revision is "0003" (re-chained at merge)
down_revision: str | Sequence[str] | None = "0005_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the snapshot's large values: compressed by PostgreSQL's default (pglz), writing them was
# bound by the server's compression (bench/snapshot_write.py)
COMPRESSED = ("answer", "profile", "protected", "features")
LZ4_BUILT = (
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def upgrade() -> None:
    op.add_column("snapshots", sa.Column("model_name", sa.String(100), nullable=True))
    op.add_column("snapshots", sa.Column("model_version", sa.String(40), nullable=True))
    op.add_column("snapshot_employees", sa.Column("answer", sa.LargeBinary(), nullable=True))
    if op.get_context().dialect.name == "postgresql":
        # SET COMPRESSION came with PostgreSQL 14, lz4 with a build option
        bind = op.get_bind()
        if (bind.dialect.server_version_info or (0,)) >= (14,) and bind.execute(
            sa.text(LZ4_BUILT)
        ).first():
            for column in COMPRESSED:
                op.execute(
                    f"ALTER TABLE snapshot_employees ALTER COLUMN {column} SET COMPRESSION lz4"
                )


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both (SQLite since 3.35), never batch mode's copy of the
    # table: on SQLite that drops and recreates `snapshots`, and the foreign key's ON DELETE
    # CASCADE would empty snapshot_employees with it
    op.drop_column("snapshot_employees", "answer")
    op.drop_column("snapshots", "model_version")
    op.drop_column("snapshots", "model_name")
