"""The achievable bound against a Monte-Carlo posterior on a tiny generated workforce.

The Monte Carlo here is written from the generator's process, not from the bound's algebra: it
draws each person's starting levels and drifts from the prior, runs them through the years as
``ml.synth.dynamics`` does (clip included, training headroom from the particle's own level),
weights every draw by the exact likelihood of what was observed by the date (rounded noisy
assessments, KPI, ratings) and averages the probability that the label assessment falls below the
requirement. The bound's moment-matched filter must agree with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr
from scipy.stats import norm

from ml.synth import SynthConfig, generate_workforce
from ml.synth.dynamics import COMPETENCE_SD, DAYS, NOISE, RATING_CUTS
from ml.synth.reference import GENERAL_CODES
from ml.training.achievable import (
    GeneratorModel,
    achievable_need_probability,
    load_bound_inputs,
)

AS_OF = pd.Timestamp("2023-01-01")
DRAWS = 200_000
EDGES = np.array([-np.inf, *RATING_CUTS, np.inf])
RATING = {"DI_BAWAH": 0, "SESUAI": 1, "DI_ATAS": 2}


@pytest.fixture(scope="module")
def workforce() -> Any:
    return generate_workforce(SynthConfig(employees=120, seed=4))


def _labels(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One label per employee (the first assessment after the date): two with no assessment
    before it (appraisals and trainings alone), the others with 1 to 12 (with more, prior draws
    would no longer cover the posterior)."""
    a = tables["competency_assessments"]
    before = a[a["assessed_on"] <= AS_OF].groupby("employee_id").size()
    later = a[(a["assessed_on"] > AS_OF) & (a["assessed_on"] <= AS_OF + pd.DateOffset(years=2))]
    first = later.sort_values("assessed_on").drop_duplicates("employee_id")
    hired = tables["employees"].set_index("employee_id")["hire_date"]
    first = first[hired.reindex(first["employee_id"]).to_numpy() < AS_OF]
    first = first.assign(n=before.reindex(first["employee_id"]).fillna(0).to_numpy())
    first = first.sort_values(["n", "employee_id"])
    chosen = pd.concat([first[first["n"] == 0].head(2), first[first["n"].between(1, 12)].iloc[::3]])
    return pd.DataFrame(
        {
            "employee_id": chosen["employee_id"].to_numpy(),
            "competency_code": chosen["competency_code"].to_numpy(),
            "as_of": AS_OF,
            "label_date": chosen["assessed_on"].to_numpy(),
        }
    )


def _monte_carlo(
    row: pd.Series,
    tables: dict[str, pd.DataFrame],
    truth: Any,
    settings: dict[str, Any],
    rng: np.random.Generator,
) -> tuple[float, float]:
    """P(need) for one label by importance sampling from the prior; and the effective draws."""
    model = GeneratorModel.from_settings(settings)
    person = tables["employees"].set_index("employee_id").loc[row["employee_id"]]
    req = tables["position_requirements"]
    req = req[req["position_id"] == person["position_id"]].sort_values("competency_code")
    codes = req["competency_code"].to_numpy()
    required = req["required_level"].to_numpy(float)
    K = len(codes)
    t0 = pd.Timestamp(f"{settings['start_year']}-01-01")
    years = [pd.Timestamp(year=settings["start_year"] + y, month=1, day=1) for y in range(8)]
    ys = np.array([(y - t0).days for y in years])
    hire = (person["hire_date"] - t0).days

    common = rng.normal(0, np.sqrt(model.common_var), DRAWS)
    base = required - 0.1 + common[:, None] + rng.normal(0, np.sqrt(model.specific_var), (DRAWS, K))
    drift = rng.normal(model.drift_mean, np.sqrt(model.drift_var), (DRAWS, K))
    # Training gains: programme effect × headroom from the particle's level at its start year.
    tr = tables["trainings"]
    tr = tr[(tr["employee_id"] == row["employee_id"]) & (tr["status"] == "COMPLETED")
            & (tr["end_date"] <= AS_OF)]  # fmt: skip
    effects = truth["program_effects"]
    events = []  # (start year, end day, slot, effect, max level)
    for t in tr.itertuples():
        for k, code in enumerate(codes):
            e = effects[
                (effects["program_id"] == t.program_id) & (effects["competency_code"] == code)
            ]
            if len(e):
                start_year = int(np.searchsorted(ys, (t.start_date - t0).days, side="right") - 1)
                events.append(
                    (
                        start_year,
                        (t.end_date - t0).days,
                        k,
                        float(e["effect"].iloc[0]),
                        float(e["max_level"].iloc[0]),
                    )
                )
    level_start = [np.clip(base, 0.6, 5.4)]
    gains: list[tuple[int, int, np.ndarray]] = []  # (end day, slot, gain per draw)
    for y in range(7):
        by_year = np.zeros((DRAWS, K))
        for start_year, end, k, effect, max_level in events:
            if start_year == y:
                g = effect * np.clip(max_level - level_start[y][:, k], 0, 1)
                gains.append((end, k, g))
        for end, k, g in gains:
            if ys[y] <= end < ys[y + 1]:
                by_year[:, k] += g
        active = hire < ys[y + 1]
        level_start.append(np.clip(level_start[y] + drift * active + by_year, 0.6, 5.4))

    def latent(day: int, k: int) -> np.ndarray:
        y = int(np.searchsorted(ys, day, side="right") - 1)
        lv = level_start[y][:, k] + drift[:, k] * (day - ys[y]) / DAYS
        for end, kk, g in gains:
            if kk == k and ys[y] <= end < day:
                lv = lv + g
        return np.clip(lv, 0.6, 5.4)

    log_w = np.zeros(DRAWS)
    a = tables["competency_assessments"]
    a = a[(a["employee_id"] == row["employee_id"]) & (a["assessed_on"] <= AS_OF)]
    for obs in a.itertuples():
        k = int(np.flatnonzero(codes == obs.competency_code)[0])
        lv = latent((obs.assessed_on - t0).days, k)
        sd = NOISE[obs.method]
        lo = -np.inf if obs.level <= 1 else obs.level - 0.5
        hi = np.inf if obs.level >= 5 else obs.level + 0.5
        log_w += np.log(np.maximum(ndtr((hi - lv) / sd) - ndtr((lo - lv) / sd), 1e-300))
    ap = tables["appraisals"]
    ap = ap[(ap["employee_id"] == row["employee_id"]) & (ap["period"].astype(int) < AS_OF.year)]
    general = np.isin(codes, GENERAL_CODES)
    for obs in ap.itertuples():
        y = int(obs.period) - settings["start_year"]
        mid = (level_start[y] + level_start[y + 1]) / 2 - required
        gap, managerial = mid.mean(axis=1), mid[:, general].mean(axis=1)
        kpi = obs.kpi_attainment
        perf = 0.55 * (kpi - 1) / 0.12 + 0.45 * gap / COMPETENCE_SD
        official = obs.rater_role == "ATASAN"
        if official:
            log_w += norm.logpdf(kpi - 1, 0.07 * gap, np.sqrt(model.kpi_noise_var))
            hasil = 1.1 + 0.4 * perf + model.rater_effect_mean
            perilaku = 1.3 + 0.2 * perf + 0.2 * managerial / COMPETENCE_SD + model.rater_effect_mean
            sd = np.sqrt(0.09 + model.rater_effect_var)
        else:
            hasil, perilaku, sd = 1.15 + 0.35 * perf, 1.15 + 0.3 * perf, 0.5
        for value, rating in ((hasil, obs.hasil_kerja_rating), (perilaku, obs.perilaku_rating)):
            r = RATING[rating]
            log_w += np.log(
                np.maximum(
                    ndtr((EDGES[r + 1] - value) / sd) - ndtr((EDGES[r] - value) / sd), 1e-300
                )
            )
    w = np.exp(log_w - log_w.max())
    k = int(np.flatnonzero(codes == row["competency_code"])[0])
    lv = latent((row["label_date"] - t0).days, k)
    every = tables["competency_assessments"]
    label = every[(every["employee_id"] == row["employee_id"])
                     & (every["assessed_on"] == row["label_date"])
                     & (every["competency_code"] == row["competency_code"])]  # fmt: skip
    sd = NOISE[label["method"].iloc[0]]
    need = ndtr((required[k] - 0.5 - lv) / sd) if required[k] > 1 else np.zeros(DRAWS)
    return float((w * need).sum() / w.sum()), float(w.sum() ** 2 / (w**2).sum())


def test_bound_matches_a_monte_carlo_posterior(workforce: Any) -> None:
    tables, truth = workforce.tables, workforce.ground_truth
    settings = workforce.config.to_dict()
    labels = _labels(tables)
    assert len(labels) >= 8
    bound = achievable_need_probability(labels, tables, truth["program_effects"], settings)
    rng = np.random.default_rng(0)
    runs = [_monte_carlo(r, tables, truth, settings, rng) for _, r in labels.iterrows()]
    mc, ess = np.array([m for m, _ in runs]), np.array([e for _, e in runs])
    assert min(ess) > 200, "too few effective draws for the comparison to mean anything"
    diff = np.abs(bound - mc)
    assert diff.max() < 0.04, list(zip(bound, mc, strict=True))
    assert diff.mean() < 0.015, list(zip(bound, mc, strict=True))


def test_real_data_has_no_bound(tmp_path: Path) -> None:
    """Without ``ground_truth/`` there is no generator to take the posterior of."""
    assert load_bound_inputs(tmp_path) is None


def test_a_missing_column_is_named(workforce: Any) -> None:
    tables = {**workforce.tables}
    tables["trainings"] = tables["trainings"].drop(columns="start_date")
    labels = _labels(workforce.tables)
    with pytest.raises(ValueError, match=r"trainings columns \['start_date'\]"):
        achievable_need_probability(
            labels, tables, workforce.ground_truth["program_effects"], workforce.config.to_dict()
        )
