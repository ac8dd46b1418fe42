"""Error answers that can always be sent: a 422 repeats at most ``MAX_ECHO`` characters of
what was sent, and nothing it cannot encode (NaN, infinity, lone surrogates), so a bad request
never becomes a 500, a reset connection, or an answer as large as the request."""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MAX_ECHO = 200  # characters of a sent value repeated in an error answer
MAX_ITEMS = 20  # entries of a sent list or object repeated in an error answer


def printable(text: str, limit: int = MAX_ECHO) -> str:
    """``text`` cut to ``limit`` characters (saying how long it was), lone surrogates replaced:
    UTF-8 cannot carry them, and the answer would fail half-sent."""
    cut = text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"
    return cut.encode("utf-8", "replace").decode("utf-8")


def echo(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON can carry it, cut short: strings to ``MAX_ECHO`` characters, lists and
    objects to ``MAX_ITEMS`` entries, non-finite numbers as text."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, bytes):
        return printable(value.decode("utf-8", "replace"))
    if depth >= 4:
        return "…"
    if isinstance(value, dict):
        items = list(value.items())
        shown = {printable(str(k), 100): echo(v, depth + 1) for k, v in items[:MAX_ITEMS]}
        if len(items) > MAX_ITEMS:
            shown["…"] = f"{len(items) - MAX_ITEMS:,} more"
        return shown
    if isinstance(value, list | tuple):
        shown_list = [echo(v, depth + 1) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            shown_list.append(f"… {len(value) - MAX_ITEMS:,} more")
        return shown_list
    return printable(str(value))


async def validation_error(_request: Request, error: Exception) -> JSONResponse:
    """The documented 422 (``detail``: a list of ``{type, loc, msg, input, ctx}``), with the
    echoed input cut short and made encodable."""
    assert isinstance(error, RequestValidationError)
    detail = [
        {key: echo(value) for key, value in entry.items() if key != "url"}
        for entry in error.errors()[:MAX_ITEMS]
    ]
    return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)


def invalid(loc: list[str | int], message: str, kind: str = "value_error") -> JSONResponse:
    """A 422 in the same shape as FastAPI's, for what the guard refuses before the app runs."""
    return JSONResponse(
        {"detail": [{"type": kind, "loc": loc, "msg": message, "input": None}]},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )
