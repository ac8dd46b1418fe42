"""API keys and the access log.

A key is ``tal_<key_id>_<secret>``: the id finds the row, and only the SHA-256 of the whole key
is stored. A plain hash (not a slow password hash) is enough because the secret is 256 random
bits, not something a person chose: there is nothing to guess. The key is shown once, when made.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from ml.errors import InputError
from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import AccessEntry, ApiKey, EndedSession
from ml.store.repository import utc_now

# planner: training needs and plans; committee: the fairness audit and protected attributes;
# data-scientist: models; admin: models and the planners' reads (keys are made on the server,
# with `talenta keys`, by whoever runs it).
ROLES = ("planner", "committee", "data-scientist", "admin")
PREFIX = "tal"
# Reviews are signed "name (key_id)" in a 200-character column: the name leaves room for the id.
MAX_NAME = 180
MAX_REMEMBERED = 10_000  # live keys remembered at once; past that the memory starts again
MAX_BATCH = 500  # access-log rows in one transaction of the writer thread, at most


class ApiKeyError(InputError):
    """A key that cannot be made or revoked; the message says why."""


@dataclass(frozen=True)
class KeyInfo:
    key_id: str
    role: str
    name: str
    created_at: datetime
    revoked_at: datetime | None
    # the agencies the key is bound to (ml/serving/scope.py); None: every agency
    agencies: tuple[str, ...] | None = None


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
    if not key.isascii() or not key.isprintable():
        return None
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


class Keys:
    """API keys and the access log in the store; each method is its own transaction.

    With ``cache_ttl_s`` > 0 (the API server), a key that authenticated is remembered for that
    many seconds, so that a burst of requests costs one lookup: a revocation through this object
    takes effect at once, one by another process (``talenta keys revoke``) within the TTL.
    Unknown, malformed and revoked keys are never remembered.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = utc_now,
        *,
        cache_ttl_s: float = 0.0,
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._ttl = cache_ttl_s
        # SHA-256 of a key that authenticated → (what it is, monotonic time it is trusted to)
        self._remembered: dict[str, tuple[KeyInfo, float]] = {}
        self._generation = 0  # bumped by forget(): see authenticate()
        self._writer: _AccessWriter | None = None
        self._writer_lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, *, upgrade: bool = True) -> Keys:
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)))

    def create(self, role: str, name: str, agencies: Sequence[str] | None = None) -> NewKey:
        """A new key of ``role``; with ``agencies``, it sees only those agencies' employees,
        units and plans."""
        bound = _agencies(agencies)
        if role not in ROLES:
            raise ApiKeyError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
        if not name.strip():
            raise ApiKeyError("a key needs a name: say whose it is or what it is for")
        if len(name.strip()) > MAX_NAME:
            raise ApiKeyError(f"a key's name has at most {MAX_NAME} characters")
        key_id = secrets.token_hex(6)
        key = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32).replace('_', '-')}"
        row = ApiKey(
            key_id=key_id,
            key_hash=hash_key(key),
            role=role,
            name=name.strip(),
            created_at=self._now(),
            revoked_at=None,
            agencies=None if bound is None else json.dumps(list(bound)),
        )
        with self._sessions.begin() as session:
            session.add(row)
        return NewKey(key, _info(row))

    def authenticate(self, key: str) -> KeyInfo | None:
        """The live key that ``key`` is, or None (unknown, malformed or revoked); remembered
        for ``cache_ttl_s`` when it is live."""
        remembered = self.remembered(key)
        if remembered is not None:
            return remembered
        key_id = key_id_of(key)
        if key_id is None:
            return None
        digest = hash_key(key)
        generation = self._generation
        with self._sessions() as session:
            row = session.get(ApiKey, key_id)
            if row is None or row.revoked_at is not None:
                return None
            if not hmac.compare_digest(row.key_hash, digest):
                return None
            info = _info(row)
        # A revocation that came while this read was under way must not be undone by
        # remembering what the read saw.
        if self._ttl > 0 and generation == self._generation:
            if len(self._remembered) >= MAX_REMEMBERED:
                self._remembered.clear()
            self._remembered[digest] = (info, time.monotonic() + self._ttl)
        return info

    def remembered(self, key: str) -> KeyInfo | None:
        """The key ``key`` authenticated as less than ``cache_ttl_s`` ago, or None: no query."""
        if not self._ttl:
            return None
        found = self._remembered.get(hash_key(key))
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]

    def forget(self, key_id: str | None = None) -> None:
        """Drop the remembered authentications (of ``key_id`` alone, when given)."""
        self._generation += 1
        if key_id is None:
            self._remembered.clear()
            return
        for digest, (info, _) in list(self._remembered.items()):
            if info.key_id == key_id:
                self._remembered.pop(digest, None)

    def by_id(self, key_id: str) -> KeyInfo | None:
        """The key with this id, revoked or not (the pages' sessions re-check it per request)."""
        with self._sessions() as session:
            row = session.get(ApiKey, key_id)
            return None if row is None else _info(row)

    def end_session(self, nonce: str, key_id: str, expires_at: datetime) -> None:
        """Record that the page session with ``nonce`` logged out: no copy of its cookie opens
        a session again. Sessions that have expired anyway are forgotten on the way."""
        now = self._now()
        with self._sessions.begin() as session:
            session.execute(delete(EndedSession).where(EndedSession.expires_at < now))
            if session.get(EndedSession, nonce) is None:
                session.add(
                    EndedSession(nonce=nonce, key_id=key_id, ended_at=now, expires_at=expires_at)
                )

    def session_ended(self, nonce: str) -> bool:
        """Whether the page session with ``nonce`` logged out."""
        with self._sessions() as session:
            return session.get(EndedSession, nonce) is not None

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
            info = _info(row)
        self.forget(key_id)
        return info

    def log_access(
        self, key: KeyInfo, action: str, subject_kind: str, subject_id: str | None
    ) -> None:
        """Append who (``key``) read what (``subject_kind``/``subject_id`` by ``action``), now."""
        with self._sessions.begin() as session:
            session.execute(
                insert(AccessEntry).values(self._access_row(key, action, subject_kind, subject_id))
            )

    def submit_access(
        self, key: KeyInfo, action: str, subject_kind: str, subject_id: str | None
    ) -> Future[None]:
        """``log_access`` through one writer thread that commits whatever rows are waiting in
        one transaction: the future is done once this row is committed (or failed with the
        store's error), so a caller that waits for it answers only after its read is logged, as
        with ``log_access``, while many concurrent requests share a commit instead of queueing
        for SQLite's write lock one by one. The time recorded is the call's, not the commit's.
        """
        row = self._access_row(key, action, subject_kind, subject_id)
        with self._writer_lock:
            if self._writer is None or not self._writer.alive:
                self._writer = _AccessWriter(self._sessions)
            return self._writer.submit(row)

    def _access_row(
        self, key: KeyInfo, action: str, subject_kind: str, subject_id: str | None
    ) -> dict[str, Any]:
        return {
            "at": self._now(),
            "key_id": key.key_id,
            "role": key.role,
            "action": _loggable(action),
            "subject_kind": subject_kind,
            "subject_id": None if subject_id is None else _loggable(subject_id),
        }

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


_ACCESS_LOG = cast(Table, AccessEntry.__table__)  # Core: rows as they are, no ORM bulk path


class _AccessWriter:
    """A daemon thread appending access-log rows in batches (``Keys.submit_access``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._engine: Engine | None = sessions.kw.get("bind")
        self._queue: queue.SimpleQueue[tuple[dict[str, Any], Future[None]]] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="talenta-access-log", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def submit(self, row: dict[str, Any]) -> Future[None]:
        done: Future[None] = Future()
        self._queue.put((row, done))
        return done

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            # A request cancelled while it waited (its client went away) still has its row
            # written, as a thread-pool insert would have: only its future takes no result.
            live = [done.set_running_or_notify_cancel() for _, done in batch]
            try:
                self._insert([row for row, _ in batch])
            except Exception:
                # one bad row must not fail the requests it shared a transaction with
                for (row, done), waiting in zip(batch, live, strict=True):
                    self._one(row, done if waiting else None)
            else:
                for (_, done), waiting in zip(batch, live, strict=True):
                    if waiting:
                        done.set_result(None)

    def _one(self, row: dict[str, Any], done: Future[None] | None) -> None:
        try:
            self._insert([row])
        except Exception as error:
            if done is not None:
                done.set_exception(error)
        else:
            if done is not None:
                done.set_result(None)

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        if self._engine is None:  # sessions bound per call: no engine to take a connection from
            with self._sessions.begin() as session:
                session.execute(insert(_ACCESS_LOG), rows)
            return
        with self._engine.begin() as connection:
            connection.execute(insert(_ACCESS_LOG), rows)


def _info(row: ApiKey) -> KeyInfo:
    bound = None if row.agencies is None else tuple(json.loads(row.agencies))
    return KeyInfo(row.key_id, row.role, row.name, row.created_at, row.revoked_at, bound)


def _agencies(agencies: Sequence[str] | None) -> tuple[str, ...] | None:
    """The agency ids a key is bound to, cleaned: upper-case codes, each once, in order."""
    if agencies is None:
        return None
    cleaned: list[str] = []
    for agency in agencies:
        code = agency.strip().upper()
        if not code or len(code) > 100 or not code.isprintable():
            raise ApiKeyError(f"agency {agency!r}: give an agency id such as BKN")
        if code not in cleaned:
            cleaned.append(code)
    if not cleaned:
        raise ApiKeyError("agency: name at least one agency, or none to see every agency")
    return tuple(cleaned)


def _loggable(text: str) -> str:
    """At most 200 characters, NUL shown as U+FFFD: the access log records every attempt,
    including one whose id the route then refuses, and PostgreSQL text cannot hold NUL."""
    return text[:200].replace("\x00", "\ufffd")
