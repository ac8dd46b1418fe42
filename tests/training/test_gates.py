"""Promotion gates: each gate at its boundary, disabled gates, missing metrics, threshold files."""

import json
import math
from pathlib import Path

import pydantic
import pytest

from ml.training.gates import GateResult, Gates, check_gates, failed

# Clear of every default threshold, so that one override at a time decides one gate.
PASSING = {
    "test_roc_auc": 0.9,
    "test_ece": 0.01,
    "oracle_roc_auc": 0.92,
    "achievable_roc_auc": 0.91,
    "test_equalized_odds_difference": 0.02,
    "baseline_roc_auc": 0.7,
    "appraisal_test_r2": 0.5,
}
ORDER = [
    "min_test_roc_auc",
    "max_test_ece",
    "max_oracle_gap",
    "max_achievable_gap",
    "max_equalized_odds_difference",
    "must_beat_baseline",
    "min_appraisal_r2",
]


def result(metrics: dict[str, float], name: str, gates: Gates | None = None) -> GateResult:
    (found,) = [r for r in check_gates(metrics, gates or Gates()) if r.name == name]
    return found


# (gate, metric overrides, passes) with the default thresholds
BOUNDARIES = [
    ("min_test_roc_auc", {"test_roc_auc": 0.75}, True),
    ("min_test_roc_auc", {"test_roc_auc": 0.7499}, False),
    ("max_test_ece", {"test_ece": 0.03}, True),
    ("max_test_ece", {"test_ece": 0.0301}, False),
    ("max_oracle_gap", {"oracle_roc_auc": 0.95}, True),
    ("max_oracle_gap", {"oracle_roc_auc": 0.9501}, False),
    # 0.80 - 0.75 is 0.05000000000000004 in floating point: still on the threshold.
    ("max_oracle_gap", {"oracle_roc_auc": 0.80, "test_roc_auc": 0.75}, True),
    ("max_achievable_gap", {"achievable_roc_auc": 0.92}, True),
    ("max_achievable_gap", {"achievable_roc_auc": 0.9201}, False),
    # A model above the bound (the bound's approximations, or test-set noise) passes.
    ("max_achievable_gap", {"achievable_roc_auc": 0.85}, True),
    ("max_equalized_odds_difference", {"test_equalized_odds_difference": 0.2}, True),
    ("max_equalized_odds_difference", {"test_equalized_odds_difference": 0.2001}, False),
    ("must_beat_baseline", {"baseline_roc_auc": 0.8999}, True),
    ("must_beat_baseline", {"baseline_roc_auc": 0.9}, False),
    ("min_appraisal_r2", {"appraisal_test_r2": 0.3}, True),
    ("min_appraisal_r2", {"appraisal_test_r2": 0.2999}, False),
]


@pytest.mark.parametrize(("gate", "overrides", "passes"), BOUNDARIES)
def test_each_gate_at_its_boundary(gate: str, overrides: dict[str, float], passes: bool) -> None:
    assert result({**PASSING, **overrides}, gate).passed is passes


def test_good_metrics_pass_every_gate_in_field_order() -> None:
    results = check_gates(PASSING, Gates())
    assert [r.name for r in results] == ORDER == list(Gates.model_fields)
    assert failed(results) == []


def test_results_carry_value_threshold_and_a_readable_message() -> None:
    ece = result({**PASSING, "test_ece": 0.041}, "max_test_ece")
    assert ece == GateResult("max_test_ece", False, 0.041, 0.03, "test ECE 0.041 > 0.030")
    baseline = result(PASSING, "must_beat_baseline")
    assert baseline.value == pytest.approx(0.2)
    assert baseline.threshold is True
    assert baseline.message == "test ROC AUC 0.900 > baseline 0.700"
    assert result(PASSING, "max_oracle_gap").value == pytest.approx(0.02)
    bound = result(PASSING, "max_achievable_gap")
    assert bound.value == pytest.approx(0.01)
    assert bound.message == "achievable gap (achievable - test ROC AUC) 0.010 <= 0.020"


def test_a_bound_without_a_test_roc_auc_fails() -> None:
    gap = result({"achievable_roc_auc": 0.9}, "max_achievable_gap")
    assert not gap.passed
    assert "'test_roc_auc'" in gap.message


@pytest.mark.parametrize("gate", ORDER)
def test_a_disabled_gate_is_skipped(gate: str) -> None:
    gates = Gates.model_validate({gate: False if gate == "must_beat_baseline" else None})
    names = [r.name for r in check_gates({**PASSING, "test_ece": 1.0}, gates)]
    assert names == [name for name in ORDER if name != gate]


def test_with_every_gate_disabled_nothing_is_checked() -> None:
    gates = Gates.model_validate(
        {name: False if name == "must_beat_baseline" else None for name in ORDER}
    )
    assert check_gates({}, gates) == []


def test_missing_metrics_fail_except_the_oracle_and_bound_which_are_skipped() -> None:
    results = check_gates({}, Gates())
    skipped = ("max_oracle_gap", "max_achievable_gap")
    assert [r.name for r in results] == [name for name in ORDER if name not in skipped]
    assert failed(results) == results
    assert all(r.value is None for r in results)
    assert results[0].message == "min_test_roc_auc: the metrics lack 'test_roc_auc'"
    assert "'baseline_roc_auc'" in results[3].message


def test_an_oracle_without_a_test_roc_auc_fails() -> None:
    gap = result({"oracle_roc_auc": 0.9}, "max_oracle_gap")
    assert not gap.passed
    assert "'test_roc_auc'" in gap.message


@pytest.mark.parametrize("metric", list(PASSING))
def test_a_nan_metric_fails(metric: str) -> None:
    results = check_gates({**PASSING, metric: math.nan}, Gates())
    assert failed(results)
    assert all("NaN" in r.message for r in failed(results))


def test_failed_keeps_the_failures_in_order() -> None:
    results = check_gates({**PASSING, "test_ece": 0.5, "appraisal_test_r2": 0.0}, Gates())
    assert [r.name for r in failed(results)] == ["max_test_ece", "min_appraisal_r2"]


def test_gates_are_frozen_and_refuse_unknown_or_invalid_thresholds() -> None:
    gates = Gates()
    with pytest.raises(pydantic.ValidationError):
        gates.max_test_ece = 0.5
    with pytest.raises(pydantic.ValidationError):
        Gates(max_ece=0.05)  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError):
        Gates(max_test_ece=math.nan)


def test_from_yaml_overrides_and_disables(tmp_path: Path) -> None:
    path = tmp_path / "gates.yaml"
    path.write_text("max_test_ece: 0.05\nmin_appraisal_r2: null\nmust_beat_baseline: false\n")
    gates = Gates.from_file(path)
    assert gates == Gates(max_test_ece=0.05, min_appraisal_r2=None, must_beat_baseline=False)


def test_from_json(tmp_path: Path) -> None:
    path = tmp_path / "gates.json"
    path.write_text(json.dumps({"min_test_roc_auc": 0.8}))
    assert Gates.from_file(path) == Gates(min_test_roc_auc=0.8)


def test_an_empty_yaml_file_keeps_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "gates.yml"
    path.write_text("")
    assert Gates.from_file(path) == Gates()


# (name, content, message fragment besides the file's name)
BAD_FILES = [
    (
        "gates.yaml",
        "max_ece: 0.05\nmin_test_roc_auc: 0.8\nfoo: 1\n",
        r"unknown gates \['foo', 'max_ece'\]",
    ),
    ("gates.yaml", "- 0.05\n", "expected a mapping"),
    ("gates.yaml", "max_test_ece: 2\n", "max_test_ece"),
    ("gates.toml", "max_test_ece = 0.05\n", "not '.toml'"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_bad_files_name_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as error:
        Gates.from_file(path)
    assert str(path) in str(error.value)


def test_an_unmeasured_fairness_metric_fails_its_gate() -> None:
    from ml.training.gates import Gates, check_gates

    metrics = {
        "test_roc_auc": 0.9, "test_ece": 0.01, "baseline_roc_auc": 0.8,
        "test_equalized_odds_difference": float("nan"), "appraisal_test_r2": 0.5,
    }  # fmt: skip
    results = {g.name: g for g in check_gates(metrics, Gates())}
    assert not results["max_equalized_odds_difference"].passed
