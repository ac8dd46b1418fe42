"""A file like the coarse HR export of issue 14: one rating per person on a 3/4 scale (85% are
3), no rater ids and no evidence at all. No single score may be flagged (the robust spread is
zero there, and nothing of a person's own says what the rating should be), and the coverage
says why the score and rater families did not run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.fairness.audit import AuditResult
from ml.pipelines.audit import run_audit
from ml.synth import SynthConfig, generate_workforce, write_workforce


@pytest.fixture(scope="module")
def coarse(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    out = tmp_path_factory.mktemp("coarse")
    write_workforce(generate_workforce(SynthConfig(employees=900, seed=29)), out)
    appraisals = pd.read_csv(out / "appraisals.csv", dtype=str)
    official = appraisals[appraisals["rater_role"] == "ATASAN"]
    last = official[official["period"] == official["period"].max()].drop_duplicates("employee_id")
    rng = np.random.default_rng(3)
    last = last.assign(
        score=np.where(rng.random(len(last)) < 0.85, "3", "4"), rater_id="",
        hasil_kerja_rating="", perilaku_rating="", predikat="", kpi_attainment="",
        community_feedback="",
    )  # fmt: skip
    last.to_csv(out / "appraisals.csv", index=False)
    (out / "competency_assessments.csv").unlink()
    return run_audit(out)


def test_no_single_score_is_flagged_on_a_coarse_file_without_evidence(
    coarse: AuditResult,
) -> None:
    assert coarse.target == "score"
    assert coarse.frame["employee_id"].is_unique  # one rating per person
    assert coarse.score_flags.empty
    table = coarse.coverage.set_index(["family", "attribute"])
    assert not table.loc[("SCORE", ""), "ran"]
    assert str(table.loc[("SCORE", ""), "reason"]).startswith("no evidence of a person's own")
    assert table.loc[("RATER", ""), "reason"] == "no rater ids in the appraisals"
