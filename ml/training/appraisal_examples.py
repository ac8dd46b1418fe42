"""Examples for the expected-appraisal model: one row per official (ATASAN) appraisal, with the
rating as a number and the evidence that the rater did not produce.

The evidence is what was known at the end of the period: that period's KPI attainment and
service users' feedback (on the appraisal row), the mean of that period's 360° ratings, and the
competency profile from independent assessments. Rating history is left out on purpose: past
ratings come mostly from the same rater and would carry the very leniency the audit looks for.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ml.errors import InputError
from ml.features import build_features, period_end
from ml.features.appraisals import RATING_VALUE
from ml.features.point_in_time import Tables
from ml.scoring import predikat_kinerja_many

OFFICIAL = "ATASAN"
# Not features of this model: keys, the rater, the target, and the rating history (see above).
APPRAISAL_NOT_FEATURES = (
    "employee_id", "period", "rater_id", "rating_value", "period_end", "predikat",
)  # fmt: skip
EMPLOYEE_EVIDENCE = (
    "tenure_years", "grade_rank", "education_rank", "position_type", "employment_type",
    "agency_id", "jpm_known_percent", "jpm_coverage", "n_gaps_known", "n_gaps_positive",
)  # fmt: skip
SCORE_SHARE = 0.9  # a dataset whose official appraisals carry a score this often is modelled on it


def rating_target(appraisals: pd.DataFrame) -> tuple[pd.Series, str]:
    """The rating as a number, and which: ``score`` (the dataset's own numeric scale) when nearly
    every appraisal has one, else ``ratings``: the mean of the two ekspektasi ratings with
    DI_BAWAH = 0, SESUAI = 1, DI_ATAS = 2 (one unit is one rating step)."""
    score = appraisals["score"].astype("float64") if "score" in appraisals else None
    if score is not None and len(score) and score.notna().mean() >= SCORE_SHARE:
        return score, "score"
    hasil = appraisals["hasil_kerja_rating"].astype("object").map(RATING_VALUE)
    perilaku = appraisals["perilaku_rating"].astype("object").map(RATING_VALUE)
    return (hasil.astype("float64") + perilaku.astype("float64")) / 2, "ratings"


def appraisal_examples(
    tables: Tables, progress: Callable[[str], None] | None = None, role: str = OFFICIAL
) -> tuple[pd.DataFrame, str]:
    """The examples (see the module docstring) and the target kind (see :func:`rating_target`).

    ``role``: the rater role whose ratings are modelled — ATASAN, the official rater, by
    default; a dataset of ratings by many raters per ratee (students rating lecturers, all
    REKAN) names its role. Where several raters of that role rate the same employee in a
    period, the others' mean rating (``consensus_rating``, leaving the rater out) is evidence
    too: what everyone else saw.
    """
    appraisals = tables.get("appraisals")
    if appraisals is None or appraisals.empty:
        raise InputError("the appraisals table is needed for the expected-appraisal model")
    appraisals = appraisals.assign(
        period=appraisals["period"].astype("str"), period_end=period_end(appraisals["period"])
    )
    roles = appraisals["rater_role"].astype("str")
    official = appraisals[(roles == role).to_numpy()]
    if official.empty:
        present = ", ".join(sorted(roles.unique()))
        raise InputError(f"no appraisals by rater role {role} (the data has: {present})")
    value, kind = rating_target(official)
    # The predikat by the rule (PermenPANRB 6/2022) where both ratings are known, else as stored.
    both = (official["hasil_kerja_rating"].notna() & official["perilaku_rating"].notna()).to_numpy()
    ruled = official["predikat"].astype("object").copy()
    if both.any():
        ruled[both] = predikat_kinerja_many(
            official["hasil_kerja_rating"][both].astype("object"),
            official["perilaku_rating"][both].astype("object"),
        )
    official = official.assign(rating_value=value.to_numpy(), predikat=ruled.to_numpy())
    official = official[official["rating_value"].notna().to_numpy()]
    key = [official["employee_id"], official["period"]]
    total = official.groupby(key, observed=True)["rating_value"].transform("sum")
    count = official.groupby(key, observed=True)["rating_value"].transform("size")
    official = official.assign(
        consensus_rating=((total - official["rating_value"]) / (count - 1)).where(count > 1)
    )
    peers = appraisals[(roles != role).to_numpy()]
    peer_value, _ = rating_target(peers.assign(score=np.nan))
    peer_mean = (
        peers.assign(v=peer_value.to_numpy())
        .groupby(["employee_id", "period"], observed=True)["v"]
        .mean()
        .rename("peer_rating")
        .reset_index()
    )
    frames = []
    for end, rows in official.groupby("period_end"):
        as_of = pd.Timestamp(str(end)) + pd.Timedelta(days=1)
        features = build_features(tables, as_of, progress=progress)
        people = features.employees[["employee_id", *EMPLOYEE_EVIDENCE]]
        ability = features.competencies.groupby("employee_id", sort=False)[
            "ability_estimate"
        ].first()
        evidence = people.merge(ability.reset_index(), on="employee_id", how="left")
        frames.append(rows.merge(evidence, on="employee_id", how="left"))
    examples = pd.concat(frames, ignore_index=True).merge(
        peer_mean, on=["employee_id", "period"], how="left"
    )
    columns = [
        "employee_id", "period", "period_end", "rater_id", "rating_value", "predikat",
        "kpi_attainment",
        "community_feedback", "peer_rating", "consensus_rating", *EMPLOYEE_EVIDENCE,
        "ability_estimate",
    ]  # fmt: skip
    return examples[columns].reset_index(drop=True), kind
