"""Shared fixtures: a small generated workforce on disk, and the real datasets when present."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ml.synth import SynthConfig, generate_workforce, write_workforce

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
MAPPINGS = Path(__file__).resolve().parents[1] / "data" / "mappings"


MLFLOW_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


@pytest.fixture(autouse=True)
def _mlflow_locations_restored() -> Iterator[None]:
    """``mlflow.set_tracking_uri`` also writes MLFLOW_TRACKING_URI into the environment (for
    subprocesses), where Talenta's settings would read it in the next test: put it back."""
    saved = {name: os.environ.get(name) for name in MLFLOW_VARIABLES}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def workforce_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean 400-employee workforce (seed 11) written as CSV; treat it as read-only."""
    out = tmp_path_factory.mktemp("workforce")
    write_workforce(generate_workforce(SynthConfig(employees=400, seed=11)), out)
    return out


# The partitioned workforce the out-of-core tests share (generation, features, scores): 3,000
# employees in shards of at most 1,000, so that agencies are cut into blocks.
SHARDED = SynthConfig(employees=3000, seed=11)
SHARD_SIZE = 1000


@pytest.fixture(scope="session")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``SHARDED`` written by the sharded generator (partitioned Parquet); read-only."""
    from ml.pipelines.generate import generate_sharded

    out = tmp_path_factory.mktemp("sharded")
    generate_sharded(SHARDED, out, shard_size=SHARD_SIZE)
    return out


@pytest.fixture(scope="session")
def sharded_flat(sharded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same workforce joined into one file per table, for the in-memory paths; read-only."""
    from ml.pipelines.generate import flatten_shards

    out = tmp_path_factory.mktemp("flat")
    flatten_shards(sharded, out)
    return out


@pytest.fixture(scope="module")
def dask_client() -> Iterator[object]:
    """A LocalCluster of two one-thread worker processes and its client."""
    distributed = pytest.importorskip("distributed", reason="the Dask path needs talenta[dask]")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture
def workforce_copy(workforce_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the small workforce, for tests that corrupt it."""
    return Path(shutil.copytree(workforce_dir, tmp_path / "w"))


def external(name: str) -> Path:
    """A real dataset of ../shared/data/external, or skip: user clones do not carry them."""
    path = EXTERNAL / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the real datasets live only beside the project repo)")
    return path
