"""The API under concurrent load: ``talenta serve`` on loopback, driven by a raw asyncio client.

Builds a ``TALENTA_HOME`` with ``talenta demo --no-serve`` (``--employees``, default 10,000; or
reuses ``--home`` when it already holds a served snapshot), makes a planner key, starts
``talenta serve`` as a subprocess on a free loopback port and waits for ``/ready``. Then
``--connections`` keep-alive HTTP/1.1 clients (default 16, one asyncio task each, hand-written
requests, ``Content-Length`` framing) drive, one after the other:

- ``/health``: the trivial endpoint, the framework's floor on this machine;
- ``/api/v1/employees/{id}/recommendations`` over random employee ids of the snapshot: the
  need probability with TreeSHAP reasons per competency, the ranked programmes, an API-key
  lookup and one access-log row per request.

Each phase stops at ``--requests`` requests or ``--seconds`` seconds, whichever comes first,
after ``--warmup`` requests that are not counted; every response must be 200. Reported per
endpoint: p50, p99, requests/s; and recommendations against health. The target on a 2-core
machine: p99 under 50 ms and at least 300 requests/s with explanations.

The client shares the machine with the server, so it must cost far less than the server: raw
asyncio on uvloop serves /health to 16 connections several times faster than an httpx client
could ask for it, which is why the trivial endpoint is measured beside the real one.

``--profile`` runs the server under cProfile (every thread: the event loop and the worker
threads the sync routes run in) during the recommendations phase only, and prints where the
time of a recommendation goes, per request. cProfile's own cost inflates Python-heavy code,
so the shares are what to read, not the absolute times; the run's latencies are not reported
against the target.

    python bench/api.py                                   # builds a 10,000-employee home
    python bench/api.py --home /tmp/bench-home            # builds it once, reuses it after
    python bench/api.py --home /tmp/bench-home --profile
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _report import report

HEALTH = "/health"
RECOMMENDATIONS = "/api/v1/employees/{}/recommendations"
TARGET_P99_MS = 50.0
TARGET_RPS = 300.0
TALENTA = [sys.executable, "-m", "ml.cli"]
ROOT = Path(__file__).resolve().parent.parent

# the recommendation's parts, as the profile reports them: (label, module path, function)
PARTS = [
    ("authenticate the key", "ml/store/keys.py", "authenticate"),
    ("append the access-log row", "ml/store/keys.py", "log_access"),
    ("read the employee's record", "ml/store/snapshots.py", "employee"),
    ("explain (LightGBM pred_contrib)", "ml/serving/explain.py", "explain"),
    ("  of which the input matrix", "ml/serving/explain.py", "matrix"),
    ("  of which LightGBM predict", "lightgbm/basic.py", "predict"),
    ("rank the programmes", "ml/recommend/rank.py", "rank_for_employee"),
    ("service.recommendations (all of it)", "ml/serving/service.py", "recommendations"),
    ("validate the response model", "fastapi/routing.py", "serialize_response"),
    ("encode JSON (jsonable_encoder)", "fastapi/encoders.py", "jsonable_encoder"),
    ("solve dependencies", "fastapi/dependencies/utils.py", "solve_dependencies"),
    ("whole request (FastAPI app)", "fastapi/routing.py", "app"),
]


# --- the home and the server -------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALENTA_", "MLFLOW_"))}
    return {**env, "TALENTA_HOME": str(home), "PYTHONPATH": str(ROOT)}


def _has_snapshot(home: Path) -> bool:
    import sqlite3

    db = home / "data" / "talenta.db"
    if not db.exists():
        return False
    try:
        with contextlib.closing(sqlite3.connect(db)) as connection:
            return connection.execute("SELECT count(*) FROM snapshots").fetchone()[0] > 0
    except sqlite3.Error:
        return False


def prepare_home(home: Path, employees: int, seed: int | None) -> None:
    if _has_snapshot(home):
        print(f"reusing {home}")
        return
    command = [*TALENTA, "demo", "--no-serve", "--employees", str(employees)]
    if seed is not None:
        command += ["--seed", str(seed)]
    print(f"building {home} with {employees:,} employees (`talenta demo --no-serve`)…")
    started = time.perf_counter()
    done = subprocess.run(command, env=_env(home), capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"talenta demo failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print(f"built in {time.perf_counter() - started:.0f} s")


def planner_key(home: Path) -> str:
    done = subprocess.run(
        [*TALENTA, "keys", "create", "--role", "planner", "--name", "bench/api.py"],
        env=_env(home),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def employee_ids(home: Path, limit: int) -> list[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(home / "data" / "talenta.db")) as connection:
        (snapshot,) = connection.execute(
            "SELECT snapshot_id FROM snapshots ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        rows = connection.execute(
            "SELECT employee_id FROM snapshot_employees WHERE snapshot_id = ? LIMIT ?",
            (snapshot, limit),
        ).fetchall()
    return [r[0] for r in rows]


def model_alias(home: Path) -> str:
    """``champion`` when the need model has one (a demo of 10,000 passes the gates), else
    ``challenger`` (a small demo's refused model, which its snapshot was scored with)."""
    import sqlite3

    db = home / "models" / "mlflow.db"
    with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(db)) as c:
        aliases = {
            a
            for (a,) in c.execute(
                "SELECT alias FROM registered_model_aliases WHERE name = ?", ("talenta-need",)
            )
        }
        if "champion" not in aliases and "challenger" in aliases:
            return "challenger"
    return "champion"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(
    home: Path, port: int, alias: str, profile_to: Path | None, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """``talenta serve`` (or this script's profiled server) until the block ends; always
    stopped, killed if it does not stop in 20 s."""
    if profile_to is None:
        command = [*TALENTA, "serve", "--port", str(port), "--alias", alias]
    else:
        command = [sys.executable, __file__, "--serve-profiled", str(profile_to),
                   "--port", str(port), "--alias", alias]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=_env(home), stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(port, process, log)
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    last = ""
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as r:
                if r.status == 200:
                    return
        except urllib.error.HTTPError as e:
            last = e.read().decode(errors="replace")
        except OSError:
            pass
        time.sleep(0.25)
    sys.exit(f"the server was not ready in 180 s: {last}\n{log.read_text()[-3000:]}")


# --- the load generator ------------------------------------------------------------------------


@dataclass
class Phase:
    latencies_s: list[float]
    elapsed_s: float
    errors: list[str]
    bytes_in: int


async def _fetch(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise ValueError("chunked responses are not expected from these routes")
    return status, await reader.readexactly(length)


async def drive(
    port: int, paths: list[str], key: str, connections: int, requests: int, seconds: float,
    warmup: int,
) -> Phase:  # fmt: skip
    """``connections`` keep-alive clients asking for ``paths`` (cycled at random) until
    ``requests`` are answered or ``seconds`` pass; ``warmup`` requests first, not counted."""
    head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\nAccept: */*\r\n\r\n"
    built = [f"GET {p} HTTP/1.1\r\n{head}".encode() for p in paths]
    rng = random.Random(0)
    latencies: list[float] = []
    errors: list[str] = []
    received = 0
    issued = 0
    budget = warmup

    async def client() -> None:
        nonlocal issued, received
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while issued < budget and time.perf_counter() < deadline:
                issued += 1
                request = built[rng.randrange(len(built))]
                started = time.perf_counter()
                status, body = await _fetch(reader, writer, request)
                latencies.append(time.perf_counter() - started)
                received += len(body)
                if status != 200 and len(errors) < 20:
                    errors.append(f"{status}: {body[:200]!r}")
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    deadline = time.perf_counter() + seconds
    await asyncio.gather(*(client() for _ in range(connections)))
    if warmup and len(latencies) < warmup:
        return Phase([], 0.0, [*errors, "warm-up did not finish in time"], 0)
    latencies.clear()
    issued, received, budget = 0, 0, requests
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client() for _ in range(connections)))
    return Phase(latencies, time.perf_counter() - started, errors, received)


def summary(phase: Phase) -> dict[str, Any]:
    ms = np.asarray(phase.latencies_s) * 1e3
    return {
        "requests": len(ms),
        "seconds": round(phase.elapsed_s, 2),
        "rps": round(len(ms) / phase.elapsed_s, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p90_ms": round(float(np.percentile(ms, 90)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
        "mean_bytes": round(phase.bytes_in / len(ms)),
    }


def _run(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # plain asyncio: slower, still far cheaper than an HTTP library
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- the profiled server (this script, run by itself as the server's process) ------------------


def serve_profiled(out: Path, port: int, alias: str) -> None:
    """``talenta serve`` under cProfile in every thread, from when its state is loaded (the
    requests alone, not the start); the merged stats to ``out`` when it stops."""
    import uvicorn

    from ml.config import get_settings
    from ml.serving.app import create_app
    from ml.serving.state import build_state

    settings = get_settings()
    app = create_app(settings, state=build_state(settings, alias), alias=alias)

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()

    def start_in_thread(*_: Any) -> None:
        profile = cProfile.Profile()
        with lock:
            profiles.append(profile)
        profile.enable()  # replaces this hook for the thread

    if sys.version_info >= (3, 12):  # cProfile sees every thread (sys.monitoring)
        whole = cProfile.Profile()
        profiles.append(whole)
        whole.enable()
    else:
        threading.setprofile(start_in_thread)
        start_in_thread()
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
    finally:
        stats = None
        for profile in profiles:
            profile.create_stats()
            if stats is None:
                stats = pstats.Stats(profile)
            else:
                stats.add(profile)
        if stats is not None:
            stats.dump_stats(out)


def print_profile(stats_path: Path, requests: int, warm: int) -> dict[str, float]:
    """Per request, the cumulative time of the recommendation's parts, and the top functions."""
    stats = pstats.Stats(str(stats_path))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = requests + warm
    parts: dict[str, float] = {}
    print(f"\nwhere a recommendation's time goes (cProfile, {total:,} requests incl. warm-up):")
    whole = 0.0
    for label, path, name in PARTS:
        found = [
            (v[0], v[3]) for (file, _, fn), v in raw.items() if fn == name and file.endswith(path)
        ]
        if not found:
            continue
        calls = sum(c for c, _ in found)
        cumulative = sum(t for _, t in found)
        if label.startswith("whole"):
            whole = cumulative
        parts[label.strip()] = round(cumulative / total * 1e3, 3)
        print(f"  {label:<38} {cumulative / total * 1e3:8.3f} ms/request  ({calls:,} calls)")
    if whole:
        print(f"  (percentages of the whole request: see the shares above over {whole:.2f} s)")
    print("\nthe top functions by own time:")
    stats.sort_stats("tottime").print_stats(25)
    return parts


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, help="TALENTA_HOME to reuse (built there if empty)")
    parser.add_argument("--employees", type=int, default=10_000, help="demo size when building")
    parser.add_argument("--seed", type=int, default=None, help="demo seed when building")
    parser.add_argument("--alias", default=None, help="need model alias (default: champion, or "
                        "challenger when the home has no champion)")  # fmt: skip
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--requests", type=int, default=6_000, help="per endpoint, at most")
    parser.add_argument("--seconds", type=float, default=30.0, help="per endpoint, at most")
    parser.add_argument("--warmup", type=int, default=300, help="per endpoint, not counted")
    parser.add_argument("--profile", action="store_true", help="profile the recommendations")
    parser.add_argument("--out", type=Path, default=Path("bench/results/api.json"))
    parser.add_argument("--serve-profiled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve_profiled is not None:
        serve_profiled(args.serve_profiled, args.port, args.alias or "champion")
        return

    with contextlib.ExitStack() as stack:
        if args.home is None:
            home = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="talenta-api-")))
        else:
            home = args.home.resolve()
        prepare_home(home, args.employees, args.seed)
        key = planner_key(home)
        ids = employee_ids(home, 100_000)
        alias = args.alias or model_alias(home)
        port = free_port()
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-api-")))
        stats_path = scratch / "server.prof" if args.profile else None
        log = scratch / "server.log"
        print(f"serving {home} (@{alias}, {len(ids):,} employees) on 127.0.0.1:{port}")

        def phase(paths: list[str]) -> Phase:
            return _run(  # type: ignore[no-any-return]
                drive(port, paths, key, args.connections, args.requests, args.seconds, args.warmup)
            )

        recommend_paths = [RECOMMENDATIONS.format(i) for i in ids]
        with server(home, port, alias, stats_path, log):
            health = phase([HEALTH]) if not args.profile else None
            recommend = phase(recommend_paths)
        for name, p in (("health", health), ("recommendations", recommend)):
            if p is not None and (p.errors or not p.latencies_s):
                sys.exit(f"{name}: {len(p.errors)} bad responses, e.g. {p.errors[:3]}")

        if stats_path is not None:
            parts = print_profile(stats_path, len(recommend.latencies_s), args.warmup)
            result: dict[str, object] = {
                "employees": len(ids),
                "connections": args.connections,
                "profiled_recommendations": summary(recommend),
                "ms_per_request_under_cprofile": parts,
            }
            report(result, args.out.with_name(args.out.stem + "_profile.json"))
            return

        assert health is not None
        h, r = summary(health), summary(recommend)
        result = {
            "employees": len(ids),
            "alias": alias,
            "connections": args.connections,
            "cpus": os.cpu_count(),
            "health": h,
            "recommendations": r,
            "rps_ratio_recommendations_to_health": round(r["rps"] / h["rps"], 3),
            "p50_ratio_recommendations_to_health": round(r["p50_ms"] / h["p50_ms"], 2),
            "p99_ratio_recommendations_to_health": round(r["p99_ms"] / h["p99_ms"], 2),
            "target": f"p99 < {TARGET_P99_MS:g} ms and >= {TARGET_RPS:g} requests/s",
            "meets_target": r["p99_ms"] < TARGET_P99_MS and r["rps"] >= TARGET_RPS,
        }
        report(result, args.out)
        # the access log grew by one row per recommendation: check it did
        _check_logged(home, key, len(recommend.latencies_s) + args.warmup)


def _check_logged(home: Path, key: str, expected: int) -> None:
    import sqlite3

    key_id = key.split("_")[1]
    with contextlib.closing(sqlite3.connect(home / "data" / "talenta.db")) as connection:
        (logged,) = connection.execute(
            "SELECT count(*) FROM access_log WHERE key_id = ?", (key_id,)
        ).fetchone()
    if logged < expected:
        sys.exit(f"the access log holds {logged:,} reads by the bench's key, not {expected:,}")
    print(f"access log: {logged:,} rows for the bench's key (>= {expected:,} answered)")


if __name__ == "__main__":
    main()
