"""Generated names: Indonesian people with their titles, named units and positions, the same for
a seed, and drawn apart from everything else (a seed's people, levels and biases unchanged)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml.contract.names import full_name
from ml.synth import SynthConfig, generate_workforce
from ml.synth.generator import Workforce


@pytest.fixture(scope="module")
def workforce() -> Workforce:
    return generate_workforce(SynthConfig(employees=1200, seed=5))


def test_every_employee_has_a_name_and_titles_follow_education(workforce: Workforce) -> None:
    e = workforce.tables["employees"]
    assert e["name"].notna().all() and (e["name"].str.len() > 2).all()
    # degrees: S1 and above write a bachelor's or master's title (doctors: "dr." in front)
    graduate = e["education"].isin(["S1", "S2", "S3"])
    titled = e["back_title"].str.contains(r"\bS\.|\bM\.", regex=True, na=False)
    doctor = e["front_title"].str.contains("dr.", regex=False, na=False)
    assert (titled | doctor)[graduate].all()
    assert e.loc[e["education"] == "SMA", "back_title"].isna().all()
    assert e.loc[e["education"] == "S3", "front_title"].str.startswith(("Dr.", "H", "Hj")).all()
    masters = e.loc[e["education"] == "S2", "back_title"].dropna()
    assert masters.str.contains(r"M\.", regex=True).all()
    # Batak names carry their marga, people of Kupang Timorese family names
    medan = e[(e["region"] == "MEDAN")]["name"].str.split().str[-1]
    assert medan.isin(["Siregar", "Nasution", "Lubis", "Sinaga", "Simanjuntak", "Hutapea",
                       "Sitorus", "Simatupang", "Panjaitan", "Situmorang", "Manurung",
                       "Pardede", "Tambunan"]).mean() > 0.3  # fmt: skip
    names = [
        full_name(*r) for r in e[["name", "front_title", "back_title"]].itertuples(index=False)
    ]
    assert len(set(names)) > 0.8 * len(names)


def test_units_form_a_tree_with_names_and_every_employee_in_one(workforce: Workforce) -> None:
    units, e = workforce.tables["units"], workforce.tables["employees"]
    assert units["unit_id"].is_unique and units["name"].notna().all()
    assert set(e["unit_id"]) <= set(units["unit_id"])
    parents = units["parent_unit_id"].dropna()
    assert set(parents) <= set(units["unit_id"])
    assert units["parent_unit_id"].isna().sum() == units["agency_id"].nunique()  # one root each
    # a unit's parent is in its own agency, and names are unique within an agency
    agency = dict(zip(units["unit_id"], units["agency_id"], strict=True))
    pairs = zip(units["unit_id"], units["parent_unit_id"], strict=True)
    assert all(agency[p] == agency[u] for u, p in pairs if isinstance(p, str))
    assert not units.duplicated(["agency_id", "name"]).any()
    kinds = units["name"].str.split().str[0]
    assert {"Seksi", "Bidang", "Puskesmas", "Sekretariat"} <= set(kinds)


def test_positions_are_named_by_type_and_level(workforce: Workforce) -> None:
    positions, e = workforce.tables["positions"], workforce.tables["employees"]
    assert set(e["position_id"]) == set(positions["position_id"])
    assert positions["position_id"].is_unique
    fung = positions[positions["position_type"] == "FUNGSIONAL"]
    assert fung["jenjang"].notna().all()
    assert positions.loc[positions["position_type"] != "FUNGSIONAL", "jenjang"].isna().all()
    ahli_muda = fung[fung["jenjang"] == "AHLI_MUDA"]["name"]
    assert ahli_muda.str.endswith("Ahli Muda").all()
    assert (positions["name"] == "Analis SDM Aparatur Ahli Muda").any() or not (
        fung["position_id"].str.endswith("AHLI_MUDA-MSDM").any()
    )


def test_names_are_the_same_for_a_seed_and_leave_the_rest_unchanged(workforce: Workforce) -> None:
    again = generate_workforce(SynthConfig(employees=1200, seed=5))
    for name, frame in workforce.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name])
    other = generate_workforce(SynthConfig(employees=1200, seed=6))
    assert not np.array_equal(
        other.tables["employees"]["name"], workforce.tables["employees"]["name"]
    )
