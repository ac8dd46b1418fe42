"""Rater effects (leniency, severity) and differential rater functioning: each rater measured
against the evidence, with shrinkage, confidence intervals and false-discovery control."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from ml.contract import protected
from ml.fairness.coded import UNKNOWN, Coded
from ml.fairness.crossed import fixed_effects, indicator
from ml.fairness.statistics import (
    Z95,
    VarianceComponents,
    bh_qvalues,
    empirical_bayes,
    two_sided_p,
    variance_components,
)

COLUMNS = [
    "rater_id", "kind", "group", "n", "effect", "ci_low", "ci_high", "q_value", "flagged",
    "ratees", "se", "shrunk", "mde",
]  # fmt: skip
POWER = 0.8  # the power at which a minimum detectable effect is stated
MIN_CENTRED = 10  # judged raters needed before the typical rater is the reference (``_typical``)
TRIM_Z = 2.5  # standard errors from the typical rater within which a rater helps define it


@dataclass(frozen=True)
class RaterAuditConfig:
    """When a rater is flagged.

    min_ratees : distinct employees a rater must have rated to be judged at all (fewer:
        ``INSUFFICIENT_DATA``, never flagged).
    min_group_ratees : distinct employees on each side of a group comparison.
    alpha : the false-discovery rate of the rater-effect family.
    min_effect : smallest shrunk rater effect, in rating steps, worth a committee's time. Below
        0.2 a significant effect is as likely to be what the evidence misses about a rater's
        units (measured: on a workforce with injected biases, every uninjected flag between 0.1
        and 0.2 came from raters without any).
    min_differential_effect : the same for differential functioning (the same 0.2 step: the
        differential effect is unshrunk, so it reads in the same steps as a rater effect).
    differential_alpha : the false-discovery rate of the differential family (one family per
        attribute).
    """

    min_ratees: int = 10
    min_group_ratees: int = 5
    alpha: float = 0.05
    min_effect: float = 0.2
    min_differential_effect: float = 0.2
    differential_alpha: float = 0.05


def rater_effects(
    frame: pd.DataFrame,
    config: RaterAuditConfig | None = None,
    differential: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per rater: the mean residual of the rater's appraisals (given − expected) — unshrunk, so
    that it reads in rating steps — with its 95% interval from the pooled variance components
    (:func:`variance_components`), the BH q-value of "no effect", the empirical-Bayes
    ``shrunk`` effect (for ranking), and the minimum detectable effect. Effects are measured
    from the typical (median) rater (``_typical``). Kind LENIENT / SEVERE, UNRESOLVED where an
    unjudged group may carry the whole lean (``_unresolved``; only with ``differential``), or
    INSUFFICIENT_DATA / NONE. Columns: ``COLUMNS``.

    ``differential``: the flagged differential functioning (:func:`differential_functioning`);
    a rater's ratings of the group the rater treats apart are left out of the rater's effect,
    which then reads as the rater's leniency towards everyone else: a rater who rates women
    half a step lower is flagged DIFFERENTIAL, not also SEVERE for the average of both."""
    config = config or RaterAuditConfig()
    rated = Coded.of(frame, "residual", _attributes_of(differential))
    if differential is not None:
        apart = _treated_apart(rated, differential)
        if apart.any():
            rated = rated.take(~apart)
    if not len(rated):
        return empty_flags()
    components = variance_components(rated.residual, rated.rater, rated.employee)
    fit = fixed_effects(
        rated.residual, indicator(rated.rater, len(rated.raters)), rated.employee, components
    )
    ratees = rated.ratees_per_rater()
    enough = ratees >= config.min_ratees
    effect = fit.effect - _typical(fit.effect, fit.se, enough)
    # Model-based standard errors widened by the misfit variance, not a sandwich (clustered by
    # ratee) or per-rater variance: on generated workforces (seeds 34–36, 44, before the
    # backfitting of ``ml.fairness.residuals``) the lenient and severe intervals that missed did
    # so because the estimate was pulled about one standard error towards zero, while clean
    # raters' z-scores had a spread near 1; the clustered standard error of a rater's mean is
    # about half the model's there and would cover less, not more.
    se = _misfit_se(effect, fit.se, enough, config.alpha, config.min_effect)
    p = np.where(enough, two_sided_p(effect / se), np.nan)
    table = _flag_table(
        rater_id=np.asarray(rated.raters), group=np.full(len(rated.raters), ""),
        n=np.bincount(rated.rater, minlength=len(rated.raters)), ratees=ratees, effect=effect,
        se=se, p=p, enough=enough,
        alpha=config.alpha, kinds=("LENIENT", "SEVERE"), min_effect=config.min_effect,
    )  # fmt: skip
    if differential is None:
        return table
    # The misfit variance every rater's interval carries (``_misfit_se``), for the side checks.
    misfit = float(np.nanmedian(se[enough] ** 2 - fit.se[enough] ** 2)) if enough.any() else 0.0
    centre = float(fit.effect[0] - effect[0]) if len(effect) else 0.0
    return _unresolved(table, rated, differential, components, misfit, centre)


def _attributes_of(differential: pd.DataFrame | None) -> list[str]:
    """The attributes a differential table's groups name ("gender=P": gender)."""
    if differential is None or differential.empty:
        return []
    return [a for a in differential["group"].astype("str").str.split("=", n=1).str[0].unique()
            if a]  # fmt: skip


def _unresolved(
    table: pd.DataFrame,
    rated: Coded,
    differential: pd.DataFrame,
    components: VarianceComponents,
    misfit: float,
    centre: float,
) -> pd.DataFrame:
    """LENIENT or SEVERE says "towards everyone"; a rater whose contrast for a group could not
    be judged (a side with fewer than ``min_group_ratees``) may instead treat that group apart:
    with four men among sixteen ratees, "severe to everyone" and "severe to women" read the
    same average. Such a flag becomes ``UNRESOLVED`` (still flagged: the rater's ratings do lean)
    where the rater's ratings *outside* the group are consistent with no effect at all, for
    either side of such a group. Measured before this rule on generated workforces (seeds
    34–36): every SEVERE flag on a rater without a severe bias (four) was of this kind."""
    flagged = table["flagged"].to_numpy() & (table["group"] == "").to_numpy()
    open_pairs = differential[differential["kind"] == "INSUFFICIENT_DATA"]
    if not flagged.any() or open_pairs.empty:
        return table
    raters = table.loc[flagged, "rater_id"].astype("str")
    open_pairs = open_pairs[open_pairs["rater_id"].astype("str").isin(set(raters))]
    residual = rated.residual - centre
    unresolved: set[str] = set()
    rows_of = rated.rows_of()  # each rater's rows, once: per pair a pass over every rating
    found = rated.raters.get_indexer(pd.Index(open_pairs["rater_id"].astype("str"), dtype="str"))
    for r, code in zip(open_pairs.itertuples(), found, strict=True):
        rater = str(r.rater_id)
        attribute, level = str(r.group).split("=", 1)
        if rater in unresolved or code < 0 or attribute not in rated.attributes:
            continue
        mine = rows_of[int(code)]
        value = rated.attributes[attribute][0][mine]
        known = value != UNKNOWN
        inside = value == rated.level(attribute, level)
        # Either side may be the one treated apart where the attribute has two levels (one
        # comparison stands for both); with more, each level is a comparison of its own.
        two = len(np.unique(value[known])) <= 2
        sides = (known & ~inside, inside) if two else (known & ~inside,)
        for other in sides:
            effect, se = _side_effect(
                residual[mine][other], rated.employee[mine][other], components, misfit
            )
            if np.isfinite(effect) and abs(effect) < Z95 * se:
                unresolved.add(rater)
                break
    if unresolved:
        rows = flagged & table["rater_id"].astype("str").isin(unresolved).to_numpy()
        table.loc[rows, "kind"] = "UNRESOLVED"
    return table


def _side_effect(
    residual: np.ndarray, employee: np.ndarray, components: VarianceComponents, misfit: float
) -> tuple[float, float]:
    """A rater's effect on some of its rows: the GLS mean of its ratees' mean residuals under
    the crossed model's pooled components (each ratee weighted 1 / (σ²_ratee + σ²_noise / n)),
    and its standard error with the misfit variance added."""
    if not len(residual):
        return float("nan"), float("nan")
    frame = pd.DataFrame({"v": residual, "e": employee}).groupby("e")["v"].agg(["mean", "size"])
    weight = 1.0 / (components.ratee + components.noise / frame["size"].to_numpy(float))
    effect = float(np.sum(weight * frame["mean"].to_numpy(float)) / weight.sum())
    return effect, float(np.sqrt(1.0 / weight.sum() + misfit))


def differential_functioning(
    frame: pd.DataFrame,
    attributes: Sequence[str] = protected.ATTRIBUTES,
    config: RaterAuditConfig | None = None,
    residual: str = "residual",
) -> pd.DataFrame:
    """Per rater and protected group: the rater's mean residual for the group minus the same
    rater's mean residual for everyone else, beyond the same gap over the whole workforce —
    does this rater rate this group lower (or higher) than the evidence supports, compared with
    how the rater rates others and with how everyone rates this group? (The rater × group
    interaction of the crossed model.) The rater's overall leniency cancels out of the
    difference, and a workforce-wide gap is left to the group disparity audit (where it is one
    finding, not one per rater). Unshrunk, with standard errors from the pooled variance
    components; one BH family per attribute.

    Attributes are held **jointly where it matters**: a rater flagged for levels of two
    attributes (women, and the 50+ band) is measured again with both contrasts in one crossed
    fit, so that each is estimated holding the other — one at a time, a rater who rates women
    lower also looks different towards an age band where women are many (measured before this
    rule on a generated workforce, seed 41: six of 28 differential raters were flagged for a
    second attribute too). Why not hold every attribute for every rater: the extra rater ×
    level columns absorb ratings where there is nothing to separate, which costs power and
    moves every test a little (measured on the crossed panel, seed 102: one more false flag).

    ``residual`` names the column measured: the audit passes the residual against evidence
    independent of the ratings under audit (no consensus of the same ratings)."""
    config = config or RaterAuditConfig()
    rated = Coded.of(frame, residual, attributes)
    if not len(rated):
        return empty_flags()
    components = variance_components(rated.residual, rated.rater, rated.employee)
    first = _differential(rated, {}, components, config)
    held = _flagged_elsewhere(first)
    if not held:
        return first
    return _differential(rated, held, components, config)


def _flagged_elsewhere(table: pd.DataFrame) -> dict[str, list[tuple[str, str, str]]]:
    """Per tested attribute, the (rater, other attribute, level) flags to hold: every flag of a
    rater flagged for more than one attribute."""
    flagged = table[table["flagged"]]
    split = flagged["group"].str.split("=", n=1)
    flags = pd.DataFrame(
        {"rater": flagged["rater_id"].astype("str"), "a": split.str[0], "level": split.str[1]}
    )
    multi = flags[flags.groupby("rater")["a"].transform("nunique") > 1]
    return {
        attribute: [(r.rater, r.a, r.level) for r in multi[multi["a"] != attribute].itertuples()]
        for attribute in multi["a"].unique()
    }


def _differential(
    rated: Coded,
    held: dict[str, list[tuple[str, str, str]]],
    components: VarianceComponents,
    config: RaterAuditConfig,
) -> pd.DataFrame:
    """Every (rater, attribute level) contrast, flagged per attribute family; ``held``: the
    other attributes' rater × level columns fitted beside each attribute's contrasts."""
    parts = []
    for attribute, (found, levels) in rated.attributes.items():
        if len(levels) < 2:
            continue
        known = rated.take(found != UNKNOWN)
        hold = _held_columns(known, held.get(attribute, []))
        codes = known.attributes[attribute][0]
        # Two groups: one comparison (P against L is L against P, sign flipped), not two.
        for level in levels[1:] if len(levels) == 2 else levels:
            parts.append(
                _interaction(
                    known, codes == known.level(attribute, level), hold, components,
                    f"{attribute}={level}", config.min_group_ratees,
                )
            )  # fmt: skip
    parts = [part for part in parts if len(part)]
    if not parts:
        return empty_flags()
    pairs = pd.concat(parts, ignore_index=True)
    enough = (pairs["ratees"] >= config.min_group_ratees).to_numpy() & np.isfinite(
        pairs["se"].to_numpy()
    )
    diff, se = pairs["diff"].to_numpy(float), pairs["se"].to_numpy(float).copy()
    # One false-discovery family per attribute: "does this rater treat women differently?" is
    # a question of its own, and its few hundred tests are not diluted by every age band's.
    family = pairs["group"].str.split("=", n=1).str[0].to_numpy()
    for name in dict.fromkeys(family):
        rows = family == name
        se[rows] = _misfit_se(
            diff[rows], se[rows], enough[rows], config.differential_alpha,
            config.min_differential_effect,
        )  # fmt: skip
    p = np.where(enough, two_sided_p(diff / se), np.nan)
    tables = [
        _flag_table(
            rater_id=pairs["rater_id"].to_numpy()[rows], group=pairs["group"].to_numpy()[rows],
            n=pairs["n"].to_numpy()[rows], ratees=pairs["ratees"].to_numpy()[rows],
            effect=diff[rows], se=se[rows], p=p[rows], enough=enough[rows],
            alpha=config.differential_alpha, kinds=("DIFFERENTIAL", "DIFFERENTIAL"),
            min_effect=config.min_differential_effect,
        )
        for rows in (family == name for name in dict.fromkeys(family))
    ]  # fmt: skip
    table = pd.concat(tables, ignore_index=True)
    table = table.sort_values(["flagged", "q_value"], ascending=[False, True])
    table = table.reset_index(drop=True)
    return _one_level_each(table)


def _held_columns(rated: Coded, held: list[tuple[str, str, str]]) -> list[np.ndarray]:
    """The columns held beside an attribute's contrasts, as the rows where each is 1: one
    rater's ratings of a level of another attribute, where that rater also rated people
    outside the level (else the column would repeat the rater's own). Rows, not masks over
    every rating: a national audit holds hundreds of such columns."""
    if not held:
        return []
    rows_of = rated.rows_of()
    found = rated.raters.get_indexer(pd.Index([rater for rater, _, _ in held], dtype="str"))
    columns = []
    for (_, other, level), code in zip(held, found, strict=True):
        if code < 0:
            continue
        mine = rows_of[int(code)]
        inside = rated.attributes[other][0][mine] == rated.level(other, level)
        if inside.any() and not inside.all():
            columns.append(mine[inside])
    return columns


def _interaction(
    rated: Coded,
    inside: np.ndarray,
    hold: list[np.ndarray],
    components: VarianceComponents,
    label: str,
    min_ratees: int,
) -> pd.DataFrame:
    """Each rater's group × rater effect beyond the typical rater's gap: one crossed fit with a
    column per rater, one per rater who rated both sides of the group, and — fitted, not
    tested — one per entry of ``hold`` (1 on its rows: one rater's ratings of a group of
    another attribute, :func:`_held_columns`)."""
    y, codes, count = rated.residual, rated.rater, len(rated.raters)
    sides = _side_counts(rated, inside)
    tested = sides.min(axis=1) >= 1
    both = np.flatnonzero(tested)
    if not len(both):
        return pd.DataFrame()
    blocks = [indicator(codes, count), _rater_by(codes, tested, inside)]
    if hold:
        where = np.concatenate(hold)
        column = np.repeat(np.arange(len(hold)), [len(h) for h in hold])
        blocks.append(
            sp.csr_matrix((np.ones(len(where)), (where, column)), shape=(len(y), len(hold)))
        )
    fixed = sp.hstack(blocks).tocsr()
    del blocks
    k = count + len(both)
    nuisance = np.arange(fixed.shape[1]) >= k
    fit = fixed_effects(
        y, fixed, rated.employee, components, nuisance=nuisance, se_of=np.arange(count, k)
    )
    gap = fit.effect[count:k]
    ratees = sides.min(axis=1)[both]
    # The reference is how the typical rater rates this group (the median rater's gap): a
    # workforce-wide gap is left to the group audit, and a mean would let the few differential
    # raters pull every other rater's difference the other way.
    judged = ratees >= min_ratees
    typical = float(np.median(gap[judged])) if judged.any() else 0.0
    return pd.DataFrame(
        {
            "rater_id": np.asarray(rated.raters)[both],
            "group": label,
            "n": np.bincount(codes, minlength=count)[both],
            "ratees": ratees,
            "diff": gap - typical,
            "se": fit.se[count:k],
        }
    )


def _typical(effect: np.ndarray, se: np.ndarray, judged: np.ndarray) -> float:
    """Where "no effect" lies: the typical judged rater's effect. The expectation is what the
    average rater gives for the evidence; where the biased raters lean one way more often than
    the other, every rater's residual carries the imbalance (measured on a generated workforce,
    seed 34, 25 severe raters against 13 lenient: clean raters read +0.044).

    The typical rater is the precision-weighted mean of the raters whose effects are consistent
    with it (within ``TRIM_Z`` standard errors), found by iteration from the median: a metric
    trimmed mean. The median alone is not enough where many raters lean the same way — on a
    crossed panel with half of 60 raters biased (tests/fairness/test_estimation.py, 20 seeds),
    it sat in the lower third of the clean raters and every effect read +0.024 too high (one
    seed's lenient raters +0.08); trimmed, the clean raters average +0.005. Its own uncertainty
    (a fraction of one rater's standard error) is left out; with fewer than ``MIN_CENTRED``
    judged raters it is too unsure to be the reference, and the average rater stays it."""
    keep = judged & np.isfinite(effect) & np.isfinite(se) & (se > 0)
    effect, se = effect[keep], se[keep]
    if len(effect) < MIN_CENTRED:
        return 0.0
    centre = float(np.median(effect))
    weight = 1.0 / se**2
    for _ in range(50):
        near = np.abs(effect - centre) <= TRIM_Z * se
        if near.sum() < MIN_CENTRED:
            break
        moved = float(np.sum(weight[near] * effect[near]) / weight[near].sum())
        if abs(moved - centre) < 1e-9:
            break
        centre = moved
    return centre


def _side_counts(rated: Coded, inside: np.ndarray) -> np.ndarray:
    """Distinct ratees per rater outside (column 0) and inside (column 1) a group."""
    key = rated.pairs(inside)
    ratees = int(rated.employee.max()) + 1
    side = (key // 2 // ratees) * 2 + key % 2
    return np.bincount(side, minlength=2 * len(rated.raters)).reshape(-1, 2)


def _rater_by(codes: np.ndarray, chosen: np.ndarray, inside: np.ndarray) -> sp.csr_matrix:
    """One column per chosen rater: 1 on that rater's rows inside the group."""
    column = np.cumsum(chosen) - 1
    rows = inside & chosen[codes]
    return indicator(np.maximum(column[codes], 0), int(chosen.sum()), rows)


def _treated_apart(rated: Coded, differential: pd.DataFrame) -> np.ndarray:
    """Rows whose rater is flagged DIFFERENTIAL for the ratee's group."""
    apart = np.zeros(len(rated), dtype=bool)
    flagged = differential[differential["flagged"].to_numpy()]
    # A group's flagged raters become a lookup table over the rater codes (np.isin over 20
    # million rater ids as text took minutes per group at national size).
    for label, rows in flagged.groupby("group", sort=False):
        attribute, level = str(label).split("=", 1)
        if attribute not in rated.attributes:
            continue
        at = rated.level(attribute, level)
        if at == UNKNOWN:
            continue  # no rating of this group here
        mine = np.zeros(len(rated.raters) + 1, dtype=bool)  # the last slot: a rater not listed
        found = rated.raters.get_indexer(pd.Index(rows["rater_id"].astype("str"), dtype="str"))
        mine[found[found >= 0]] = True
        apart |= mine[rated.rater] & (rated.attributes[attribute][0] == at)
    return apart


def _one_level_each(table: pd.DataFrame) -> pd.DataFrame:
    """Where several levels of one attribute are flagged for one rater, only the most extreme
    stays flagged: a rater who rates the 50+ band lower makes every other band look favoured
    beside it, and those are one finding, not three."""
    flagged = table[table["flagged"]]
    if flagged.empty:
        return table
    attribute = flagged["group"].str.split("=", n=1).str[0]
    z = (flagged["effect"] / flagged["se"]).abs()
    top = z.groupby([flagged["rater_id"], attribute]).transform("max")
    echo = flagged.index[(z < top).to_numpy()]
    table.loc[echo, "flagged"] = False
    table.loc[echo, "kind"] = "NONE"
    return table


def empty_flags() -> pd.DataFrame:
    """The rater-flag table with no rows, typed (a data set without raters)."""
    return pd.DataFrame(
        {
            "rater_id": pd.Series(dtype="str"), "kind": pd.Series(dtype="str"),
            "group": pd.Series(dtype="str"), "n": pd.Series(dtype="int64"),
            **{c: pd.Series(dtype="float64") for c in ("effect", "ci_low", "ci_high", "q_value")},
            "flagged": pd.Series(dtype="bool"), "ratees": pd.Series(dtype="int64"),
            **{c: pd.Series(dtype="float64") for c in ("se", "shrunk", "mde")},
        }
    )  # fmt: skip


def _misfit_se(
    effect: np.ndarray, se: np.ndarray, enough: np.ndarray, alpha: float, min_effect: float
) -> np.ndarray:
    """Standard errors widened by what the evidence misses about a rater's units for good (a
    unit whose work the KPIs undersell, year after year): the crossed model cannot tell it from
    the rater, and it is not sampling noise. Its variance is the spread the raters *not*
    flagged in a first pass show beyond their sampling error (a random-effects meta-analysis
    over them, method of moments); it then enters every rater's interval and test."""
    p = np.where(enough, two_sided_p(effect / se), np.nan)
    q = bh_qvalues(p)
    first = enough & (np.nan_to_num(q, nan=1.0) < alpha) & (np.abs(effect) >= min_effect)
    null = enough & ~first & np.isfinite(effect) & np.isfinite(se)
    if null.sum() < 10:
        return se
    tau2 = max(float(np.mean(effect[null] ** 2) - np.mean(se[null] ** 2)), 0.0)
    return np.sqrt(se**2 + tau2)


def _flag_table(
    *,
    rater_id: np.ndarray,
    group: np.ndarray,
    n: np.ndarray,
    ratees: np.ndarray,
    effect: np.ndarray,
    se: np.ndarray,
    p: np.ndarray,
    enough: np.ndarray,
    alpha: float,
    kinds: tuple[str, str],
    min_effect: float,
) -> pd.DataFrame:
    q = bh_qvalues(p)
    flagged = enough & (np.nan_to_num(q, nan=1.0) < alpha) & (np.abs(effect) >= min_effect)
    kind = np.where(
        ~enough, "INSUFFICIENT_DATA",
        np.where(flagged, np.where(effect > 0, kinds[0], kinds[1]), "NONE"),
    )  # fmt: skip
    shrunk = empirical_bayes(np.where(enough, effect, np.nan), np.where(enough, se, np.nan))
    table = pd.DataFrame(
        {
            "rater_id": rater_id,
            "kind": kind,
            "group": group,
            "n": n.astype("int64"),
            "effect": effect,
            "ci_low": effect - Z95 * se,
            "ci_high": effect + Z95 * se,
            "q_value": q,
            "flagged": flagged,
            "ratees": ratees.astype("int64"),
            "se": se,
            "shrunk": shrunk.effect,
            "mde": np.maximum(detectable(se, p, alpha), min_effect),
        }
    )
    return table.sort_values(["flagged", "q_value"], ascending=[False, True]).reset_index(drop=True)


def detectable(se: np.ndarray, p: np.ndarray, alpha: float, power: float = POWER) -> np.ndarray:
    """The minimum detectable effect of each test at the family's error rates: the effect a
    test finds with probability ``power`` at the per-test threshold Benjamini–Hochberg used in
    this run (α·k/m with k discoveries among m tests; α/m when there were none)."""
    finite = np.isfinite(p)
    m = int(finite.sum())
    if not m:
        return np.full(len(se), np.nan)
    ranked = np.sort(p[finite])
    passed = np.flatnonzero(ranked <= alpha * np.arange(1, m + 1) / m)
    threshold = alpha * max(len(passed), 1) / m
    return np.asarray(se, float) * float(stats.norm.isf(threshold / 2) + stats.norm.ppf(power))
