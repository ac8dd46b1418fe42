"""Employee features from appraisal history: ratings and predikat counts over the last 1/3/5
periods, the last predikat, KPI attainment (mean and slope), service users' feedback, 360° input."""

from __future__ import annotations

import pandas as pd

from ml.features.keys import slope
from ml.scoring import Predikat, Rating, predikat_kinerja_many

WINDOWS = (1, 3, 5)
RATING_VALUE = {Rating.DI_BAWAH.value: 0.0, Rating.SESUAI.value: 1.0, Rating.DI_ATAS.value: 2.0}


def appraisal_features(appraisals: pd.DataFrame) -> pd.DataFrame:
    """One row per appraised employee, indexed by roster position.

    ``appraisals`` carry ``period_end`` (see :func:`ml.features.point_in_time.known_at`) and the
    roster position ``emp`` (see :meth:`ml.features.keys.Keys.with_positions`).
    Counts look at the employee's own last N official (ATASAN) periods.
    """
    a = appraisals
    official = a[a["rater_role"] == "ATASAN"].sort_values(["emp", "period_end"], kind="stable")
    official = official.drop_duplicates(["emp", "period_end"], keep="last")
    predikat = official["predikat"].where(
        official["predikat"].notna(),
        pd.Series(
            predikat_kinerja_many(official["hasil_kerja_rating"], official["perilaku_rating"]),
            index=official.index,
        ),
    )
    recency = official.groupby("emp", sort=False).cumcount(ascending=False).to_numpy()
    group = official["emp"].to_numpy()

    columns: dict[str, pd.Series] = {}
    indicators = {
        **{f"hasil_{r.value}": official["hasil_kerja_rating"] == r.value for r in Rating},
        **{f"perilaku_{r.value}": official["perilaku_rating"] == r.value for r in Rating},
        **{f"predikat_{p.value}": predikat == p.value for p in Predikat},
    }
    flags = pd.DataFrame({k: v.to_numpy() for k, v in indicators.items()}, dtype="int64")
    for n in WINDOWS:
        within = pd.DataFrame(flags.to_numpy() * (recency < n)[:, None], columns=flags.columns)
        sums = within.groupby(group, sort=False).sum()
        columns.update({f"{c}_last{n}": sums[c] for c in sums.columns})

    recent = recency < max(WINDOWS)
    last = official[recency == 0].set_index("emp")
    years = official["period_end"].dt.year + official["period_end"].dt.day_of_year / 366
    kpi = official["kpi_attainment"].where(recent)
    feedback = official["community_feedback"].where(recent)
    by_emp = pd.DataFrame({"kpi": kpi, "fb": feedback, "score": official["score"].where(recent)})
    means = by_emp.groupby(group, sort=False).mean()
    columns.update(
        {
            "n_periods": official.groupby("emp", sort=False).size(),
            "last_predikat": pd.Series(predikat[recency == 0].to_numpy(), index=last.index),
            "kpi_mean": means["kpi"],
            "kpi_slope_per_year": slope(years.where(recent), kpi, group),
            "feedback_mean": means["fb"],
            "score_mean": means["score"],
        }
    )

    # 360° input: the mean of colleagues' two ratings on 0 (DI_BAWAH) … 2 (DI_ATAS).
    peers = a[a["rater_role"] != "ATASAN"]
    if len(peers):
        value = (
            peers["hasil_kerja_rating"].map(RATING_VALUE)
            + peers["perilaku_rating"].map(RATING_VALUE)
        ) / 2
        columns["peer_rating_mean"] = value.groupby(peers["emp"].to_numpy(), sort=False).mean()
    else:
        columns["peer_rating_mean"] = pd.Series(dtype="float64")
    return pd.DataFrame(columns).rename_axis("emp")


def count_columns() -> list[str]:
    """The columns that count appraisals: 0, not unknown, for an employee never appraised."""
    names = [f"hasil_{r.value}" for r in Rating] + [f"perilaku_{r.value}" for r in Rating]
    names += [f"predikat_{p.value}" for p in Predikat]
    return [f"{c}_last{n}" for n in WINDOWS for c in names] + ["n_periods"]
