"""Log in with an API key, log out, and the language switch."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ml.serving.pages.i18n import LANGUAGES
from ml.serving.pages.session import (
    CSRF_FIELD,
    LANG_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_HOURS,
    new_session,
    open_session,
    same_token,
)
from ml.serving.pages.web import (
    check_csrf,
    current_session,
    render,
    safe_next,
    secret_of,
    state_of,
)

router = APIRouter(include_in_schema=False)

LOGIN_MINUTES = 30  # how long the log-in form's token lasts


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _login_form(
    request: Request, next_path: str | None, error: str | None = None, status: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {
            "login_token": token,
            "next": safe_next(next_path),
            "error": error,
            "bye": "bye" in request.query_params,
            "hours": SESSION_HOURS,
        },
        status=status,
    )
    _cookie(response, request, LOGIN_COOKIE, token, LOGIN_MINUTES * 60)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    session = open_session(
        secret_of(request), request.cookies.get(SESSION_COOKIE), state_of(request).keys
    )
    if session is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return _login_form(request, request.query_params.get("next"))


@router.post("/login")
def login(
    request: Request,
    key: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/",
) -> Response:
    if not same_token(csrf_token, request.cookies.get(LOGIN_COOKIE)):
        return _login_form(request, next_path, "login.expired", status=403)
    found = state_of(request).keys.authenticate(key.strip())
    if found is None:
        return _login_form(request, next_path, "login.invalid", status=401)
    response = RedirectResponse(safe_next(next_path), status_code=303)
    _cookie(
        response,
        request,
        SESSION_COOKIE,
        new_session(secret_of(request), found),
        SESSION_HOURS * 3600,
    )
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request, csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = ""
) -> Response:
    session = current_session(request)
    check_csrf(session, csrf_token)
    # ended on the server: a copy of the cookie taken before opens nothing now
    state_of(request).keys.end_session(
        session.nonce, session.key.key_id, datetime.fromtimestamp(session.expires, UTC)
    )
    response = RedirectResponse("/login?bye=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/bahasa/{code}")
def switch_language(request: Request, code: str) -> Response:
    """Remember the language in a cookie and go back to the page."""
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    if code in LANGUAGES:
        _cookie(response, request, LANG_COOKIE, code, 365 * 24 * 3600)
    return response
