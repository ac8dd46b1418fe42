"""Log-in for the pages: the API key is checked once and never stored in the browser.

The session cookie holds the key's id, an expiry and a random nonce, signed with HMAC-SHA256
under the deployment's secret (:meth:`ml.config.Settings.session_secret`); it is ``HttpOnly``
(scripts cannot read it) and ``SameSite=Lax`` (other sites' forms do not carry it). Every request
looks the key up again, so a key revoked with ``talenta keys revoke`` ends its sessions at once;
and logging out records the session's nonce in the store (``ended_sessions``), so a copy of the
cookie taken before the log-out opens nothing either.

Each form carries a CSRF token derived from the session's nonce; a POST whose token does not
match is refused (403). The log-in form, which has no session yet, uses a double-submit token:
a random cookie that the form must repeat.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

from ml.store.keys import KeyInfo

SESSION_COOKIE = "talenta_session"
LOGIN_COOKIE = "talenta_login"
LANG_COOKIE = "talenta_lang"
SESSION_HOURS = 8  # a working day; then log in again
CSRF_FIELD = "csrf_token"


class KeyLookup(Protocol):
    """What a session needs of the key store (:class:`ml.store.keys.Keys`)."""

    def by_id(self, key_id: str) -> KeyInfo | None: ...

    def session_ended(self, nonce: str) -> bool: ...


@dataclass(frozen=True)
class Session:
    """A logged-in person: their (live) key and the token their forms must carry."""

    key: KeyInfo
    csrf: str
    expires: int
    nonce: str  # what logging out records (Keys.end_session)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, message: str) -> str:
    return _b64(hmac.new(secret, message.encode(), hashlib.sha256).digest())


def sign(secret: bytes, payload: dict[str, Any]) -> str:
    """``payload`` as compact JSON, base64url, a dot and its HMAC."""
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_mac(secret, 'session:' + body)}"


def unsign(secret: bytes, token: str) -> dict[str, Any] | None:
    """The payload of a token :func:`sign` made with ``secret``, or None (forged, malformed)."""
    body, _, mac = token.partition(".")
    if not body or not mac or not _equal(mac, _mac(secret, "session:" + body)):
        return None
    try:
        payload = json.loads(_unb64(body))
    except (ValueError, binascii.Error):
        return None
    return payload if isinstance(payload, dict) else None


def new_session(secret: bytes, key: KeyInfo, now: float | None = None) -> str:
    """A session cookie's value for ``key``, valid for :data:`SESSION_HOURS`."""
    expires = int((time.time() if now is None else now) + SESSION_HOURS * 3600)
    return sign(secret, {"k": key.key_id, "e": expires, "n": secrets.token_urlsafe(16)})


def csrf_for(secret: bytes, nonce: str) -> str:
    """The CSRF token of the session with ``nonce``: unguessable without the secret, and
    different for every session."""
    return _mac(secret, "csrf:" + nonce)


def open_session(
    secret: bytes, token: str | None, keys: KeyLookup, now: float | None = None
) -> Session | None:
    """The session ``token`` stands for, if it is genuine, unexpired and its key still live."""
    if not token:
        return None
    payload = unsign(secret, token)
    if payload is None:
        return None
    key_id, expires, nonce = payload.get("k"), payload.get("e"), payload.get("n")
    if not (isinstance(key_id, str) and isinstance(expires, int) and isinstance(nonce, str)):
        return None
    if expires <= (time.time() if now is None else now):
        return None
    key = keys.by_id(key_id)
    if key is None or key.revoked_at is not None or keys.session_ended(nonce):
        return None
    return Session(key, csrf_for(secret, nonce), expires, nonce)


def same_token(sent: str | None, expected: str | None) -> bool:
    """Whether a form's token matches, in constant time; an empty token never does."""
    return bool(sent) and bool(expected) and _equal(str(sent), str(expected))


def _equal(a: str, b: str) -> bool:
    # compare_digest refuses non-ASCII str (TypeError): a forged cookie or form field in
    # latin-1 must read as "no match", not fail the page
    return hmac.compare_digest(a.encode("utf-8", "surrogateescape"), b.encode())
