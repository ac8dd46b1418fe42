"""Alembic revisions of the store: each hand-written, never edited once released."""
