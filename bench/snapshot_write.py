"""Writing the serving snapshot: rows per second into SQLite and PostgreSQL, by the bulk path
(PostgreSQL ``COPY``; SQLite the driver's ``executemany`` in batches of 10,000) against the path
before it (SQLAlchemy's ``insert`` a thousand rows at a time, each value through its column
type), in the same run, on the same rows.

The rows are a real snapshot's: the latest one in ``--home``'s store (``talenta demo`` or
``talenta score``), precomputed answers included, repeated with new employee ids up to
``--rows``. Each (engine, path) writes into an empty store (a SQLite file of its own; a
PostgreSQL schema of its own, dropped afterwards), ``--repeat`` times; the fastest counts.

    python bench/api.py --home /tmp/bench-home            # builds a 10,000-employee home once
    python bench/snapshot_write.py --home /tmp/bench-home --rows 50000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from itertools import cycle, islice
from pathlib import Path
from typing import Any

from _report import report

from ml.store.database import make_engine, migrate, scratch_schema, session_factory
from ml.store.packing import unpack, unpack_text
from ml.store.snapshots import EmployeeRecord, Snapshots

POSTGRES_URL = os.environ.get(
    "TALENTA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _json(value: str | bytes) -> Any:
    """A snapshot JSON column as SQLite holds it: packed (bytes) or plain text."""
    return json.loads(unpack_text(value))


def read_snapshot(home: Path) -> tuple[list[EmployeeRecord], dict[str, Any]]:
    """The latest snapshot's employees (answers included) and programmes, from the SQLite
    store of ``home``."""
    db = home / "data" / "talenta.db"
    if not db.exists():
        sys.exit(f"no store at {db}: build a home first (python bench/api.py --home {home})")
    with contextlib.closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT snapshot_id FROM snapshots ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        if row is None:
            sys.exit(f"{db} holds no snapshot: run `talenta score` there")
        (snapshot_id,) = row
        employees = [
            EmployeeRecord(e, u, _json(p), _json(pr), _json(f), None if a is None else unpack(a))
            for e, u, p, pr, f, a in connection.execute(
                "SELECT employee_id, unit_id, profile, protected, features, answer "
                "FROM snapshot_employees WHERE snapshot_id = ?",
                (snapshot_id,),
            )
        ]
        programs = {
            pid: json.loads(program)
            for pid, program in connection.execute(
                "SELECT program_id, program FROM snapshot_programs WHERE snapshot_id = ?",
                (snapshot_id,),
            )
        }
    return employees, programs


def rows_of(employees: list[EmployeeRecord], n: int) -> Iterator[EmployeeRecord]:
    """``n`` rows: the snapshot's employees, then again under new ids, as often as needed."""
    for i, record in enumerate(islice(cycle(employees), n)):
        copy = i // len(employees)
        yield record if copy == 0 else replace(record, employee_id=f"{record.employee_id}-{copy}")


def payload_bytes(employees: list[EmployeeRecord]) -> float:
    """Mean bytes a row stores (JSON text and answer), to read rows/s as MB/s."""
    total = sum(
        len(json.dumps(e.profile)) + len(json.dumps(e.protected)) + len(json.dumps(e.features))
        + len(e.answer or b"")
        for e in employees
    )  # fmt: skip
    return total / len(employees)


@contextlib.contextmanager
def empty_store(engine: str) -> Iterator[str]:
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-snapshot-") as tmp:
            yield f"sqlite:///{tmp}/talenta.db"
    else:
        with scratch_schema(POSTGRES_URL, "bench_") as url:
            yield url


def timed_write(
    engine: str,
    employees: list[EmployeeRecord],
    programs: dict[str, Any],
    rows: int,
    bulk: bool,
) -> float:
    """Seconds to write ``rows`` rows into an empty store (the migration not counted)."""
    with empty_store(engine) as url:
        migrate(url)
        store = make_engine(url)
        try:
            snapshots = Snapshots(session_factory(store))
            started = time.perf_counter()
            info = snapshots.write(
                date(2026, 1, 1), "/bench", rows_of(employees, rows), programs, bulk=bulk
            )
            elapsed = time.perf_counter() - started
        finally:
            store.dispose()
        assert info.employees == rows
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a TALENTA_HOME with a snapshot")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--out", type=Path, default=Path("bench/results/snapshot_write.json"))
    args = parser.parse_args()

    employees, programs = read_snapshot(args.home)
    answered = sum(e.answer is not None for e in employees)
    size = payload_bytes(employees)
    print(f"{len(employees):,} employees in the snapshot ({answered:,} with answers), "
          f"{size / 1024:.1f} KiB a row; writing {args.rows:,} rows")  # fmt: skip
    result: dict[str, object] = {
        "rows": args.rows,
        "snapshot_employees": len(employees),
        "with_answers": answered,
        "kib_per_row": round(size / 1024, 2),
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    for engine in args.engines.split(","):
        best: dict[str, float] = {}
        for _ in range(args.repeat):
            for path, bulk in (("before", False), ("bulk", True)):  # alternated: same conditions
                seconds = timed_write(engine, employees, programs, args.rows, bulk)
                best[path] = min(best.get(path, float("inf")), seconds)
                print(
                    f"  {engine:<10} {path:<6} {seconds:6.2f} s  {args.rows / seconds:9,.0f} rows/s"
                )
        for path, seconds in best.items():
            result[f"{engine}_{path}_rows_per_s"] = round(args.rows / seconds)
            result[f"{engine}_{path}_mib_per_s"] = round(args.rows * size / seconds / 2**20, 1)
        result[f"{engine}_speedup"] = round(best["before"] / best["bulk"], 2)
    report(result, args.out)


if __name__ == "__main__":
    main()
