"""The registered models, their metrics and aliases, and the hot reload of the champion."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status

from ml.serving import service
from ml.serving.deps import StateDep, require
from ml.serving.roles import Permission
from ml.serving.routes.employees import ERRORS
from ml.serving.schemas import ModelsPublic, ServingPublic
from ml.store.keys import KeyInfo

router = APIRouter(prefix="/api/v1/models", tags=["models"])

ModelReader = Annotated[KeyInfo, Depends(require(Permission.READ_MODELS))]
Reloader = Annotated[KeyInfo, Depends(require(Permission.RELOAD_MODELS))]
MODEL_ERRORS = {k: v for k, v in ERRORS.items() if k != 404}


@router.get("", response_model=ModelsPublic, responses=MODEL_ERRORS)
def get_models(key: ModelReader, state: StateDep) -> dict[str, Any]:
    """Every version of the need and expected-appraisal models, newest first, with aliases and
    the training run's metrics; and which one is answering now."""
    return service.models(state)


@router.post("/reload", response_model=ServingPublic, responses=MODEL_ERRORS)
async def post_reload(key: Reloader, state: StateDep) -> dict[str, Any]:
    """Load the version that now holds the alias (``champion``) beside the one serving, then
    swap: requests in flight finish on the old one, none is dropped. When loading fails the old
    model keeps serving and the answer is 503 with the reason. One reload runs at a time, off
    the request workers; a call made while one runs waits for it and answers its outcome. When
    the alias still names the version serving, nothing is loaded."""
    pending, _started = state.models.start_reload()
    try:
        loaded = await asyncio.wrap_future(pending)
    except Exception as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"reload failed, the previous model keeps serving: {error}",
        ) from None
    return {"model": service.model_ref(loaded), "loaded_at": loaded.loaded_at}
