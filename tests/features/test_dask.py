"""The Dask engine gives the pandas engine's features, row for row, on a real LocalCluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ml.features import build_features
from ml.features.io import load_tables

distributed = pytest.importorskip("distributed", reason="the Dask engine needs talenta[dask]")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.mark.parametrize("as_of", ["2023-06-30", "2025-12-31"])
def test_dask_equals_pandas(client: object, workforce_dir: Path, as_of: str) -> None:
    from ml.features.distributed import build_features_dask, sorted_like_dask

    expected = sorted_like_dask(build_features(load_tables(workforce_dir), as_of))
    got = build_features_dask(
        workforce_dir, as_of, client=client, n_partitions=3, blocksize="200KB"
    )
    pd.testing.assert_frame_equal(got.competencies, expected.competencies)
    pd.testing.assert_frame_equal(got.employees, expected.employees)
    assert got.employee_columns == expected.employee_columns
    assert len(got.employees) > 300
