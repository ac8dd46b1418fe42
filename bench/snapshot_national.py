"""A serving snapshot of the whole civil service, and serving from it: the store at 4.3 million
employees against the 10,000-employee demo's, in the same run.

Steps:

1. **Write**: a copy of ``--home`` (a ``talenta demo`` home: its store and MLflow models;
   its data folders linked, not copied) gets a new snapshot of ``--rows`` employees through
   ``Snapshots.write``, the path ``talenta score`` takes (SQLite: executemany in batches, the
   JSON and the answers zstd-packed, ``ml/store/packing.py``). The rows are the demo
   snapshot's, precomputed answers included, repeated under new employee ids
   (``bench/snapshot_write.py``'s ``rows_of``): the store holds national size and national
   bytes, while the answers are the demo's, which the model served computed. Reported: wall
   time, rows/s, the file's size, bytes a row, the writer's peak memory.
2. **Directory** (``--directory``): the in-memory search directory a page or search request
   builds once per snapshot: read from the body stored with the snapshot (timed, with the
   process's peak and a few searches), and built from the stored profiles as before (on the
   first ``--sample`` employees, scaled to all).
3. **Serve** (``--serve``): ``bench/api.py`` on the demo home and on the national one, in
   turn, ``--rounds`` times (the machine's other load drifts; alternating pairs it), and the
   ratios national / demo of p99 and requests/s, with employees drawn at random from the whole
   snapshot.

    python bench/api.py --home /tmp/h10k --requests 10                    # a demo home, once
    python bench/snapshot_national.py --home /tmp/h10k --national /tmp/hnat --rows 4300000 \
        --directory --serve
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

from _report import report
from snapshot_write import read_snapshot, rows_of

from ml.pipelines.directory import DirectoryColumns
from ml.store.snapshots import Snapshots

HERE = Path(__file__).resolve().parent
GIB = 1024**3


def _peak_gib() -> float:
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024**2


def _latest(db: Path) -> tuple[str, str, str, str | None, str | None]:
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute(
            "SELECT snapshot_id, as_of, data_dir, model_name, model_version FROM snapshots "
            "ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
    return tuple(row)  # type: ignore[return-value]


def build_national(home: Path, national: Path, rows: int) -> dict[str, Any]:
    """The national home: ``home``'s models and store copied, a snapshot of ``rows`` written."""
    from datetime import date

    if national.exists():
        shutil.rmtree(national)
    (national / "data").mkdir(parents=True)
    shutil.copytree(home / "models", national / "models")
    shutil.copy2(home / "data" / "talenta.db", national / "data" / "talenta.db")
    for name in ("raw", "processed"):
        if (home / "data" / name).exists():
            (national / "data" / name).symlink_to(home / "data" / name)
    employees, programs = read_snapshot(home)
    _, as_of, data_dir, model_name, model_version = _latest(home / "data" / "talenta.db")
    model = (model_name, model_version) if model_name and model_version else None
    db = national / "data" / "talenta.db"
    snapshots = Snapshots.from_url(f"sqlite:///{db}")
    before = db.stat().st_size  # the demo's own snapshot, copied
    started = time.perf_counter()
    info = snapshots.write(
        date.fromisoformat(str(as_of)[:10]), data_dir, rows_of(employees, rows), programs,
        model=model, directory=DirectoryColumns(),
    )  # fmt: skip
    wall = time.perf_counter() - started
    size = db.stat().st_size - before
    return {
        "rows": info.employees,
        "write_wall_s": round(wall, 1),
        "rows_per_s": round(info.employees / wall),
        "snapshot_gib": round(size / GIB, 2),
        "store_bytes_per_row": round(size / info.employees),
        "writer_peak_rss_gib": round(_peak_gib(), 2),
    }


def directory(national: Path, sample: int) -> dict[str, Any]:
    """What a worker's first search costs at this size: the directory read from the body
    stored with the snapshot, and built from the stored profiles as before revision 0007 (for
    a snapshot stored without a body, as the API does it once: every profile, then the body
    kept; otherwise on the first ``sample`` employees, scaled to all)."""
    from itertools import islice

    from ml.pipelines.directory import Directory

    db = national / "data" / "talenta.db"
    snapshots = Snapshots.from_url(f"sqlite:///{db}")  # as `talenta serve`: migrated first
    snapshot_id = _latest(db)[0]
    result: dict[str, Any] = {}
    if snapshots.directory(snapshot_id) is None:
        started = time.perf_counter()
        columns = DirectoryColumns()
        for row in snapshots.profiles(snapshot_id):
            columns.add(*row)
        snapshots.keep_directory(snapshot_id, columns.body())
        del columns
        result["from_profiles_s"] = round(time.perf_counter() - started)
        result["from_profiles_peak_rss_gib"] = round(_peak_gib(), 2)
    else:
        started = time.perf_counter()
        latest = snapshots.latest()
        assert latest is not None
        people = latest.employees
        Directory.from_profiles(islice(snapshots.profiles(snapshot_id), sample))
        scale = people / min(sample, people)
        result["from_profiles_s_scaled"] = round((time.perf_counter() - started) * scale)
    before = _peak_gib()
    started = time.perf_counter()
    body = snapshots.directory(snapshot_id)
    assert body is not None
    built = Directory.from_body(body)
    stored_s = time.perf_counter() - started
    after = _peak_gib()
    searches = {}
    for query in ("budi", "sri rahayu", "1985", "19850312 2010"):
        t = time.perf_counter()
        found = built.search(query)
        searches[query] = {"found": found.total, "ms": round((time.perf_counter() - t) * 1e3, 1)}
    return {
        "people": len(built),
        "body_mib": round(len(body) / 1024**2, 1),
        "from_stored_body_s": round(stored_s, 1),
        "peak_rss_gib_before": round(before, 2),
        "peak_rss_gib_with_directory": round(after, 2),
        "searches": searches,
        **result,
    }


def serve(home: Path, out: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable, str(HERE / "api.py"), "--home", str(home), "--out", str(out),
        "--workers", str(args.workers), "--requests", str(args.requests),
        "--seconds", str(args.seconds),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"bench/api.py on {home} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    result = json.loads(out.read_text())
    keep = ("rps", "p50_ms", "p99_ms", "server_cpu_ms_per_request")
    return {
        "recommendations": {k: result["recommendations"][k] for k in keep},
        "health": {k: result["health"][k] for k in keep},
        "other_processes_cores": result["recommendations"]["other_processes_cores"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", type=Path, required=True, help="a demo home with a snapshot")
    parser.add_argument("--national", type=Path, required=True, help="the home to build")
    parser.add_argument("--rows", type=int, default=4_300_000)
    parser.add_argument("--reuse", action="store_true", help="keep a national home built before")
    parser.add_argument("--directory", action="store_true", help="time the search directory")
    parser.add_argument("--serve", action="store_true", help="bench/api.py on both homes")
    parser.add_argument("--sample", type=int, default=200_000, help="profiles read (directory)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=6_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--out", type=Path, default=Path("bench/results/snapshot_national.json"))
    parser.add_argument("--stage", choices=("write", "directory"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    home, national = args.home.resolve(), args.national.resolve()
    if args.stage == "write":  # a child: its peak memory is the writer's own
        print(json.dumps(build_national(home, national, args.rows)))
        return
    if args.stage == "directory":
        print(json.dumps(directory(national, args.sample)))
        return

    def child(stage: str) -> dict[str, Any]:
        command = [sys.executable, __file__, "--stage", stage, "--home", str(home),
                   "--national", str(national), "--rows", str(args.rows),
                   "--sample", str(args.sample)]  # fmt: skip
        print(f"… {stage}", file=sys.stderr, flush=True)
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"{stage} failed:\n{done.stderr[-4000:]}")
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))

    result: dict[str, Any] = {"rows": args.rows}
    if not (args.reuse and (national / "data" / "talenta.db").exists()):
        result["write"] = child("write")
    if args.directory:
        result["directory"] = child("directory")
    if args.serve:
        scratch = args.out.with_suffix("")
        rounds = []
        for i in range(args.rounds):
            print(f"… serving, round {i + 1}", file=sys.stderr, flush=True)
            demo = serve(home, scratch.with_name(f"{scratch.name}_demo_{i}.json"), args)
            nation = serve(national, scratch.with_name(f"{scratch.name}_nation_{i}.json"), args)
            demo_r, nation_r = demo["recommendations"], nation["recommendations"]
            rounds.append({
                "demo": demo, "national": nation,
                "p99_ratio_national_to_demo": round(nation_r["p99_ms"] / demo_r["p99_ms"], 2),
                "rps_ratio_national_to_demo": round(nation_r["rps"] / demo_r["rps"], 2),
            })  # fmt: skip
        result["serve"] = rounds
    report(result, args.out)


if __name__ == "__main__":
    main()
