"""The loop every out-of-core job shares: one task per partition of a partitioned data
directory (``talenta generate --sharded``), in turn here or as Dask tasks.

A task is ``task(data_dir, part, **arguments)`` and returns something small (row counts): its
real output is written by the task itself, to paths every Dask worker sees. Large arguments
(a model) are sent to the workers once (``broadcast``) instead of with every task.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ml.errors import InputError
from ml.features.io import partitions

T = TypeVar("T")


def require_partitions(data_dir: Path) -> list[str]:
    """The partitions of ``data_dir``; an InputError when it is not partitioned."""
    parts = partitions(data_dir)
    if not parts:
        raise InputError(f"{data_dir}: not a partitioned directory (no employees/part-*.parquet)")
    return parts


def run_partitions(
    data_dir: Path,
    task: Callable[..., T],
    *,
    client: Any | None = None,
    progress: Callable[[str], None] | None = None,
    broadcast: Mapping[str, Any] | None = None,
    **arguments: Any,
) -> tuple[list[str], list[T]]:
    """``task`` over every partition of ``data_dir`` (in partition order): in turn here, or
    one Dask task each on ``client`` (a task's error is re-raised here); the partitions and
    the tasks' results."""
    parts = require_partitions(data_dir)
    shared = dict(broadcast or {})
    if client is None:
        results = []
        for part in parts:
            if progress:
                progress(part)
            results.append(task(data_dir, part, **shared, **arguments))
        return parts, results
    sent = {name: client.scatter(value, broadcast=True) for name, value in shared.items()}
    futures = client.map(task, [data_dir] * len(parts), parts, **sent, **arguments)
    return parts, list(client.gather(futures))
