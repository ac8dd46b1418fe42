"""What each model feature means, in words a planner reads: the labels shown beside a reason
(``ml.training.explain``) and on the pages (which translate them, ``ml.serving.pages.i18n``).
Kept with the features, so that a new feature and its label are written together."""

from __future__ import annotations

from ml.features.appraisals import PREDIKATS, RATINGS, WINDOWS
from ml.scoring import Predikat


def _window(years: int) -> str:
    return "last year" if years == 1 else f"last {years} years"


def _appraisal_count_labels() -> dict[str, str]:
    """Labels of the rating and predikat counts of ``ml.features.appraisals``, one per window."""
    labels = {}
    for n in WINDOWS:
        for rating in RATINGS:
            spoken = rating.lower().replace("_", " ")
            labels[f"hasil_{rating}_last{n}"] = f"Ratings '{spoken}' (hasil kerja), {_window(n)}"
            labels[f"perilaku_{rating}_last{n}"] = (
                f"Ratings '{spoken}' (perilaku kerja), {_window(n)}"
            )
        for predikat in PREDIKATS:
            spoken = Predikat(predikat).label.lower()
            labels[f"predikat_{predikat}_last{n}"] = f"Predikat '{spoken}', {_window(n)}"
    return labels


FEATURE_LABELS: dict[str, str] = {
    # the competency and its requirement
    "competency_code": "Competency",
    "competency_group": "Competency group",
    "required_level": "Required level",
    # assessments
    "last_level": "Last assessed level",
    "last_method": "Method of the last assessment",
    "assessment_age_months": "Months since the last assessment",
    "n_assessments": "Number of assessments",
    "level_trend_per_year": "Level trend (levels per year)",
    "gap": "Gap to the required level",
    "level_estimate": "Estimated level (all assessments, reliability-weighted)",
    "level_estimate_weight": "Weight of evidence behind the estimated level",
    "ability_estimate": "Level above requirement across all assessed competencies",
    # trainings
    "jp_12m": "Training hours (JP) for this competency, last 12 months",
    "jp_24m": "Training hours (JP) for this competency, last 24 months",
    "jp_36m": "Training hours (JP) for this competency, last 36 months",
    "programs_completed": "Programmes completed for this competency",
    "dropped_count": "Programmes dropped for this competency",
    "months_since_training": "Months since the last training for this competency",
    "mean_post_score": "Mean post-training score for this competency",
    "jp_this_year": "Training hours (JP) this year",
    "jp_last_12m": "Training hours (JP), last 12 months",
    "jp_shortfall": "JP short of the yearly 20 JP minimum",
    # the employee
    "tenure_years": "Years of service",
    "grade": "Grade",
    "grade_rank": "Grade (rank)",
    "education": "Education",
    "education_rank": "Education (rank)",
    "position_type": "Position type",
    "employment_type": "Employment type",
    "agency_id": "Agency",
    # appraisals
    "n_periods": "Number of appraisal periods",
    "last_predikat": "Last predikat kinerja",
    "years_since_last_appraisal": "Years since the last appraisal",
    "kpi_mean": "Mean KPI attainment, last 5 years",
    "kpi_slope_per_year": "KPI attainment trend (per year), last 5 years",
    "feedback_mean": "Mean service users' feedback, last 5 years",
    "score_mean": "Mean appraisal score, last 5 years",
    "peer_rating_mean": "Mean 360° rating from colleagues",
    **_appraisal_count_labels(),
    # the employee's competency profile (wide view)
    "n_competencies": "Competencies required by the position",
    "n_gaps_known": "Competencies with a current level",
    "n_gaps_positive": "Competencies below the required level",
    "jpm_known_percent": "Job-person match (JPM), %",
    "jpm_known_category": "Job-person match (JPM) category",
    "jpm_coverage": "Share of competencies with a current level",
}
