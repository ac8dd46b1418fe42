"""Programme effects from training history: they follow the generator's true effects, find
nothing where training does nothing, match a count by hand, and never trust thin evidence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ml.features.io import load_tables
from ml.recommend.effects import (
    EFFECT_COLUMNS,
    INPUT_COLUMNS,
    compare_with_truth,
    estimate_program_effects,
    true_effects,
)
from ml.synth import SynthConfig, generate_workforce, write_workforce

# 8,000 employees: generating, writing, reading and estimating take about 2 s a world, and ~42
# of the 67 (programme, competency) links reach 20 treated pairs. Over seeds 0–7 at this size
# the shrunk estimates' Spearman correlation with the true effects ran 0.78–0.89 (with the
# assessed gain 0.78–0.91), the 95% intervals covered the assessed gain for 88–98% of links
# (mean error −0.03…+0.01), and shrinkage kept at most 13% of a thin link's own estimate.
# Without training effects the mean |shrunk effect| stayed below 0.025, and the intervals of
# links with 20 pairs covered 0 for 86–100% of them. Thresholds sit below those ranges.
EMPLOYEES, SEED = 8_000, 0
Truth = dict[str, pd.DataFrame]
Person = tuple[str, int, int, list[tuple[str, str]]]  # id, level before, after, completions


def _world(tmp: Path, training_effect: float) -> tuple[dict[str, pd.DataFrame], Truth]:
    config = SynthConfig(employees=EMPLOYEES, seed=SEED, training_effect=training_effect)
    workforce = generate_workforce(config)
    write_workforce(workforce, tmp, fmt="parquet")
    return load_tables(tmp, INPUT_COLUMNS), workforce.ground_truth


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Estimates and true effects on a workforce where programmes work."""
    tables, truth = _world(tmp_path_factory.mktemp("trained"), 1.0)
    return estimate_program_effects(tables), true_effects(tables, truth)


@pytest.fixture(scope="module")
def untrained(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """Estimates on the same workforce with every true effect 0."""
    tables, _ = _world(tmp_path_factory.mktemp("untrained"), 0.0)
    return estimate_program_effects(tables)


def test_one_row_per_catalogued_link(trained: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    estimates, truth = trained
    assert list(estimates.columns) == EFFECT_COLUMNS
    keys = ["program_id", "competency_code"]
    assert not estimates.duplicated(keys).any()
    merged = estimates.merge(truth, on=keys, suffixes=("", "_true"), validate="one_to_one")
    assert len(merged) == len(truth) == len(estimates)
    assert (merged["max_level"] == merged["max_level_true"]).all()


def test_estimates_follow_the_true_effects(trained: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    estimates, truth = trained
    result = compare_with_truth(estimates, truth, against="assessed_effect")
    assert result["n"] >= 30
    assert result["spearman"] >= 0.7
    assert result["pearson"] >= 0.7
    assert result["spearman_vs_target"] >= 0.7


def test_intervals_cover_the_gain_participants_could_show(
    trained: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    """Against the change in expected assessed level the completions caused, the estimate is
    unbiased and its intervals hold; against the latent gain it runs low where participants
    start at level 1 (the floor of the scale, see the module's limits)."""
    estimates, truth = trained
    assessed = compare_with_truth(estimates, truth, against="assessed_effect")
    assert assessed["coverage"] >= 0.8
    assert abs(assessed["bias"]) <= 0.05
    realised = compare_with_truth(estimates, truth, against="realised_effect")
    assert realised["against"] == "realised_effect"
    assert -0.1 <= realised["bias"] <= assessed["bias"] + 0.01
    # the gain is capped by the headroom: never above the largest gain a programme gives
    known = truth.dropna(subset=["realised_effect"])
    assert (known["realised_effect"] <= known["effect"] + 1e-9).all()
    assert known["assessed_effect"].mean() < known["realised_effect"].mean()


def test_nothing_found_where_training_does_nothing(untrained: pd.DataFrame) -> None:
    assert untrained["shrunk_effect"].abs().mean() <= 0.03
    measured = untrained[untrained["n_treated"] >= 20]
    assert abs(measured["effect"].mean()) <= 0.04
    covers = (measured["ci_low"] <= 0) & (measured["ci_high"] >= 0)
    assert covers.mean() >= 0.8


def test_thin_evidence_gets_its_programme_prior(trained: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    estimates, _ = trained
    none = estimates[estimates["n_treated"] == 0]
    assert len(none) and none["effect"].isna().all()
    np.testing.assert_allclose(none["shrunk_effect"], none["prior"])
    moved = (estimates["effect"] - estimates["prior"]).abs() > 1e-9
    estimates = estimates[moved]
    weight = (estimates["shrunk_effect"] - estimates["prior"]) / (
        estimates["effect"] - estimates["prior"]
    )
    thin = estimates["n_treated"] < 20
    assert thin.any()
    assert weight[thin].between(0, 1).all() and weight[thin].max() < 0.5
    assert weight[thin].mean() < weight[estimates["n_treated"] >= 20].mean()


# -- a workforce small enough to count by hand --------------------------------------------------
T0, T1 = "2022-01-10", "2023-01-10"
BEFORE, DURING, AFTER = "2021-06-01", "2022-06-01", "2023-06-01"


def hand_tables(extra: tuple[Person, ...] = ()) -> dict[str, pd.DataFrame]:
    """Nine employees assessed in M1 on ``T0`` and ``T1`` (level before, after), each with
    the programmes (program_id, end date) they completed. A and B target M1 up to level 5;
    C targets M2, which nobody trains.

    Controls e5, e6 complete A after the window (not yet treated): Δ 0 and −1, mean −½.
    e8 never trains (Δ +2): with not-yet-treated controls present it is no control.
    Treated: e1, e2 by A (Δ +1, +2), e3 by B (Δ +1), e4 by A and B (Δ +3); e9 by A but
    already at level 5, the programme's ceiling, so its pair says nothing about A.
    """
    people: list[Person] = [
        ("e1", 2, 3, [("A", DURING)]),
        ("e2", 2, 4, [("A", DURING)]),
        ("e3", 2, 3, [("B", DURING)]),
        ("e4", 2, 5, [("A", DURING), ("B", DURING)]),
        ("e5", 2, 2, [("A", AFTER)]),
        ("e6", 2, 1, [("A", AFTER)]),
        ("e8", 2, 4, []),
        ("e9", 5, 1, [("A", DURING)]),
        *extra,
    ]
    assessments = pd.DataFrame(
        [
            (e, "M1", pd.Timestamp(day), level, "ASSESSMENT_CENTER")
            for e, before, after, _ in people
            for day, level in ((T0, before), (T1, after))
        ],
        columns=["employee_id", "competency_code", "assessed_on", "level", "method"],
    )
    trainings = pd.DataFrame(
        [
            (e, p, pd.Timestamp(end) - pd.Timedelta(days=5), pd.Timestamp(end), "COMPLETED")
            for e, _, _, done in people
            for p, end in done
        ],
        columns=["employee_id", "program_id", "start_date", "end_date", "status"],
    )
    return {
        "employees": pd.DataFrame({"employee_id": [p[0] for p in people], "position_id": "P"}),
        "position_requirements": pd.DataFrame(
            {"position_id": ["P"], "competency_code": ["M1"], "required_level": [3]}
        ),
        "competency_assessments": assessments,
        "trainings": trainings,
        "training_catalog": pd.DataFrame(
            {
                "program_id": ["A", "B", "C"],
                "competency_codes": ["M1", "M1", "M2"],
                "max_level": [5, 5, 3],
            }
        ),
    }


def by_program(estimates: pd.DataFrame) -> pd.DataFrame:
    return estimates.set_index("program_id")


def test_difference_in_differences_by_hand() -> None:
    """Expected Δ = control mean −½. A alone: e1, e2 residuals 1.5, 2.5; B alone: e3 1.5; e4's
    residual 3.5 = A + B exactly when A = 2 and B = 1.5, the least-squares solution."""
    estimates = by_program(estimate_program_effects(hand_tables()))
    assert estimates.loc["A", "effect"] == pytest.approx(2.0)
    assert estimates.loc["B", "effect"] == pytest.approx(1.5)
    assert estimates.loc["A", "n_treated"] == 3  # e1, e2, e4: not e9, without headroom
    assert estimates.loc["B", "n_treated"] == 2
    assert np.isfinite(estimates.loc[["A", "B"], "se"]).all()
    assert (estimates.loc[["A", "B"], "se"] > 0).all()
    assert float(estimates.loc["A", "ci_low"]) < 2.0 < float(estimates.loc["A", "ci_high"])
    assert estimates.loc["C", "n_treated"] == 0 and np.isnan(float(estimates.loc["C", "effect"]))


def test_never_trained_are_controls_only_without_not_yet_treated() -> None:
    """Without e5 and e6's later training, every untrained pair is a control: e5, e6, e8 with
    Δ 0, −1, +2, mean ⅓. Residuals: A ⅔, 5⁄3; B ⅔; A and B 8⁄3. The normal equations
    3A + B = 5 and A + 2B = 10⁄3 give A = 4⁄3, B = 1."""
    tables = hand_tables()
    trainings = tables["trainings"]
    tables["trainings"] = trainings[trainings["end_date"] < pd.Timestamp(AFTER)]
    estimates = by_program(estimate_program_effects(tables))
    assert estimates.loc["A", "effect"] == pytest.approx(4 / 3)
    assert estimates.loc["B", "effect"] == pytest.approx(1.0)


def test_pairs_outside_the_window_count_for_nothing() -> None:
    """A training that ended before t0 and an assessment pair only two months apart treat
    nothing; a dropped programme is no completion."""
    base = by_program(estimate_program_effects(hand_tables()))
    tables = hand_tables((("e10", 2, 5, [("A", BEFORE)]),))
    short = pd.DataFrame(
        {
            "employee_id": ["e11", "e11"],
            "competency_code": "M1",
            "assessed_on": pd.to_datetime(["2022-03-01", "2022-05-01"]),
            "level": [1, 5],
            "method": "ASSESSMENT_CENTER",
        }
    )
    dropped = tables["trainings"].iloc[[0]].assign(employee_id="e8", status="DROPPED")
    tables["competency_assessments"] = pd.concat([tables["competency_assessments"], short])
    tables["trainings"] = pd.concat([tables["trainings"], dropped])
    estimates = by_program(estimate_program_effects(tables))
    assert int(estimates.loc["A", "n_treated"]) == int(base.loc["A", "n_treated"])
    assert estimates.loc["A", "effect"] == pytest.approx(float(base.loc["A", "effect"]))


def test_effects_below_min_pairs_are_not_trusted() -> None:
    """With 3 and 2 treated pairs, nothing reaches the default ``min_pairs``: no between
    variance can be estimated, and every effect falls back to 0."""
    estimates = estimate_program_effects(hand_tables())
    np.testing.assert_allclose(estimates["prior"], 0.0)
    np.testing.assert_allclose(estimates["shrunk_effect"], 0.0)
    trusting = by_program(estimate_program_effects(hand_tables(), min_pairs=1))
    assert trusting.loc["A", "effect"] == pytest.approx(2.0)
    assert float(trusting.loc["C", "shrunk_effect"]) == float(trusting.loc["C", "prior"]) == 0.0


def test_no_completed_training_means_no_estimates() -> None:
    tables = hand_tables()
    tables["trainings"] = tables["trainings"].assign(status="DROPPED")
    estimates = estimate_program_effects(tables)
    assert (estimates["n_treated"] == 0).all()
    assert estimates["effect"].isna().all()
    np.testing.assert_allclose(estimates["shrunk_effect"], 0.0)


def test_compare_with_truth_by_hand() -> None:
    estimates = pd.DataFrame(
        {
            "program_id": ["A", "B", "C", "D"],
            "competency_code": "M1",
            "n_treated": [50, 40, 30, 5],
            "shrunk_effect": [0.1, 0.2, 0.4, 0.9],
            "ci_low": [0.0, 0.25, 0.3, 0.0],
            "ci_high": [0.2, 0.35, 0.5, 2.0],
        }
    )
    truth = pd.DataFrame(
        {
            "program_id": ["A", "B", "C", "D"],
            "competency_code": "M1",
            "effect": [0.2, 0.4, 0.8, 0.0],
            "realised_effect": [0.1, 0.2, 0.45, 0.0],
        }
    )
    result = compare_with_truth(estimates, truth)  # D: too few pairs
    assert result["n"] == 3 and result["against"] == "realised_effect"
    assert result["pearson"] == pytest.approx(1.0) and result["spearman"] == pytest.approx(1.0)
    assert result["mae"] == pytest.approx(0.05 / 3)
    assert result["bias"] == pytest.approx(-0.05 / 3)
    assert result["coverage"] == pytest.approx(2 / 3)  # B's interval misses 0.2
    plain = compare_with_truth(estimates, truth.drop(columns="realised_effect"))
    assert plain["against"] == "effect"
    assert plain["mae"] == pytest.approx((0.1 + 0.2 + 0.4) / 3)
