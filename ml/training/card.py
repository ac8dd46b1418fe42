"""The model card: what a run trained on, how well it did against the baselines and the oracle,
how calibrated and how even across groups it is, its gates, and its limits. Markdown for MLflow
and the pages; the calibration plot as a PNG beside it."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: training runs on servers without a display
import matplotlib.pyplot as plt
import pandas as pd

from ml.contract import protected
from ml.markdown import markdown_table
from ml.training.train import TrainResult

CALIBRATION_PNG = "calibration.png"

LIMITATIONS = """\
- Labels are the *next* assessment within the horizon, so the model learns from employees who were
  assessed: units that never assess their staff are outside its experience.
- Assessments are integers observed with noise; no model can know a level between two
  assessments better than they allow. On generated data the oracle (which knows the true latent
  level on the date) shows how much of the remaining error is that, not the model, and the
  achievable bound (the generator's own posterior given the data) how much a model could still
  gain.
- Gender and age are never inputs. Error rates can still differ by group where the evidence does
  (fewer assessments of young employees): the fairness table shows it and a gate bounds it.
- The expected-appraisal model sees KPI attainment, assessed competencies, service feedback and
  360° input, never the rater, the unit or past ratings; what it cannot see (work not captured by
  KPIs) stays in its residuals, and the audit must treat residuals as evidence, not proof.
"""


def calibration_figure(table: pd.DataFrame, out: Path, ece: float) -> Path:
    """Reliability diagram: observed need rate against mean predicted probability per bin."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    ax.plot(table["mean_predicted"], table["observed_rate"], marker="o", label="need model")
    ax.set(xlabel="predicted need probability", ylabel="observed need rate", xlim=(0, 1),
           ylim=(0, 1), title=f"Calibration (test, ECE {ece:.3f})")  # fmt: skip
    ax.legend(loc="upper left")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def _fmt(value: float | None) -> str:
    return (
        "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3f}"
    )


def _table(frame: pd.DataFrame) -> str:
    return markdown_table(frame, _fmt)


def model_card(result: TrainResult) -> str:
    """The card as Markdown (the calibration plot is referenced as ``calibration.png``)."""
    m, d = result.metrics, result.data
    oracle = "oracle_roc_auc" in m
    sizes = d["need_examples"]
    kind = "generated, with ground truth" if d["generated"] else "real"
    headline = pd.DataFrame(
        [
            ("ROC AUC", m["test_roc_auc"], m["baseline_gap_roc_auc"],
             m["baseline_logistic_roc_auc"], m.get("achievable_roc_auc"), m.get("oracle_roc_auc")),
            ("PR AUC", m["test_pr_auc"], None, None, m.get("achievable_pr_auc"),
             m.get("oracle_pr_auc")),
            ("Brier", m["test_brier"], None, None, m.get("achievable_brier"),
             m.get("oracle_brier")),
            ("ECE", m["test_ece"], None, m["baseline_logistic_ece"], m.get("achievable_ece"),
             m.get("oracle_ece")),
        ],
        columns=["metric", "need model", "last gap carried forward", "logistic regression",
                 "achievable", "oracle"],
    )  # fmt: skip
    gates = pd.DataFrame(
        [("passed" if g.passed else "**FAILED**", g.name, g.message) for g in result.gate_results],
        columns=["result", "gate", "detail"],
    )
    sections = [
        "# Model card — talenta-need and talenta-expected-appraisal",
        "## Data",
        f"- Source: `{d['data_dir']}` ({kind}), {d['employees']:,} employees.",
        f"- Training-need examples on {', '.join(d['dates'])}: "
        f"{sizes['train']:,} train, {sizes['validation']:,} validation, {sizes['test']:,} test; "
        f"need rate {d['need_rate']:.1%}.",
        f"- Split by employee (hash of the NIP) and by time: the test is employees never trained "
        f"on, as of {d['test_as_of']}, labelled by assessments after it.",
        "- Features: the point-in-time competency profile (assessments, training, appraisals, "
        f"position, grade, tenure, education); {result.params['n_need_features']} columns. "
        "Gender and age are not among them.",
        "## Training need: quality",
        _table(headline),
        f"Calibration: {result.params['need_calibration_chosen']} (chosen on validation data). "
        + (
            f"Gap to the oracle: {m['oracle_gap_roc_auc']:.3f} ROC AUC."
            if oracle
            else "No oracle: real data has no ground truth."
        ),
        f"![calibration]({CALIBRATION_PNG})",
        "### By competency group",
        _table(result.tables["need_by_group"]),
        *_versus_bounds(result),
        f"## Fairness (test rows; threshold {result.params['threshold']})",
        "Error rates by protected group. The equalized-odds difference is the larger of the "
        "gaps in true- and false-positive rates between groups; a group with fewer than 50 "
        "positives (negatives) is shown but left out of the TPR (FPR) gap, its rate being noise.",
    ]
    for attribute in protected.ATTRIBUTES:
        key = f"test_equalized_odds_difference_{attribute}"
        sections += [
            f"### {attribute} — equalized-odds difference {_fmt(m.get(key))}",
            _table(result.tables[f"need_fairness_{attribute}"]),
        ]
    sections += [
        "## Expected appraisal",
        f"Target: {result.appraisal_target}; test RMSE {_fmt(m.get('appraisal_test_rmse'))}, "
        f"MAE {_fmt(m.get('appraisal_test_mae'))}, R² {_fmt(m.get('appraisal_test_r2'))}. "
        "Mean residual (given − expected) by group:",
        _table(result.tables["appraisal_residuals"]),
        "## Gates",
        _table(gates),
        "## Limitations",
        LIMITATIONS,
    ]
    return "\n\n".join(sections) + "\n"


def _versus_bounds(result: TrainResult) -> list[str]:
    """The model beside the achievable bound and the oracle by segment (generated data only)."""
    table = result.tables.get("need_versus_bounds")
    if table is None:
        return []
    return [
        "### Against the achievable bound and the oracle",
        "The achievable bound is the best any model could do from the data: the need probability "
        "of the generator's own posterior given what was known on the date. The oracle reads "
        "the true level, which no one observes. ROC AUC by segment; `gap_to_achievable` is "
        "bound − model (negative: the model is above the bound, which approximates).",
        _table(table),
    ]


def summary_lines(result: TrainResult) -> list[tuple[str, str]]:
    """The card's headline as (label, value) pairs, for the console."""
    m = result.metrics
    lines = [
        ("test ROC AUC", _fmt(m["test_roc_auc"])),
        ("baseline ROC AUC (best)", _fmt(m["baseline_roc_auc"])),
        ("test PR AUC", _fmt(m["test_pr_auc"])),
        ("test Brier", _fmt(m["test_brier"])),
        ("test ECE", _fmt(m["test_ece"])),
    ]
    if "oracle_roc_auc" in m:
        lines += [("oracle ROC AUC", _fmt(m["oracle_roc_auc"])),
                  ("gap to oracle", _fmt(m["oracle_gap_roc_auc"]))]  # fmt: skip
    if "achievable_roc_auc" in m:
        never = ("test_roc_auc_never_assessed", "achievable_roc_auc_never_assessed")
        lines += [
            ("achievable ROC AUC", _fmt(m["achievable_roc_auc"])),
            ("gap to achievable", _fmt(m["achievable_gap_roc_auc"])),
            ("never assessed: model / achievable", " / ".join(_fmt(m.get(k)) for k in never)),
        ]
    lines += [
        ("equalized-odds difference", _fmt(m["test_equalized_odds_difference"])),
        ("expected appraisal R²", _fmt(m.get("appraisal_test_r2"))),
    ]
    return lines
