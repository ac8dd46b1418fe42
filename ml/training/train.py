"""Training both models on a data directory: examples, split, fit, evaluate against baselines and
(on generated data) the oracle, check the gates. Pure of MLflow: :mod:`ml.training.registry`
logs what this returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ml.contract import protected
from ml.contract.protected import AGE_BANDS
from ml.errors import InputError
from ml.features import build_training_examples
from ml.features.pipeline import INPUT_COLUMNS
from ml.features.point_in_time import Tables
from ml.training.achievable import BoundInputs, achievable_need_probability
from ml.training.appraisal import ExpectedAppraisalRegressor
from ml.training.appraisal_examples import APPRAISAL_NOT_FEATURES, appraisal_examples
from ml.training.baseline import carried_forward_gap, logistic_baseline, logistic_inputs
from ml.training.bounds import achievable_metrics, versus_bounds
from ml.training.calibration import fit_calibrator
from ml.training.dataset import Split, employee_groups, label_dates, split_examples
from ml.training.design import Design
from ml.training.gates import GateResult, Gates, check_gates
from ml.training.metrics import (
    GroupErrorRates,
    binary_scores,
    calibration_table,
    error_rates_by_group,
    regression_scores,
    scores_by,
)
from ml.training.need import TrainingNeedClassifier
from ml.training.oracle import oracle_score

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TrainingConfig:
    """What ``talenta train`` does; every field has a command-line option or a default."""

    validation_share: float = 0.15
    test_share: float = 0.15
    horizon_months: int = 24
    threshold: float = 0.5  # need probability from which a competency is flagged for training
    need_params: dict[str, Any] = field(default_factory=dict)
    appraisal_params: dict[str, Any] = field(default_factory=dict)
    gates: Gates = field(default_factory=Gates)
    seed: int = 0


@dataclass
class TrainedModel:
    model: TrainingNeedClassifier | ExpectedAppraisalRegressor
    design: Design
    input_example: pd.DataFrame  # a few raw rows (before the design), for MLflow's signature


@dataclass
class TrainResult:
    need: TrainedModel
    appraisal: TrainedModel
    appraisal_target: str
    metrics: dict[str, float]
    params: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    gate_results: list[GateResult]
    data: dict[str, Any]

    @property
    def gates_passed(self) -> bool:
        return all(g.passed for g in self.gate_results)


@dataclass(frozen=True)
class TrainingData:
    """What training reads (``ml.pipelines.train.read_training_data`` reads it from a data
    directory): the contract tables (without protected attributes), the protected attributes
    apart (for the group metrics alone), and on generated data the ground truth the oracle and
    the achievable bound compare with."""

    tables: Tables
    people: pd.DataFrame  # employee_id and the protected source columns (ml.contract.protected)
    source: str  # where the data came from, for the model card and MLflow
    latent: pd.DataFrame | None = None  # true latent levels (generated data)
    bound: BoundInputs | None = None  # the generator's parameters (generated data)

    @property
    def generated(self) -> bool:
        return self.latent is not None


# What training reads of the contract: the feature pipeline's columns, and the rater for the
# audit's sake (kept on the appraisal examples), never a feature.
TRAINING_COLUMNS = {**INPUT_COLUMNS, "appraisals": (*INPUT_COLUMNS["appraisals"], "rater_id")}


def train(
    data: TrainingData, config: TrainingConfig | None = None, progress: Progress | None = None
) -> TrainResult:
    """Train and evaluate both models on ``data``."""
    config = config or TrainingConfig()
    step = progress or (lambda _: None)
    tables = data.tables
    dates = label_dates(tables)
    step(f"need examples on {len(dates)} dates")
    examples = build_training_examples(tables, dates, horizon_months=config.horizon_months)
    split = split_examples(
        examples, dates, validation_share=config.validation_share, test_share=config.test_share
    )
    step(f"need model on {len(split.train):,} examples")
    need, need_metrics, need_tables = _need(split, data, config)
    step("expected-appraisal model")
    appraisal, target, appraisal_metrics, appraisal_tables = _appraisal(tables, data, config)
    metrics = {**need_metrics, **appraisal_metrics}
    params = {
        **{f"need_{k}": v for k, v in need.model.get_params().items()},
        **{f"appraisal_{k}": v for k, v in appraisal.model.get_params().items()},
        "need_calibration_chosen": need.model.calibrator_.kind,
        "need_best_iteration": need.model.best_iteration_,
        "appraisal_best_iteration": appraisal.model.best_iteration_,
        "appraisal_target": target,
        "threshold": config.threshold,
        "horizon_months": config.horizon_months,
        "as_of_dates": ",".join(str(d.date()) for d in dates),
        "test_as_of": str(split.test_as_of.date()),
        "n_need_features": len(need.design.columns),
        "n_appraisal_features": len(appraisal.design.columns),
    }
    described = {
        "data_dir": data.source,
        "employees": int(tables["employees"]["employee_id"].nunique()),
        "dates": [str(d.date()) for d in dates],
        "test_as_of": str(split.test_as_of.date()),
        "need_examples": split.sizes(),
        "need_rate": float(examples["need"].mean()),
        "generated": data.generated,
    }
    gate_results = check_gates(metrics, config.gates)
    return TrainResult(
        need, appraisal, target, metrics, params, {**need_tables, **appraisal_tables},
        gate_results, described,
    )  # fmt: skip


def _need(
    split: Split, data: TrainingData, config: TrainingConfig
) -> tuple[TrainedModel, dict[str, float], dict[str, pd.DataFrame]]:
    design = Design.from_frame(split.train)
    X_train, X_val, X_test = (design.matrix(f) for f in (split.train, split.validation, split.test))
    y_train, y_val, y_test = (
        f["need"].to_numpy() for f in (split.train, split.validation, split.test)
    )
    model = TrainingNeedClassifier(random_state=config.seed, **config.need_params)
    model.fit(X_train, y_train, eval_set=(X_val, y_val))
    p = model.predict_proba(X_test)[:, 1]
    metrics: dict[str, float] = {}
    scores = binary_scores(y_test, p)
    metrics |= {
        f"test_{k}": float(getattr(scores, k)) for k in ("roc_auc", "pr_auc", "brier", "ece")
    }
    metrics |= {"test_n": scores.n, "test_positives": scores.positives}
    metrics["validation_roc_auc"] = binary_scores(y_val, model.predict_proba(X_val)[:, 1]).roc_auc

    # Baselines: the last gap carried forward, and a logistic regression.
    fill = float(np.nanmean(carried_forward_gap(split.train, np.nan)))
    gap = binary_scores(y_test, _rank01(carried_forward_gap(split.test, fill)))
    logistic = logistic_baseline(design, X_train, y_train)
    logit = binary_scores(y_test, logistic.predict_proba(logistic_inputs(design, X_test))[:, 1])
    metrics |= {
        "baseline_gap_roc_auc": gap.roc_auc,
        "baseline_logistic_roc_auc": logit.roc_auc,
        "baseline_logistic_ece": logit.ece,
        "baseline_roc_auc": max(gap.roc_auc, logit.roc_auc),
    }

    test = split.test.assign(y=y_test, p=p)
    tables = {
        "need_by_group": scores_by(test, "competency_group"),
        "need_calibration": calibration_table(y_test, p),
    }
    latent = data.latent
    if latent is not None:
        metrics |= _oracle(split, latent, y_val, y_test)
        metrics["oracle_gap_roc_auc"] = metrics["oracle_roc_auc"] - metrics["test_roc_auc"]
        bound = data.bound
        if bound is not None:
            # The best any model could do from the data (generator's posterior): how much of the
            # oracle gap is left to close, overall and where the evidence differs.
            p_bound = achievable_need_probability(
                split.test, bound.tables, bound.program_effects, bound.settings
            )
            metrics |= achievable_metrics(y_test, p, p_bound)
            table, by_segment = versus_bounds(
                split.test, y_test, p, p_bound, oracle_score(split.test, latent)
            )
            metrics |= by_segment
            tables["need_versus_bounds"] = table

    # Error rates by protected group, on the test rows (attributes joined here, for this alone).
    people = data.people.set_index("employee_id")
    groups = protected.derive(people.reindex(split.test["employee_id"]), split.test_as_of.year)
    measured = []
    for attribute in protected.ATTRIBUTES:
        values = pd.Series(groups[attribute], dtype="object").replace("", None).to_numpy()
        rates: GroupErrorRates = error_rates_by_group(y_test, p, values, config.threshold)
        tables[f"need_fairness_{attribute}"] = _in_band_order(rates.table)
        metrics[f"test_equalized_odds_difference_{attribute}"] = rates.equalized_odds_difference
        if not np.isnan(rates.equalized_odds_difference):
            measured.append(rates.equalized_odds_difference)
    # NaN when no attribute could be measured: the gate then fails rather than passing blind.
    metrics["test_equalized_odds_difference"] = max(measured) if measured else float("nan")
    return TrainedModel(model, design, _example(split.test, design)), metrics, tables


def _oracle(
    split: Split, latent: pd.DataFrame, y_val: np.ndarray, y_test: np.ndarray
) -> dict[str, float]:
    val_score, test_score = oracle_score(split.validation, latent), oracle_score(split.test, latent)
    known_val, known = ~np.isnan(val_score), ~np.isnan(test_score)
    calibrate = fit_calibrator(val_score[known_val], y_val[known_val], "isotonic")
    scores = binary_scores(y_test[known], calibrate(test_score[known]))
    # AUC from the raw score: isotonic steps would tie rows the truth still orders.
    auc = binary_scores(y_test[known], _rank01(test_score[known])).roc_auc
    return {
        "oracle_roc_auc": auc,
        "oracle_pr_auc": scores.pr_auc,
        "oracle_brier": scores.brier,
        "oracle_ece": scores.ece,
        "oracle_coverage": float(known.mean()),
    }


def _example(rows: pd.DataFrame, design: Design) -> pd.DataFrame:
    """A few rows of model input for MLflow's signature. Integer columns become floats: the
    signature would otherwise refuse a request with a missing value in them."""
    example = rows[list(design.columns)].head(5)
    integers = [c for c in example.columns if pd.api.types.is_integer_dtype(example[c])]
    return example.astype(dict.fromkeys(integers, "float64"))


def _in_band_order(table: pd.DataFrame) -> pd.DataFrame:
    """Age bands youngest first (as text "<30" sorts after "50+")."""
    order = {label: i for i, (_, label) in enumerate(AGE_BANDS)}
    return table.sort_values("group", key=lambda g: g.map(order).fillna(-1)).reset_index(drop=True)


def _rank01(score: np.ndarray) -> np.ndarray:
    """A score as values in [0, 1] with the same order (for metrics that want probabilities)."""
    return pd.Series(score).rank(pct=True).to_numpy()


def _appraisal(
    tables: Tables, data: TrainingData, config: TrainingConfig
) -> tuple[TrainedModel, str, dict[str, float], dict[str, pd.DataFrame]]:
    examples, target = appraisal_examples(tables)
    design = Design.from_frame(examples, exclude=APPRAISAL_NOT_FEATURES)
    group = employee_groups(examples["employee_id"], config.validation_share, config.test_share)
    last = examples["period_end"].max()
    # By time too when there are several periods: train on the earlier, test on the last.
    timed = examples["period_end"].nunique() > 1
    in_last = (examples["period_end"] == last).to_numpy() if timed else np.ones(len(examples), bool)
    before = ~in_last if timed else in_last
    parts = {
        "train": examples[(group == "train") & before],
        "validation": examples[(group == "validation") & in_last],
        "test": examples[(group == "test") & in_last],
    }
    for name, part in parts.items():
        if len(part) < 10:
            raise InputError(
                f"too few appraisals for the expected-appraisal {name} set ({len(part)})"
            )
    model = ExpectedAppraisalRegressor(random_state=config.seed, **config.appraisal_params)
    model.fit(
        design.matrix(parts["train"]), parts["train"]["rating_value"],
        eval_set=(design.matrix(parts["validation"]), parts["validation"]["rating_value"]),
    )  # fmt: skip
    test = parts["test"]
    predicted = model.predict(design.matrix(test))
    scores = regression_scores(test["rating_value"].to_numpy(), predicted)
    metrics = {f"appraisal_test_{k}": float(v) for k, v in scores.items()}
    people = data.people.set_index("employee_id").reindex(test["employee_id"])
    year = test["period_end"].dt.year.to_numpy()
    residuals = protected.derive(people, year).assign(
        residual=test["rating_value"].to_numpy() - predicted
    )
    table = pd.concat(
        [
            residuals.groupby(a)["residual"]
            .agg(["size", "mean", "sem"])
            .rename_axis("group")
            .reset_index()
            .assign(attribute=a)
            for a in protected.ATTRIBUTES
        ]
    )[["attribute", "group", "size", "mean", "sem"]]
    table = table.rename(columns={"size": "n", "mean": "mean_residual", "sem": "standard_error"})
    tables = {"appraisal_residuals": table}
    return TrainedModel(model, design, _example(test, design)), target, metrics, tables
