"""``talenta serve --workers N``: N processes answering on one port (uvicorn's supervisor hands
the listening socket to each), for N cores where one process's GIL holds a request's Python to
one core.

Each worker builds its own state (store engine, model, snapshot cache) and follows the registry
(``FOLLOW_S``): a reload asked of the worker that took the request, or a promotion, reaches every
worker within that many seconds. The snapshot each worker serves is already looked up in the
store every few seconds (``SNAPSHOT_TTL_S``), and API keys revoked elsewhere are refused within
``KEY_CACHE_TTL_S``: nothing else a worker holds can go stale.

Which stores allow it: PostgreSQL, made for many client processes; and a SQLite *file*, whose
journal is WAL (``ml/store/database.py``): readers never block and are never blocked, writers
(the access log's batches, a key made or revoked, ``talenta score``'s snapshot, which is
another process already with one worker) take the one write lock in turn, waiting up to the
busy timeout (5 s) for it; each access-log batch is a short transaction, so the wait is
milliseconds. An in-memory SQLite database is one per process, so workers would not share it:
refused.
"""

from __future__ import annotations

import gc
import os

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from ml.config import get_settings
from ml.serving.app import create_app
from ml.serving.state import build_state
from ml.training.registry import CHAMPION

ALIAS_VARIABLE = "TALENTA_SERVE_ALIAS"  # how `talenta serve` tells its workers the alias
FOLLOW_S = 5.0  # how often each worker looks the alias up in the registry


def store_refuses_workers(url: str) -> str | None:
    """Why the store at ``url`` cannot be shared by several worker processes, or None."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        return "an in-memory SQLite store is one per process; use a file or PostgreSQL"
    return None


def app_for_worker() -> FastAPI:
    """The app of one worker process (uvicorn calls it in each: ``factory=True``)."""
    settings = get_settings()
    alias = os.environ.get(ALIAS_VARIABLE, CHAMPION)
    state = build_state(settings, alias)
    # as `talenta serve` does with one process: what is loaded lives as long as the process
    gc.collect()
    gc.freeze()
    return create_app(settings, state=state, alias=alias, follow_registry_s=FOLLOW_S)
