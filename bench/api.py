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
after ``--warmup`` requests that are not counted; every response must be 200, and a
recommendation must carry its reasons. Reported per endpoint: p50, p90, p99, requests/s, the
server's and the client's CPU time per request, and how many cores the server, the client and
every other process kept busy meanwhile (a shared machine's numbers mean little without the
last); then recommendations against health, and whether the target is met: on a 2-core machine,
p99 under 25 ms and at least 800 requests/s with explanations. Afterwards the access log must
hold a row for every recommendation answered.

The client shares the machine with the server, so it must cost far less than the server: an
httpx client saturates a core at about 470 requests/s, while this one (uvloop when installed)
spends a few hundredths of a millisecond per request; the trivial endpoint measured beside the
real one shows the ceiling the framework and the client leave.

``--profile`` runs the server under cProfile (every thread: the event loop, the worker threads
the sync routes run in, the access-log writer; CPU time, not wall time) during the
recommendations phase alone, and prints the CPU time per request of each thread and of the
recommendation's parts, then the top functions. cProfile's own cost inflates Python-heavy code
(a builtin call costs as much to profile as it does to make), so read the shares, not the
milliseconds; the run's latencies are not compared with the target.

    python bench/api.py                                   # builds a 10,000-employee home
    python bench/api.py --home /tmp/bench-home            # builds it once, reuses it after
    python bench/api.py --home /tmp/bench-home --profile
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
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
TARGET_P99_MS = 25.0
TARGET_RPS = 800.0
TALENTA = [sys.executable, "-m", "ml.cli"]
ROOT = Path(__file__).resolve().parent.parent

# The recommendation's parts as the profile reports them, by CPU time (cumulative, in whichever
# thread runs them): (label, file the function is in, its name).
PARTS = [
    ("FastAPI's dependencies, all of them", "fastapi/dependencies/utils.py", "solve_dependencies"),
    ("  key, permission, access-log row queued", "ml/serving/access.py", "check_and_log"),
    ("  a key not remembered: its query", "ml/store/keys.py", "authenticate"),
    ("the access-log transactions (writer)", "ml/store/keys.py", "_insert"),
    ("the route (a worker thread)", "ml/serving/routes/employees.py", "get_recommendations"),
    ("  read the employee's record", "ml/store/snapshots.py", "employee"),
    ("  explain, all of it", "ml/recommend/explain.py", "explain"),
    ("    the input matrix", "ml/recommend/explain.py", "matrix"),
    ("    LightGBM pred_contrib (C)", "lightgbm/basic.py", "__inner_predict_np2d"),
    ("  rank the programmes", "ml/recommend/rank.py", "rank_for_employee"),
    ("validate the response model", "fastapi/_compat/v2.py", "validate"),
    ("encode the JSON body", "fastapi/_compat/v2.py", "serialize_json"),
    ("send: socket write, uvicorn's log line", "uvicorn/protocols/http/httptools_impl.py", "send"),
    ("  uvicorn's access log line", "logging/__init__.py", "info"),
]


# --- the home and the server -------------------------------------------------------------------


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALENTA_", "MLFLOW_"))}
    return {**env, "TALENTA_HOME": str(home), "PYTHONPATH": str(ROOT)}


def use_checkout(root: Path) -> None:
    """Serve (and build the home) with another checkout's code and its virtual environment,
    e.g. the main branch's, to compare it with this one under the same client."""
    global TALENTA, ROOT
    TALENTA = [str(root / ".venv" / "bin" / "python"), "-m", "ml.cli"]
    ROOT = root


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
    done = subprocess.run(command, env=_env(home), capture_output=True, text=True, cwd=ROOT)
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
        cwd=ROOT,
    )
    return done.stdout.strip().splitlines()[-1]


def employee_ids(home: Path, limit: int) -> list[str]:
    import sqlite3

    with contextlib.closing(sqlite3.connect(home / "data" / "talenta.db")) as connection:
        (snapshot,) = connection.execute(
            "SELECT snapshot_id FROM snapshots ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        # drawn at random from the whole snapshot (its primary key index, not the rows), so
        # that a national store is read where it lies, not in its first pages
        rows = connection.execute(
            "SELECT employee_id FROM snapshot_employees WHERE snapshot_id = ? "
            "ORDER BY random() LIMIT ?",
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
    home: Path,
    port: int,
    alias: str,
    profile_to: Path | None,
    log: Path,
    access_log: bool,
    workers: int = 1,
) -> Iterator[subprocess.Popen[bytes]]:
    """``talenta serve`` (or this script's profiled server) until the block ends; always
    stopped, killed if it does not stop in 20 s."""
    if profile_to is None:
        command = [*TALENTA, "serve", "--port", str(port), "--alias", alias]
        if workers > 1:
            command += ["--workers", str(workers)]
    else:
        command = [sys.executable, __file__, "--serve-profiled", str(profile_to),
                   "--port", str(port), "--alias", alias]  # fmt: skip
    if not access_log:
        command.append("--no-access-log")
    with log.open("wb") as out:
        # from the checkout's root: `python -m` puts the working directory first on the path
        process = subprocess.Popen(
            command, env=_env(home), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
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
    server_cpu_s: float | None = None  # every thread of the server's process
    client_cpu_s: float | None = None  # this process: the load generator
    machine_cpu_s: float | None = None  # every process on the machine
    sample: bytes = b""  # one response body, to check its shape


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of process ``pid``, all its threads, and of its worker processes
    (``--workers``: uvicorn's supervisor and its children) (Linux ``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) or 0.0 for child in children)


def machine_cpu_seconds() -> float | None:
    """CPU time every process on the machine has used, all cores (Linux ``/proc/stat``): what
    the other processes took during a phase, on a shared machine."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


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


@dataclass(frozen=True)
class Load:
    connections: int  # concurrent keep-alive clients
    requests: int  # counted requests, at most
    seconds: float  # per phase (warm-up and counted), at most
    warmup: int  # requests before counting


async def drive(port: int, paths: list[str], key: str, load: Load, server_pid: int) -> Phase:
    """``load.connections`` keep-alive clients asking for ``paths`` (picked at random) until
    ``load.requests`` are answered or ``load.seconds`` pass; ``load.warmup`` requests first,
    not counted."""
    connections, requests, seconds, warmup = (
        load.connections, load.requests, load.seconds, load.warmup
    )  # fmt: skip
    head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {key}\r\nAccept: */*\r\n\r\n"
    built = [f"GET {p} HTTP/1.1\r\n{head}".encode() for p in paths]
    rng = random.Random(0)
    latencies: list[float] = []
    errors: list[str] = []
    sample: list[bytes] = []
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
                elif not sample:
                    sample.append(body)
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
    gc.collect()
    gc.freeze()  # no full collection of this process's start-up heap while it measures
    server_cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    machine_cpu = machine_cpu_seconds()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(client() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return Phase(
        latencies, elapsed, errors, received,
        _delta(server_cpu, cpu_seconds(server_pid)),
        time.process_time() - client_cpu,
        _delta(machine_cpu, machine_cpu_seconds()),
        sample[0] if sample else b"",
    )  # fmt: skip


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
        "server_cpu_ms_per_request": (
            None if phase.server_cpu_s is None else round(phase.server_cpu_s / len(ms) * 1e3, 3)
        ),
        "client_cpu_ms_per_request": (
            None if phase.client_cpu_s is None else round(phase.client_cpu_s / len(ms) * 1e3, 3)
        ),
        # cores busy on average during the phase: the server, this client, everything else
        "server_cores": _cores(phase.server_cpu_s, phase.elapsed_s),
        "client_cores": _cores(phase.client_cpu_s, phase.elapsed_s),
        "other_processes_cores": _cores(
            None
            if phase.machine_cpu_s is None or phase.server_cpu_s is None
            else max(0.0, phase.machine_cpu_s - phase.server_cpu_s - (phase.client_cpu_s or 0)),
            phase.elapsed_s,
        ),
    }


def _cores(cpu_s: float | None, elapsed_s: float) -> float | None:
    return None if cpu_s is None else round(cpu_s / elapsed_s, 2)


def _run(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:  # plain asyncio: slower, still far cheaper than an HTTP library
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# --- the profiled server (this script, run by itself as the server's process) ------------------


def serve_profiled(out: Path, port: int, alias: str, access_log: bool) -> None:
    """The server ``talenta serve`` runs (its state built and frozen the same way, uvicorn with
    its access log), under cProfile in every thread from when the state is loaded: the requests
    alone, not the start. CPU time per thread (``time.thread_time``), so that a thread waiting
    for the GIL or for SQLite counts nothing. The merged stats go to ``out``, and the CPU time
    of each kind of thread to ``out`` + ``.threads.json``, when it stops."""
    import uvicorn

    from ml.config import get_settings
    from ml.serving.app import create_app
    from ml.serving.state import build_state

    settings = get_settings()
    state = build_state(settings, alias)
    gc.collect()
    gc.freeze()
    app = create_app(settings, state=state, alias=alias)

    profiles: list[tuple[str, cProfile.Profile]] = []
    lock = threading.Lock()

    def start_in_thread(*_: Any) -> None:
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append((threading.current_thread().name, profile))
        profile.enable()  # replaces this hook for the thread

    if sys.version_info >= (3, 12):  # one profile sees every thread (sys.monitoring)
        start_in_thread()
    else:
        threading.setprofile(start_in_thread)
        start_in_thread()
    try:
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="info", access_log=access_log)
    finally:
        stats = None
        threads: dict[str, float] = {}
        for name, profile in profiles:
            profile.create_stats()
            one = _without_waits(pstats.Stats(profile))
            kind = "worker threads" if name.startswith("AnyIO worker") else name
            threads[kind] = threads.get(kind, 0.0) + one.total_tt  # type: ignore[attr-defined]
            if stats is None:
                stats = one
            else:
                stats.add(one)
        if stats is not None:
            stats.dump_stats(out)
        Path(f"{out}.threads.json").write_text(json.dumps(threads))


# Blocking waits, which cProfile's thread clock charges time to anyway (it does for the access-log
# writer's queue): no work is done there, so they are left out.
WAITS = (
    "<method 'get' of '_queue.SimpleQueue' objects>",
    "<method 'acquire' of '_thread.lock' objects>",
    "<method 'wait' of '_thread.lock' objects>",
)


def _without_waits(stats: pstats.Stats) -> pstats.Stats:
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for key in [k for k in raw if k[2] in WAITS]:
        stats.total_tt -= raw.pop(key)[2]  # type: ignore[attr-defined]
    return stats


def print_profile(stats_path: Path, requests: int) -> dict[str, Any]:
    """Per request, the CPU time of each thread and of the recommendation's parts, and the top
    functions by their own time."""
    stats = pstats.Stats(str(stats_path))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    threads: dict[str, float] = json.loads(Path(f"{stats_path}.threads.json").read_text())
    total = sum(threads.values())
    per = 1e3 / requests
    print(f"\nwhere a recommendation's CPU time goes (cProfile, {requests:,} requests; "
          f"cProfile's own cost inflates Python-heavy code: read the shares)")  # fmt: skip
    print(f"  {'all threads':<42} {total * per:7.3f} ms/request  100%")
    for name, seconds in sorted(threads.items(), key=lambda t: -t[1]):
        print(f"  {'  ' + name:<42} {seconds * per:7.3f} ms/request  {seconds / total:4.0%}")
    parts: dict[str, Any] = {"all threads": round(total * per, 3)}
    for label, path, name in PARTS:
        found = [v for (file, _, fn), v in raw.items() if fn == name and file.endswith(path)]
        if not found:
            continue
        cumulative = sum(v[3] for v in found)
        parts[label.strip()] = round(cumulative * per, 3)
        print(f"  {label:<42} {cumulative * per:7.3f} ms/request  {cumulative / total:4.0%}")
    print("\nthe top functions by own time (all threads, all requests):")
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
    parser.add_argument("--workers", type=int, default=1, help="`talenta serve --workers`")
    parser.add_argument("--checkout", type=Path, help="serve another checkout's code (its .venv)")
    parser.add_argument("--profile", action="store_true", help="profile the recommendations")
    parser.add_argument(
        "--no-access-log", action="store_true", help="`talenta serve --no-access-log`"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/api.json"))
    parser.add_argument("--serve-profiled", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve_profiled is not None:
        serve_profiled(
            args.serve_profiled, args.port, args.alias or "champion", not args.no_access_log
        )
        return

    if args.checkout is not None:
        use_checkout(args.checkout.resolve())
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

        recommend_paths = [RECOMMENDATIONS.format(i) for i in ids]
        load = Load(args.connections, args.requests, args.seconds, args.warmup)
        precomputed = answers_stored(home)
        print(f"answers precomputed for the served version: {precomputed}")
        with server(
            home, port, alias, stats_path, log, not args.no_access_log, args.workers
        ) as process:

            def phase(paths: list[str]) -> Phase:
                return _run(drive(port, paths, key, load, process.pid))  # type: ignore[no-any-return]

            health = phase([HEALTH]) if not args.profile else None
            recommend = phase(recommend_paths)
        for name, p in (("health", health), ("recommendations", recommend)):
            if p is not None and (p.errors or not p.latencies_s):
                sys.exit(f"{name}: {len(p.errors)} bad responses, e.g. {p.errors[:3]}")
        answer = json.loads(recommend.sample)
        if not answer.get("competencies") or answer["competencies"][0].get("reasons") is None:
            sys.exit(f"a recommendation without explanations: {recommend.sample[:300]!r}")

        if stats_path is not None:
            # the profile covers the warm-up too
            parts = print_profile(stats_path, len(recommend.latencies_s) + args.warmup)
            result: dict[str, object] = {
                "employees": len(ids),
                "connections": args.connections,
                "profiled_recommendations": summary(recommend),
                "cpu_ms_per_request_under_cprofile": parts,
            }
            report(result, args.out.with_name(args.out.stem + "_profile.json"))
            return

        assert health is not None
        h, r = summary(health), summary(recommend)
        result = {
            "employees": len(ids),
            "alias": alias,
            "connections": args.connections,
            "access_log": not args.no_access_log,
            "workers": args.workers,
            "checkout": str(ROOT),
            "answers_precomputed": precomputed,
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


def answers_stored(home: Path) -> str:
    """Which need model version the served snapshot's answers were computed by ("none": every
    answer is computed per request). They are served as stored when it is the version loaded."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(home / "data" / "talenta.db")) as connection:
        try:
            row = connection.execute(
                "SELECT model_version FROM snapshots ORDER BY created_at DESC LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:  # a store from before the answers were stored
            return "none"
    return "none" if row is None or row[0] is None else f"version {row[0]}"


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
