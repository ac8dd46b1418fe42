"""The outermost layer of the app: what is checked before a request body is read.

* A body larger than ``MAX_BODY_BYTES`` is refused with 413: from its ``Content-Length`` before a
  byte is read, or as soon as a chunked body passes the limit. Nothing the API takes comes near
  it (a review's reason is at most 4,000 characters), so memory per request stays bounded.
* A POST to ``/api/`` without a valid key is refused with 401 before its body is read: an
  anonymous caller cannot make the server buffer or parse anything.
* A JSON body (any body to ``/api/``) that is not UTF-8 gets the documented 422, not FastAPI's
  undocumented 400.
* ``HEAD`` is answered on every ``GET`` route (the headers of the ``GET``, no body).

A pure ASGI middleware rather than ``BaseHTTPMiddleware``: it passes the body through as
messages instead of buffering responses, and costs a function call per request.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ml.serving.errors import invalid

MAX_BODY_BYTES = 64 * 1024  # README "Limits"; the reverse proxy's client_max_body_size says 64k
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# where the guard leaves the key it authenticated, in the request's state
AUTHENTICATED = "authenticated_key"


class BodyGuard:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
            send = _headers_only(send)
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if _declared_length(headers) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        if scope["path"].startswith("/api/"):
            refusal = await _unauthenticated(scope, headers)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        body = await _read(receive, self.max_body)
        if body is None:
            await self._too_large(scope, receive, send)
            return
        # every API body is JSON, whatever the Content-Type says (FastAPI parses a body without
        # one as JSON too, and answers an undocumented 400 when it is not UTF-8)
        is_json = scope["path"].startswith("/api/") or "json" in headers.get("content-type", "")
        if is_json and not _utf8(body):
            await invalid(["body"], "the body is not UTF-8 text", "json_invalid")(
                scope, receive, send
            )
            return
        await self.app(scope, _replay(body, receive), send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": f"request body over {self.max_body:,} bytes"},
            status_code=413,
            headers={"Connection": "close"},  # the rest of the body is not read
        )
        await response(scope, receive, send)


def _declared_length(headers: Headers) -> int:
    try:
        return int(headers.get("content-length", "0"))
    except ValueError:
        return 0  # the server refuses a malformed length before it gets here


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away; the app sees an empty body and its own disconnect
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the disconnect, when it comes

    return replayed


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


async def _unauthenticated(scope: Scope, headers: Headers) -> JSONResponse | None:
    """The 401 for a request to the API without a live key, or None when its key is good."""
    from fastapi.concurrency import run_in_threadpool

    scheme, _, credentials = headers.get("authorization", "").partition(" ")
    message = "missing API key: send `Authorization: Bearer KEY` (`talenta keys create`)"
    if scheme.lower() == "bearer" and credentials.strip():
        keys = scope["app"].state.talenta.keys
        key = credentials.strip()
        found = keys.remembered(key) or await run_in_threadpool(keys.authenticate, key)
        if found is not None:
            # the route's dependency takes the key from here instead of authenticating again
            scope.setdefault("state", {})[AUTHENTICATED] = found
            return None
        message = "invalid or revoked API key"
    # Connection: close, since the body is never read: the server need not drain it
    return JSONResponse(
        {"detail": message},
        status_code=401,
        headers={"WWW-Authenticate": "Bearer", "Connection": "close"},
    )


def _headers_only(send: Send) -> Send:
    """``send`` for a HEAD: the GET's status and headers, an empty body."""

    async def send_headers(message: Message) -> None:
        if message["type"] == "http.response.body":
            if message.get("more_body", False):
                return
            message = {"type": "http.response.body", "body": b"", "more_body": False}
        await send(message)

    return send_headers
