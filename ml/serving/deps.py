"""Typed dependencies of the routes: the state, the caller's key, permissions, the model and the
snapshot being served."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ml.serving.roles import Permission, allowed, roles_with
from ml.serving.state import Loaded, Served, ServingState
from ml.store.keys import KeyInfo

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `talenta keys create --role ROLE`, as `Authorization: Bearer KEY`",
)


def get_state(request: Request) -> ServingState:
    state: ServingState = request.app.state.talenta
    return state


StateDep = Annotated[ServingState, Depends(get_state)]


def current_key(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    request: Request,
) -> KeyInfo:
    key: KeyInfo | None = getattr(request.state, "key", None)  # set by the pages' login
    if key is not None:
        return key
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send `Authorization: Bearer KEY` (`talenta keys create`)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    found = state.keys.authenticate(credentials.credentials)
    if found is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "invalid or revoked API key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return found


CurrentKey = Annotated[KeyInfo, Depends(current_key)]


def require(permission: Permission) -> Callable[[KeyInfo], KeyInfo]:
    """A dependency that lets through only roles granted ``permission`` (403 otherwise)."""

    def check(key: CurrentKey) -> KeyInfo:
        if not allowed(key.role, permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {key.role!r} may not {permission.value}; "
                f"roles that may: {', '.join(roles_with(permission))}",
            )
        return key

    return check


def champion(state: StateDep) -> Loaded:
    loaded = state.models.current
    if loaded is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"no model loaded ({state.models.error or 'none yet'}); "
            "run `talenta train --promote`, then POST /api/v1/models/reload",
        )
    return loaded


ChampionDep = Annotated[Loaded, Depends(champion)]


def served(state: StateDep) -> Served:
    snapshot = state.served()
    if snapshot is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "nothing to serve yet: run `talenta score DIR` to materialise profiles and features",
        )
    return snapshot


SnapshotDep = Annotated[Served, Depends(served)]
