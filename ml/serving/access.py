"""Route dependencies that check the caller's permission and append the read to the access log
(UU 27/2022: who read which personal data, and when)."""

import asyncio
from collections.abc import Awaitable, Callable

from fastapi import Request

from ml.serving.deps import Credentials, authenticated, permitted, state_of
from ml.serving.roles import Permission
from ml.store.keys import KeyInfo


def reads(
    permission: Permission,
    subject_kind: str,
    path_param: str | None = None,
    query_params: tuple[str, ...] = (),
) -> Callable[..., Awaitable[KeyInfo]]:
    """A dependency: the caller must hold ``permission``; the request is then logged as a read
    of ``subject_kind`` (the ``path_param`` value, when the route names one; for a search, what
    was searched: the ``query_params`` given, as ``name=value`` pairs)."""

    async def check_and_log(request: Request, credentials: Credentials) -> KeyInfo:
        key = permitted(await authenticated(request, credentials), permission)
        subject = request.path_params.get(path_param) if path_param else None
        if query_params:
            asked = [
                f"{name}={request.query_params[name]}"
                for name in query_params
                if request.query_params.get(name)
            ]
            subject = "&".join(asked)[:200] or None  # the log's column holds 200 characters
        # The row is committed before this returns (and so before the route reads anything);
        # the writer thread commits the rows of concurrent requests together, off the loop.
        written = state_of(request).keys.submit_access(
            key, f"{request.method} {_path(request)}", subject_kind, subject
        )
        await asyncio.wrap_future(written)
        return key

    return check_and_log


def _path(request: Request) -> str:
    """``request.url.path``, without building the whole URL for the plain paths the API serves
    (the rest, which the URL would escape or trim, still goes through it)."""
    path: str = request.scope["path"]
    if (
        path.startswith("/")
        and not path.startswith("//")
        and path.isprintable()
        and not any(c in path for c in "?#\\")
    ):
        return path
    return request.url.path
