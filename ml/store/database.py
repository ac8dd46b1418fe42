"""Engines, sessions and migrations of the store: SQLite by default (``Settings.store_url``),
PostgreSQL by URL. Migrations run from the package itself, so an installed Talenta needs no
``alembic.ini``."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# SQLite's fsync policy (README "Durability"): NORMAL under WAL survives any crash of the
# process but may lose the last commits on power loss; FULL fsyncs every commit and loses none.
SYNCHRONOUS_VARIABLE = "TALENTA_SQLITE_SYNCHRONOUS"
SYNCHRONOUS_LEVELS = ("NORMAL", "FULL", "EXTRA")
POOL_SIZE = 40  # SQLite connections kept open (a file database; see make_engine)
POOL_OVERFLOW = 20


def make_engine(url: str) -> Engine:
    """An engine for ``url``. For a SQLite file the parent folder is created, foreign keys are
    enforced on every connection (SQLite leaves them off by default) and the journal is WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if database and database != ":memory:" and parsed.query.get("mode") != "memory":
        # Keep a connection per thread that may query at once (the API's thread pool has 40):
        # with SQLAlchemy's default of 5 kept and 10 more opened and closed on demand, a busy
        # server opens a connection per request, and each new one re-reads the schema and
        # starts with a cold page cache.
        engine = create_engine(parsed, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW)
    else:
        engine = create_engine(parsed)
    synchronous = sqlite_synchronous()
    event.listen(
        engine, "connect", lambda connection, record: _sqlite_pragmas(connection, synchronous)
    )
    return engine


def sqlite_synchronous() -> str:
    """The ``PRAGMA synchronous`` level from ``TALENTA_SQLITE_SYNCHRONOUS`` (default NORMAL)."""
    level = os.environ.get(SYNCHRONOUS_VARIABLE, "NORMAL").strip().upper()
    if level not in SYNCHRONOUS_LEVELS:
        raise ValueError(
            f"{SYNCHRONOUS_VARIABLE}={level!r}: give one of {', '.join(SYNCHRONOUS_LEVELS)}"
        )
    return level


def _sqlite_pragmas(dbapi_connection: Any, synchronous: str) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # Write-ahead logging: readers never wait for the writer (the API reads while `talenta
    # score` writes a snapshot), and a commit appends to the log instead of syncing the whole
    # database, which is what makes an access-log row per request affordable. NORMAL sync under
    # WAL loses at most the last commits on power loss, never consistency; FULL loses none.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {synchronous}")  # one of SYNCHRONOUS_LEVELS
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (``expire_on_commit=False``)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration for the package's migrations, running on ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (``alembic upgrade head``)."""
    _run(url, lambda config: command.upgrade(config, revision))


def downgrade(url: str, revision: str = "base") -> None:
    """Take the database at ``url`` down to ``revision`` (``base``: no tables of the store)."""
    _run(url, lambda config: command.downgrade(config, revision))


def _run(url: str, step: Callable[[Config], None]) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        # The sqlite3 driver autocommits every DDL statement; taking over BEGIN makes the whole
        # migration one transaction, so a failed one leaves the database as it was.
        event.listen(engine, "connect", _driver_leaves_transactions_alone)
        event.listen(engine, "begin", _begin)
    try:
        with engine.begin() as connection:
            step(alembic_config(connection))
    finally:
        engine.dispose()


def _driver_leaves_transactions_alone(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def admin_engine(url: str) -> Engine:
    """An engine for DDL on the PostgreSQL server at ``url`` (autocommit, no pool, 3 s timeout)."""
    from sqlalchemy.pool import NullPool

    return create_engine(
        url, isolation_level="AUTOCOMMIT", poolclass=NullPool, connect_args={"connect_timeout": 3}
    )


@contextlib.contextmanager
def scratch_schema(url: str, prefix: str, options: str = "") -> Iterator[str]:
    """A store URL on a fresh schema of the PostgreSQL database at ``url``, first on the search
    path (plus any further ``-c`` ``options``); the schema is dropped when the block ends. For
    the store tests and the durability bench, which each need an empty PostgreSQL store."""
    from sqlalchemy import text

    schema = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = admin_engine(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            yield (
                make_url(url)
                .update_query_dict({"options": f"-csearch_path={schema} {options}".strip()})
                .render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()
