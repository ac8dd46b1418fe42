"""Single appraisals far from their evidence, and the rules of the scoring core: a stored
predikat that disagrees with the matrix, and units whose predikat break the distribution curve."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ml.fairness.statistics import bh_qvalues, two_sided_p
from ml.scoring import OrgRating, check_distribution, predikat_kinerja_many

EVIDENCE = (
    "kpi_attainment", "community_feedback", "peer_rating", "ability_estimate",
    "jpm_known_percent",
)  # fmt: skip
MIN_CURVE_UNIT = 10  # people in a unit and period before its curve is checked
SCORE_COLUMNS = [
    "employee_id", "period", "rater_id", "given", "expected", "residual", "z", "q_value",
    *EVIDENCE, "flagged",
]  # fmt: skip


def score_flags(
    frame: pd.DataFrame, alpha: float = 0.01, min_residual: float = 0.75
) -> pd.DataFrame:
    """Appraisals whose residual is extreme: z = residual / spread (1.4826 × MAD, which a few
    extreme scores cannot inflate; the standard deviation where half the residuals tie, as on
    a coarse scale without evidence, where the MAD is zero), BH q-values over the appraisals
    with any evidence of their own (KPI, feedback, 360°, assessments); flagged when q <
    ``alpha`` and the residual is at least ``min_residual`` rating steps. Only flagged rows are
    returned, with the evidence the committee needs beside them."""
    residual = frame["residual"].to_numpy(float)
    # On a coarse scale (one 3/4 rating per person, 85% of them equal) the residuals tie, the
    # MAD is zero and every other rating would get an infinite z: where half or more of them
    # share one value the spread is the standard deviation instead.
    mad = 1.4826 * float(np.median(np.abs(residual - np.median(residual))))
    _, counts = np.unique(np.round(residual, 9), return_counts=True)
    tied = len(residual) > 0 and int(counts.max()) >= len(residual) / 2
    spread = float(np.std(residual)) if tied or mad == 0 else mad
    z = residual / spread if spread > 0 else np.zeros_like(residual)
    # A single score can only be judged against evidence about that person and period: rows
    # without any (an export of ratings alone) are not tested at all.
    present = [c for c in EVIDENCE if c in frame]
    judged = (
        frame[present].notna().any(axis=1).to_numpy()
        if present
        else np.zeros(len(frame), dtype=bool)
    )
    q = bh_qvalues(np.where(judged, two_sided_p(z), np.nan))
    out = frame.assign(given=frame["rating_value"], z=z, q_value=q)
    out["flagged"] = (
        judged & (np.nan_to_num(q, nan=1.0) < alpha) & (np.abs(residual) >= min_residual)
    )
    for name in EVIDENCE:
        if name not in out:
            out[name] = np.nan
    flagged = out[out["flagged"].to_numpy()][SCORE_COLUMNS]
    return flagged.sort_values("q_value").reset_index(drop=True)


def predikat_mismatches(appraisals: pd.DataFrame) -> pd.DataFrame:
    """Stored predikat that disagree with the PermenPANRB 6/2022 matrix of the two ratings."""
    stored = appraisals["predikat"].astype("object")
    rated = (
        stored.notna()
        & appraisals["hasil_kerja_rating"].notna()
        & appraisals["perilaku_rating"].notna()
    ).to_numpy()
    rows = appraisals[rated]
    rule = predikat_kinerja_many(
        rows["hasil_kerja_rating"].astype("object"), rows["perilaku_rating"].astype("object")
    )
    wrong = rows["predikat"].astype("object").to_numpy() != rule
    out = rows[wrong][["employee_id", "period", "rater_id", "hasil_kerja_rating",
                       "perilaku_rating", "predikat"]].copy()  # fmt: skip
    out["predikat_by_rule"] = rule[wrong]
    return out.reset_index(drop=True)


def curve_breaks(
    frame: pd.DataFrame,
    unit_rating: OrgRating = OrgRating.BAIK,
    min_unit_size: int = MIN_CURVE_UNIT,
) -> pd.DataFrame:
    """Units (per period) whose official predikat break the distribution curve (PermenPANRB
    6/2022), checked against ``unit_rating``: the contract carries no unit ratings, so the
    audit assumes the common one and says so. A compliance family, not a fairness flag: one
    finding per unit and period (every constraint it breaks in ``message``, the largest miss
    in ``count``/``allowed``), and only units of at least ``min_unit_size`` people — in a unit
    of three, one SANGAT_BAIK already "breaks" a share-based curve."""
    rows = []
    if "unit_id" in frame:
        known = frame.loc[frame["unit_id"].notna().to_numpy(), ["employee_id", "unit_id", "period",
                                                                 "predikat"]]  # fmt: skip
    else:
        known = pd.DataFrame(columns=["employee_id", "unit_id", "period", "predikat"])
    # One predikat per person and period (a panel rates each person several times).
    known = known.drop_duplicates(["employee_id", "period"])
    # Sizes and predikat counts of every unit and period at once (grouping the whole frame
    # group by group took minutes for the nation's unit-periods); the curve
    # is then checked on the units large enough, from their counts alone.
    keys = ["unit_id", "period"]
    sizes = known.groupby(keys, sort=True).size()
    large = sizes[sizes >= min_unit_size]
    counted = known[known["predikat"].notna()].groupby([*keys, "predikat"], observed=True).size()
    counted = counted[counted.to_numpy() > 0]
    per_unit: dict[tuple[Any, Any], dict[str, int]] = {}
    for (unit, period, predikat), n in zip(counted.index, counted.to_numpy(), strict=True):
        per_unit.setdefault((unit, period), {})[str(predikat)] = int(n)
    for (unit, period), n in zip(large.index, large.to_numpy(), strict=True):
        broken = check_distribution(per_unit.get((unit, period), {}), unit_rating)
        if not broken:
            continue
        worst = max(broken, key=lambda v: abs(v.count - v.allowed))
        rows.append({"unit_id": unit, "period": period, "n": int(n), "count": worst.count,
                     "allowed": worst.allowed,
                     "message": "; ".join(v.message for v in broken)})  # fmt: skip
    return pd.DataFrame(rows, columns=["unit_id", "period", "n", "count", "allowed", "message"])


def curve_units(frame: pd.DataFrame, min_unit_size: int = MIN_CURVE_UNIT) -> int:
    """Unit-periods large enough for the curve check."""
    if "unit_id" not in frame:
        return 0
    known = frame[frame["unit_id"].notna().to_numpy()].drop_duplicates(["employee_id", "period"])
    sizes = known.groupby(["unit_id", "period"], sort=False).size()
    return int((sizes >= min_unit_size).sum())
