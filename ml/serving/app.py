"""The FastAPI application: ``create_app(settings)`` builds it on the store, the MLflow registry
and the snapshot under ``TALENTA_HOME``; ``talenta serve`` runs it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from ml.config import Settings, get_settings
from ml.recommend.plan import PlanError
from ml.serving import docs, pages
from ml.serving.errors import printable, validation_error
from ml.serving.guard import BodyGuard
from ml.serving.routes import committee, employees, fairness, health, models, plans, units
from ml.serving.service import NotFound
from ml.serving.state import ServingState, build_state
from ml.store import ReviewError
from ml.store.committee import CommitteeError
from ml.training.registry import CHAMPION

WORKER_THREADS = 8
DESCRIPTION = """
Training needs, unit plans and appraisal-fairness flags for Indonesia's civil service (ASN).

Every `/api/v1` route needs an API key (`talenta keys create --role ROLE`) sent as
`Authorization: Bearer KEY`. Roles: **planner** (employees, unit plans), **committee**
(employees with protected attributes, fairness flags and reviews), **data-scientist** (models),
**admin** (employees, unit plans, models). Each read of personal data is logged.

Profiles are the deterministic rules alone; recommendations put the model's need probability
beside the rule's gap and say which model answered.

People use the pages at `/` instead (log in with the same key; Bahasa Indonesia or English).
"""


def create_app(
    settings: Settings | None = None,
    state: ServingState | None = None,
    alias: str = CHAMPION,
    follow_registry_s: float | None = None,
) -> FastAPI:
    """The app serving the need model ``name@alias``; ``state`` (default: built from
    ``settings`` at startup) is for tests. ``follow_registry_s``: look the alias up again that
    often and load the version it names (one worker process of several: ml/serving/workers.py)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings or get_settings()
        if getattr(app.state, "talenta", None) is None:
            app.state.talenta = build_state(app.state.settings, alias)
        # Fewer threads than Starlette's 40: the work is CPU-bound and GIL-bound on a few
        # cores, so more threads only queue at the GIL, and the tail grows (bench/api.py: p99
        # 45 ms with 8, 52 ms with 40, 16 clients). Unit plans have their own limiter
        # (routes/units.py), so a slow solve never holds one of these.
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        talenta: ServingState = app.state.talenta
        stop = talenta.models.follow(follow_registry_s) if follow_registry_s else None
        yield
        if stop is not None:
            stop()
        talenta.engine.dispose()

    app = FastAPI(
        title="Talenta",
        version="1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # docs.install serves /docs without a CDN; ReDoc has no local assets
        redoc_url=None,
    )
    app.state.talenta = state
    app.state.settings = settings
    for router in (health, employees, units, plans, fairness, committee, models):
        app.include_router(router.router)
    pages.install(app)  # the HTML pages at /, /pegawai, /unit, /keadilan, /model; /static
    docs.install(app)
    # outermost: body limit, authentication before the body is read, HEAD (guard.py)
    app.add_middleware(BodyGuard)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(NotFound, _status(status.HTTP_404_NOT_FOUND))
    app.add_exception_handler(PlanError, _status(status.HTTP_422_UNPROCESSABLE_CONTENT))
    app.add_exception_handler(ReviewError, _status(status.HTTP_422_UNPROCESSABLE_CONTENT))
    app.add_exception_handler(CommitteeError, _status(status.HTTP_422_UNPROCESSABLE_CONTENT))
    return app


def _status(code: int):  # type: ignore[no-untyped-def]
    async def handler(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": printable(str(error), 1000)}, status_code=code)

    return handler
