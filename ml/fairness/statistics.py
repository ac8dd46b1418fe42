"""The statistics every audit family shares: cluster-robust means, empirical-Bayes shrinkage and
Benjamini–Hochberg q-values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

Z95 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class GroupMeans:
    """Per group: size, mean, and the mean's cluster-robust standard error."""

    n: pd.Series
    mean: pd.Series
    se: pd.Series
    clusters: pd.Series


def cluster_means(values: pd.Series, group: pd.Series, cluster: pd.Series) -> GroupMeans:
    """The mean of ``values`` per ``group``, with a standard error that treats the rows of one
    ``cluster`` (an employee, appraised by the same rater year after year) as one observation:
    their residuals share the employee's unmeasured performance, and counting them as independent
    would make every rater look surer than the evidence allows.

    SE² = G/(G−1) · Σ_c (Σ_{i∈c} (v_i − mean))² / n², with G clusters in the group (the CR1
    small-sample factor); NaN below two clusters.
    """
    frame = pd.DataFrame(
        {"v": values.to_numpy(float), "g": group.to_numpy(), "c": cluster.to_numpy()}
    )
    grouped = frame.groupby("g", sort=True)["v"]
    n, mean = grouped.size(), grouped.mean()
    frame["dev"] = frame["v"] - frame["g"].map(mean)
    per_cluster = frame.groupby(["g", "c"], sort=True)["dev"].sum()
    ss = (per_cluster**2).groupby(level=0).sum()
    clusters = per_cluster.groupby(level=0).size()
    factor = clusters / (clusters - 1).where(clusters > 1)
    se = np.sqrt(factor * ss / n**2)
    return GroupMeans(n, mean, se, clusters)


@dataclass(frozen=True)
class Shrunk:
    effect: np.ndarray  # posterior mean
    sd: np.ndarray  # posterior standard deviation
    tau2: float  # between-group variance of the true effects


def empirical_bayes(mean: np.ndarray, se: np.ndarray) -> Shrunk:
    """Shrink noisy group means towards zero by their reliability (normal–normal model).

    The true effects are taken as N(0, τ²), each observed mean as N(effect, se²); τ² comes from
    the method of moments, mean(mean² − se²) clipped at 0. A rater with few ratees is pulled
    harder towards "no effect" than one with many: a large raw mean on five ratees is mostly luck.
    """
    mean, se = np.asarray(mean, float), np.asarray(se, float)
    ok = np.isfinite(mean) & np.isfinite(se) & (se > 0)
    tau2 = float(max(np.mean(mean[ok] ** 2 - se[ok] ** 2), 0.0)) if ok.any() else 0.0
    weight = np.where(ok, tau2 / (tau2 + np.where(ok, se, 1.0) ** 2), np.nan)
    return Shrunk(weight * mean, np.sqrt(weight * np.where(ok, se, np.nan) ** 2), tau2)


def two_sided_p(z: np.ndarray) -> np.ndarray:
    return np.asarray(2 * stats.norm.sf(np.abs(np.asarray(z, float))))


def bh_qvalues(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN p-values stay NaN and do not count
    towards the number of tests."""
    p = np.asarray(p, float)
    q = np.full_like(p, np.nan)
    ok = np.flatnonzero(np.isfinite(p))
    if not len(ok):
        return q
    order = ok[np.argsort(p[ok], kind="stable")]
    m = len(order)
    ranked = p[order] * m / np.arange(1, m + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


@dataclass(frozen=True)
class VarianceComponents:
    """What the evidence misses, split as in the crossed model residual = rater effect +
    ratee effect + noise: ``ratee`` is the variance of a person's lasting unmeasured
    performance (shared by every rating of that person), ``noise`` that of one rating."""

    ratee: float
    noise: float


def variance_components(residual: Any, rater: Any, employee: Any) -> VarianceComponents:
    """Moment (ANOVA) estimates of the components, pooled over the whole workforce: the rater
    means are taken out first (raters as fixed effects), then the rows of one rater and ratee
    (a cluster) split into the spread within clusters (noise) and between them (ratee).
    Pooled, they rest on thousands of rows: a rater with twelve ratees gets a standard error
    as sure as the workforce's, not one guessed from twelve clusters.

    ``rater`` and ``employee``: ids, or integer codes from 0 (counted with ``np.bincount``:
    a national audit's 20 million ratings grouped as text peaked at gigabytes)."""
    v = np.asarray(residual, float)
    r, e = _codes(rater), _codes(employee)
    if not len(v):
        return VarianceComponents(0.0, 0.0)
    d = v - (np.bincount(r, v) / np.maximum(np.bincount(r), 1))[r]
    cluster = pd.factorize(r * (int(e.max()) + 1) + e)[0]
    size = np.bincount(cluster)
    mean = np.bincount(cluster, d) / size
    within = float(((d - mean[cluster]) ** 2).sum())
    df_within = len(v) - len(size)
    spread = float(np.var(d, ddof=1)) if len(v) > 1 else float("nan")
    noise = within / df_within if df_within > 0 else spread
    df_between = len(size) - int((np.bincount(r) > 0).sum())
    if df_between <= 0 or not np.isfinite(noise):
        return VarianceComponents(0.0, noise if np.isfinite(noise) else 0.0)
    ratee = float((mean**2).sum() / df_between - noise * float((1 / size).mean()))
    return VarianceComponents(max(ratee, 0.0), noise)


def _codes(ids: Any) -> np.ndarray:
    """Integer codes from 0: ``ids`` as they are where they are such codes already."""
    values = np.asarray(ids) if not isinstance(ids, pd.Series) else None
    if values is not None and values.dtype.kind in "iu":
        return values.astype(np.int64, copy=False)
    return pd.factorize(ids)[0].astype(np.int64)
