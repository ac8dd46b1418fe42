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


def test_the_achievable_bound_sits_below_the_oracle_and_is_calibrated(trained: TrainResult) -> None:
    m = trained.metrics
    assert m["achievable_coverage"] == 1.0
    assert m["baseline_gap_roc_auc"] < m["achievable_roc_auc"] < m["oracle_roc_auc"]
    # The posterior's probabilities are calibrated when the bound models the generator right.
    assert m["achievable_ece"] < 0.05
    assert m["achievable_gap_roc_auc"] == m["achievable_roc_auc"] - m["test_roc_auc"]


def test_model_bound_and_oracle_are_compared_by_segment(trained: TrainResult) -> None:
    table = trained.tables["need_versus_bounds"].set_index("segment")
    assert {"ALL", "MANAJERIAL", "ASSESSED_BEFORE", "NEVER_ASSESSED"} <= set(table.index)
    assert (
        table.loc["ASSESSED_BEFORE", "n"] + table.loc["NEVER_ASSESSED", "n"]
        == table.loc["ALL", "n"]
    )
    assert table.loc["ALL", "achievable_roc_auc"] == trained.metrics["achievable_roc_auc"]
    for segment in ("assessed_before", "never_assessed"):
        assert np.isfinite(trained.metrics[f"achievable_roc_auc_{segment}"])
    # What separates bound from oracle is information, largest where nothing was assessed.
    never = table.loc["NEVER_ASSESSED"]
    assessed = table.loc["ASSESSED_BEFORE"]
    assert never["oracle_roc_auc"] - never["achievable_roc_auc"] > (
        assessed["oracle_roc_auc"] - assessed["achievable_roc_auc"]
    )
