"""Out-of-core features: a partitioned directory, one partition at a time (and on Dask), gives
the in-memory run's features row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.errors import InputError
from ml.features import FeatureSet, build_features
from ml.features.distributed import _combine, sorted_like_dask
from ml.features.io import load_tables, partitions
from ml.pipelines.featurise_partitioned import featurise_partitioned, read_part
from tests.conftest import SHARDED


def _gathered(out: Path, parts: list[str]) -> FeatureSet:
    return _combine([read_part(out, p) for p in parts])


def _assert_same(got: FeatureSet, expected: FeatureSet) -> None:
    pd.testing.assert_frame_equal(got.competencies, expected.competencies)
    pd.testing.assert_frame_equal(got.employees, expected.employees)
    assert got.employee_columns == expected.employee_columns


@pytest.mark.parametrize("as_of", ["2023-06-30", "2025-12-31"])
def test_partition_by_partition_equals_in_memory(
    sharded: Path, sharded_flat: Path, tmp_path: Path, as_of: str
) -> None:
    expected = sorted_like_dask(build_features(load_tables(sharded_flat), as_of))
    result = featurise_partitioned(sharded, pd.Timestamp(as_of), tmp_path)
    assert len(result.parts) == len(partitions(sharded)) > 4
    assert result.rows == {
        "competencies": len(expected.competencies),
        "employees": len(expected.employees),
    }
    _assert_same(_gathered(tmp_path, result.parts), expected)
    assert len(expected.employees) > 0.875 * SHARDED.employees  # most are on the roster


def test_each_part_holds_its_partitions_employees(sharded: Path, tmp_path: Path) -> None:
    result = featurise_partitioned(sharded, pd.Timestamp("2025-12-31"), tmp_path)
    for part in result.parts:
        people = set(pd.read_parquet(sharded / "employees" / part)["employee_id"])
        assert set(read_part(tmp_path, part).employees["employee_id"]) <= people


def test_a_flat_directory_is_refused(sharded_flat: Path, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a partitioned directory"):
        featurise_partitioned(sharded_flat, pd.Timestamp("2025-12-31"), tmp_path)


def test_partitions_on_dask_equal_in_memory(
    dask_client: object, sharded: Path, sharded_flat: Path, tmp_path: Path
) -> None:
    expected = sorted_like_dask(build_features(load_tables(sharded_flat), "2025-12-31"))
    result = featurise_partitioned(
        sharded, pd.Timestamp("2025-12-31"), tmp_path, client=dask_client
    )
    _assert_same(_gathered(tmp_path, result.parts), expected)
