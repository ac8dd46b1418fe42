"""Route dependencies that check the caller's permission and append the read to the access log
(UU 27/2022: who read which personal data, and when)."""

# No ``from __future__ import annotations``: FastAPI must see the closure's Annotated type
# itself, not a string naming a local.
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from ml.serving.deps import StateDep, require
from ml.serving.roles import Permission
from ml.store.keys import KeyInfo


def reads(
    permission: Permission, subject_kind: str, path_param: str | None = None
) -> Callable[..., KeyInfo]:
    """A dependency: the caller must hold ``permission``; the request is then logged as a read
    of ``subject_kind`` (the ``path_param`` value, when the route names one)."""

    Allowed = Annotated[KeyInfo, Depends(require(permission))]

    def check_and_log(state: StateDep, request: Request, key: Allowed) -> KeyInfo:
        subject = request.path_params.get(path_param) if path_param else None
        state.keys.log_access(key, f"{request.method} {request.url.path}", subject_kind, subject)
        return key

    return check_and_log
