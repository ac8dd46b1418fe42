"""Alembic environment: runs on the connection that :func:`ml.store.database.migrate` hands over
in ``config.attributes["connection"]``, or else on ``sqlalchemy.url``; ``--sql`` (offline mode)
prints the DDL instead."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from ml.store.database import make_engine
from ml.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


def run() -> None:
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            target_metadata=target_metadata,
            literal_binds=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url: use ml.store.database.migrate")
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            run_on(connection)
    finally:
        engine.dispose()


run()
