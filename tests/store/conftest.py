"""Every store test runs on SQLite (a file under tmp_path) and on PostgreSQL, each PostgreSQL test
in a schema of its own that is dropped afterwards. PostgreSQL tests skip when the server is not
reachable (``TALENTA_TEST_POSTGRES_URL``, default the local ``test`` database)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.engine import make_url

from ml.store import ReviewTrail, make_engine, migrate, session_factory
from ml.store.database import admin_engine, scratch_schema
from ml.store.models import AuditRun, Flag, FlagObservation, Review
from tests.store.factories import Clock

POSTGRES_URL = os.environ.get(
    "TALENTA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TABLES = (AuditRun, Flag, FlagObservation, Review)


@cache
def _postgres_unreachable() -> str | None:
    """Why PostgreSQL cannot be used, or None; asked once per session."""
    url = make_url(POSTGRES_URL)
    try:
        with admin_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        return f"PostgreSQL not reachable at {url.host}:{url.port or 5432} ({first_line})"
    return None


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database: a SQLite file in a folder that does not exist yet, or a fresh
    PostgreSQL schema put first on the search path through the URL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'data' / 'talenta.db'}"
        return
    reason = _postgres_unreachable()
    if reason:
        pytest.skip(reason)
    with scratch_schema(POSTGRES_URL, "t_", "-csynchronous_commit=off") as url:
        yield url


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """An engine on the migrated database."""
    migrate(store_url)
    engine = make_engine(store_url)
    if engine.dialect.name == "sqlite":
        # A throw-away file needs no durability; without an fsync per commit the tests do not
        # wait on the disk (PostgreSQL gets synchronous_commit=off through the URL likewise).
        event.listen(engine, "connect", _no_fsync)
    yield engine
    engine.dispose()


def _no_fsync(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA synchronous = OFF")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def trail(engine: Engine, clock: Clock) -> ReviewTrail:
    return ReviewTrail(session_factory(engine), now=clock)


@pytest.fixture
def counts(engine: Engine) -> Callable[[], dict[str, int]]:
    """Rows per table of the store, now."""

    def count() -> dict[str, int]:
        with engine.connect() as connection:
            return {
                model.__tablename__: connection.scalar(select(func.count()).select_from(model)) or 0
                for model in TABLES
            }

    return count
