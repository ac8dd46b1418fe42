"""Job: point-in-time features of a data directory, on one machine (pandas) or on Dask, written
to Parquet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ml.errors import InputError
from ml.features import FeatureSet, build_features
from ml.features.io import load_tables, write_features
from ml.features.point_in_time import Tables

Engine = Literal["pandas", "dask"]
ENGINES: tuple[Engine, ...] = ("pandas", "dask")
STEPS = 6  # progress steps of one run: reading, the builders, writing


@dataclass(frozen=True)
class Featurised:
    features: FeatureSet
    as_of: pd.Timestamp
    out: Path
    employees_out: Path | None


def featurise(
    data_dir: Path,
    as_of: pd.Timestamp,
    out: Path,
    employees_out: Path | None = None,
    *,
    engine: Engine = "pandas",
    scheduler: str | None = None,
    partitions: int | None = None,
    tables: Tables | None = None,
    progress: Callable[[str], None] | None = None,
) -> Featurised:
    """Features of ``data_dir`` as of ``as_of``; ``scheduler``: a Dask scheduler address (default:
    a LocalCluster on this machine), ``partitions``: Dask employee groups; ``tables``: those of
    ``data_dir``, where the caller has read them already (pandas engine)."""
    step = progress or (lambda _: None)
    if tables is not None and engine == "pandas":
        features = build_features(tables, as_of, progress=step)
    elif engine == "dask":
        features = _on_dask(data_dir, as_of, scheduler, partitions, step)
    elif engine == "pandas":
        step("reading")
        features = build_features(load_tables(data_dir), as_of, progress=step)
    else:
        raise InputError(f"engine must be pandas or dask, not {engine!r}")
    step("writing")
    write_features(features, out, employees_out)
    return Featurised(features, as_of, out, employees_out)


def _on_dask(
    data_dir: Path,
    as_of: pd.Timestamp,
    scheduler: str | None,
    partitions: int | None,
    step: Callable[[str], None],
) -> FeatureSet:
    from ml.features.distributed import build_features_dask

    with dask_client(scheduler) as client:
        return build_features_dask(
            data_dir, as_of, client=client, n_partitions=partitions, progress=step
        )


@contextmanager
def dask_client(scheduler: str | None, workers: int | None = None) -> Iterator[Any]:
    """A client of the Dask scheduler at ``scheduler``, or of a LocalCluster of ``workers``
    processes on this machine (default: Dask's choice) when none is given."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("the dask engine needs the extra: pip install 'talenta[dask]'") from None
    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1 if workers else None,
            processes=True, dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client
