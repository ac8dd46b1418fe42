"""Typed dependencies of the routes: the state, the caller's key, permissions, the model and the
snapshot being served.

They are ``async def`` because they work in memory (a key remembered for
``KEY_CACHE_TTL_S``, the snapshot seen last, the loaded model): FastAPI runs a plain ``def``
dependency in its thread pool, and each such hop costs more than the work. What does touch the
store (a key not remembered, a snapshot older than its TTL) still goes to the thread pool, off
the event loop. And they are flat (the request in, no dependencies of their own but the bearer
scheme): FastAPI's cost is per dependency and per request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ml.serving.guard import AUTHENTICATED
from ml.serving.roles import Permission, allowed, roles_with
from ml.serving.state import Loaded, Served, ServingState
from ml.store.keys import KeyInfo

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `talenta keys create --role ROLE`, as `Authorization: Bearer KEY`",
)


def state_of(request: Request) -> ServingState:
    state: ServingState = request.app.state.talenta
    return state


async def get_state(request: Request) -> ServingState:
    return state_of(request)


StateDep = Annotated[ServingState, Depends(get_state)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def authenticated(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> KeyInfo:
    """The caller's bearer key (401 when missing or invalid). A page session opens no API
    route: the API takes bearer keys only, so its POSTs need no CSRF token."""
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send `Authorization: Bearer KEY` (`talenta keys create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # a POST's key was authenticated by the guard before its body was read (ml/serving/guard.py)
    found: KeyInfo | None = getattr(request.state, AUTHENTICATED, None)
    if found is None:
        keys = state_of(request).keys
        # remembered for a few seconds (KEY_CACHE_TTL_S); otherwise one query, in the thread pool
        found = keys.remembered(credentials.credentials) or await run_in_threadpool(
            keys.authenticate, credentials.credentials
        )
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


def permitted(key: KeyInfo, permission: Permission) -> KeyInfo:
    """``key`` when its role is granted ``permission`` (403 otherwise)."""
    if not allowed(key.role, permission):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"role {key.role!r} may not {permission.value}; "
            f"roles that may: {', '.join(roles_with(permission))}",
        )
    return key


def require(permission: Permission) -> Callable[..., Awaitable[KeyInfo]]:
    """A dependency that lets through only roles granted ``permission`` (403 otherwise)."""

    # one dependency, not a chain of them: FastAPI's cost is per dependency and per request
    async def check(request: Request, credentials: Credentials) -> KeyInfo:
        return permitted(await authenticated(request, credentials), permission)

    return check


async def champion(request: Request) -> Loaded:
    state = state_of(request)
    loaded = state.models.current
    if loaded is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"no model loaded ({state.models.error or 'none yet'}); "
            "run `talenta train --promote`, then POST /api/v1/models/reload",
        )
    return loaded


ChampionDep = Annotated[Loaded, Depends(champion)]


async def served(request: Request) -> Served:
    state = state_of(request)
    # the snapshot seen last while it is fresh; looking for a newer one queries the store
    snapshot = state.served() if state.fresh() else await run_in_threadpool(state.served)
    if snapshot is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "nothing to serve yet: run `talenta score DIR` to materialise profiles and features",
        )
    return snapshot


SnapshotDep = Annotated[Served, Depends(served)]
