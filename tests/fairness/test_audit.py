"""The rater audit on generated workforces with known injected biases (design §4; issue 5's
targets: precision and recall ≥ 0.9 for effects of at least half a rating step on raters with
≥ 15 ratees; at most 5% of raters falsely flagged on a clean workforce)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate

from ml.fairness.audit import AuditResult
from ml.fairness.evaluation import detection
from ml.fairness.report import write_report
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce

SEEDS = {"biased": 21, "clean": 22}


@pytest.fixture(scope="module")
def biased(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditResult]:
    out = tmp_path_factory.mktemp("biased")
    write_workforce(generate_workforce(SynthConfig(employees=6000, seed=SEEDS["biased"])), out)
    return out, run_audit(out)


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AuditResult]:
    out = tmp_path_factory.mktemp("clean")
    config = SynthConfig(employees=6000, seed=SEEDS["clean"], biased_raters=0)
    write_workforce(generate_workforce(config), out)
    return out, run_audit(out)


@pytest.mark.slow
def test_injected_rater_biases_are_found(biased: tuple[Path, AuditResult]) -> None:
    data_dir, result = biased
    found = detection(result.rater_flags, result.frame, data_dir)
    assert found.injected >= 10  # enough injected raters for the figures to mean something
    assert found.precision >= 0.9, found
    assert found.recall >= 0.9, found
    assert found.recall_judgeable >= found.recall


@pytest.mark.slow
def test_a_clean_workforce_is_rarely_flagged(clean: tuple[Path, AuditResult]) -> None:
    data_dir, result = clean
    found = detection(result.rater_flags, result.frame, data_dir)
    assert found.injected == 0
    assert found.false_flag_rate <= 0.05, found


def test_rater_flags_follow_the_contract(biased: tuple[Path, AuditResult]) -> None:
    _, result = biased
    flags = result.rater_flags
    assert list(flags.columns) == [
        "rater_id", "kind", "group", "n", "effect", "ci_low", "ci_high", "q_value", "flagged",
        "ratees", "se", "shrunk", "mde",
    ]  # fmt: skip
    assert set(flags["kind"]) <= {"LENIENT", "SEVERE", "DIFFERENTIAL", "NONE", "INSUFFICIENT_DATA"}
    # Too few ratees: reported, never flagged.
    assert not flags[flags["kind"] == "INSUFFICIENT_DATA"]["flagged"].any()
    judged = flags[flags["kind"] != "INSUFFICIENT_DATA"]
    assert ((judged["ci_low"] <= judged["effect"]) & (judged["effect"] <= judged["ci_high"])).all()
    lenient = flags[flags["kind"] == "LENIENT"]
    assert (lenient["effect"] > 0).all()
    assert (flags[flags["kind"] == "DIFFERENTIAL"]["group"] != "").all()


def test_selection_rates_agree_with_fairlearn(biased: tuple[Path, AuditResult]) -> None:
    _, result = biased
    frame = result.frame
    top = (frame["predikat"] == "SANGAT_BAIK").astype(int)
    for attribute in ("gender", "age_band"):
        known = frame[attribute] != ""
        mf = MetricFrame(
            metrics=selection_rate, y_true=top[known], y_pred=top[known],
            sensitive_features=frame.loc[known, attribute],
        )  # fmt: skip
        ours = result.group_disparity.query("scope == 'ALL' and attribute == @attribute")
        ours = ours.set_index("group")
        pd.testing.assert_series_equal(
            ours["top_rate"].sort_index(), mf.by_group.sort_index(), check_names=False,
            atol=1e-12,
        )  # fmt: skip
        ratio = mf.by_group / mf.by_group.max()
        pd.testing.assert_series_equal(
            ours["ratio_to_best"].sort_index(), ratio.sort_index(), check_names=False, atol=1e-12
        )


def test_the_report_is_written(biased: tuple[Path, AuditResult], tmp_path: Path) -> None:
    _, result = biased
    paths = write_report(result, tmp_path)
    for name in ("rater_flags.csv", "group_disparity.csv", "score_flags.csv", "audit.md"):
        assert (tmp_path / name).is_file()
    text = paths["report"].read_text()
    assert "How to read this audit" in text and "rater_effects.png" in text
    assert pd.read_csv(tmp_path / "rater_flags.csv", dtype={"rater_id": str})["flagged"].any()


def test_an_injected_group_bias_is_found_after_the_evidence(tmp_path: Path) -> None:
    config = SynthConfig(employees=3000, seed=23, biased_raters=0, group_bias=0.3)
    write_workforce(generate_workforce(config), tmp_path)
    groups = run_audit(tmp_path).group_disparity
    women = groups.query("scope == 'ALL' and attribute == 'gender' and group == 'P'").iloc[0]
    assert women["flagged"] and women["conditional_effect"] < -0.1
    assert women["ci_high"] < 0


def test_a_group_penalty_is_found_with_several_raters_per_person_and_period(
    tmp_path: Path,
) -> None:
    """A panel of three same-role raters per person and period: the leave-one-out consensus
    of the others carries the same penalty, so it may inform rater comparisons but never the
    group conclusion (issue 14)."""
    config = SynthConfig(
        employees=2000, seed=25, biased_raters=0, group_bias=0.3, official_raters=3
    )
    write_workforce(generate_workforce(config), tmp_path)
    result = run_audit(tmp_path)
    assert result.frame["consensus_rating"].notna().mean() > 0.9  # the design is a panel
    groups = result.group_disparity
    women = groups.query("scope == 'ALL' and attribute == 'gender' and group == 'P'").iloc[0]
    assert women["flagged"] and women["ci_high"] < 0
    assert women["conditional_effect"] < -0.15  # of 0.3 latent (about 0.27 observed)
    # Conditioning on the consensus would have taken part of it away (measured: −0.161 against
    # −0.205 independent; on the real panel data the loss was most of the gap).
    frame = result.frame
    with_consensus = frame.groupby("gender")["residual"].mean()
    assert women["conditional_effect"] < with_consensus["P"] - with_consensus["L"]


def test_a_two_group_attribute_is_tested_once(biased: tuple[Path, AuditResult]) -> None:
    _, result = biased
    gender = result.group_disparity.query("scope == 'ALL' and attribute == 'gender'")
    assert set(gender["group"]) == {"L", "P"}  # both rates reported (four-fifths context)
    assert gender["q_value"].notna().sum() == 1  # one test: P against L is L against P
