"""The synthetic workforce: deterministic, valid, realistic within stated ranges, and
true to its ground truth."""

from __future__ import annotations

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.contract.validation import validate_directory
from ml.synth import SynthConfig, Workforce, generate_workforce, write_workforce
from ml.synth.generator import progress_steps
from ml.synth.reference import AGENCIES


@pytest.fixture(scope="module")
def workforce() -> Workforce:
    return generate_workforce(SynthConfig(employees=5000, seed=5, biased_raters=0.2))


@pytest.fixture(scope="module")
def clean() -> Workforce:
    return generate_workforce(SynthConfig(employees=2000, seed=5, biased_raters=0))


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_byte_identical_files(tmp_path: Path, fmt: str) -> None:
    config = SynthConfig(employees=300, seed=42)
    write_workforce(generate_workforce(config), tmp_path / "a", fmt)  # type: ignore[arg-type]
    write_workforce(generate_workforce(config), tmp_path / "b", fmt)  # type: ignore[arg-type]
    files = _files(tmp_path / "a")
    assert files == _files(tmp_path / "b") and len(files) == 15
    for f in files:
        assert filecmp.cmp(tmp_path / "a" / f, tmp_path / "b" / f, shallow=False), f


def test_another_seed_gives_another_workforce(tmp_path: Path) -> None:
    a = generate_workforce(SynthConfig(employees=300, seed=1)).tables["appraisals"]
    b = generate_workforce(SynthConfig(employees=300, seed=2)).tables["appraisals"]
    assert not a["employee_id"].equals(b["employee_id"])


def test_generated_workforce_obeys_the_contract(tmp_path: Path, workforce: Workforce) -> None:
    write_workforce(workforce, tmp_path)
    report = validate_directory(tmp_path, require=["appraisals", "trainings"])
    assert report.ok, report.violations[:5]
    assert report.warnings == []  # stored predikat always follows the matrix


def test_size_and_structure(workforce: Workforce) -> None:
    emp = workforce.tables["employees"]
    assert len(emp) == 5000 and emp["employee_id"].is_unique
    assert emp["employee_id"].str.fullmatch(r"[0-9]{18}").all()
    assert set(emp["agency_id"]) == {a.agency_id for a in AGENCIES}
    assert {"KEPAHIANG", "BATANGHARI", "KUPANG"} <= set(emp["region"])
    # Exactly one person per agency has no supervisor: its head.
    heads = emp[emp["supervisor_id"].isna()]
    assert sorted(heads["agency_id"]) == sorted(a.agency_id for a in AGENCIES)
    assert set(workforce.tables["appraisals"]["period"]) == {str(y) for y in range(2021, 2026)}


def test_position_types_in_plausible_proportions(workforce: Workforce) -> None:
    share = workforce.tables["employees"]["position_type"].value_counts(normalize=True)
    assert 0.45 <= share["FUNGSIONAL"] <= 0.70
    assert 0.25 <= share["PELAKSANA"] <= 0.45
    assert 0.02 <= share["PENGAWAS"] <= 0.06
    assert (
        share.get("JPT_PRATAMA", 0) + share.get("JPT_MADYA", 0) + share.get("JPT_UTAMA", 0) < 0.01
    )


def test_women_share_and_fewer_women_at_the_top(workforce: Workforce) -> None:
    emp = workforce.tables["employees"]
    women = emp["gender"].eq("P")
    assert 0.45 <= women.mean() <= 0.62
    top = emp["position_type"].isin(["JPT_PRATAMA", "JPT_MADYA", "JPT_UTAMA", "ADMINISTRATOR"])
    assert women[top].mean() < women[~top].mean()


def test_grades_follow_employment_type_and_seniority(workforce: Workforce) -> None:
    emp = workforce.tables["employees"]
    pppk = emp["employment_type"] == "PPPK"
    assert 0.05 <= pppk.mean() <= 0.30
    assert emp.loc[pppk, "position_type"].isin(["PELAKSANA", "FUNGSIONAL"]).all()
    assert emp.loc[~pppk, "grade"].str.contains("/").all()
    jpt = emp["position_type"].str.startswith("JPT")
    assert emp.loc[jpt, "grade"].str.startswith("IV/").all()


def _official(workforce: Workforce) -> pd.DataFrame:
    a = workforce.tables["appraisals"]
    return a[a["rater_role"] == "ATASAN"]


def test_supervisors_rate_their_own_staff_10_to_40_each(workforce: Workforce) -> None:
    emp = workforce.tables["employees"].set_index("employee_id")
    official = _official(workforce)
    staff = official[
        emp.loc[official["employee_id"], "position_type"]
        .isin(["PELAKSANA", "FUNGSIONAL"])
        .to_numpy()
    ]
    per_rater = staff.groupby(["period", "rater_id"]).size()
    assert per_rater.between(10, 40).mean() >= 0.95
    assert 15 <= per_rater.median() <= 30
    # Each ratee has exactly one official rater per period.
    assert not official.duplicated(["employee_id", "period"]).any()


def test_supervisors_rotate_between_units(workforce: Workforce) -> None:
    emp = workforce.tables["employees"].set_index("employee_id")
    official = _official(workforce)
    units = official.assign(unit=emp.loc[official["employee_id"], "unit_id"].to_numpy())
    units_per_rater = units.groupby("rater_id")["unit"].nunique()
    heads = units_per_rater[units.groupby("rater_id").size() >= 10]
    assert (heads > 1).mean() >= 0.2


def test_360_input_only_in_agencies_that_collect_it(workforce: Workforce) -> None:
    emp = workforce.tables["employees"].set_index("employee_id")
    a = workforce.tables["appraisals"]
    peer = a[a["rater_role"] != "ATASAN"]
    agencies = set(emp.loc[peer["employee_id"], "agency_id"])
    assert agencies == {x.agency_id for x in AGENCIES if x.peer_review}
    assert {"REKAN", "BAWAHAN"} <= set(peer["rater_role"])
    same_unit = (
        emp.loc[peer["employee_id"], "unit_id"].to_numpy()
        == emp.loc[peer["rater_id"], "unit_id"].to_numpy()
    )
    assert same_unit.mean() > 0.8  # colleagues of the same unit (heads may have moved since)


def test_community_feedback_for_service_units(workforce: Workforce) -> None:
    fb = _official(workforce)["community_feedback"]
    assert 0.3 <= fb.notna().mean() <= 0.75
    assert fb.dropna().between(1, 5).all()


def test_predikat_distribution_is_plausible(workforce: Workforce) -> None:
    share = _official(workforce)["predikat"].value_counts(normalize=True)
    assert 0.65 <= share["BAIK"] <= 0.85
    assert 0.08 <= share["SANGAT_BAIK"] <= 0.25
    assert share["SANGAT_KURANG"] <= 0.05
    kpi = _official(workforce)["kpi_attainment"]
    assert 0.95 <= kpi.mean() <= 1.05 and kpi.between(0, 2).all()


def test_assessments_are_sparse_and_noisy(workforce: Workforce) -> None:
    a = workforce.tables["competency_assessments"]
    truth = workforce.ground_truth["assessment_truth"]
    assert len(a) == len(truth)
    pairs = a[["employee_id", "competency_code"]].drop_duplicates()
    coverage = len(pairs) / (len(workforce.tables["employees"]) * 11)
    assert 0.2 <= coverage <= 0.8
    error = a["level"] - np.clip(np.rint(truth["latent_level"]), 1, 5)
    assert 0.05 <= (error != 0).mean() <= 0.5  # noisy but informative
    assert np.corrcoef(a["level"], truth["latent_level"])[0, 1] > 0.8
    assert set(a["method"]) == {"ASSESSMENT_CENTER", "UJI_KOMPETENSI", "PENILAIAN_360", "LAINNYA"}


def test_catalog_is_realistic(workforce: Workforce) -> None:
    cat = workforce.tables["training_catalog"]
    assert 35 <= len(cat) <= 45
    assert {"BKN", "LAN", "UNIVERSITAS", "INTERNAL"} <= set(cat["provider_type"])
    assert cat["jp"].between(12, 400).all()
    assert cat["cost_idr"].between(0, 100_000_000).all()
    assert {"KLASIKAL", "E_LEARNING", "BLENDED"} == set(cat["mode"])


def test_about_half_meet_the_20_jp_minimum(workforce: Workforce) -> None:
    t = workforce.tables["trainings"]
    done = t[t["status"] == "COMPLETED"]
    jp = done.groupby([done["employee_id"], done["end_date"].dt.year])["jp"].sum()
    per_year = jp.unstack(fill_value=0).reindex(
        workforce.tables["employees"]["employee_id"], fill_value=0
    )
    meets = (per_year >= 20).mean()
    assert meets.between(0.3, 0.8).all(), meets
    assert set(t["status"]) == {"COMPLETED", "DROPPED", "ENROLLED"}


def test_training_raises_latent_competency(workforce: Workforce) -> None:
    levels = workforce.ground_truth["latent_levels"]
    first, last = levels["as_of"].min(), levels["as_of"].max()
    wide = (
        levels[levels["as_of"].isin([first, last])]
        .pivot_table(
            index=["employee_id", "competency_code"], columns="as_of", values="latent_level"
        )
        .dropna()
    )
    change = wide[last] - wide[first]
    t = workforce.tables["trainings"]
    done = t[t["status"] == "COMPLETED"].merge(
        workforce.tables["training_catalog"][["program_id", "competency_codes"]], on="program_id"
    )
    done = done.assign(competency_code=done["competency_codes"].str.split(";")).explode(
        "competency_code"
    )
    trained = pd.MultiIndex.from_frame(done[["employee_id", "competency_code"]].drop_duplicates())
    was_trained = change.index.isin(trained)
    assert change[was_trained].mean() - change[~was_trained].mean() > 0.1


def test_need_labels_follow_latent_levels(workforce: Workforce) -> None:
    levels = workforce.ground_truth["latent_levels"]
    assert (levels["need"] == (levels["true_level"] < levels["required_level"])).all()
    assert 0.15 <= levels["need"].mean() <= 0.4


def test_biased_raters_are_recorded(workforce: Workforce) -> None:
    biases = workforce.ground_truth["rater_biases"]
    raters = _official(workforce)["rater_id"].unique()
    assert biases["rater_id"].isin(raters).all()
    assert abs(len(biases) / len(raters) - 0.2) < 0.01
    assert set(biases["kind"]) == {"LENIENT", "SEVERE", "DIFFERENTIAL"}
    assert biases["magnitude"].between(0.5, 1.0).all()
    diff = biases[biases["kind"] == "DIFFERENTIAL"]
    assert set(diff["target_group"]) <= {"gender=P", "age_band=50+"}
    assert (biases.loc[biases["kind"] != "DIFFERENTIAL", "target_group"] == "").all()


def test_lenient_raters_rate_higher_than_the_evidence(workforce: Workforce) -> None:
    truth = workforce.ground_truth["appraisal_truth"]
    biases = workforce.ground_truth["rater_biases"].set_index("rater_id")
    effect = truth.groupby("rater_id")["rater_effect"].mean()
    lenient = biases.index[biases["kind"] == "LENIENT"]
    severe = biases.index[biases["kind"] == "SEVERE"]
    assert (effect[lenient] > 0.4).all() and (effect[severe] < -0.4).all()
    official = _official(workforce)
    top = official["hasil_kerja_rating"].eq("DI_ATAS").groupby(official["rater_id"]).mean()
    assert top[lenient].mean() > top[severe].mean() + 0.2


def test_no_biased_raters_means_no_rater_effect(clean: Workforce) -> None:
    assert clean.ground_truth["rater_biases"].empty
    assert (clean.ground_truth["appraisal_truth"]["rater_effect"] == 0).all()


def test_group_bias_lowers_womens_ratings() -> None:
    config = SynthConfig(employees=2000, seed=9, biased_raters=0, group_bias=0.5)
    truth = generate_workforce(config).ground_truth["appraisal_truth"]
    emp = generate_workforce(config).tables["employees"].set_index("employee_id")
    women = emp.loc[truth["employee_id"], "gender"].eq("P").to_numpy()
    assert (truth.loc[women, "rater_effect"] == -0.5).all()
    assert (truth.loc[~women, "rater_effect"] == 0).all()


def test_program_effects_are_the_true_gains(workforce: Workforce) -> None:
    effects = workforce.ground_truth["program_effects"]
    cat = workforce.tables["training_catalog"]
    listed = cat.assign(competency_code=cat["competency_codes"].str.split(";")).explode(
        "competency_code"
    )
    assert len(effects) == len(listed)
    assert effects["effect"].between(0, 1).all() and effects["effect"].gt(0).all()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("employees", 50, "at least 100"),
        ("biased_raters", 1.5, "fraction"),
        ("periods", 0, "periods"),
        ("seed", -1, "seed"),
    ],
)
def test_bad_options_are_refused(field: str, value: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SynthConfig(**{field: value})  # type: ignore[arg-type]


def test_progress_is_reported_once_per_step(tmp_path: Path) -> None:
    config = SynthConfig(employees=200, seed=3)
    seen: list[str] = []
    write_workforce(generate_workforce(config, seen.append), tmp_path, "csv", seen.append)
    assert len(seen) == progress_steps(config)
    assert seen[0] == "organisation" and seen[-1] == "writing ground_truth/program_effects"


@settings(max_examples=8, deadline=None)
@given(
    employees=st.integers(100, 600),
    seed=st.integers(0, 2**32 - 1),
    biased=st.sampled_from([0.0, 0.1, 0.5]),
    periods=st.integers(1, 6),
)
def test_any_small_workforce_obeys_the_contract(
    tmp_path_factory: pytest.TempPathFactory, employees: int, seed: int, biased: float, periods: int
) -> None:
    config = SynthConfig(employees=employees, seed=seed, biased_raters=biased, periods=periods)
    out = tmp_path_factory.mktemp("w")
    workforce = generate_workforce(config)
    write_workforce(workforce, out)
    report = validate_directory(out)
    assert report.ok, report.violations[:3]
    assert len(workforce.tables["employees"]) == employees
    assert workforce.tables["appraisals"]["period"].nunique() == periods


def test_raters_served_before_the_periods_they_rate(workforce: Workforce) -> None:
    emp = workforce.tables["employees"].set_index("employee_id")
    a = workforce.tables["appraisals"]
    rater_hired = emp.loc[a["rater_id"], "hire_date"].dt.year.to_numpy()
    ratee_hired = emp.loc[a["employee_id"], "hire_date"].dt.year.to_numpy()
    period = a["period"].astype(int).to_numpy()
    assert (rater_hired <= period).all() and (ratee_hired <= period).all()


@pytest.mark.parametrize(
    "options",
    [
        {"training_effect": 0.0},
        {"start_year": 2000},
        {"assessment_rate": 0.0},
        {"biased_raters": 1.0},
    ],
)
def test_unusual_options_still_give_a_valid_workforce(tmp_path: Path, options: dict) -> None:
    write_workforce(generate_workforce(SynthConfig(employees=200, seed=4, **options)), tmp_path)
    assert validate_directory(tmp_path).ok


def test_no_pppk_before_2019() -> None:
    emp = generate_workforce(SynthConfig(employees=300, seed=4, start_year=2010)).tables[
        "employees"
    ]
    assert (emp["employment_type"] == "PNS").all()
