"""Durability and isolation of the service under abuse (issue 15), as a repeatable run.

1. **kill -9 during concurrent reviews**, on SQLite and on PostgreSQL: ``talenta serve`` on a
   store seeded with ``--flags`` flags and a committee key; ``--clients`` keep-alive clients post
   ``--reviews`` reviews each (every reason unique), and when a random share of them (20–80 %)
   has been acknowledged (201) the server is killed with SIGKILL. Then the store is read:
   every acknowledged review must be there (``lost`` = acknowledged − stored, must be 0);
   ``stored_unacknowledged`` are reviews committed whose answer the kill cut off (allowed).
   ``--kills`` runs per store. This is process death, not power loss: see the README's
   "Durability" for what ``synchronous`` means when the machine itself stops.
2. **the reload storm**: recommendations driven by ``--connections`` clients (bench/api.py's
   load generator) for ``--seconds``, three phases: alone, beside 16 callers of
   ``POST /api/v1/models/reload`` (bursts of 16 concurrent calls, the next burst as soon as
   all 16 are answered and ``--storm-pause`` has passed), alone again. The ratio of the storm's
   requests/s to the mean of the two quiet phases must be at least 0.8 (within 20 %); every
   reload call must answer 200. It needs a home with a model: ``talenta demo --no-serve``
   (``--employees``) is built in a temporary folder, or ``--home`` reused.

    python bench/durability.py                          # both parts, both stores
    python bench/durability.py --part kill --kills 3
    python bench/durability.py --part storm --home /tmp/bench-home

PostgreSQL is ``TALENTA_BENCH_POSTGRES_URL`` (default the local ``test`` database, trust auth),
each run in a schema of its own, dropped afterwards; unreachable, its runs are skipped and said
so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from _report import report
from api import (
    RECOMMENDATIONS,
    TALENTA,
    Load,
    _env,
    _fetch,
    _run,
    drive,
    employee_ids,
    free_port,
    model_alias,
    planner_key,
    prepare_home,
    server,
    summary,
)

POSTGRES_URL = os.environ.get(
    "TALENTA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
RELOAD = "/api/v1/models/reload"
STORM_CALLERS = 16
MIN_RATIO = 0.8


# --- part 1: kill -9 during concurrent reviews ------------------------------------------------


@contextlib.contextmanager
def store(kind: str, scratch: Path) -> Iterator[str | None]:
    """A fresh store URL of ``kind`` (None: PostgreSQL is unreachable)."""
    if kind == "sqlite":
        yield f"sqlite:///{scratch / 'store' / 'talenta.db'}"
        return
    from sqlalchemy import text

    from ml.store.database import admin_engine, scratch_schema

    try:
        with admin_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        print(f"PostgreSQL unreachable ({str(error).splitlines()[0]}): its runs are skipped")
        yield None
        return
    with scratch_schema(POSTGRES_URL, "bench_") as url:
        yield url


def seed(url: str, flags: int) -> tuple[str, list[str]]:
    """Migrate the store, record ``flags`` flags and make a committee key."""
    from ml.store import FlagRecord, ReviewTrail, stable_flag_id
    from ml.store.keys import Keys

    trail = ReviewTrail.from_url(url)
    run_id = trail.start_run("bench/durability.py", "-", {})
    records = [
        FlagRecord(
            flag_id=stable_flag_id("RATER", "LENIENT", f"R{i:05d}", None), family="RATER",
            kind="LENIENT", subject=f"R{i:05d}", n=20, effect=0.5, q_value=0.01,
        )
        for i in range(flags)
    ]  # fmt: skip
    trail.record_flags(run_id, records)
    key = Keys.from_url(url, upgrade=False).create("committee", "bench/durability.py")
    return key.key, [r.flag_id for r in records]


def stored_reviews(url: str, tag: str) -> set[int]:
    from sqlalchemy import text

    from ml.store import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT id FROM reviews WHERE reason LIKE :tag"), {"tag": f"{tag} %"}
            )
            return {int(r[0]) for r in rows}
    finally:
        engine.dispose()


def start_server(home: Path, url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**_env(home), "TALENTA_DATABASE_URL": url}
    command = [*TALENTA, "serve", "--port", str(port), "--no-access-log"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:  # /health, not /ready: reviews need no model or snapshot
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    process.kill()
    sys.exit(f"the server did not answer in 180 s:\n{log.read_text()[-3000:]}")


async def review_until_killed(
    port: int, key: str, flag_ids: list[str], tag: str, args: argparse.Namespace, pid: int
) -> dict[str, Any]:
    """Post reviews from ``args.clients`` connections; SIGKILL the server at a random point."""
    acknowledged: set[int] = set()
    failures: dict[str, int] = {}
    total = args.clients * args.reviews
    kill_at = int(total * random.uniform(0.2, 0.8))
    killed = asyncio.Event()
    rng = random.Random(tag)

    async def client(number: int) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return
        try:
            for i in range(args.reviews):
                body = json.dumps(
                    {"decision": rng.choice(["CONFIRMED", "DISMISSED", "NEEDS_INFO"]),
                     "reason": f"{tag} client {number} review {i}"}
                ).encode()  # fmt: skip
                request = (
                    f"POST /api/v1/fairness/flags/{rng.choice(flag_ids)}/reviews HTTP/1.1\r\n"
                    f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\n"
                    "Content-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode() + body
                status, answer = await _fetch(reader, writer, request)
                if status == 201:
                    acknowledged.add(int(json.loads(answer)["review_id"]))
                    if len(acknowledged) >= kill_at and not killed.is_set():
                        os.kill(pid, signal.SIGKILL)
                        killed.set()
                else:
                    failures[str(status)] = failures.get(str(status), 0) + 1
        except (OSError, asyncio.IncompleteReadError, ValueError):
            return  # the kill cut the connection
        finally:
            writer.close()

    await asyncio.gather(*(client(n) for n in range(args.clients)))
    if not killed.is_set():  # every review answered before the share was reached
        os.kill(pid, signal.SIGKILL)
    return {"acknowledged": acknowledged, "failures": failures, "kill_at": kill_at}


def kill_runs(kind: str, args: argparse.Namespace, scratch: Path) -> dict[str, Any] | None:
    with store(kind, scratch / kind) as url:
        if url is None:
            return None
        key, flag_ids = seed(url, args.flags)
        home = scratch / kind / "home"
        runs = []
        for run in range(args.kills):
            tag = f"durability-{uuid.uuid4().hex[:8]}"
            port = free_port()
            process = start_server(home, url, port, scratch / f"{kind}-{run}.log")
            outcome = _run(review_until_killed(port, key, flag_ids, tag, args, process.pid))
            process.wait(30)
            stored = stored_reviews(url, tag)
            acknowledged = outcome["acknowledged"]
            runs.append(
                {
                    "killed_after_acknowledged": outcome["kill_at"],
                    "acknowledged": len(acknowledged),
                    "stored": len(stored),
                    "lost": len(acknowledged - stored),
                    "stored_unacknowledged": len(stored - acknowledged),
                    "non_201_answers": outcome["failures"],
                    "exit_signal": -process.returncode if process.returncode else 0,
                }
            )
            print(f"{kind} run {run + 1}: {runs[-1]}")
        return {
            "runs": runs,
            "acknowledged": sum(r["acknowledged"] for r in runs),
            "lost": sum(r["lost"] for r in runs),
        }


# --- part 2: the reload storm -------------------------------------------------------------------


def scientist_key(home: Path) -> str:
    done = subprocess.run(
        [*TALENTA, "keys", "create", "--role", "data-scientist", "--name", "bench/durability.py"],
        env=_env(home), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


async def storm_beside(
    port: int, paths: list[str], key: str, scientist: str, load: Load, pid: int, pause: float
) -> tuple[Any, dict[str, Any]]:
    """The recommendations load with 16 reload callers bursting beside it."""
    stop = asyncio.Event()
    statuses: dict[str, int] = {}
    bursts = 0
    request = (
        f"POST {RELOAD} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {scientist}\r\nContent-Length: 0\r\n\r\n"
    ).encode()

    async def storm() -> None:
        nonlocal bursts
        connections = [
            await asyncio.open_connection("127.0.0.1", port) for _ in range(STORM_CALLERS)
        ]
        try:
            while not stop.is_set():
                answers = await asyncio.gather(*(_fetch(r, w, request) for r, w in connections))
                bursts += 1
                for status, _ in answers:
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), pause)
        finally:
            for _, writer in connections:
                writer.close()

    async def measured() -> Any:
        try:
            return await drive(port, paths, key, load, pid)
        finally:
            stop.set()

    task = asyncio.create_task(storm())
    phase = await measured()
    await task
    return phase, {"bursts": bursts, "calls": sum(statuses.values()), "statuses": statuses}


def storm_run(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    home = args.home.resolve() if args.home else scratch / "home"
    prepare_home(home, args.employees, None)
    key, scientist = planner_key(home), scientist_key(home)
    paths = [RECOMMENDATIONS.format(i) for i in employee_ids(home, 100_000)]
    alias = model_alias(home)
    load = Load(args.connections, 10**9, args.seconds, args.warmup)
    port = free_port()
    with server(home, port, alias, None, scratch / "storm.log", False) as process:
        quiet1 = _run(drive(port, paths, key, load, process.pid))
        stormy, storm = _run(
            storm_beside(port, paths, key, scientist, load, process.pid, args.storm_pause)
        )
        quiet2 = _run(drive(port, paths, key, load, process.pid))
    for name, phase in (("quiet", quiet1), ("storm", stormy), ("quiet again", quiet2)):
        if phase.errors or not phase.latencies_s:
            sys.exit(f"{name}: bad responses, e.g. {phase.errors[:3]}")
    q1, s, q2 = summary(quiet1), summary(stormy), summary(quiet2)
    ratio = s["rps"] / ((q1["rps"] + q2["rps"]) / 2)
    return {
        "connections": args.connections,
        "quiet": q1,
        "storm": s,
        "quiet_again": q2,
        "reload_calls": storm,
        "rps_ratio_storm_to_quiet": round(ratio, 3),
        "within_20_percent": ratio >= MIN_RATIO and set(storm["statuses"]) <= {"200"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=["kill", "storm", "both"], default="both")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--kills", type=int, default=3, help="kill -9 runs per store")
    parser.add_argument("--clients", type=int, default=8, help="concurrent reviewers")
    parser.add_argument("--reviews", type=int, default=200, help="reviews per client, at most")
    parser.add_argument("--flags", type=int, default=50)
    parser.add_argument("--home", type=Path, help="TALENTA_HOME with a model, for the storm")
    parser.add_argument("--employees", type=int, default=2_000, help="demo size when building")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0, help="per storm phase")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--storm-pause", type=float, default=0.1, help="between reload bursts")
    parser.add_argument("--out", type=Path, default=Path("bench/results/durability.json"))
    args = parser.parse_args()

    result: dict[str, object] = {"cpus": os.cpu_count()}
    failed = []
    with tempfile.TemporaryDirectory(prefix="bench-durability-") as folder:
        scratch = Path(folder)
        if args.part in ("kill", "both"):
            for kind in args.stores.split(","):
                outcome = kill_runs(kind, args, scratch)
                result[f"kill9_{kind}"] = outcome if outcome is not None else "skipped"
                if outcome is not None and outcome["lost"]:
                    failed.append(f"{kind}: {outcome['lost']} acknowledged reviews lost")
        if args.part in ("storm", "both"):
            storm = storm_run(args, scratch)
            result["reload_storm"] = storm
            if not storm["within_20_percent"]:
                failed.append(
                    f"reload storm: ratio {storm['rps_ratio_storm_to_quiet']} "
                    f"(at least {MIN_RATIO}), reload answers {storm['reload_calls']['statuses']}"
                )
    report(result, args.out)
    if failed:
        sys.exit("FAILED: " + "; ".join(failed))


if __name__ == "__main__":
    main()
