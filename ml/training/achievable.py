"""The achievable bound (generated data only): the Bayes-optimal need probability given only what
was observed up to the prediction date, under the generator's own model and parameters.

The oracle reads the true latent level on the date; no model can. This module computes what the
best possible model could say instead: the posterior of each employee's latent levels given the
contract data known on ``as_of`` (assessments with their method's noise, completed trainings,
appraisals with their KPI and ratings), and from it the probability that the label assessment
falls below the requirement. A model's distance to this bound is the part of the oracle gap that
better features or fitting could still close; the rest is information no one has.

The generator (``ml.synth.dynamics``) draws, per employee, levels
``B_k = required_k − 0.1 + common + specific_k`` (a common ability shared by the competencies of
one person) and a yearly drift ``D_k``; the level at time ``t`` is ``B_k + D_k·a(t) + G_k(t)``
with ``a`` the years of service since the start of the simulation and ``G`` the gains of the
completed trainings (the programme's true effect, less near its ``max_level``). Given the gains
this is linear in the static state ``x = (B, D)``, so the posterior is a Gaussian updated once per
observation: exactly for KPI attainment (linear with Gaussian noise), by moment matching
(assumed-density filtering) for the rounded assessment levels and the ordinal ratings. Known
simplifications, each small: training headroom uses the posterior mean level rather than the
unknown true one; the clip of latent levels to 0.6–5.4 is ignored; effects shared between people
(agency, region, unit performance, a rater's bias) count as independent noise rather than being
learnt across colleagues; trainings after ``as_of`` are not anticipated. The label's date and
method (not its outcome) are used, which a model cannot know: the bound errs on the high side.

Pure: frames and the settings in, probabilities out. ``tests/training/test_achievable.py``
checks it against a Monte-Carlo posterior on a tiny workforce.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ml.features.io import load_tables
from ml.features.pipeline import INPUT_COLUMNS
from ml.features.point_in_time import known_at
from ml.synth.dynamics import COMPETENCE_SD, DAYS, NOISE, RATING_CUTS
from ml.synth.reference import GENERAL_CODES

GROUND_TRUTH = Path("ground_truth")
# What the bound reads beyond the features' columns: when a training began (its headroom).
COLUMNS = {**INPUT_COLUMNS, "trainings": (*INPUT_COLUMNS["trainings"], "start_date")}
RATING_INDEX = {"DI_BAWAH": 0, "SESUAI": 1, "DI_ATAS": 2}
EDGES = np.array([-np.inf, *RATING_CUTS, np.inf])  # rating r lies in [EDGES[r], EDGES[r + 1])


@dataclass(frozen=True)
class GeneratorModel:
    """The generator's parameters the bound needs (values as in ``ml.synth.dynamics``)."""

    start_year: int
    rater_effect_mean: float
    rater_effect_var: float
    # Level at the start: required − 0.1 + ability N(0, .7²) + agency N(0, .15²) + region
    # N(0, .1²) (one common part per person) + N(0, .3²) per competency.
    base_offset: float = -0.1
    common_var: float = 0.7**2 + 0.15**2 + 0.1**2
    specific_var: float = 0.3**2
    drift_mean: float = -0.03
    drift_var: float = 0.06**2
    # KPI = 1 + 0.07·gap + 0.06·unit performance N(0, .3²) + N(0, .09²)
    kpi_coef: float = 0.07
    kpi_noise_var: float = 0.09**2 + (0.06 * 0.3) ** 2

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> GeneratorModel:
        """From ``ground_truth/settings.json``: a biased rater's effect is ±magnitude (lenient
        40 %, severe 30 %) or −magnitude on a target group (30 %, about 40 % of ratees in it),
        the magnitude uniform within ±1/3 of ``bias_magnitude``."""
        share, size = float(settings["biased_raters"]), float(settings["bias_magnitude"])
        in_group = 0.4
        mean = share * size * (0.4 - 0.3 - 0.3 * in_group)
        second = share * size**2 * (1 + 1 / 27) * (0.4 + 0.3 + 0.3 * in_group)
        return cls(
            start_year=int(settings["start_year"]),
            rater_effect_mean=mean,
            rater_effect_var=second - mean**2,
        )


@dataclass
class _People:
    """The employees of one date as arrays: slot k of person i is competency ``codes[i, k]``."""

    ids: np.ndarray
    codes: np.ndarray  # (n, K) str
    required: np.ndarray  # (n, K) float
    general: np.ndarray  # (n, K) bool
    hire_day: np.ndarray  # (n,) days since 1 January of the start year
    year_starts: np.ndarray  # day of 1 January of each year index 0, 1, …
    start_year: int

    def active_years(self, year: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Years of drift accrued by 1 January of year index ``year`` (service years since t0)."""
        hired = np.searchsorted(self.year_starts, self.hire_day[i], side="right") - 1
        return np.maximum(0, year - np.maximum(0, hired)).astype(float)

    def drift_years(self, day: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Years of drift accrued on ``day`` (the generator's fraction of the year: days / 365)."""
        year = np.maximum(np.searchsorted(self.year_starts, day, side="right") - 1, 0)
        return self.active_years(year, i) + (day - self.year_starts[year]) / DAYS


class _Gains:
    """Known training gains per (person, slot), summed over those ending before a day."""

    def __init__(self, i: np.ndarray, k: np.ndarray, end: np.ndarray, gain: np.ndarray, K: int):
        self.K, self.span = K, np.int64(1 << 20)
        key = (i * K + k).astype(np.int64) * self.span + end.astype(np.int64)
        order = np.argsort(key, kind="stable")
        self.key, self.cum = key[order], np.cumsum(gain[order])

    def before(self, i: np.ndarray, k: np.ndarray, day: np.ndarray) -> np.ndarray:
        pair = (i * self.K + k).astype(np.int64) * self.span
        upto = np.searchsorted(self.key, pair + day.astype(np.int64), side="left") - 1
        first = np.searchsorted(self.key, pair, side="left") - 1
        cum = np.append(self.cum, 0.0)
        return np.where(upto > first, cum[upto] - np.where(first >= 0, cum[first], 0.0), 0.0)


@dataclass(frozen=True)
class BoundInputs:
    """What the bound reads from a generated data directory."""

    tables: dict[str, pd.DataFrame]
    program_effects: pd.DataFrame
    settings: dict[str, Any]


def load_bound_inputs(data_dir: Path) -> BoundInputs | None:
    """The tables, ``ground_truth/program_effects.csv`` and ``settings.json``; None for real data
    (no ground truth: there is no generator whose posterior could be computed)."""
    truth = data_dir / GROUND_TRUTH
    effects, settings = truth / "program_effects.csv", truth / "settings.json"
    if not (effects.is_file() and settings.is_file()):
        return None
    return BoundInputs(
        tables=load_tables(data_dir, dict(COLUMNS)),
        program_effects=pd.read_csv(effects, dtype={"program_id": str, "competency_code": str}),
        settings=json.loads(settings.read_text()),
    )


def achievable_need_probability(
    examples: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    program_effects: pd.DataFrame,
    settings: Mapping[str, Any],
) -> np.ndarray:
    """Bayes-optimal P(need) per example row, from what was known on the row's ``as_of``.

    ``examples``: ``employee_id``, ``competency_code``, ``as_of``, ``label_date`` (as built by
    ``build_training_examples``). ``tables``: the contract tables ``employees`` (with
    ``hire_date``), ``position_requirements``, ``competency_assessments`` (all of them: the label's
    method is read there), ``appraisals`` and ``trainings`` (with ``start_date``).
    ``program_effects``: ``ground_truth/program_effects.csv``. NaN where the employee or the
    competency is unknown to the tables.
    """
    _check_columns(examples, tables)
    model = GeneratorModel.from_settings(settings)
    out = np.full(len(examples), np.nan)
    as_of = pd.to_datetime(examples["as_of"])
    for date in as_of.unique():
        at = np.flatnonzero((as_of == date).to_numpy())
        rows = examples.iloc[at]
        out[at] = _probabilities(rows, tables, program_effects, model, pd.Timestamp(date))
    return out


NEEDS = {
    "examples": ("employee_id", "competency_code", "as_of", "label_date"),
    "employees": ("employee_id", "position_id", "hire_date"),
    "position_requirements": ("position_id", "competency_code", "required_level"),
    "competency_assessments": ("employee_id", "competency_code", "assessed_on", "level", "method"),
    "appraisals": ("employee_id", "period", "rater_role", "hasil_kerja_rating", "perilaku_rating",
                   "kpi_attainment"),
    "trainings": ("employee_id", "program_id", "start_date", "end_date", "status"),
}  # fmt: skip


def _check_columns(examples: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> None:
    """ValueError naming the table and the columns the bound needs but does not have."""
    frames = {"examples": examples, **tables}
    for name, columns in NEEDS.items():
        if name not in frames:
            raise ValueError(f"the achievable bound needs the {name} table")
        absent = [c for c in columns if c not in frames[name].columns]
        if absent:
            raise ValueError(f"the achievable bound needs {name} columns {absent}")


def _probabilities(
    rows: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame],
    effects: pd.DataFrame,
    model: GeneratorModel,
    as_of: pd.Timestamp,
) -> np.ndarray:
    people = _people(rows["employee_id"].unique(), tables, model, as_of)
    known = known_at(
        {n: tables[n] for n in ("competency_assessments", "appraisals", "trainings")}, as_of
    )
    # Two passes: the first places training headroom at the prior mean level, the second at the
    # first pass's posterior mean (headroom is the one place where gains depend on the state).
    mean, cov = _prior(people, model)
    for _ in range(2):
        gains = _training_gains(people, known["trainings"], effects, mean)
        mean, cov = _prior(people, model)
        _update(people, known, gains, model, mean, cov)

    # The label: the level on its date observed with its method's noise, below the requirement.
    i = _index(people.ids, rows["employee_id"].to_numpy())
    ok = i >= 0
    k = np.full(len(rows), -1)
    k[ok] = _slot(people, i[ok], rows["competency_code"].to_numpy()[ok])
    ok &= k >= 0
    i, k = i[ok], k[ok]
    day = _days(rows["label_date"].to_numpy()[ok], model.start_year)
    a = people.drift_years(day, i)
    K = people.codes.shape[1]
    level = mean[i, k] + mean[i, K + k] * a + gains.before(i, k, day)
    var = cov[i, k, k] + 2 * a * cov[i, k, K + k] + a**2 * cov[i, K + k, K + k]
    sd = _label_noise(rows[ok], tables["competency_assessments"])
    required = people.required[i, k]
    p = np.where(required > 1, ndtr((required - 0.5 - level) / np.sqrt(var + sd**2)), 0.0)
    out = np.full(len(rows), np.nan)
    out[ok] = p
    return out


def _days(dates: Any, start_year: int) -> np.ndarray:
    t0 = np.datetime64(f"{start_year}-01-01", "D")
    return (
        (pd.to_datetime(dates).to_numpy().astype("datetime64[D]") - t0) // np.timedelta64(1, "D")
    ).astype(np.int64)


def _index(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each wanted id in the sorted ``ids``, −1 when absent."""
    if not len(ids):
        return np.full(len(wanted), -1)
    at = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return np.where(ids[at] == wanted, at, -1)


def _slot(people: _People, i: np.ndarray, code: np.ndarray) -> np.ndarray:
    hit = people.codes[i] == code[:, None]
    return np.where(hit.any(axis=1), hit.argmax(axis=1), -1)


def _people(
    ids: np.ndarray, tables: Mapping[str, pd.DataFrame], model: GeneratorModel, as_of: pd.Timestamp
) -> _People:
    employees = tables["employees"].drop_duplicates("employee_id")
    employees = employees[employees["employee_id"].isin(ids)].sort_values("employee_id")
    req = tables["position_requirements"].sort_values(["position_id", "competency_code"])
    by_position = {p: g for p, g in req.groupby("position_id", sort=False)}
    K = max(len(g) for g in by_position.values())
    n = len(employees)
    codes = np.full((n, K), "", dtype=object)
    required = np.full((n, K), np.nan)
    for row, position in enumerate(employees["position_id"].to_numpy()):
        g = by_position.get(position)
        if g is not None:
            codes[row, : len(g)] = g["competency_code"].to_numpy()
            required[row, : len(g)] = g["required_level"].to_numpy(float)
    last = max(as_of.year + 4, model.start_year + 1)
    year_starts = _days(
        [pd.Timestamp(year=y, month=1, day=1) for y in range(model.start_year, last)],
        model.start_year,
    )
    return _People(
        ids=employees["employee_id"].to_numpy().astype(str),
        codes=codes.astype(str),
        required=required,
        general=np.isin(codes.astype(str), GENERAL_CODES),
        hire_day=_days(employees["hire_date"].to_numpy(), model.start_year),
        year_starts=year_starts,
        start_year=model.start_year,
    )


def _prior(people: _People, model: GeneratorModel) -> tuple[np.ndarray, np.ndarray]:
    """Mean (n, 2K) and covariance (n, 2K, 2K) of the state x = (B, D) before any observation.
    Slots a position lacks (padding) get the prior but no observation and no requirement."""
    n, K = people.codes.shape
    required = np.nan_to_num(people.required, nan=3.0)
    mean = np.concatenate([required + model.base_offset, np.full((n, K), model.drift_mean)], axis=1)
    block = np.zeros((2 * K, 2 * K))
    block[:K, :K] = model.common_var + model.specific_var * np.eye(K)
    block[K:, K:] = model.drift_var * np.eye(K)
    return mean, np.broadcast_to(block, (n, 2 * K, 2 * K)).copy()


def _training_gains(
    people: _People, trainings: pd.DataFrame, effects: pd.DataFrame, mean: np.ndarray
) -> _Gains:
    """Gains of the completed trainings known on the date, per (person, slot), in the
    generator's way: effect × clip(max_level − level at the start of the year it began, 0, 1)."""
    K = people.codes.shape[1]
    done = trainings[trainings["status"] == "COMPLETED"]
    i = _index(people.ids, done["employee_id"].to_numpy().astype(str))
    done, i = done[i >= 0], i[i >= 0]
    start = _days(done["start_date"].to_numpy(), people.start_year)
    end = _days(done["end_date"].to_numpy(), people.start_year)
    year = np.maximum(0, np.searchsorted(people.year_starts, start, side="right") - 1)
    # One row per (training, slot) the programme covers.
    slots = pd.DataFrame(
        {
            "t": np.repeat(np.arange(len(done)), K),
            "k": np.tile(np.arange(K), len(done)),
            "competency_code": people.codes[i].ravel(),
            "program_id": np.repeat(done["program_id"].to_numpy().astype(str), K),
        }
    ).merge(
        effects[["program_id", "competency_code", "effect", "max_level"]].astype(
            {"program_id": str, "competency_code": str}
        ),
        on=["program_id", "competency_code"],
    )
    t, k = slots["t"].to_numpy(), slots["k"].to_numpy()
    ti, ty = i[t], year[t]
    gain = np.zeros(len(t))
    # Year by year: a gain's headroom depends on the level, which earlier gains moved.
    for y in np.unique(ty):
        sel = ty == y
        so_far = _Gains(ti[~sel & (ty < y)], k[~sel & (ty < y)], end[t][~sel & (ty < y)],
                        gain[~sel & (ty < y)], K)  # fmt: skip
        day = np.full(int(sel.sum()), people.year_starts[y])
        level = (
            mean[ti[sel], k[sel]]
            + mean[ti[sel], K + k[sel]] * people.active_years(np.full(sel.sum(), y), ti[sel])
            + so_far.before(ti[sel], k[sel], day)
        )
        headroom = np.clip(slots["max_level"].to_numpy(float)[sel] - level, 0, 1)
        gain[sel] = slots["effect"].to_numpy(float)[sel] * headroom
    return _Gains(ti, k, end[t], gain, K)


def _label_noise(rows: pd.DataFrame, assessments: pd.DataFrame) -> np.ndarray:
    """The label assessment's method noise (its method read from the assessments table)."""
    labels = assessments.drop_duplicates(["employee_id", "competency_code", "assessed_on"])
    method = rows[["employee_id", "competency_code", "label_date"]].merge(
        labels.rename(columns={"assessed_on": "label_date"})[
            ["employee_id", "competency_code", "label_date", "method"]
        ],
        on=["employee_id", "competency_code", "label_date"],
        how="left",
    )["method"]
    return method.map(NOISE).fillna(max(NOISE.values())).to_numpy(float)


@dataclass
class _Observations:
    """Observations as rows: y = h·x + offset + N(0, var), seen exactly (KPI, ``lo == hi``) or
    only as the interval [lo, hi) it fell in (rounded levels, ordinal ratings)."""

    person: np.ndarray
    day: np.ndarray
    h: np.ndarray  # (m, 2K)
    offset: np.ndarray
    var: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def _assessment_rows(people: _People, assessments: pd.DataFrame, gains: _Gains) -> _Observations:
    K = people.codes.shape[1]
    i = _index(people.ids, assessments["employee_id"].to_numpy().astype(str))
    frame, i = assessments[i >= 0], i[i >= 0]
    k = _slot(people, i, frame["competency_code"].to_numpy().astype(str))
    frame, i, k = frame[k >= 0], i[k >= 0], k[k >= 0]
    day = _days(frame["assessed_on"].to_numpy(), people.start_year)
    a = people.drift_years(day, i)
    h = np.zeros((len(i), 2 * K))
    h[np.arange(len(i)), k] = 1.0
    h[np.arange(len(i)), K + k] = a
    level = frame["level"].to_numpy(float)
    sd = frame["method"].map(NOISE).fillna(max(NOISE.values())).to_numpy(float)
    return _Observations(
        person=i,
        day=day,
        h=h,
        offset=gains.before(i, k, day),
        var=sd**2,
        lo=np.where(level <= 1, -np.inf, level - 0.5),
        hi=np.where(level >= 5, np.inf, level + 0.5),
    )


def _appraisal_rows(
    people: _People, appraisals: pd.DataFrame, gains: _Gains, model: GeneratorModel
) -> list[_Observations]:
    """KPI (once per person and year) and each rater's two ratings, as functions of the mean gap
    over the year (``perf = 0.55·(kpi − 1)/0.12 + 0.45·gap/COMPETENCE_SD``; the official rater's
    ratings are ``1.1 + 0.4·perf`` and ``1.3 + 0.2·perf + 0.2·managerial gap/SD`` plus noise
    N(0, .3²) and the rater's effect; a colleague's ``1.15 + 0.35·perf`` and ``1.15 + 0.3·perf``
    plus N(0, .5²))."""
    K = people.codes.shape[1]
    i = _index(people.ids, appraisals["employee_id"].to_numpy().astype(str))
    frame, i = appraisals[i >= 0], i[i >= 0]
    if not len(i):
        return []
    y = frame["period"].astype(int).to_numpy() - people.start_year
    keep = (y >= 0) & (y + 1 < len(people.year_starts))
    frame, i, y = frame[keep], i[keep], y[keep]
    m = len(i)
    valid = ~np.isnan(people.required[i])
    general = people.general[i] & valid
    # The level in the middle of the year: B + D·(years before + ½) + mean of the gains at its
    # two ends; the gap averaged over all competencies, and over the managerial ones.
    a_mid = people.active_years(y, i) + 0.5
    rows, slots = np.repeat(np.arange(m), K), np.tile(np.arange(K), m)
    g0 = gains.before(i[rows], slots, people.year_starts[y][rows]).reshape(m, K)
    g1 = gains.before(i[rows], slots, people.year_starts[y + 1][rows]).reshape(m, K)
    gap_mid = np.nan_to_num((g0 + g1) / 2 - people.required[i])

    def mean_over(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w = mask / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return np.concatenate([w, w * a_mid[:, None]], axis=1), (w * gap_mid).sum(axis=1)

    h_all, c_all = mean_over(valid)
    h_gen, c_gen = mean_over(general)
    kpi = frame["kpi_attainment"].to_numpy(float)
    day = people.year_starts[y + 1] - 1
    out = []
    first = ~pd.DataFrame({"i": i, "y": y}).duplicated().to_numpy() & ~np.isnan(kpi)
    out.append(
        _Observations(
            person=i[first], day=day[first], h=model.kpi_coef * h_all[first],
            offset=model.kpi_coef * c_all[first],
            var=np.full(int(first.sum()), model.kpi_noise_var),
            lo=kpi[first] - 1, hi=kpi[first] - 1,
        )
    )  # fmt: skip
    from_kpi = 0.55 * (np.nan_to_num(kpi, nan=1.0) - 1) / 0.12
    official = (frame["rater_role"] == "ATASAN").to_numpy()
    s = 0.45 / COMPETENCE_SD
    for column, const, slope, managerial in (
        ("hasil_kerja_rating", (1.1, 1.15), (0.4, 0.35), 0.0),
        ("perilaku_rating", (1.3, 1.15), (0.2, 0.3), 0.2 / COMPETENCE_SD),
    ):
        rating = frame[column].map(RATING_INDEX).to_numpy(float)
        ok = ~np.isnan(rating) & ~np.isnan(kpi)
        b = np.where(official, slope[0], slope[1])
        mg = np.where(official, managerial, 0.0)
        r = np.nan_to_num(rating).astype(int)
        out.append(
            _Observations(
                person=i[ok],
                day=day[ok],
                h=((b * s)[:, None] * h_all + mg[:, None] * h_gen)[ok],
                offset=(
                    np.where(official, const[0] + model.rater_effect_mean, const[1])
                    + b * from_kpi
                    + b * s * c_all
                    + mg * c_gen
                )[ok],
                var=np.where(official, 0.3**2 + model.rater_effect_var, 0.5**2)[ok],
                lo=EDGES[r][ok],
                hi=EDGES[r + 1][ok],
            )
        )
    return out


def _update(
    people: _People,
    known: Mapping[str, pd.DataFrame],
    gains: _Gains,
    model: GeneratorModel,
    mean: np.ndarray,
    cov: np.ndarray,
) -> None:
    """Condition (mean, cov) in place on every observation, each person's in date order."""
    parts = [
        _assessment_rows(people, known["competency_assessments"], gains),
        *_appraisal_rows(people, known["appraisals"], gains, model),
    ]
    person = np.concatenate([p.person for p in parts])
    day = np.concatenate([p.day for p in parts])
    h = np.concatenate([p.h for p in parts])
    offset = np.concatenate([p.offset for p in parts])
    var = np.concatenate([p.var for p in parts])
    lo = np.concatenate([p.lo for p in parts])
    hi = np.concatenate([p.hi for p in parts])
    order = np.lexsort((day, person))
    person = person[order]
    starts = np.searchsorted(person, person, side="left")
    rank = np.arange(len(person)) - starts
    for r in range(int(rank.max()) + 1 if len(rank) else 0):
        sel = order[rank == r]
        i = person[rank == r]
        _condition(mean, cov, i, h[sel], offset[sel], var[sel], lo[sel], hi[sel])


def _condition(
    mean: np.ndarray,
    cov: np.ndarray,
    i: np.ndarray,
    h: np.ndarray,
    offset: np.ndarray,
    var: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> None:
    """One observation per person ``i``: the exact Gaussian update where it is seen (lo == hi),
    else the posterior's first two moments given that it fell in [lo, hi) (moment matching)."""
    sh = np.einsum("nij,nj->ni", cov[i], h)
    m = (h * mean[i]).sum(axis=1) + offset
    s = (h * sh).sum(axis=1) + var
    sd = np.sqrt(s)
    exact = lo == hi
    alpha = np.clip((np.where(exact, 0, lo) - m) / sd, -35, 35)
    beta = np.clip((np.where(exact, 0, hi) - m) / sd, -35, 35)
    # The interval's probability, without cancellation in either tail.
    z = np.where(alpha > 0, ndtr(-alpha) - ndtr(-beta), ndtr(beta) - ndtr(alpha))
    z = np.maximum(z, 1e-300)
    pa, pb = _pdf(alpha), _pdf(beta)
    ratio = (pa - pb) / z
    spread = (
        np.where(np.isfinite(alpha), alpha * pa, 0) - np.where(np.isfinite(beta), beta * pb, 0)
    ) / z
    shift = np.where(exact, lo - m, sd * ratio)
    z_var = np.where(exact, 0.0, s * (1 + spread - ratio**2))
    mean[i] += sh * (shift / s)[:, None]
    cov[i] -= sh[:, :, None] * sh[:, None, :] * ((s - z_var) / s**2)[:, None, None]


def _pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)
