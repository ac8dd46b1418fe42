"""Programme effects estimated from training history: a difference-in-differences on pairs of
consecutive competency assessments.

Method
------
For each employee and competency, two consecutive assessments 6–36 months apart form a *pair*;
its change is Δ = level(t1) − level(t0). A pair is *treated* by programme p when the employee
completed p (``end_date`` in (t0, t1]) and p targets the competency, and the employee's level at
t0 was below p's ``max_level`` (a programme cannot lift anyone beyond it, so a pair without that
headroom says nothing about p). Controls are the *not-yet-treated* pairs: no programme targeting
the competency completed in (t0, t1], but one completed after t1. A ridge regression among the
controls gives the expected Δ of an untrained pair from its before level, its gap to the required
level, the method of the before assessment, the years between and whether the competency was
trained before t0 (every term also by before level). The residuals of the treated pairs are
regressed jointly on how often each (programme, competency) was completed in the pair (one pair
may hold several programmes); the coefficients are the effects, with standard errors clustered
by employee. Empirical Bayes then shrinks each effect towards its programme's average over its
competencies, itself shrunk towards 0: a programme nobody took is expected to do nothing.

``effect`` therefore reads: the mean change in *assessed* level that completing p adds for a
participant whose last level was below ``max_level`` — what :mod:`ml.recommend.rank` multiplies
by the headroom.

Regression to the mean and its limits
-------------------------------------
People are sent to training when their level looks low, and a level that looks low is partly
measurement noise that the next assessment does not repeat. Comparing only pairs with the same
before level (and method, which sets the noise) cancels that part: treated and control pairs
regress alike. What matching on the observed level cannot cancel is selection on what the
assessment does not show: a planner who knows the competency is weaker, or slipping faster,
than the last level says. Not-yet-treated controls share that selection (someone chose the
competency for them too); on generated data with no true effect they cut the mean estimate
from −0.03 to −0.01 levels. What remains:

- selection on timing (a competency trained now may be slipping faster than one trained next
  year), effects that take longer than t1 − t0 to show or that fade, and employees who choose
  programmes for reasons that also raise their levels;
- the floor of the scale: a level cannot read below 1, so a level-1 participant's gain is
  partly hidden (on generated data the assessed gain at level 1 is two thirds of the latent
  one). The estimate is the change in *assessed* level, which is what gaps are measured in, and
  it understates the change in the competency itself for programmes whose participants start
  at level 1 (those with ``max_level`` 2);
- the standard errors treat the expected change as known (it rests on thousands of control
  pairs) and carry no uncertainty about the choice of controls.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

from ml.contract.codes import TrainingStatus
from ml.features.assessments import METHOD_ERROR_SD, UNKNOWN_METHOD_ERROR_SD

Tables = dict[str, pd.DataFrame]

MIN_YEARS, MAX_YEARS = 0.5, 3.0  # pairs 6–36 months apart: long enough to show a change
GAP_CLIP = 2  # gaps beyond ±2 levels are rare; pooled with ±2
# Penalty on the by-level terms, in pseudo-pairs: a sparse cell falls back to the main effects.
RIDGE = 10.0
Z95 = float(stats.norm.ppf(0.975))
PAIR_KEY = ["employee_id", "competency_code"]
# What the estimate reads of each table (for ml.features.io.load_tables); start_date only
# for true_effects, which dates the headroom.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "employees": ("employee_id", "position_id"),
    "position_requirements": ("position_id", "competency_code", "required_level"),
    "competency_assessments": ("employee_id", "competency_code", "assessed_on", "level", "method"),
    "trainings": ("employee_id", "program_id", "start_date", "end_date", "status"),
    "training_catalog": ("program_id", "competency_codes", "max_level"),
}
EFFECT_COLUMNS = [
    "program_id", "competency_code", "n_treated", "effect", "se", "ci_low", "ci_high",
    "shrunk_effect", "max_level", "prior",
]  # fmt: skip


def program_links(catalog: pd.DataFrame) -> pd.DataFrame:
    """One row per (programme, competency it targets): program_id, competency_code, max_level
    and whatever other catalogue columns were given (title, jp, cost_idr for ranking)."""
    codes = catalog["competency_codes"].astype("str").str.split(";")
    links = catalog.drop(columns="competency_codes").assign(competency_code=codes)
    links = links.explode("competency_code")
    links["competency_code"] = links["competency_code"].str.strip()
    links = links[links["competency_code"] != ""]
    # "M1;M1" would count a programme's gain on M1 twice
    return links.drop_duplicates(["program_id", "competency_code"]).reset_index(drop=True)


def assessment_pairs(tables: Tables) -> pd.DataFrame:
    """Consecutive assessments of one employee and competency, ``MIN_YEARS``–``MAX_YEARS`` apart.

    Returns
    -------
    DataFrame of shape (n_pairs, 10)
        employee_id, competency_code, t0, t1, level0, delta (level at t1 − level at t0), method0
        (the before assessment's method), years, gap (required − level0, clipped to
        ±``GAP_CLIP``; NaN where the position's requirement is unknown) and pair (0 … n − 1).
    """
    a = tables["competency_assessments"].sort_values([*PAIR_KEY, "assessed_on"])
    emp, code = a["employee_id"].to_numpy(), a["competency_code"].to_numpy()
    day, level = a["assessed_on"].to_numpy(), a["level"].to_numpy(float)
    same = (emp[1:] == emp[:-1]) & (code[1:] == code[:-1])
    years = (day[1:] - day[:-1]) / np.timedelta64(1, "D") / 365.25
    keep = np.flatnonzero(same & (years >= MIN_YEARS) & (years <= MAX_YEARS))
    pairs = pd.DataFrame(
        {
            "employee_id": emp[keep],
            "competency_code": code[keep],
            "t0": day[keep],
            "t1": day[keep + 1],
            "level0": level[keep],
            "delta": level[keep + 1] - level[keep],
            "method0": a["method"].to_numpy()[keep],
            "years": years[keep],
        }
    )
    required = _required_levels(tables)
    if required is not None:
        pairs = pairs.merge(required, on=PAIR_KEY, how="left")
        gap = (pairs.pop("required_level") - pairs["level0"]).clip(-GAP_CLIP, GAP_CLIP)
    else:
        gap = pd.Series(np.nan, index=pairs.index)
    return pairs.assign(gap=gap.to_numpy(float), pair=np.arange(len(pairs)))


def _required_levels(tables: Tables) -> pd.DataFrame | None:
    """(employee_id, competency_code, required_level) from the positions held today."""
    if "position_requirements" not in tables or "employees" not in tables:
        return None
    positions = tables["employees"][["employee_id", "position_id"]]
    required = positions.merge(tables["position_requirements"], on="position_id")
    required = required.assign(required_level=required["required_level"].astype(float))
    return required[[*PAIR_KEY, "required_level"]].drop_duplicates(PAIR_KEY)


def completions(tables: Tables) -> pd.DataFrame:
    """Completed trainings, one row per competency the programme targets: employee_id,
    program_id, competency_code, max_level, start_date, end_date."""
    done = tables["trainings"]
    done = done[done["status"].astype("str") == TrainingStatus.COMPLETED]
    done = done[["employee_id", "program_id", "start_date", "end_date"]]
    links = program_links(tables["training_catalog"])[
        ["program_id", "competency_code", "max_level"]
    ]
    return done.merge(links, on="program_id")


def treatments(pairs: pd.DataFrame, done: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Which pairs are treated, and each pair's training before and after its window.

    Returns
    -------
    links : DataFrame
        One row per (pair, completion targeting its competency with end_date in (t0, t1]):
        pair, employee_id, competency_code, program_id, start_date, headroom (level0 below the
        programme's max_level).
    status : DataFrame of shape (n_pairs, 3)
        Per pair: ``treated`` (any such completion), ``past`` (one before t0) and ``future``
        (one after t1).
    """
    on = pairs[["pair", *PAIR_KEY, "t0", "t1", "level0"]].merge(done, on=PAIR_KEY)
    end = on["end_date"]
    inside = (end > on["t0"]) & (end <= on["t1"])
    n = len(pairs)
    status = pd.DataFrame(
        {
            name: np.bincount(on.loc[mask, "pair"], minlength=n) > 0
            for name, mask in (
                ("treated", inside),
                ("past", end <= on["t0"]),
                ("future", end > on["t1"]),
            )
        }
    )
    links = on[inside].assign(headroom=(on["level0"] < on["max_level"].astype(float))[inside])
    cols = ["pair", *PAIR_KEY, "program_id", "start_date", "headroom"]
    return links[cols].reset_index(drop=True), status


def _design(pairs: pd.DataFrame, past: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Covariates of the expected change, and which columns the ridge penalises.

    Main effects (unpenalised): before level, gap (NaN its own category), before method, years
    and training before t0 (a competency trained before regresses towards a higher mean). By
    before level (penalised): each of those again, since how far a level regresses depends on
    where it starts.
    """
    level = np.clip(pairs["level0"].to_numpy(), 1, 5).astype(int)
    by_level = (level[:, None] == np.arange(1, 6)).astype(float)
    gap = pairs["gap"].to_numpy()
    gap_cat = np.where(np.isnan(gap), 2 * GAP_CLIP + 1, np.nan_to_num(gap) + GAP_CLIP).astype(int)
    gaps = (gap_cat[:, None] == np.arange(2 * GAP_CLIP + 2)).astype(float)
    method = pairs["method0"].astype("str").to_numpy()
    methods = (method[:, None] == np.unique(method)).astype(float)
    years = pairs["years"].to_numpy(float)[:, None]
    trained = past.astype(float)[:, None]
    main = [by_level, gaps[:, 1:], methods[:, 1:], years, trained]
    inter = [by_level[:, :, None] * x[:, None, :] for x in (gaps, methods, years, trained)]
    inter_cols = np.concatenate([x.reshape(len(pairs), -1) for x in inter], axis=1)
    main_cols = np.concatenate(main, axis=1)
    penalised = np.r_[np.zeros(main_cols.shape[1], bool), np.ones(inter_cols.shape[1], bool)]
    return np.concatenate([main_cols, inter_cols], axis=1), penalised


def expected_change(pairs: pd.DataFrame, status: pd.DataFrame) -> np.ndarray:
    """Expected Δ of every pair had it not been trained, fitted on the not-yet-treated pairs
    (every untreated pair where none exists: a history too short to reach past the window)."""
    x, penalised = _design(pairs, status["past"].to_numpy())
    untreated = ~status["treated"].to_numpy()
    controls = untreated & status["future"].to_numpy()
    if not controls.any():
        controls = untreated
    xc, yc = x[controls], pairs["delta"].to_numpy(float)[controls]
    beta = np.linalg.lstsq(xc.T @ xc + RIDGE * np.diag(penalised), xc.T @ yc, rcond=None)[0]
    return np.asarray(x @ beta)


def joint_effects(
    residual: np.ndarray, pair: np.ndarray, term: np.ndarray, cluster: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least squares of the treated pairs' residuals on their completions, without intercept.

    Parameters
    ----------
    residual : ndarray of shape (n_pairs,)
        Δ − expected Δ of each treated pair (positions 0 … n_pairs − 1).
    pair, term : ndarray of shape (n_links,)
        Each completion's pair position and (programme, competency) position (0 … n_terms − 1).
    cluster : ndarray of shape (n_pairs,)
        The employee of each pair, as integer codes.

    Returns
    -------
    effect, se, n : ndarray of shape (n_terms,)
        Coefficients; standard errors, the larger of the employee-clustered (CR1) and the
        classical one (the clustered one collapses for terms with a handful of pairs); and the
        number of pairs holding each term.
    """
    n_pairs, n_terms = len(residual), int(term.max()) + 1 if len(term) else 0
    z = sparse.csr_matrix((np.ones(len(pair)), (pair, term)), shape=(n_pairs, n_terms))
    bread = np.linalg.pinv((z.T @ z).toarray())
    effect = bread @ (z.T @ residual)
    e = residual - z @ effect
    scores = (
        sparse.csr_matrix(
            (np.ones(n_pairs), (cluster, np.arange(n_pairs))),
            shape=(int(cluster.max()) + 1, n_pairs),
        )
        @ z.multiply(e[:, None]).tocsr()
    )
    groups = len(np.unique(cluster))
    meat = (scores.T @ scores).toarray() * groups / max(groups - 1, 1)
    robust = np.diag(bread @ meat @ bread)
    classical = np.diag(bread) * float(e @ e) / max(n_pairs - n_terms, 1)
    n = np.asarray((z > 0).sum(axis=0)).ravel()
    return effect, np.sqrt(np.maximum(robust, classical)), n


def shrink(frame: pd.DataFrame, min_pairs: int) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes prior and posterior mean of each row's effect: a two-level normal model.

    A competency's true effect varies around its programme's mean (variance τ²_c), and the
    programme means vary around 0 (variance τ²_p): a programme nobody took is expected to do
    nothing. The prior of a row is the posterior mean of its programme's mean given all the
    programme's rows; the row is then pulled towards it by τ²_c / (τ²_c + se²), so an effect
    resting on few pairs ends near its programme's, and one without pairs on it. τ²_c is the
    DerSimonian–Laird estimate pooled over programmes, τ²_p the method of moments; both use only
    the rows with at least ``min_pairs`` treated pairs, whose standard errors can be trusted.

    Parameters
    ----------
    frame : DataFrame of shape (n_rows, k)
        program_id, n_treated, effect, se.

    Returns
    -------
    prior, shrunk : ndarray of shape (n_rows,)
    """
    effect, se = frame["effect"].to_numpy(float), frame["se"].to_numpy(float)
    known = np.isfinite(effect) & np.isfinite(se) & (se > 0)
    reliable = known & (frame["n_treated"].to_numpy() >= min_pairs)
    b, var = np.where(known, effect, 0.0), np.where(known, se, 1.0) ** 2
    program = pd.Index(frame["program_id"].to_numpy(), name="program_id")

    def per_program(values: dict[str, np.ndarray]) -> pd.DataFrame:
        return pd.DataFrame(values, index=program).groupby(level=0).sum()

    w = np.where(reliable, 1 / var, 0.0)
    moments = per_program({"w": w, "wb": w * b, "wbb": w * b * b, "ww": w * w, "k": reliable})
    moments = moments[moments["k"] >= 2]
    q = moments["wbb"] - moments["wb"] ** 2 / moments["w"]
    c = moments["w"] - moments["ww"] / moments["w"]
    tau2_c = max(float((q.sum() - (moments["k"] - 1).sum()) / c.sum()), 0.0) if len(c) else 0.0

    w = np.where(known, 1 / (var + tau2_c), 0.0)
    pooled = per_program({"w": w, "wb": w * b, "reliable": reliable})
    pooled = pooled[pooled["w"] > 0]
    mean, mean_var = pooled["wb"] / pooled["w"], 1 / pooled["w"]
    trusted = (pooled["reliable"] > 0).to_numpy()
    tau2_p = (
        max(float(np.mean(mean.to_numpy()[trusted] ** 2 - mean_var.to_numpy()[trusted])), 0.0)
        if trusted.any()
        else 0.0
    )
    prior = (mean * tau2_p / (tau2_p + mean_var)).reindex(program).fillna(0.0).to_numpy()
    weight = np.where(known, tau2_c / (tau2_c + var), 0.0)
    return prior, prior + weight * (b - prior)


def treated_pairs(tables: Tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The treated pairs with their residual change, and the completions that treat them.

    Returns
    -------
    pairs : DataFrame
        :func:`assessment_pairs` restricted to pairs with at least one completion that had
        headroom, plus ``residual`` (Δ − expected Δ).
    links : DataFrame
        :func:`treatments`' links that had headroom.
    """
    pairs = assessment_pairs(tables)
    links, status = treatments(pairs, completions(tables))
    residual = pairs["delta"].to_numpy(float) - expected_change(pairs, status)
    links = links[links["headroom"].to_numpy(bool)]
    used = pairs["pair"].isin(links["pair"]).to_numpy()
    return pairs.assign(residual=residual)[used].reset_index(drop=True), links


def estimate_program_effects(tables: Tables, *, min_pairs: int = 20) -> pd.DataFrame:
    """Each catalogued (programme, competency)'s effect on the assessed level.

    Parameters
    ----------
    tables : dict of DataFrame
        ``competency_assessments``, ``trainings``, ``training_catalog``; ``employees`` and
        ``position_requirements`` when available (the gap to the required level is a covariate).
    min_pairs : int
        Treated pairs below which an effect's standard error is not trusted to set the amount
        of shrinkage (it still gets shrunk, by its own uncertainty).

    Returns
    -------
    DataFrame of shape (n_links, 10)
        ``EFFECT_COLUMNS``: n_treated (treated pairs with headroom), effect (NaN when none), se,
        the 95% interval ci_low–ci_high of the effect, shrunk_effect (the empirical-Bayes
        estimate to use), max_level, and prior (what shrunk_effect falls back to without data).
    """
    pairs, links = treated_pairs(tables)
    catalog = program_links(tables["training_catalog"]).drop_duplicates(
        ["program_id", "competency_code"]
    )
    out = catalog.assign(n_treated=0, effect=np.nan, se=np.nan)
    if len(links):
        term, terms = pd.factorize(
            pd.MultiIndex.from_frame(links[["program_id", "competency_code"]])
        )
        position = pd.Series(np.arange(len(pairs)), index=pairs["pair"].to_numpy())
        effect, se, n = joint_effects(
            pairs["residual"].to_numpy(float),
            position.reindex(links["pair"].to_numpy()).to_numpy(),
            term,
            pd.factorize(pairs["employee_id"])[0],
        )
        found = pd.DataFrame({"n_treated": n, "effect": effect, "se": se}, index=terms)
        key = pd.MultiIndex.from_frame(out[["program_id", "competency_code"]])
        for column in found.columns:
            out[column] = found[column].reindex(key).to_numpy()
        out["n_treated"] = out["n_treated"].fillna(0).astype("int64")
    out["ci_low"] = out["effect"] - Z95 * out["se"]
    out["ci_high"] = out["effect"] + Z95 * out["se"]
    prior, shrunk = shrink(out, min_pairs)
    out = out.assign(shrunk_effect=shrunk, prior=prior)
    return out[EFFECT_COLUMNS].reset_index(drop=True)


def true_effects(tables: Tables, ground_truth: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The true effects of a generated workforce, as the estimator can see them.

    The generator's ``effect`` is the largest gain a completion gives: a participant gains
    ``effect × clip(max_level − latent level on 1 January of the start year, 0, 1)``. Over the
    treated pairs the estimate rests on, ``realised_effect`` is the mean of that gain, and
    ``assessed_effect`` the mean change in *expected assessed level* it causes at t1 (the
    latent level with and without the gain, read through rounding, the 1–5 bounds and the
    method's noise): near level 1 a gain is partly lost below the floor of the scale. A
    pair holding several programmes shares its assessed change in proportion to their gains.
    Both are NaN where no such pair has a latent level on that day (hired during the year).

    Parameters
    ----------
    tables : dict of DataFrame
        The workforce's tables, as given to :func:`estimate_program_effects`.
    ground_truth : dict of DataFrame
        ``program_effects``, ``latent_levels`` and ``assessment_truth``
        (:attr:`ml.synth.Workforce.ground_truth`).

    Returns
    -------
    DataFrame
        ``program_effects`` with ``realised_effect`` and ``assessed_effect``.
    """
    pairs, links = treated_pairs(tables)
    program_effects = ground_truth["program_effects"]
    latent = ground_truth["latent_levels"][[*PAIR_KEY, "as_of", "latent_level"]]
    as_of = pd.to_datetime(links["start_date"].dt.year.astype("str") + "-01-01").to_numpy()
    links = links.assign(as_of=as_of).merge(latent, on=[*PAIR_KEY, "as_of"], how="left")
    truth = program_effects[["program_id", "competency_code", "effect", "max_level"]]
    links = links.merge(truth, on=["program_id", "competency_code"], how="left")
    gain = links["effect"] * (links["max_level"] - links["latent_level"]).clip(0, 1)
    total = gain.groupby(links["pair"]).sum(min_count=1)
    total[gain.isna().groupby(links["pair"]).any()] = np.nan

    after = ground_truth["assessment_truth"].rename(columns={"assessed_on": "t1"})
    method = tables["competency_assessments"][[*PAIR_KEY, "assessed_on", "method"]]
    at_t1 = (
        pairs[["pair", *PAIR_KEY, "t1"]]
        .merge(after, on=[*PAIR_KEY, "t1"])
        .merge(method.rename(columns={"assessed_on": "t1"}), on=[*PAIR_KEY, "t1"])
    )
    level1 = pd.Series(at_t1["latent_level"].to_numpy(float), index=at_t1["pair"])
    sd = pd.Series(
        at_t1["method"].map(METHOD_ERROR_SD).fillna(UNKNOWN_METHOD_ERROR_SD).to_numpy(float),
        index=at_t1["pair"],
    )
    level1, sd, total = (
        level1.reindex(links["pair"]),
        sd.reindex(links["pair"]),
        total.reindex(links["pair"]),
    )
    assessed = expected_level(level1, sd) - expected_level(level1 - total, sd)
    positive = total.to_numpy() > 0
    share = np.divide(gain.to_numpy(), total.to_numpy(), out=np.zeros(len(gain)), where=positive)
    by_term = [links["program_id"], links["competency_code"]]
    means = pd.DataFrame(
        {
            "realised_effect": gain.groupby(by_term).mean(),
            "assessed_effect": pd.Series(assessed.to_numpy() * share, index=links.index)
            .groupby(by_term)
            .mean(),
        }
    )
    return program_effects.merge(
        means.reset_index(), on=["program_id", "competency_code"], how="left"
    )


def expected_level(latent: pd.Series, noise_sd: pd.Series) -> pd.Series:
    """Expected assessed level 1–5 of a latent level read with normal noise, rounded and bounded:
    1 + Σ_{k=1…4} P(latent + noise ≥ k + ½)."""
    x, sd = latent.to_numpy(float), noise_sd.to_numpy(float)
    level = 1 + sum(stats.norm.cdf((x - k - 0.5) / sd) for k in range(1, 5))
    return pd.Series(level, index=latent.index)


def compare_with_truth(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    min_pairs: int = 20,
    against: str = "realised_effect",
) -> dict[str, Any]:
    """Agreement of the estimates with a generated workforce's true effects.

    Over the (programme, competency) rows with at least ``min_pairs`` treated pairs and a known
    truth: ``pearson`` and ``spearman`` correlations of ``shrunk_effect`` with the true
    ``effect`` (the largest gain a completion gives). The estimate measures the gain its
    participants realised — ``effect`` times their mean headroom — so the same correlations
    (``*_vs_target``), the mean absolute error ``mae``, the mean ``bias`` and the share of 95%
    intervals covering the truth (``coverage``) are measured against the column ``against``
    of ``truth`` (see :func:`true_effects`; ``effect`` where that column is absent).

    Parameters
    ----------
    estimates : DataFrame
        :func:`estimate_program_effects`' output.
    truth : DataFrame
        program_id, competency_code, effect, and optionally ``against``.
    """
    against = against if against in truth else "effect"
    true = truth[["program_id", "competency_code", "effect"]].rename(columns={"effect": "true"})
    true = true.assign(target=truth[against].to_numpy(float))
    m = estimates.merge(true, on=["program_id", "competency_code"])
    m = m[(m["n_treated"] >= min_pairs) & m["true"].notna() & m["target"].notna()]
    shrunk, target = m["shrunk_effect"].to_numpy(float), m["target"].to_numpy(float)
    covered = (m["ci_low"].to_numpy(float) <= target) & (target <= m["ci_high"].to_numpy(float))
    pearson, spearman = _correlations(shrunk, m["true"].to_numpy(float))
    pearson_target, spearman_target = _correlations(shrunk, target)
    empty = not len(m)
    return {
        "n": len(m),
        "against": against,
        "pearson": pearson,
        "spearman": spearman,
        "pearson_vs_target": pearson_target,
        "spearman_vs_target": spearman_target,
        "mae": float("nan") if empty else float(np.mean(np.abs(shrunk - target))),
        "bias": float("nan") if empty else float(np.mean(shrunk - target)),
        "coverage": float("nan") if empty else float(np.mean(covered)),
    }


def _correlations(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Pearson and Spearman correlations; NaN below three points or without variation."""
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan")
    return float(stats.pearsonr(x, y)[0]), float(stats.spearmanr(x, y)[0])
