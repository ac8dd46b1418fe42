"""Alembic environment of the store; run it with :func:`ml.store.database.migrate`."""
