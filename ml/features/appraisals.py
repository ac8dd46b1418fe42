"""Employee features from appraisal history: ratings and predikat counts over the last 1/3/5
periods, the last predikat, KPI attainment (mean and slope), service users' feedback, 360° input.

Computed on integer codes with ``np.bincount`` per roster position: appraisals are the largest
table (one row per employee, period and rater), and grouping its strings dominated the run time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ml.features.keys import code_of, group_mean, group_slope
from ml.scoring import Predikat, Rating, predikat_kinerja

WINDOWS = (1, 3, 5)
RATINGS = [r.value for r in Rating]
PREDIKATS = [p.value for p in Predikat]
# The predikat matrix on codes: PREDIKAT_MATRIX[hasil, perilaku] is a position in PREDIKATS.
PREDIKAT_MATRIX = np.array(
    [[PREDIKATS.index(predikat_kinerja(h, p).value) for p in RATINGS] for h in RATINGS]
)
RATING_VALUE = {Rating.DI_BAWAH.value: 0.0, Rating.SESUAI.value: 1.0, Rating.DI_ATAS.value: 2.0}


def appraisal_features(
    appraisals: pd.DataFrame, n_employees: int, as_of: pd.Timestamp
) -> pd.DataFrame:
    """One row per roster position (0 … n_employees − 1).

    ``appraisals`` carry ``period_end`` (see :func:`ml.features.point_in_time.known_at`) and the
    roster position ``emp`` (see :meth:`ml.features.keys.Keys.with_positions`). The windows
    "last N periods" are the official (ATASAN) appraisals of periods that ended within the N years
    before ``as_of`` (yearly periods are the norm), so an old appraisal never passes for a recent
    one; ``years_since_last_appraisal`` says how old the last one is. An employee never appraised
    has zero counts and unknown (NaN) values.
    """
    official = appraisals[(appraisals["rater_role"] == "ATASAN").to_numpy()]
    emp = official["emp"].to_numpy()
    end = official["period_end"].to_numpy().astype("int64")
    # Two official appraisals of one period (a mid-year change of rater): the better one stands,
    # decided by its content (ratings, then KPI), never by the row order of the export.
    hasil_all = code_of(official["hasil_kerja_rating"], RATINGS)
    perilaku_all = code_of(official["perilaku_rating"], RATINGS)
    kpi_all = np.nan_to_num(official["kpi_attainment"].to_numpy(float), nan=-1.0)
    order = np.lexsort((kpi_all, perilaku_all, hasil_all, end, emp))
    emp, end = emp[order], end[order]
    keep = np.append((emp[1:] != emp[:-1]) | (end[1:] != end[:-1]), True)[: len(emp)]
    order, emp = order[keep], emp[keep]
    rows = official.iloc[order]
    ended = rows["period_end"].to_numpy()
    recency = _rank_from_last(emp)

    hasil, perilaku = hasil_all[order], perilaku_all[order]
    # an appraisal without a stored predikat gets the rule's (PermenPAN-RB 6/2022)
    predikat = code_of(rows["predikat"], PREDIKATS)
    derivable = (predikat < 0) & (hasil >= 0) & (perilaku >= 0)
    predikat[derivable] = PREDIKAT_MATRIX[hasil[derivable], perilaku[derivable]]

    within = {n: ended > (as_of - pd.DateOffset(years=n)).to_datetime64() for n in WINDOWS}

    def count(n: int, codes: np.ndarray, value: int) -> np.ndarray:
        hits = within[n] & (codes == value)
        return np.bincount(emp, weights=hits, minlength=n_employees).astype("int64")

    columns: dict[str, np.ndarray | pd.Series] = {}
    for n in WINDOWS:
        columns |= {f"hasil_{r}_last{n}": count(n, hasil, i) for i, r in enumerate(RATINGS)}
        columns |= {f"perilaku_{r}_last{n}": count(n, perilaku, i) for i, r in enumerate(RATINGS)}
        columns |= {f"predikat_{p}_last{n}": count(n, predikat, i) for i, p in enumerate(PREDIKATS)}
    columns["n_periods"] = np.bincount(emp, minlength=n_employees).astype("int64")

    last_code = np.full(n_employees, -1)
    last_code[emp[recency == 0]] = predikat[recency == 0]
    last_end = np.full(n_employees, np.nan)
    last_end[emp[recency == 0]] = (as_of.to_datetime64() - ended[recency == 0]) / np.timedelta64(
        1, "D"
    )
    recent = within[max(WINDOWS)]
    # periods on a month grid (a year is exactly 1.0), so a yearly trend reads per year
    years = rows["period_end"].dt.year.to_numpy() + rows["period_end"].dt.month.to_numpy() / 12
    kpi = rows["kpi_attainment"].to_numpy(float)
    columns |= {
        "last_predikat": pd.Series(
            np.where(last_code >= 0, np.array(PREDIKATS, dtype=object)[last_code], None),
            dtype="str",
        ),
        "years_since_last_appraisal": last_end / 365.25,
        "kpi_mean": group_mean(emp[recent], kpi[recent], n_employees),
        "kpi_slope_per_year": group_slope(emp[recent], years[recent], kpi[recent], n_employees),
        "feedback_mean": group_mean(
            emp[recent], rows["community_feedback"].to_numpy(float)[recent], n_employees
        ),
        "score_mean": group_mean(emp[recent], rows["score"].to_numpy(float)[recent], n_employees),
    }

    # 360° input: the mean of colleagues' two ratings on 0 (DI_BAWAH) … 2 (DI_ATAS).
    peers = appraisals[(appraisals["rater_role"] != "ATASAN").to_numpy()]
    value = (
        peers["hasil_kerja_rating"].map(RATING_VALUE).astype("float64")
        + peers["perilaku_rating"].map(RATING_VALUE).astype("float64")
    ) / 2
    columns["peer_rating_mean"] = group_mean(
        peers["emp"].to_numpy(), value.to_numpy(float), n_employees
    )
    return pd.DataFrame(columns).rename_axis("emp")


def _rank_from_last(group: np.ndarray) -> np.ndarray:
    """0 for the last row of each run of equal ``group`` values, 1 for the one before, …"""
    n = len(group)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    last_of_run = np.append(np.flatnonzero(group[1:] != group[:-1]), n - 1)
    run_end = np.repeat(last_of_run, np.diff(np.append(-1, last_of_run)))
    return run_end - np.arange(n)
