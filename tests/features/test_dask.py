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


def test_dask_with_more_groups_than_employees_and_absent_tables(
    client: object, tmp_path: Path, workforce_dir: Path
) -> None:
    import shutil

    from ml.features.distributed import build_features_dask, sorted_like_dask

    for name in ("employees", "appraisals"):
        shutil.copy(workforce_dir / f"{name}.csv", tmp_path)
    employees = pd.read_csv(tmp_path / "employees.csv", dtype=str).head(3)
    employees.to_csv(tmp_path / "employees.csv", index=False)
    expected = sorted_like_dask(build_features(load_tables(tmp_path), "2025-06-30"))
    got = build_features_dask(tmp_path, "2025-06-30", client=client, n_partitions=8)
    pd.testing.assert_frame_equal(got.employees, expected.employees)
    assert len(got.employees) == 3


def test_dask_refuses_unparsable_cells_like_pandas(
    client: object, tmp_path: Path, workforce_dir: Path
) -> None:
    import shutil

    from ml.features.distributed import build_features_dask
    from ml.features.pipeline import FeatureInputError

    data = Path(shutil.copytree(workforce_dir, tmp_path / "w"))
    frame = pd.read_csv(data / "competency_assessments.csv", dtype=str)
    frame.loc[7, "level"] = "three"
    frame.to_csv(data / "competency_assessments.csv", index=False)
    with pytest.raises(FeatureInputError, match="do not parse"):
        build_features_dask(data, "2025-06-30", client=client, n_partitions=2)
