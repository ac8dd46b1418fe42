"""The search directory stored with its snapshot: the few fields a search and the unit list read
(name, NIP, unit, position, agency, gaps, JP shortfall) for every employee, as one compressed
Arrow table per snapshot, written by ``talenta score`` in the snapshot's transaction.

Why: the API built its directory by reading and parsing every stored profile (3 KiB of JSON
each); at 4.3 million employees that is some 15 minutes before the first search of each worker.
Read from here it takes seconds (bench/snapshot_national.py).

Revision ID: 0007_directory
Revises: 0006_precomputed
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_directory"
down_revision: str | Sequence[str] | None = "0006_precomputed"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "snapshot_directories",
        sa.Column("snapshot_id", sa.String(32), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", name="pk_snapshot_directories"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.snapshot_id"],
            name="fk_snapshot_directories_snapshot_id_snapshots",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("snapshot_directories")
