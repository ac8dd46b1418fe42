"""Snapshots for serving: what ``talenta score`` materialises so that the API answers from the
store instead of rebuilding features per request (design §5).

A snapshot holds, per employee, the deterministic profile, the protected attributes (shown to
the merit committee alone) and the model-ready feature rows; and the catalogue with each
programme's estimated effects. The newest snapshot serves; older ones beyond ``keep`` are deleted
whole when a new one is written, so that a request that started on the previous one still finds
it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import Any, Protocol

import orjson
from sqlalchemy import Engine, bindparam, delete, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from ml.store.database import make_engine, migrate, session_factory
from ml.store.models import (
    Snapshot,
    SnapshotDirectory,
    SnapshotEmployee,
    SnapshotProgram,
    json_default,
)
from ml.store.packing import pack
from ml.store.repository import utc_now

CHUNK = 1_000
BULK_CHUNK = 10_000  # rows per executemany on SQLite: bounded memory, few round trips
KEEP = 3


@dataclass(frozen=True)
class SnapshotInfo:
    snapshot_id: str
    as_of: date
    created_at: datetime
    data_dir: str
    employees: int
    model_name: str | None = None  # the need model whose answers are stored (None: none are)
    model_version: str | None = None


@dataclass(frozen=True)
class EmployeeRecord:
    """One employee as served: ``profile`` (deterministic core), ``protected`` (committee only),
    ``features`` (``{"rows": [...], ...}``, the need model's inputs per competency)."""

    employee_id: str
    unit_id: str | None
    profile: dict[str, Any]
    protected: dict[str, Any]
    features: dict[str, Any]
    answer: bytes | None = None  # the precomputed recommendation answer, JSON (answer.py)


class DirectoryBuilder(Protocol):
    """Collects what a search reads as the employees go by (``ml.pipelines.directory``), so
    that a snapshot stores its search directory without reading its profiles again."""

    def add(self, employee_id: str, unit_id: str | None, profile: Mapping[str, Any]) -> None: ...

    def body(self) -> bytes: ...


class Snapshots:
    """The snapshots in the store; each method is its own transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], now: Callable[[], datetime] = utc_now
    ) -> None:
        self._sessions = sessions
        self._now = now
        self._engine: Engine | None = sessions.kw.get("bind")

    @classmethod
    def from_url(cls, url: str, *, upgrade: bool = True) -> Snapshots:
        if upgrade:
            migrate(url)
        return cls(session_factory(make_engine(url)))

    def write(
        self,
        as_of: date,
        data_dir: str,
        employees: Iterable[EmployeeRecord],
        programs: Mapping[str, dict[str, Any]],
        keep: int = KEEP,
        *,
        model: tuple[str, str] | None = None,
        bulk: bool = True,
        directory: DirectoryBuilder | None = None,
    ) -> SnapshotInfo:
        """Store a new snapshot in one transaction (nothing is served until it is complete) and
        delete the snapshots older than the ``keep`` newest. ``model``: the need model (name,
        version) whose answers the records carry. ``bulk``: the employees go in by COPY on
        PostgreSQL and by the driver's executemany in large batches on SQLite; off, through
        SQLAlchemy's insert a thousand at a time (the path before; bench/snapshot_write.py
        compares them). ``directory``: given every employee as written, its body is stored
        with the snapshot (``directory()`` reads it back)."""
        snapshot_id = uuid.uuid4().hex
        created = self._now()
        name, version = model if model is not None else (None, None)
        with self._sessions.begin() as session:
            session.add(
                Snapshot(
                    snapshot_id=snapshot_id,
                    as_of=as_of,
                    created_at=created,
                    data_dir=data_dir,
                    employees=0,
                    model_name=name,
                    model_version=version,
                )
            )
            session.flush()
            write = _bulk_rows if bulk else _insert_rows
            rows = iter(employees) if directory is None else _tapped(employees, directory)
            count = write(session, snapshot_id, rows)
            if directory is not None:
                session.add(SnapshotDirectory(snapshot_id=snapshot_id, body=directory.body()))
            if programs:
                session.execute(
                    insert(SnapshotProgram),
                    [
                        {"snapshot_id": snapshot_id, "program_id": pid, "program": program}
                        for pid, program in programs.items()
                    ],
                )
            row = session.get_one(Snapshot, snapshot_id)
            row.employees = count
            old = session.scalars(
                select(Snapshot.snapshot_id)
                .order_by(Snapshot.created_at.desc(), Snapshot.snapshot_id)
                .offset(max(keep, 1))
            ).all()
            for table in (SnapshotEmployee, SnapshotProgram, SnapshotDirectory, Snapshot):
                if old:
                    session.execute(delete(table).where(table.snapshot_id.in_(old)))
        return SnapshotInfo(snapshot_id, as_of, created, data_dir, count, name, version)

    def latest(self) -> SnapshotInfo | None:
        with self._sessions() as session:
            row = session.scalars(
                select(Snapshot).order_by(Snapshot.created_at.desc()).limit(1)
            ).first()
            return None if row is None else _info(row)

    def employee(self, snapshot_id: str, employee_id: str) -> EmployeeRecord | None:
        # Read once per API request: a Core statement built once, on a connection of its own
        # (no ORM session), costs about a third of the same select through a session.
        # the answer too: a request reads it instead of computing it (None when not stored)
        ids = {"snapshot_id": snapshot_id, "employee_id": employee_id}
        if self._engine is None:  # sessions bound per call: no engine to take a connection from
            with self._sessions() as session:
                row = session.execute(_EMPLOYEE, ids).first()
        else:
            with self._engine.connect() as connection:
                row = connection.execute(_EMPLOYEE, ids).first()
        return None if row is None else EmployeeRecord(*row)

    def answer(self, snapshot_id: str, employee_id: str) -> bytes | None:
        """The employee's precomputed answer alone (None: no such employee, or none stored)."""
        ids = {"snapshot_id": snapshot_id, "employee_id": employee_id}
        if self._engine is None:
            with self._sessions() as session:
                found = session.execute(_ANSWER, ids).scalar()
        else:
            with self._engine.connect() as connection:
                found = connection.execute(_ANSWER, ids).scalar()
        return None if found is None else bytes(found)

    def directory(self, snapshot_id: str) -> bytes | None:
        """The search directory stored with the snapshot (None: written without one)."""
        with self._sessions() as session:
            found = session.get(SnapshotDirectory, snapshot_id)
            return None if found is None else bytes(found.body)

    def keep_directory(self, snapshot_id: str, body: bytes) -> bool:
        """Store a directory for a snapshot written without one (a store from before revision
        0007), so that other workers and later starts read it instead of building it again.
        False: one is stored already (another worker was first), or the snapshot is gone."""
        try:
            with self._sessions.begin() as session:
                if session.get(Snapshot, snapshot_id) is None:
                    return False
                session.add(SnapshotDirectory(snapshot_id=snapshot_id, body=body))
        except IntegrityError:
            return False
        return True

    def unit(self, snapshot_id: str, unit_id: str) -> list[EmployeeRecord]:
        """The unit's employees, by id."""
        query = (
            select(*_COLUMNS)
            .where(SnapshotEmployee.snapshot_id == snapshot_id, SnapshotEmployee.unit_id == unit_id)
            .order_by(SnapshotEmployee.employee_id)
        )
        with self._sessions() as session:
            return [EmployeeRecord(*row) for row in session.execute(query)]

    def units(self, snapshot_id: str) -> list[tuple[str, int]]:
        """Every unit with its head count, largest first."""
        n = func.count()
        query = (
            select(SnapshotEmployee.unit_id, n)
            .where(SnapshotEmployee.snapshot_id == snapshot_id)
            .group_by(SnapshotEmployee.unit_id)
            .order_by(n.desc(), SnapshotEmployee.unit_id)
        )
        with self._sessions() as session:
            return [(str(u), int(c)) for u, c in session.execute(query) if u is not None]

    def profiles(self, snapshot_id: str) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
        """Every employee's (employee_id, unit_id, profile), without the features or the
        protected attributes: what the service's directory (search, unit summaries) is built
        from, once per snapshot."""
        query = (
            select(SnapshotEmployee.employee_id, SnapshotEmployee.unit_id, SnapshotEmployee.profile)
            .where(SnapshotEmployee.snapshot_id == snapshot_id)
            .order_by(SnapshotEmployee.employee_id)
            .execution_options(yield_per=CHUNK)
        )
        with self._sessions() as session:
            for employee_id, unit_id, profile in session.execute(query):
                yield str(employee_id), None if unit_id is None else str(unit_id), profile

    def employee_ids(
        self, snapshot_id: str, unit_id: str | None = None, limit: int = 50, offset: int = 0
    ) -> Sequence[str]:
        query = (
            select(SnapshotEmployee.employee_id)
            .where(SnapshotEmployee.snapshot_id == snapshot_id)
            .order_by(SnapshotEmployee.employee_id)
            .limit(limit)
            .offset(offset)
        )
        if unit_id is not None:
            query = query.where(SnapshotEmployee.unit_id == unit_id)
        with self._sessions() as session:
            return session.scalars(query).all()

    def programs(self, snapshot_id: str) -> dict[str, dict[str, Any]]:
        query = select(SnapshotProgram.program_id, SnapshotProgram.program).where(
            SnapshotProgram.snapshot_id == snapshot_id
        )
        with self._sessions() as session:
            return {pid: program for pid, program in session.execute(query)}


_COLUMNS = (
    SnapshotEmployee.employee_id,
    SnapshotEmployee.unit_id,
    SnapshotEmployee.profile,
    SnapshotEmployee.protected,
    SnapshotEmployee.features,
)


_TABLE = SnapshotEmployee.__table__
_EMPLOYEE = select(*(_TABLE.c[c.key] for c in (*_COLUMNS, SnapshotEmployee.answer))).where(
    _TABLE.c.snapshot_id == bindparam("snapshot_id"),
    _TABLE.c.employee_id == bindparam("employee_id"),
)


_ANSWER = select(_TABLE.c.answer).where(
    _TABLE.c.snapshot_id == bindparam("snapshot_id"),
    _TABLE.c.employee_id == bindparam("employee_id"),
)


def _info(row: Snapshot) -> SnapshotInfo:
    return SnapshotInfo(
        row.snapshot_id,
        row.as_of,
        row.created_at,
        row.data_dir,
        row.employees,
        row.model_name,
        row.model_version,
    )


def as_stored(value: Any) -> Any:
    """``value`` as the store gives it back (the JSON text the bulk write stores, read again):
    what ``talenta score`` computes stored answers from, so that they are the API's answers
    from the stored inputs."""
    return json.loads(_dump(value))


def _dump(value: Any) -> str:
    """The JSON text of a snapshot's JSON column, as ``JSONText`` reads it (keys sorted).
    orjson: about a seventh of the standard library's time, which was half of a snapshot
    write (bench/snapshot_write.py). Unlike ``json.dumps`` it writes an infinite float as null
    (NaN never reaches here: ``json_value`` makes it None); ``as_stored`` reads the same text,
    so a precomputed answer is computed from what the store gives back either way."""
    return orjson.dumps(value, default=json_default, option=_ORJSON).decode()


_ORJSON = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
_EMPLOYEE_COLUMNS = ("snapshot_id", "employee_id", "unit_id", "profile", "protected", "features")
_ALL_COLUMNS = (*_EMPLOYEE_COLUMNS, "answer")


def _insert_rows(session: Session, snapshot_id: str, employees: Iterator[EmployeeRecord]) -> int:
    """SQLAlchemy's insert, a thousand rows at a time, each value through its column type."""
    count = 0
    for chunk in _chunks(employees, CHUNK):
        session.execute(
            insert(SnapshotEmployee),
            [
                {
                    "snapshot_id": snapshot_id,
                    "employee_id": e.employee_id,
                    "unit_id": e.unit_id,
                    "profile": e.profile,
                    "protected": e.protected,
                    "features": e.features,
                    "answer": e.answer,
                }
                for e in chunk
            ],
        )
        count += len(chunk)
    return count


def _bulk_rows(session: Session, snapshot_id: str, employees: Iterator[EmployeeRecord]) -> int:
    """The rows serialised once here (the same JSON text the column type writes) and handed to
    the driver: COPY on PostgreSQL, the DB-API's executemany in batches on SQLite; in the
    session's transaction either way."""
    connection = session.connection()
    dump = _dump
    count = 0
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        sql = f"COPY snapshot_employees ({', '.join(_ALL_COLUMNS)}) FROM STDIN"
        dbapi = connection.dialect.loaded_dbapi
        try:
            with driver.cursor() as cursor, cursor.copy(sql) as copy:
                for e in employees:
                    copy.write_row(
                        (
                            snapshot_id,
                            e.employee_id,
                            e.unit_id,
                            dump(e.profile),
                            dump(e.protected),
                            dump(e.features),
                            e.answer,
                        )
                    )
                    count += 1
        except dbapi.Error as error:  # as SQLAlchemy raises it (IntegrityError, ...)
            raise DBAPIError.instance(sql, None, error, dbapi.Error) from error
        return count
    places = ", ".join("?" for _ in _ALL_COLUMNS)
    sql = f"INSERT INTO snapshot_employees ({', '.join(_ALL_COLUMNS)}) VALUES ({places})"
    for chunk in _chunks(employees, BULK_CHUNK):
        # a list of tuples: the driver's executemany, no per-row work in SQLAlchemy; the large
        # values packed as the column types pack them on SQLite (models.PackedJSONText)
        connection.exec_driver_sql(
            sql,
            [
                (
                    snapshot_id,
                    e.employee_id,
                    e.unit_id,
                    pack(dump(e.profile).encode()),
                    dump(e.protected),
                    pack(dump(e.features).encode()),
                    None if e.answer is None else pack(e.answer),
                )
                for e in chunk
            ],
        )
        count += len(chunk)
    return count


def _tapped(
    employees: Iterable[EmployeeRecord], directory: DirectoryBuilder
) -> Iterator[EmployeeRecord]:
    for e in employees:
        directory.add(e.employee_id, e.unit_id, e.profile)
        yield e


def _chunks(items: Iterator[EmployeeRecord], size: int) -> Iterator[list[EmployeeRecord]]:
    while chunk := list(islice(items, size)):
        yield chunk
