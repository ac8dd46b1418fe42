"""The staging directory of ``talenta ingest``: beside ``--out`` (so that moving a table in is a
rename on the same file system), readable by its owner alone (it holds personal data), and
removed by the next ingest when the one that made it was killed.

A live ingest holds an exclusive ``flock`` on ``.lock`` inside its directory for as long as it
runs; the kernel drops the lock when the process dies, however it dies. So a staging directory
whose lock can be taken belongs to nobody and is removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = ".ingest-"
LOCK = ".lock"
# A directory made by an ingest that died between mkdtemp and taking its lock has no lock file:
# removed once it is this old (a live ingest takes its lock within microseconds).
UNLOCKED_GRACE_S = 60.0


@contextlib.contextmanager
def staging_directory(parent: Path) -> Iterator[Path]:
    """A fresh private directory under ``parent``, removed afterwards; stale ones of killed
    ingests are removed first."""
    remove_stale(parent)
    staging = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))  # mode 0700
    lock = os.open(staging / LOCK, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        os.close(lock)


def remove_stale(parent: Path) -> list[Path]:
    """Remove the staging directories under ``parent`` that no live ingest holds; return them."""
    removed = []
    for candidate in parent.glob(f"{PREFIX}*"):
        if candidate.is_dir() and not candidate.is_symlink() and _abandoned(candidate):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _abandoned(staging: Path) -> bool:
    try:
        lock = os.open(staging / LOCK, os.O_WRONLY)
    except FileNotFoundError:
        return time.time() - staging.stat().st_mtime > UNLOCKED_GRACE_S
    except OSError:
        return False  # not ours to judge (another user's, say)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live ingest holds it
    finally:
        os.close(lock)  # closing drops a lock this call took
    return True
