"""Out-of-core scoring: predictions and top-3 TreeSHAP reasons partition by partition (and on
Dask) equal the in-memory scores row for row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ml.errors import InputError
from ml.features.io import load_tables
from ml.pipelines.featurise_partitioned import featurise_partitioned
from ml.pipelines.score_partitioned import partitioned_as_of, score_partitioned
from ml.pipelines.train import read_training_data
from ml.synth import SynthConfig, generate_workforce, write_workforce
from ml.training.bundle import NEED, Bundle
from ml.training.score import latest_as_of, score_workforce
from ml.training.train import TrainingConfig, train

FAST = {"n_estimators": 120, "learning_rate": 0.1, "n_jobs": 1}
AS_OF = pd.Timestamp("2026-01-01")
KEYS = ["employee_id", "competency_code"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    data = tmp_path_factory.mktemp("training")
    write_workforce(generate_workforce(SynthConfig(employees=1500, seed=4)), data)
    result = train(
        read_training_data(data), TrainingConfig(need_params=FAST, appraisal_params=FAST)
    )
    return Bundle(NEED, result.need.model, result.need.design)


@pytest.fixture(scope="module")
def expected(sharded_flat: Path, bundle: Bundle) -> pd.DataFrame:
    return _canonical(score_workforce(load_tables(sharded_flat), bundle, AS_OF))


def _canonical(scores: pd.DataFrame) -> pd.DataFrame:
    return scores.sort_values(KEYS, kind="stable").reset_index(drop=True)


def _gathered(out: Path) -> pd.DataFrame:
    return _canonical(
        pd.concat(
            [pd.read_parquet(p) for p in sorted(out.glob("part-*.parquet"))], ignore_index=True
        )
    )


def test_partition_by_partition_equals_in_memory(
    sharded: Path, bundle: Bundle, expected: pd.DataFrame, tmp_path: Path
) -> None:
    result = score_partitioned(sharded, bundle, AS_OF, tmp_path / "scores")
    got = _gathered(tmp_path / "scores")
    pd.testing.assert_frame_equal(got, expected)
    assert result.rows == len(expected) and result.explained == int(expected["explained"].sum())
    # every employee's three most likely needs carry three reasons
    explained = got[got["explained"]]
    assert explained.groupby("employee_id").size().max() == 3
    assert explained["reason_3_feature"].notna().all()


def test_scoring_reads_partitioned_features(
    sharded: Path, bundle: Bundle, expected: pd.DataFrame, tmp_path: Path
) -> None:
    featurise_partitioned(sharded, AS_OF, tmp_path / "features")
    score_partitioned(
        sharded, bundle, AS_OF, tmp_path / "scores", features_dir=tmp_path / "features"
    )
    pd.testing.assert_frame_equal(_gathered(tmp_path / "scores"), expected)


def test_default_date_is_the_in_memory_scorers(sharded: Path, sharded_flat: Path) -> None:
    assert partitioned_as_of(sharded) == latest_as_of(load_tables(sharded_flat)) == AS_OF


def test_a_flat_directory_is_refused(bundle: Bundle, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a partitioned directory"):
        score_partitioned(tmp_path, bundle, AS_OF, tmp_path / "scores")


def test_partitions_on_dask_equal_in_memory(
    dask_client: object, sharded: Path, bundle: Bundle, expected: pd.DataFrame, tmp_path: Path
) -> None:
    score_partitioned(sharded, bundle, AS_OF, tmp_path / "scores", client=dask_client)
    pd.testing.assert_frame_equal(_gathered(tmp_path / "scores"), expected)
