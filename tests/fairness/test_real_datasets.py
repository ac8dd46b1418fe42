"""The audit on the real datasets of ../shared/data/external, checked against independent tools:
fairlearn for the selection rates of the WNS promotion data, a crossed random-effects model
(statsmodels MixedLM) for the rater effects of ETH's InstEval. Numbers: bench/fairness_real.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from fairlearn.metrics import MetricFrame, demographic_parity_ratio, selection_rate
from scipy.stats import spearmanr

from ml.contract.ingest import ingest
from ml.fairness.audit import AuditConfig, AuditResult
from ml.fairness.references import henderson_blups
from ml.pipelines.audit import run_audit
from tests.conftest import MAPPINGS, external

pytestmark = pytest.mark.slow

MIXEDLM_RATERS = 150  # students in the MixedLM fit: about 45 s (10% of them: about 90 s)


@pytest.fixture(scope="module")
def wns(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    src = external("wns_hr_promotion.csv")
    out = tmp_path_factory.mktemp("wns")
    ingest(src, MAPPINGS / "wns_hr_promotion.yaml", out)
    return run_audit(out)


@pytest.fixture(scope="module")
def insteval(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    src = external("eth_insteval_ratings.csv")
    ingested = tmp_path_factory.mktemp("insteval")
    ingest(src.parent, MAPPINGS / "eth_insteval_ratings.yaml", ingested)
    # Students rate lecturers as REKAN (many raters per ratee, none of them the official one).
    return run_audit(ingested, AuditConfig(role="REKAN"))


def test_wns_group_disparity_matches_fairlearn(wns: AuditResult) -> None:
    assert wns.target == "score" and len(wns.frame) == 54_808 - 4_124
    assert wns.rater_flags.empty  # the export records no rater ...
    coverage = wns.coverage.set_index(["family", "attribute"])
    assert (
        coverage.loc[("RATER", ""), "reason"] == "no rater ids in the appraisals"
    )  # ... and says so
    # One rating per person on a five-level scale, one binary KPI as evidence: judged.
    assert coverage.loc[("SCORE", ""), "ran"]
    overall = wns.group_disparity[wns.group_disparity["scope"] == "ALL"]
    top = (wns.frame["predikat"] == "SANGAT_BAIK").to_numpy()
    for attribute, levels in {
        "gender": {"L", "P"},
        "age_band": {"<30", "30-39", "40-49", "50+"},
    }.items():
        rows = overall[overall["attribute"] == attribute].set_index("group")
        assert set(rows.index) == levels
        groups = wns.frame[attribute].astype("object").fillna("")
        known = (groups != "").to_numpy()
        assert known.all()
        by_group = MetricFrame(
            metrics=selection_rate,
            y_true=top[known],
            y_pred=top[known],
            sensitive_features=groups[known].to_numpy(),
        ).by_group
        assert rows["n"].to_dict() == groups[known].value_counts().to_dict()
        np.testing.assert_allclose(rows["top_rate"], by_group[rows.index], rtol=0, atol=1e-12)
        ratio = by_group / by_group.max()
        np.testing.assert_allclose(rows["ratio_to_best"], ratio[rows.index], rtol=0, atol=1e-12)
        assert (rows["four_fifths_ok"] == (ratio[rows.index] >= 0.8)).all()
        parity = demographic_parity_ratio(
            top[known], top[known], sensitive_features=groups[known].to_numpy()
        )
        assert parity == pytest.approx(rows["ratio_to_best"].min(), abs=1e-12)


def _ratings(result: AuditResult) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "y": result.frame["rating_value"].to_numpy(float),
            "rater": result.frame["rater_id"].astype("str").to_numpy(),
            "ratee": result.frame["employee_id"].astype("str").to_numpy(),
        }
    )


def _judged(result: AuditResult) -> pd.Series:
    """Talenta's shrunk rater effects (the ranking column; the reported ``effect`` is the
    unshrunk GLS estimate), of the raters it judged (enough ratees)."""
    flags = result.rater_flags
    flags = flags[(flags["group"] == "") & (flags["kind"] != "INSUFFICIENT_DATA")]
    return flags.set_index("rater_id")["shrunk"]


@pytest.fixture(scope="module")
def mixedlm(insteval: AuditResult) -> tuple[pd.DataFrame, pd.Series, dict[str, float]]:
    """y ~ 1 + (1 | student) + (1 | lecturer) by REML on the ratings of MIXEDLM_RATERS audited
    students (all their ratings): MixedLM fits crossed effects as variance components of a single
    group, on dense matrices, and cannot take all 73,421 ratings × 4,100 levels. Returns the
    sample, the students' BLUPs and the variance components."""
    ratings = _ratings(insteval)
    raters = np.sort(_judged(insteval).index.to_numpy())
    chosen = np.random.default_rng(0).choice(raters, MIXEDLM_RATERS, replace=False)
    sample = ratings[ratings["rater"].isin(chosen)]
    model = sm.MixedLM.from_formula(
        "y ~ 1",
        groups=np.ones(len(sample)),
        vc_formula={"rater": "0 + C(rater)", "ratee": "0 + C(ratee)"},
        data=sample,
    )
    fit = model.fit()
    assert fit.converged
    effects = fit.random_effects[1.0]
    blups = effects[effects.index.str.startswith("rater[")]
    # names read "rater[C(rater)[<id>]]"
    blups.index = [name.rsplit("[", 1)[1].rstrip("]") for name in blups.index]
    variances = dict(zip(model.exog_vc.names, map(float, fit.vcomp), strict=True))
    return sample, blups, {**variances, "residual": float(fit.scale)}


# InstEval carries no KPI, feedback or assessments; its evidence is the consensus: the other
# students' mean rating of the same lecturer (leaving the rater out), which the expected-rating
# model learns from (sd of the expectation 0.63). The crossed model takes the lecturers out by
# their random effect (variance 0.24 against 0.11 for students) instead. Measured (seed 0):
# ρ = 0.974 against the crossed BLUPs over all 2,642 audited students, and 0.950 against
# MixedLM fitted on 150 students alone (with a few ratings per lecturer, its lecturer effects
# are rough, which costs that comparison more than ours). The thresholds leave room for other
# library versions while still catching a sign error or broken shrinkage.


def test_insteval_rater_effects_agree_with_mixedlm(
    insteval: AuditResult, mixedlm: tuple[pd.DataFrame, pd.Series, dict[str, float]]
) -> None:
    _, blups, variances = mixedlm
    assert 0 < variances["rater"] < variances["ratee"] < variances["residual"]
    judged = _judged(insteval)
    assert len(judged) == 2_642 and len(blups) == MIXEDLM_RATERS
    rho = spearmanr(blups, judged[blups.index]).statistic
    assert rho >= 0.9


def test_insteval_rater_effects_agree_with_crossed_blups_of_all_raters(
    insteval: AuditResult, mixedlm: tuple[pd.DataFrame, pd.Series, dict[str, float]]
) -> None:
    sample, blups, variances = mixedlm
    # The sparse solve reproduces MixedLM's own BLUPs where both can run ...
    np.testing.assert_allclose(henderson_blups(sample, variances)[blups.index], blups, atol=1e-8)
    # ... and takes MixedLM's variance components to every rating.
    full = henderson_blups(_ratings(insteval), variances)
    judged = _judged(insteval)
    assert spearmanr(full[judged.index], judged).statistic >= 0.95
    flagged = insteval.rater_flags
    flagged = flagged[flagged["flagged"] & (flagged["group"] == "")].set_index("rater_id")
    assert len(flagged) > 0
    # Every flagged student leans the same way once the lecturers are taken out.
    assert (np.sign(full[flagged.index]) == np.sign(flagged["effect"])).all()
