"""Group disparity: the share of top predikat per protected group (context: the four-fifths
rule), and the gap that remains once the evidence is accounted for (the fairness flag)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.contract import protected
from ml.fairness.statistics import Z95, bh_qvalues, cluster_means, two_sided_p

TOP = ("SANGAT_BAIK",)
FOUR_FIFTHS = 0.8
MIN_CLUSTERS = 10  # raters on each side before a conditional gap is tested
COLUMNS = [
    "scope", "scope_value", "attribute", "group", "n", "top_rate", "ratio_to_best",
    "four_fifths_ok", "conditional_effect", "ci_low", "ci_high", "q_value", "flagged",
]  # fmt: skip


_DTYPES = {
    "n": "int64", "top_rate": "float64", "ratio_to_best": "float64", "four_fifths_ok": "bool",
    "conditional_effect": "float64", "ci_low": "float64", "ci_high": "float64",
    "q_value": "float64", "flagged": "bool",
}  # fmt: skip


@dataclass(frozen=True)
class GroupAuditConfig:
    """min_group : appraisals a group needs within a scope to be compared; alpha : the
    false-discovery rate over the family; min_effect : smallest conditional gap (rating steps)."""

    min_group: int = 30
    alpha: float = 0.05
    min_effect: float = 0.05


def group_disparity(
    frame: pd.DataFrame,
    attributes: Sequence[str] = protected.ATTRIBUTES,
    scopes: Sequence[str] = ("agency_id", "region"),
    config: GroupAuditConfig | None = None,
) -> pd.DataFrame:
    """Per protected attribute and group, over the whole workforce and within each agency and
    region: the top-predikat selection rate and its ratio to the most favoured group (the
    four-fifths rule: below 0.8 is adverse impact — context, since ratings may differ because
    performance does), and the *conditional* effect: the group's mean residual minus everyone
    else's, with a 95% interval (clustered by rater) and a BH q-value. Only the conditional
    effect is flagged."""
    config = config or GroupAuditConfig()
    cluster = frame["rater_id"].astype("object")
    cluster = cluster.where(cluster.notna(), "employee:" + frame["employee_id"].astype("object"))
    data = frame.assign(_top=frame["predikat"].isin(TOP).astype(float), _cluster=cluster)
    parts = [_scope(data, "ALL", "ALL", attributes, config)]
    for scope in scopes:
        if scope not in data or data[scope].isna().all():
            continue
        for value, sub in data.groupby(scope, sort=True):
            parts.append(_scope(sub, scope, str(value), attributes, config))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=_DTYPES.get(c, "str")) for c in COLUMNS})
    table = pd.concat(parts, ignore_index=True)
    # One BH family per scope: the workforce-wide tests are not diluted by the many local ones.
    table["q_value"] = np.nan
    for _, rows in table.groupby("scope", sort=False):
        table.loc[rows.index, "q_value"] = bh_qvalues(rows["p"].to_numpy())
    table["flagged"] = (table["q_value"].fillna(1.0) < config.alpha) & (
        table["conditional_effect"].abs() >= config.min_effect
    )
    return table[COLUMNS]


def _scope(
    data: pd.DataFrame, scope: str, value: str, attributes: Sequence[str], config: GroupAuditConfig
) -> pd.DataFrame:
    rows = []
    for attribute in attributes:
        groups = data[attribute].astype("object").fillna("")
        known = data[(groups != "").to_numpy()]
        labels = groups[groups != ""]
        sizes = labels.value_counts()
        compared = sorted(sizes[sizes >= config.min_group].index)
        if len(compared) < 2:
            continue
        rate = known.groupby(labels)["_top"].mean()
        best = rate[compared].max()
        # Two groups: one test (the second is the first with its sign flipped), both rates.
        tested = set(compared[1:] if len(compared) == 2 else compared)
        for level in compared:
            inside = (labels == level).to_numpy()
            side = pd.Series(np.where(inside, "in", "out"), index=known.index)
            means = cluster_means(known["residual"], side, known["_cluster"])
            effect = float(means.mean["in"] - means.mean["out"])
            residual = known["residual"].to_numpy(float)
            plain = np.sqrt(
                residual[inside].var(ddof=1) / inside.sum()
                + residual[~inside].var(ddof=1) / (~inside).sum()
            )
            # Clustered by rater, but never surer than independent rows would be: with a
            # handful of raters the clustered SE is itself a guess.
            se = float(max(np.sqrt(means.se["in"] ** 2 + means.se["out"] ** 2), plain))
            testable = level in tested and min(means.clusters) >= MIN_CLUSTERS
            rows.append(
                {
                    "scope": scope,
                    "scope_value": value,
                    "attribute": attribute,
                    "group": level,
                    "n": int(sizes[level]),
                    "top_rate": float(rate[level]),
                    "ratio_to_best": float(rate[level] / best) if best > 0 else np.nan,
                    "four_fifths_ok": bool(best == 0 or rate[level] / best >= FOUR_FIFTHS),
                    "conditional_effect": effect,
                    "ci_low": effect - Z95 * se,
                    "ci_high": effect + Z95 * se,
                    "p": float(two_sided_p(np.array([effect / se]))[0]) if testable else np.nan,
                }
            )
    return pd.DataFrame(rows)
