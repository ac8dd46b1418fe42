"""Training end to end on a small generated workforce: the metrics the issue names, the oracle,
the baselines and the group error rates."""

from __future__ import annotations

import numpy as np

from ml.contract.protected import NEVER_MODEL_INPUTS as PROTECTED
from ml.training.train import TrainResult

REQUIRED = ("test_roc_auc", "oracle_roc_auc", "test_pr_auc", "test_brier", "test_ece")


def test_the_run_reports_every_required_metric(trained: TrainResult) -> None:
    for name in REQUIRED:
        assert np.isfinite(trained.metrics[name]), name


def test_the_model_sits_between_the_baseline_and_the_oracle(trained: TrainResult) -> None:
    m = trained.metrics
    assert m["baseline_gap_roc_auc"] < m["test_roc_auc"] < m["oracle_roc_auc"]
    assert m["test_roc_auc"] > 0.8
    assert m["oracle_coverage"] > 0.99


def test_no_protected_attribute_is_a_model_input(trained: TrainResult) -> None:
    for model in (trained.need, trained.appraisal):
        assert not set(model.design.columns) & PROTECTED
    # nor the rater or the unit (the rater's proxy) in the expected-appraisal model
    assert not {"rater_id", "unit_id"} & set(trained.appraisal.design.columns)


def test_error_rates_are_reported_by_gender_and_age_band(trained: TrainResult) -> None:
    assert set(trained.tables["need_fairness_gender"]["group"]) == {"L", "P"}
    assert {"<30", "30-39", "40-49", "50+"} >= set(
        trained.tables["need_fairness_age_band"]["group"]
    )
    assert 0 <= trained.metrics["test_equalized_odds_difference"] <= 1


def test_the_expected_appraisal_model_explains_ratings(trained: TrainResult) -> None:
    assert trained.appraisal_target == "ratings"
    assert trained.metrics["appraisal_test_r2"] > 0.2
