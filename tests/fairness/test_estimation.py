"""Rater effects and differential functioning on designs the generator does not produce: a
linear crossed model (rater + ratee + rater×group + noise) with several raters per ratee and
period, where the truth is known exactly. Checked against statsmodels MixedLM for the variance
components, and against the issue's targets for half-step effects: precision and recall ≥ 0.95
per kind, median |estimated − injected| ≤ 0.1 step, 95% intervals covering ≥ 90%, ≤ 2% of
clean raters flagged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.fairness.coded import Coded
from ml.fairness.raters import (
    RaterAuditConfig,
    _differential,
    differential_functioning,
    rater_effects,
)
from ml.fairness.scores import score_flags
from ml.fairness.statistics import VarianceComponents, variance_components

KINDS = ("LENIENT", "SEVERE", "DIFFERENTIAL")


def crossed(
    seed: int,
    raters: int = 300,
    biased: float = 0.3,
    effect: float = 0.5,
    per_period: int = 2,
    periods: int = 5,
    ratee_sd: float = 0.25,
    noise_sd: float = 0.35,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Residuals of ``per_period`` raters per ratee and period (a panel), raters drawing their
    ratees from a pool of their own unit and, now and then, another's. Returns the frame and the
    truth (rater_id, kind, group, effect)."""
    rng = np.random.default_rng(seed)
    units = raters // per_period
    ratees_per_unit = rng.integers(15, 40, units)
    unit_of = np.repeat(np.arange(units), ratees_per_unit)
    people = len(unit_of)
    gender = np.where(rng.random(people) < 0.45, "P", "L")
    band = rng.choice(["<30", "30-39", "40-49", "50+"], people, p=[0.2, 0.3, 0.3, 0.2])
    person = rng.normal(0, ratee_sd, people)
    kind = np.full(raters, "NONE", dtype=object)
    chosen = rng.choice(raters, round(biased * raters), replace=False)
    kind[chosen] = rng.choice(KINDS, len(chosen))
    main = np.select([kind == "LENIENT", kind == "SEVERE"], [effect, -effect], 0.0)
    rows = []
    for period in range(periods):
        for k in range(per_period):
            # Rater k of unit u, rotated one unit further each period now and then.
            shift = period * (rng.random(units) < 0.3)
            rater = ((unit_of + shift[unit_of]) % units) * per_period + k
            drf = np.where((kind[rater] == "DIFFERENTIAL") & (gender == "P"), -effect, 0.0)
            residual = main[rater] + drf + person + rng.normal(0, noise_sd, people)
            rows.append(
                pd.DataFrame(
                    {
                        "employee_id": np.arange(people).astype(str),
                        "period": str(2021 + period),
                        "rater_id": rater.astype(str),
                        "residual": residual,
                        "gender": gender,
                        "age_band": band,
                    }
                )
            )
    truth = pd.DataFrame(
        {
            "rater_id": np.arange(raters).astype(str),
            "kind": kind,
            "group": np.where(kind == "DIFFERENTIAL", "gender=P", ""),
            "injected": np.select(
                [kind == "LENIENT", kind == "SEVERE", kind == "DIFFERENTIAL"],
                [effect, -effect, -effect],
                0.0,
            ),
        }
    )
    return pd.concat(rows, ignore_index=True), truth


def audit(frame: pd.DataFrame) -> pd.DataFrame:
    differential = differential_functioning(frame)
    return pd.concat([rater_effects(frame, differential=differential), differential])


@pytest.mark.parametrize("seed", [101, 102])
def test_half_step_effects_are_found_with_honest_intervals(seed: int) -> None:
    frame, truth = crossed(seed)
    flags = audit(frame)
    ratees = frame.groupby("rater_id")["employee_id"].nunique()
    assert ratees.min() >= 15
    covered = []
    for kind in KINDS:
        injected = truth[truth["kind"] == kind]
        rows = injected.merge(flags, on=["rater_id", "group"], suffixes=("_t", ""))
        mine = flags[flags["flagged"] & (flags["kind"] == kind)]
        true = mine.merge(injected[["rater_id", "group"]])
        assert len(injected) >= 20
        assert (rows["kind"] == kind).mean() >= 0.95, kind  # recall
        assert len(true) / len(mine) >= 0.95, kind  # precision
        error = (rows["effect"] - rows["injected"]).abs()
        assert error.median() <= 0.1, kind
        # Honest intervals, per kind: the standardised errors centre on zero with a spread
        # near one (a pull towards zero of one standard error, as measured on the generator
        # before issue 14's backfitting, gives a mean near ±1).
        z = (rows["effect"] - rows["injected"]) / rows["se"]
        assert abs(z.mean()) <= 0.4 and 0.7 <= z.std() <= 1.3, (kind, z.mean(), z.std())
        covered.append((rows["ci_low"] <= rows["injected"]) & (rows["injected"] <= rows["ci_high"]))
    # Coverage ≥ 0.9 over the ~90 injected raters of a seed: per kind (~30 raters) a calibrated
    # 95% interval still misses three or more times in about one seed in six (binomial).
    assert pd.concat(covered).mean() >= 0.9


def test_a_clean_panel_is_rarely_flagged_and_its_intervals_cover_zero() -> None:
    frame, _ = crossed(103, biased=0.0)
    flags = audit(frame)
    main = flags[flags["group"] == ""]
    assert flags.groupby("rater_id")["flagged"].any().mean() <= 0.02
    # Honest intervals: about 95% of the clean raters' intervals hold their true effect, 0.
    covered = (main["ci_low"] <= 0) & (main["ci_high"] >= 0)
    assert covered.mean() >= 0.92
    # The minimum detectable effect is stated for every judged rater and grows as ratees shrink.
    judged = main[main["kind"] != "INSUFFICIENT_DATA"]
    assert judged["mde"].notna().all() and (judged["mde"] >= 0.2).all()
    assert judged["mde"].corr(judged["ratees"], method="spearman") < 0


def test_variance_components_agree_with_mixedlm() -> None:
    frame, _ = crossed(104, raters=40, biased=0.0, per_period=1)
    ours = variance_components(frame["residual"], frame["rater_id"], frame["employee_id"])
    # Raters as fixed effects, ratees as random: statsmodels' REML on the same rows.
    fit = smf.mixedlm("residual ~ 0 + C(rater_id)", frame, groups=frame["employee_id"]).fit()
    assert ours.noise == pytest.approx(float(fit.scale), rel=0.1)
    assert ours.ratee == pytest.approx(float(fit.cov_re.iloc[0, 0]), rel=0.2, abs=0.005)


@given(st.floats(0.2, 1.0), st.integers(0, 2**16))
@settings(max_examples=8, deadline=None)
def test_the_reported_effect_is_not_pulled_towards_zero(effect: float, seed: int) -> None:
    frame, truth = crossed(seed, raters=60, biased=0.5, effect=effect)
    flags = rater_effects(frame)
    lenient = truth.loc[truth["kind"] == "LENIENT", "rater_id"]
    estimated = flags.set_index("rater_id").loc[lenient, "effect"]
    # Unshrunk: the mean estimate sits on the injected effect, not below it (EB would pull a
    # small family of effects towards zero); the shrunk column ranks only.
    assert abs(estimated.mean() - effect) < 0.06
    assert (flags["shrunk"].abs() <= flags["effect"].abs() + 1e-12).all()


@pytest.mark.parametrize("seed", [27701, 33497, 11486])
def test_clean_raters_read_zero_when_many_raters_lean_one_way(seed: int) -> None:
    # Half of 60 raters biased; the differential ones (not passed here) lean severe on average,
    # so the median rater sits among the lower clean raters. Measured before the trimmed
    # reference on these seeds: clean raters +0.040, +0.044, +0.033; trimmed, under 0.007.
    frame, truth = crossed(seed, raters=60, biased=0.5, effect=0.7)
    effects = rater_effects(frame).set_index("rater_id")["effect"]
    clean = truth.loc[truth["kind"] == "NONE", "rater_id"]
    assert abs(effects.loc[clean].mean()) < 0.015


def test_only_the_most_extreme_level_of_an_attribute_is_flagged() -> None:
    frame, _ = crossed(105, raters=60, biased=0.0)
    old = frame["age_band"] == "50+"
    chosen = frame[old].groupby("rater_id")["employee_id"].nunique().idxmax()
    frame.loc[(frame["rater_id"] == chosen) & old, "residual"] -= 1.0
    flags = differential_functioning(frame)
    mine = flags[(flags["rater_id"] == chosen) & flags["flagged"]]
    assert list(mine["group"]) == ["age_band=50+"]
    # The other bands, each compared with the rest, look favoured beside it: not flagged.
    echoes = flags[(flags["rater_id"] == chosen) & (flags["group"] != "age_band=50+")]
    assert (echoes["kind"] != "DIFFERENTIAL").all()
    # And the rater's ratings of that band do not make the rater SEVERE.
    main = rater_effects(frame, differential=flags).set_index("rater_id")
    assert not main.loc[chosen, "flagged"]


def test_coarse_scores_without_evidence_are_never_flagged() -> None:
    rng = np.random.default_rng(7)
    given_ = np.where(rng.random(1470) < 0.85, 3.0, 4.0)
    frame = pd.DataFrame(
        {
            "employee_id": np.arange(1470).astype(str), "period": "2019", "rater_id": None,
            "rating_value": given_, "expected": given_.mean(),
            "residual": given_ - given_.mean(),
        }
    )  # fmt: skip
    assert score_flags(frame).empty
    # With evidence, the spread still never collapses to zero: no z of thirty.
    with_kpi = frame.assign(kpi_attainment=1.0)
    flags = score_flags(with_kpi)
    assert flags.empty or flags["z"].abs().max() < 10


def test_a_rater_flagged_for_two_attributes_keeps_only_the_one_that_holds_the_other() -> None:
    frame, _ = crossed(106, raters=60, biased=0.0)
    ratees = frame.groupby("rater_id")["employee_id"].nunique()
    chosen = ratees.idxmax()
    mine = frame["rater_id"] == chosen
    people = frame.loc[mine, ["employee_id", "gender"]].drop_duplicates("employee_id")
    # The chosen rater's women are mostly in the 50+ band, its men almost never: one at a
    # time, a bias against women reads as a bias against 50+ as well.
    women = people.loc[people["gender"] == "P", "employee_id"]
    men = people.loc[people["gender"] == "L", "employee_id"]
    old = set(women.iloc[: int(len(women) * 0.8)]) | set(men.iloc[:2])
    frame.loc[frame["employee_id"].isin(old), "age_band"] = "50+"
    frame.loc[frame["employee_id"].isin(set(people["employee_id"]) - old), "age_band"] = "30-39"
    frame.loc[mine & (frame["gender"] == "P"), "residual"] -= 0.6
    coded = Coded.of(frame, "residual", ("gender", "age_band"))
    one_at_a_time = _differential(coded, {}, _components(frame), RaterAuditConfig())
    first = one_at_a_time[(one_at_a_time["rater_id"] == chosen) & one_at_a_time["flagged"]]
    # The echo the refit removes: an age band flagged beside gender (50+ low, or 30-39 high).
    assert "gender=P" in set(first["group"])
    assert first["group"].str.startswith("age_band=").any()
    flags = differential_functioning(frame)
    kept = flags[(flags["rater_id"] == chosen) & flags["flagged"]]
    assert list(kept["group"]) == ["gender=P"]
    assert kept["effect"].iloc[0] == pytest.approx(-0.6, abs=0.2)


def _components(frame: pd.DataFrame) -> VarianceComponents:
    return variance_components(frame["residual"], frame["rater_id"], frame["employee_id"])


def test_a_low_average_that_one_unjudged_group_may_carry_is_unresolved() -> None:
    # Two raters with only four men among their ratees (too few to judge a gender contrast):
    # one rates women half a step lower, the other everyone. The first's ratings of men read
    # as no effect, so "severe to everyone" is not what the data say: UNRESOLVED. The second's
    # men read low too: SEVERE.
    frame, _ = crossed(107, raters=60, biased=0.0)
    ratees = frame.groupby("rater_id")["employee_id"].nunique().sort_values()
    apart, everyone = ratees.index[-1], ratees.index[-2]
    for rater in (apart, everyone):
        people = frame.loc[frame["rater_id"] == rater, "employee_id"].unique()
        frame.loc[frame["employee_id"].isin(people[4:]), "gender"] = "P"
        frame.loc[frame["employee_id"].isin(people[:4]), "gender"] = "L"
    women = frame["gender"] == "P"
    frame.loc[(frame["rater_id"] == apart) & women, "residual"] -= 0.5
    frame.loc[frame["rater_id"] == everyone, "residual"] -= 0.5
    flags = audit(frame)
    main = flags[flags["group"] == ""].set_index("rater_id")
    assert main.loc[apart, "kind"] == "UNRESOLVED" and main.loc[apart, "flagged"]
    assert main.loc[everyone, "kind"] == "SEVERE"
    gender = flags[flags["group"] == "gender=P"].set_index("rater_id")
    assert gender.loc[apart, "kind"] == "INSUFFICIENT_DATA"  # the contrast itself: unjudged


@settings(max_examples=40, deadline=None)
@given(
    raters=st.integers(1, 8),
    rows=st.integers(1, 60),
    seed=st.integers(0, 10_000),
    categorical=st.booleans(),
)
def test_ratings_treated_apart_are_those_of_the_flagged_rater_and_group(
    raters: int, rows: int, seed: int, categorical: bool
) -> None:
    """The rows left out of a rater's effect: a flagged rater's ratings of the group flagged
    for that rater, and no other (brute force over every row), with missing attribute values,
    groups absent from the ratings and flagged raters who rated nobody here; ids and levels as
    text or as categories (with a category no row has)."""
    from ml.fairness.raters import _treated_apart

    rng = np.random.default_rng(seed)
    gender = rng.choice(np.array(["L", "P", None], dtype=object), rows)
    band = rng.choice(np.array(["<30", "30-49", "50+"], dtype=object), rows)
    rated = pd.DataFrame(
        {
            "rater_id": [f"R{i}" for i in rng.integers(0, raters, rows)],
            "gender": pd.Series(gender, dtype="object"),
            "age_band": band,
            "employee_id": [f"E{i}" for i in range(rows)],
            "residual": 0.0,
        }
    )
    if categorical:
        rated = rated.astype({"rater_id": "category", "gender": "category"})
        rated["age_band"] = pd.Categorical(band, categories=["<30", "30-49", "50+", "unused"])
    groups = ["gender=P", "gender=L", "age_band=50+", "age_band=<30", "religion=X"]
    differential = pd.DataFrame(
        {
            "rater_id": [f"R{i}" for i in rng.integers(0, raters + 2, 12)],
            "group": rng.choice(groups, 12),
            "flagged": rng.random(12) < 0.6,
        }
    )
    flagged = {(r, g) for r, g, f in differential.itertuples(index=False) if f}
    expected = [
        any(
            (row.rater_id, f"{attribute}={getattr(row, attribute)}") in flagged
            for attribute in ("gender", "age_band")
            if getattr(row, attribute) is not None
        )
        for row in rated.itertuples(index=False)
    ]
    coded = Coded.of(rated, "residual", ("gender", "age_band"))
    assert _treated_apart(coded, differential).tolist() == expected
