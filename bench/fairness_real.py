"""The fairness audit on the two real datasets: what it finds, and how its rater effects compare
with a crossed random-effects model fitted independently.

- WNS promotion data (54,808 employees, one yearly 1–5 rating, gender and age, no raters): the
  top-predikat (SANGAT_BAIK, rating 5) rate and its ratio to the best group per gender and age
  band over the whole workforce, the four-fifths rule, and the conditional effect (mean residual
  against the evidence) with its 95% interval and q-value; also the region scopes in summary.
- ETH InstEval (73,421 ratings of 1,128 lecturers by 2,972 students): raters audited and flagged,
  and the Spearman rank correlation of Talenta's rater effects with the rater BLUPs of
  ``y ~ 1 + (1 | student) + (1 | lecturer)``. statsmodels' ``MixedLM`` needs a single group for
  crossed effects and works on dense matrices, so it cannot take the whole table (10% of the
  students already take about 90 s, 5% about 20 s); it is fitted on ``--raters`` randomly chosen
  audited students with all their ratings (so each one's ratings are complete), and its variance
  components then give the exact BLUPs on the whole table through Henderson's mixed-model
  equations, solved sparse (checked against MixedLM's own BLUPs on the subsample).

The InstEval mapping files the students' ratings under rater_role REKAN (many raters per
lecturer, none of them the official one): the audit runs with ``role="REKAN"``.

    python bench/fairness_real.py --raters 150
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
from _report import report
from scipy.stats import spearmanr

import ml.fairness.audit as audit
from ml.contract.ingest import ingest
from ml.fairness.references import henderson_blups
from ml.pipelines.audit import run_audit

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = ROOT.parent / "shared" / "data" / "external"
MAPPINGS = ROOT / "data" / "mappings"


def wns(external: Path, tmp: Path) -> dict[str, object]:
    started = time.perf_counter()
    ingest(external / "wns_hr_promotion.csv", MAPPINGS / "wns_hr_promotion.yaml", tmp / "wns")
    ingested = time.perf_counter() - started
    started = time.perf_counter()
    result = run_audit(tmp / "wns")
    audited = time.perf_counter() - started
    table = result.group_disparity
    overall = table[table["scope"] == "ALL"]
    regions = table[table["scope"] == "region"]
    groups = {
        f"{row.attribute}={row.group}": {
            "n": int(row.n),
            "top_rate": round(row.top_rate, 4),
            "ratio_to_best": round(row.ratio_to_best, 3),
            "four_fifths_ok": bool(row.four_fifths_ok),
            "conditional_effect": round(row.conditional_effect, 4),
            "ci": [round(row.ci_low, 4), round(row.ci_high, 4)],
            "q_value": round(row.q_value, 3),
            "flagged": bool(row.flagged),
        }
        for row in overall.itertuples()
    }
    return {
        "wns_appraisals": len(result.frame),
        "wns_target": result.target,
        "wns_ingest_s": round(ingested, 1),
        "wns_audit_s": round(audited, 1),
        "wns_groups": groups,
        "wns_four_fifths_all_ok": bool(overall["four_fifths_ok"].all()),
        "wns_group_tests": len(table),
        "wns_group_flags": int(table["flagged"].sum()),
        "wns_regions": int(regions["scope_value"].nunique()),
        "wns_region_rows": len(regions),
        "wns_region_four_fifths_failures": int((~regions["four_fifths_ok"]).sum()),
        "wns_region_min_ratio": round(float(regions["ratio_to_best"].min()), 3),
        "wns_score_flags": len(result.score_flags),
        "wns_raters_audited": len(result.rater_flags),
    }


def ratings_of(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "y": frame["rating_value"].to_numpy(float),
            "rater": frame["rater_id"].astype("str").to_numpy(),
            "ratee": frame["employee_id"].astype("str").to_numpy(),
        }
    )


def mixedlm_blups(ratings: pd.DataFrame) -> tuple[pd.Series, dict[str, float]]:
    """Rater BLUPs of the crossed model, and its variance components (rater, ratee, residual)."""
    data = ratings.assign(everyone=1)
    model = sm.MixedLM.from_formula(
        "y ~ 1",
        groups="everyone",
        vc_formula={"rater": "0 + C(rater)", "ratee": "0 + C(ratee)"},
        data=data,
    )
    fit = model.fit()
    effects = fit.random_effects[1]
    raters = effects[effects.index.str.startswith("rater[")]
    # names read "rater[C(rater)[<id>]]"
    raters.index = [name.rsplit("[", 1)[1].rstrip("]") for name in raters.index]
    variances = dict(zip(model.exog_vc.names, map(float, fit.vcomp), strict=True))
    return raters, {**variances, "residual": float(fit.scale)}


def insteval(external: Path, tmp: Path, n_raters: int, seed: int) -> dict[str, object]:
    started = time.perf_counter()
    ingest(external, MAPPINGS / "eth_insteval_ratings.yaml", tmp / "insteval")
    ingested = time.perf_counter() - started
    started = time.perf_counter()
    result = run_audit(tmp / "insteval", audit.AuditConfig(role="REKAN"))
    audited = time.perf_counter() - started
    flags = result.rater_flags[result.rater_flags["group"] == ""]
    judged = flags[flags["kind"] != "INSUFFICIENT_DATA"].set_index("rater_id")["effect"]
    ratings = ratings_of(result.frame)
    rng = np.random.default_rng(seed)
    chosen = rng.choice(np.sort(judged.index.to_numpy()), n_raters, replace=False)
    sample = ratings[ratings["rater"].isin(chosen)]
    started = time.perf_counter()
    blups, variances = mixedlm_blups(sample)
    fitted = time.perf_counter() - started
    check = henderson_blups(sample, variances)
    started = time.perf_counter()
    full = henderson_blups(ratings, variances)
    solved = time.perf_counter() - started
    flagged = flags[flags["flagged"]].set_index("rater_id")["effect"]
    agree = np.sign(full[flagged.index]) == np.sign(flagged)
    return {
        "insteval_ratings": len(result.frame),
        "insteval_ingest_s": round(ingested, 1),
        "insteval_audit_s": round(audited, 1),
        "insteval_expected_sd": round(float(result.frame["expected"].std()), 4),
        "insteval_raters": len(flags),
        "insteval_raters_audited": len(judged),
        "insteval_insufficient_data": int((flags["kind"] == "INSUFFICIENT_DATA").sum()),
        "insteval_lenient": int((flags["kind"] == "LENIENT").sum()),
        "insteval_severe": int((flags["kind"] == "SEVERE").sum()),
        "mixedlm_raters": n_raters,
        "mixedlm_ratings": len(sample),
        "mixedlm_ratees": int(sample["ratee"].nunique()),
        "mixedlm_fit_s": round(fitted, 1),
        "mixedlm_variances": {k: round(v, 4) for k, v in variances.items()},
        "spearman_mixedlm_subsample": round(
            float(spearmanr(blups, judged[blups.index]).statistic), 4
        ),
        "henderson_vs_mixedlm_max_diff": float(np.abs(check[blups.index] - blups).max()),
        "henderson_full_s": round(solved, 1),
        "spearman_full": round(float(spearmanr(full[judged.index], judged).statistic), 4),
        "spearman_raw_mean": round(
            float(spearmanr(ratings.groupby("rater")["y"].mean()[judged.index], judged).statistic),
            4,
        ),
        "flagged_same_sign_as_blup": round(float(agree.mean()), 3),
        "flagged_blup_at_least_0.2": round(
            float((agree & (full[flagged.index].abs() >= 0.2)).mean()), 3
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--external", type=Path, default=EXTERNAL)
    parser.add_argument("--raters", type=int, default=150, help="students in the MixedLM fit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("bench/results/fairness_real.json"))
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = {
            **wns(args.external, Path(tmp)),
            **insteval(args.external, Path(tmp), args.raters, args.seed),
        }
    report({**result, "wall_s": round(time.perf_counter() - started)}, args.out)


if __name__ == "__main__":
    main()
