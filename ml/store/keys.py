"""API keys and the access log.

A key is ``tal_<key_id>_<secret>``: the id finds the row, and only the SHA-256 of the whole key
is stored. A plain hash (not a slow password hash) is enough because the secret is 256 random
bits, not something a person chose: there is nothing to guess. The key is shown once, when made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import AccessEntry, ApiKey
from ml.store.repository import utc_now

# planner: training needs and plans; committee: the fairness audit and protected attributes;
# data-scientist: models; admin: keys, models and the planners' reads.
ROLES = ("planner", "committee", "data-scientist", "admin")
PREFIX = "tal"


class ApiKeyError(ValueError):
    """A key that cannot be made or revoked; the message says why."""


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    role: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewKey:
    """A key just made: ``key`` is the only copy of the secret there will ever be."""

    key: str
    info: KeyInfo


@dataclass(frozen=True)
class AccessRecord:
    at: datetime
    key_id: str
    role: str
    action: str
    subject_kind: str
    subject_id: str | None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_id_of(key: str) -> str | None:
    """The id part of a well-formed key, or None."""
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class Keys:
    """API keys and the access log in the store; each method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._now = now

    @classmethod
    def from_url(cls, url: str, *, upgrade: bool = True) -> Keys:
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)))

    def create(self, role: str, name: str) -> NewKey:
        if role not in ROLES:
            raise ApiKeyError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name.strip():
            raise ApiKeyError("a key needs a name: say whose it is or what it is for")
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32).replace('_', '-')}"
        row = ApiKey(
            key_id=key_id,
            key_hash=hash_key(key),
            role=role,
            name=name.strip(),
            created_at=self._now(),
            revoked_at=None,
        )
        with self._sessions.begin() as session:
            session.add(row)
        return NewKey(key, _info(row))

    def authenticate(self, key: str) -> KeyInfo | None:
        """The live key that ``key`` is, or None (unknown, malformed or revoked)."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        with self._sessions() as session:
            row = session.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.key_hash, hash_key(key)):
                return None
            return _info(row)

    def all(self) -> list[KeyInfo]:
        with self._sessions() as session:
            rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.key_id))
            return [_info(r) for r in rows]

    def revoke(self, key_id: str) -> KeyInfo:
        with self._sessions.begin() as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise ApiKeyError(f"no key {key_id!r}; `talenta keys list` shows them")
            if row.revoked_at is None:
                session.execute(
                    update(ApiKey).where(ApiKey.key_id == key_id).values(revoked_at=self._now())
                )
                session.refresh(row)
            return _info(row)

    def log_access(
        self, key: KeyInfo, action: str, subject_kind: str, subject_id: str | None
    ) -> None:
        """Append who (``key``) read what (``subject_kind``/``subject_id`` by ``action``), now."""
        with self._sessions.begin() as session:
            session.execute(
                insert(AccessEntry).values(
                    at=self._now(),
                    key_id=key.key_id,
                    role=key.role,
                    action=action[:200],
                    subject_kind=subject_kind,
                    subject_id=None if subject_id is None else subject_id[:200],
                )
            )

    def access_log(
        self, subject_kind: str | None = None, subject_id: str | None = None, limit: int = 100
    ) -> list[AccessRecord]:
        """The newest entries first, optionally for one subject."""
        query = select(AccessEntry).order_by(AccessEntry.id.desc()).limit(limit)
        if subject_kind is not None:
            query = query.where(AccessEntry.subject_kind == subject_kind)
        if subject_id is not None:
            query = query.where(AccessEntry.subject_id == subject_id)
        with self._sessions() as session:
            return [
                AccessRecord(r.at, r.key_id, r.role, r.action, r.subject_kind, r.subject_id)
                for r in session.scalars(query)
            ]


def _info(row: ApiKey) -> KeyInfo:
    return KeyInfo(row.key_id, row.role, row.name, row.created_at, row.revoked_at)
