"""Liveness and readiness, for load balancers and ``talenta demo``: no key needed, no personal
data."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from ml.serving.deps import StateDep
from ml.serving.schemas import Health, Ready, ReadyCheck

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=Ready,
    responses={503: {"model": Ready, "description": "not ready; the checks say why"}},
)
def ready(state: StateDep, response: Response) -> Ready:
    """Ready to serve: the store answers, a champion model is loaded, a snapshot is stored."""
    unreachable = state.store_reachable()
    loaded = state.models.current
    served = state.served() if unreachable is None else None
    checks = [
        ReadyCheck(name="store", ok=unreachable is None, detail=unreachable or "reachable"),
        ReadyCheck(
            name="model",
            ok=loaded is not None,
            detail=(
                f"{loaded.name} v{loaded.version} (@{loaded.alias})"
                if loaded
                else state.models.error or "not loaded"
            ),
        ),
        ReadyCheck(
            name="snapshot",
            ok=served is not None,
            detail=(
                f"{served.info.employees} employees as of {served.info.as_of:%Y-%m-%d}"
                if served
                else "none: run `talenta score DIR`"
            ),
        ),
    ]
    ok = all(c.ok for c in checks)
    if not ok:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Ready(ready=ok, checks=checks)
