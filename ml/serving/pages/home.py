"""The home page: who is logged in and the pages their role opens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from ml.serving.pages.session import Session
from ml.serving.pages.web import current_session, render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, session: Annotated[Session, Depends(current_session)]) -> Response:
    return render(request, "home.html", session=session)
