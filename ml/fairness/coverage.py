"""What the audit could and could not examine, and the design it actually saw: a committee
reading "no flagged rater" must know whether raters were judged at all."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ml.fairness.scores import EVIDENCE, MIN_CURVE_UNIT, curve_units

COLUMNS = ["family", "attribute", "ran", "tested", "flagged", "reason"]


def design(
    frame: pd.DataFrame, appraisals: pd.DataFrame | Mapping[str, int], role: str
) -> dict[str, Any]:
    """The design seen: counts, the rater roles present, raters per ratee and period, and how
    often each kind of evidence is known. ``appraisals``: every appraisal (any role), or how
    many there are of each rater role (counted per partition by an out-of-core audit)."""
    rated = frame[frame["rater_id"].notna()]
    per = rated.groupby(["employee_id", "period"], observed=True)["rater_id"].nunique()
    roles = (
        pd.Series(dict(appraisals), dtype="int64").sort_values(ascending=False, kind="stable")
        if isinstance(appraisals, Mapping)
        else appraisals["rater_role"].astype("str").value_counts()
    )
    return {
        "role_audited": role,
        "appraisals": len(frame),
        "ratees": int(frame["employee_id"].nunique()),
        "periods": int(frame["period"].nunique()),
        "raters": int(rated["rater_id"].nunique()),
        "appraisals_with_rater": len(rated),
        "raters_per_ratee_period_median": float(per.median()) if len(per) else 0.0,
        "raters_per_ratee_period_max": int(per.max()) if len(per) else 0,
        "roles": {str(k): int(v) for k, v in roles.items()},
        "evidence_known": {
            name: round(float(frame[name].notna().mean()), 3) if name in frame else 0.0
            for name in (*EVIDENCE, "consensus_rating")
        },
    }


def coverage(
    frame: pd.DataFrame,
    rater_flags: pd.DataFrame,
    group_disparity: pd.DataFrame,
    score_flags: pd.DataFrame,
    curve: pd.DataFrame,
    predikat_checked: int,
    attributes: Sequence[str],
) -> pd.DataFrame:
    """One row per family (and protected attribute): whether it ran, how many tests or units
    it judged, how many it flagged, and why it did not run where it did not."""
    rows: list[dict[str, Any]] = []
    has_raters = bool(frame["rater_id"].notna().any())
    main = rater_flags[rater_flags["group"] == ""]
    judged = main[main["kind"] != "INSUFFICIENT_DATA"]
    rows.append(
        _row(
            "RATER", "", len(judged), int(main["flagged"].sum()),
            "" if has_raters and len(judged) else
            "no rater ids in the appraisals" if not has_raters else
            f"no rater has enough ratees ({len(main)} raters, all too few)",
        )
    )  # fmt: skip
    for attribute in attributes:
        known = _known(frame, attribute)
        mine = rater_flags[rater_flags["group"].str.startswith(f"{attribute}=")]
        tested = mine[mine["kind"] != "INSUFFICIENT_DATA"]
        reason = (
            "no rater ids in the appraisals" if not has_raters else
            f"{attribute} missing or empty" if not known else
            "no rater rated enough ratees on both sides" if not len(tested) else ""
        )  # fmt: skip
        rows.append(
            _row("DIFFERENTIAL", attribute, len(tested), int(mine["flagged"].sum()), reason)
        )
    for attribute in attributes:
        known = _known(frame, attribute)
        mine = group_disparity[group_disparity["attribute"] == attribute]
        tested = mine[mine["q_value"].notna()]
        reason = (
            f"{attribute} missing or empty" if not known else
            "fewer than two groups large enough to compare" if mine.empty else
            "too few raters on each side for a test" if not len(tested) else ""
        )  # fmt: skip
        rows.append(_row("GROUP", attribute, len(tested), int(mine["flagged"].sum()), reason))
    present = [c for c in EVIDENCE if c in frame]
    with_evidence = int(frame[present].notna().any(axis=1).sum()) if present else 0
    rows.append(
        _row(
            "SCORE", "", with_evidence, len(score_flags),
            "" if with_evidence else "no evidence of a person's own (KPI, feedback, 360°, "
            "assessments): a single score cannot be judged",
        )
    )  # fmt: skip
    rows.append(
        _row(
            "PREDIKAT", "", predikat_checked, 0,
            "" if predikat_checked else "no appraisal carries both ekspektasi ratings",
        )
    )  # fmt: skip
    units = int(frame["unit_id"].notna().any()) if "unit_id" in frame else 0
    checked = curve_units(frame)
    rows.append(
        _row(
            "CURVE", "", checked, len(curve),
            "" if checked else "no unit ids: the distribution curve is per unit" if not units
            else f"no unit and period with {MIN_CURVE_UNIT} or more people",
        )
    )  # fmt: skip
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["flagged"] = np.where(table["ran"], table["flagged"], 0)
    return table


def summary_lines(table: pd.DataFrame, seen: dict[str, Any]) -> list[str]:
    """The coverage as plain sentences, for the top of ``audit.md`` and the CLI."""
    lines = [
        f"{seen['appraisals']:,} appraisals by role {seen['role_audited']} of "
        f"{seen['ratees']:,} people over {seen['periods']} period(s); "
        f"{seen['appraisals_with_rater']:,} carry a rater id ({seen['raters']:,} raters; "
        f"raters per person and period: median {seen['raters_per_ratee_period_median']:g}, "
        f"max {seen['raters_per_ratee_period_max']})."
    ]
    for r in table.to_dict("records"):
        attribute = str(r["attribute"])
        name = f"{r['family']}{f' ({attribute})' if attribute else ''}"
        if r["ran"]:
            lines.append(
                f"{name}: ran, {int(r['tested']):,} judged, {int(r['flagged']):,} flagged."
            )
        else:
            lines.append(f"{name}: NOT run: {r['reason']}.")
    return lines


def _row(family: str, attribute: str, tested: int, flagged: int, reason: str) -> dict[str, Any]:
    return {
        "family": family, "attribute": attribute, "ran": not reason, "tested": int(tested),
        "flagged": int(flagged), "reason": reason,
    }  # fmt: skip


def _known(frame: pd.DataFrame, attribute: str) -> bool:
    if attribute not in frame:
        return False
    values = frame[attribute].astype("object")
    return bool((values.notna() & (values.astype("str") != "")).any())
