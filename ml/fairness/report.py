"""The audit's outputs: the CSV files of design §6 and ``audit.md``, a report a merit committee
can read, with a forest plot of rater effects and a chart of group disparity."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only
import matplotlib.pyplot as plt
import pandas as pd

from ml.fairness.audit import AuditResult
from ml.fairness.coverage import summary_lines
from ml.fairness.scores import MIN_CURVE_UNIT
from ml.markdown import markdown_table

FOREST_PNG = "rater_effects.png"
DISPARITY_PNG = "group_disparity.png"
MAX_FOREST = 40

ASSUMPTION = """\
**How to read this audit.** Where each employee is rated by one superior, comparing raters with
one another would confuse a harsh rater with a weak unit. Talenta instead measures every rating
against evidence the rater does not produce — KPI attainment, independent competency
assessments, service users' feedback and 360° input — through a model of the rating from that
evidence alone (never the rater, the unit, past ratings, gender or age), cross-fitted by rater.
A *residual* is the given rating minus that expectation, in rating steps (one step: DI_BAWAH →
SESUAI → DI_ATAS). Rater effects are estimated in a crossed model (rater as a fixed effect,
ratee as a random one: a ratee's other raters, in a panel or after rotation, separate the
rater from the ratee), unshrunk, with 95% intervals; the *minimum detectable effect* says how
large a bias the data could have shown for that rater. Group and differential tests use only
evidence independent of the ratings under audit (never the consensus of the same ratings). The
assumption: what the evidence misses is not systematically different between raters or groups.
Where the evidence is thin or itself biased, a flag is a question for the committee, not a
verdict. q-values control the false-discovery rate within each family (Benjamini–Hochberg).
"""


def write_report(result: AuditResult, out: Path) -> dict[str, Path]:
    """Write ``rater_flags.csv``, ``group_disparity.csv``, ``score_flags.csv``,
    ``predikat_mismatches.csv``, ``curve_breaks.csv``, the plots and ``audit.md`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "rater_flags": out / "rater_flags.csv",
        "group_disparity": out / "group_disparity.csv",
        "score_flags": out / "score_flags.csv",
        "predikat_mismatches": out / "predikat_mismatches.csv",
        "curve_breaks": out / "curve_breaks.csv",
    }
    for name, path in paths.items():
        getattr(result, name).to_csv(path, index=False)
    paths["forest"] = _forest(result.rater_flags, out / FOREST_PNG)
    paths["disparity"] = _disparity(result.group_disparity, out / DISPARITY_PNG)
    paths["report"] = out / "audit.md"
    paths["report"].write_text(audit_markdown(result))
    return paths


def _forest(raters: pd.DataFrame, path: Path) -> Path:
    flagged = raters[raters["flagged"].astype(bool)].head(MAX_FOREST).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, max(2.5, 0.28 * len(flagged) + 1)))
    labels = [
        f"{rater} {str(kind)[:3]} {group}".strip()
        for rater, kind, group in zip(
            flagged["rater_id"], flagged["kind"], flagged["group"], strict=True
        )
    ]
    y = range(len(flagged))
    ax.errorbar(
        flagged["effect"], list(y),
        xerr=[flagged["effect"] - flagged["ci_low"], flagged["ci_high"] - flagged["effect"]],
        fmt="o", color="#2b6cb0", ecolor="#90cdf4", capsize=2,
    )  # fmt: skip
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(list(y), labels, fontsize=7)
    ax.set_xlabel("effect (rating steps, shrunk) with 95% interval")
    ax.set_title(f"Flagged raters (first {len(flagged)})" if len(flagged) else "No flagged rater")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _disparity(groups: pd.DataFrame, path: Path) -> Path:
    overall = groups[groups["scope"] == "ALL"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    labels = [f"{r.attribute}={r.group}" for r in overall.itertuples()]
    y = range(len(overall))
    ax.errorbar(
        overall["conditional_effect"], list(y),
        xerr=[overall["conditional_effect"] - overall["ci_low"],
              overall["ci_high"] - overall["conditional_effect"]],
        fmt="s", color="#c05621", ecolor="#fbd38d", capsize=2,
    )  # fmt: skip
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(list(y), labels, fontsize=8)
    ax.set_xlabel("group − others, mean residual (rating steps), 95% interval")
    ax.set_title("Disparity after accounting for the evidence (whole workforce)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _md(frame: pd.DataFrame, limit: int = 20) -> str:
    if frame.empty:
        return "_none_"
    table = markdown_table(frame.head(limit), lambda v: f"{v:.3g}")
    more = [f"\n… and {len(frame) - limit:,} more (see the CSV)"] if len(frame) > limit else []
    return "\n".join([table, *more])


def audit_markdown(result: AuditResult) -> str:
    raters = result.rater_flags
    overall = raters[raters["group"] == ""]
    drf = raters[raters["group"] != ""]
    groups = result.group_disparity
    lines = [
        "# Appraisal fairness audit",
        "## What was audited",
        "\n".join(f"- {line}" for line in summary_lines(result.coverage, result.design)),
        ASSUMPTION,
        f"Appraisals audited: {len(result.frame):,} official ratings of "
        f"{result.frame['employee_id'].nunique():,} employees by "
        f"{result.frame['rater_id'].nunique():,} raters; residuals in "
        f"{'the dataset’s own score units' if result.target == 'score' else 'rating steps'}"
        + (
            " (the data's numeric score, not the two ekspektasi ratings)."
            if result.target == "score"
            else "."
        ),
        "## 1. Rater effects (leniency and severity)",
        f"{int(overall['flagged'].sum())} of {int((overall['kind'] != 'INSUFFICIENT_DATA').sum())} "
        f"raters with enough ratees flagged; "
        f"{int((overall['kind'] == 'INSUFFICIENT_DATA').sum())} have too few ratees to judge.",
        _md(overall[overall["flagged"]]),
        "UNRESOLVED: the rater's ratings lean, but a group with too few ratees on one side to "
        "be judged may carry it all (the ratings outside that group are consistent with no "
        "effect): towards everyone or towards that group cannot be told apart.",
        f"![rater effects]({FOREST_PNG})",
        "## 2. Differential rater functioning",
        "A rater who rates one group lower (or higher) than the evidence supports, compared with "
        "how the same rater rates everyone else.",
        _md(drf[drf["flagged"]]),
        "## 3. Group disparity",
        "Top-predikat rate and its ratio to the most favoured group (four-fifths rule: context "
        "only), and the gap after accounting for the evidence (the flag).",
        _md(groups[groups["scope"] == "ALL"]),
        f"Flagged within agencies or regions: "
        f"{int(groups.loc[groups['scope'] != 'ALL', 'flagged'].sum())}.",
        _md(groups[groups["flagged"] & (groups["scope"] != "ALL")]),
        f"![group disparity]({DISPARITY_PNG})",
        "## 4. Single scores far from the evidence",
        _md(result.score_flags),
        "## 5. Rules of the scoring core",
        f"Stored predikat that disagree with the matrix (PermenPANRB 6/2022): "
        f"{len(result.predikat_mismatches):,}.",
        _md(result.predikat_mismatches),
        "## 6. Distribution curve (compliance, counted apart from the fairness flags)",
        f"Unit-periods of {MIN_CURVE_UNIT} or more people whose predikat break the distribution "
        f"curve (unit rating assumed BAIK: the data carry no unit ratings; units as of the "
        f"employees table), one finding each: {len(result.curve_breaks):,}.",
        _md(result.curve_breaks, 10),
    ]
    return "\n\n".join(lines) + "\n"
