"""The sharded generator: the national mix in bounded shards, reproducible per seed, and a
valid workforce whose employees each sit in one partition."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.contract.validation import validate_directory
from ml.pipelines.generate import PARTITIONED, flatten_shards, generate_sharded
from ml.synth import SynthConfig
from ml.synth.org import agency_sizes
from ml.synth.reference import AGENCIES
from ml.synth.sharded import NipSequence, plan_shards
from tests.conftest import SHARD_SIZE as SHARD
from tests.conftest import SHARDED as CONFIG


def _parts(root: Path, name: str) -> list[pd.DataFrame]:
    return [pd.read_parquet(p) for p in sorted((root / name).glob("part-*.parquet"))]


@settings(max_examples=40, deadline=None)
@given(st.integers(100, 5_000_000), st.integers(1_000, 300_000))
def test_shards_cover_the_national_mix_within_the_size(employees: int, size: int) -> None:
    shards = plan_shards(employees, size)
    assert sum(s.employees for s in shards) == employees
    assert max(s.employees for s in shards) <= size
    by_agency = np.zeros(len(AGENCIES), dtype=np.int64)
    for s in shards:
        by_agency[s.agency] += s.employees
    assert by_agency.tolist() == agency_sizes(employees).tolist()
    assert [s.index for s in shards] == list(range(len(shards)))


def test_a_large_agency_is_cut_into_blocks() -> None:
    shards = plan_shards(4_300_000, 100_000)
    blocks = pd.Series([s.agency_id for s in shards]).value_counts()
    biggest = max(AGENCIES, key=lambda a: a.weight).agency_id
    assert blocks[biggest] >= 9  # over 900,000 people: ten blocks or so
    assert len(shards) >= 43


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["196801012000011", "197505052001032"]), max_size=30)))
def test_nip_sequence_never_repeats_a_nip_across_shards(batches: list[list[str]]) -> None:
    sequence = NipSequence()
    nips = [n for batch in batches for n in sequence.assign(pd.Series(batch, dtype="str"))]
    assert len(set(nips)) == len(nips)
    assert all(len(n) == 18 for n in nips)


def test_same_seed_gives_byte_identical_files(tmp_path: Path, sharded: Path) -> None:
    generate_sharded(CONFIG, tmp_path, shard_size=SHARD)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(sharded) for p in sharded.rglob("*") if p.is_file())
    for f in files:
        assert filecmp.cmp(tmp_path / f, sharded / f, shallow=False), f


def test_another_seed_gives_another_workforce(tmp_path: Path, sharded_flat: Path) -> None:
    generate_sharded(SynthConfig(employees=3000, seed=12), tmp_path / "s", shard_size=SHARD)
    other = flatten_shards(tmp_path / "s", tmp_path / "f")
    assert other
    a = pd.read_parquet(sharded_flat / "employees.parquet")["employee_id"]
    b = pd.read_parquet(tmp_path / "f" / "employees.parquet")["employee_id"]
    assert len(a) == len(b) == 3000 and not a.equals(b)


def test_the_sharded_workforce_obeys_the_contract(sharded_flat: Path) -> None:
    report = validate_directory(
        sharded_flat, require=["appraisals", "trainings", "units", "positions"]
    )
    assert report.ok, report.violations[:5]


def test_every_employee_and_rater_sits_in_one_partition(sharded: Path) -> None:
    employees = _parts(sharded, "employees")
    ids = [set(e["employee_id"]) for e in employees]
    assert sum(len(i) for i in ids) == len(set().union(*ids)) == CONFIG.employees
    for name in ("competency_assessments", "appraisals", "trainings"):
        for k, part in enumerate(_parts(sharded, name)):
            assert set(part["employee_id"]) <= ids[k], (name, k)
    for k, part in enumerate(_parts(sharded, "appraisals")):
        assert set(part["rater_id"]) <= ids[k]  # raters rate within their block
    for k, e in enumerate(employees):
        assert set(e["supervisor_id"].dropna()) <= ids[k]
    assert len(employees) == len(json.loads((sharded / "shards.json").read_text()))


def test_ground_truth_is_written_alike(sharded: Path) -> None:
    truth = sharded / "ground_truth"
    levels = pd.concat(_parts(truth, "latent_levels"), ignore_index=True)
    assert set(levels["employee_id"]) == set(pd.concat(_parts(sharded, "employees"))["employee_id"])
    assert (truth / "rater_biases.csv").is_file() and (truth / "program_effects.csv").is_file()
    assert json.loads((truth / "settings.json").read_text())["shard_size"] == SHARD
    for name in PARTITIONED:
        assert len(_parts(sharded, name)) == len(_parts(sharded, "employees"))


def test_blocks_of_an_agency_agree_on_shared_positions(sharded: Path) -> None:
    requirements = pd.read_parquet(sharded / "position_requirements.parquet")
    assert not requirements.duplicated(["position_id", "competency_code"]).any()
    used = set(pd.concat(_parts(sharded, "employees"))["position_id"])
    assert used <= set(requirements["position_id"])
