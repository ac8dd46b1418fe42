"""Job: generate a synthetic workforce with its ground truth and write it to a directory.

Two shapes: the in-memory run (one file per table, CSV or Parquet), and the sharded run for
national sizes (partitioned Parquet written one shard at a time, :mod:`ml.synth.sharded`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ml.contract.schemas import TABLES
from ml.contract.tables import Format, write_table
from ml.synth import GROUND_TRUTH, SynthConfig, Workforce, generate_workforce, write_workforce
from ml.synth.generator import catalog_frame, competencies_frame, progress_steps
from ml.synth.sharded import DEFAULT_SHARD_SIZE, Shard, generate_shards

# Tables with one file per shard (every employee's rows in one); the rest are written once.
PARTITIONED = ("employees", "competency_assessments", "appraisals", "trainings", "units")
SHARED = ("competencies", "training_catalog", "position_requirements", "positions")
PARTITIONED_TRUTH = ("latent_levels", "assessment_truth", "appraisal_truth")
MANIFEST = "shards.json"
# Above this size the in-memory run would pass ~4 GiB: Parquet output is then sharded.
SHARD_FROM = 250_000


@dataclass(frozen=True)
class Generated:
    workforce: Workforce
    out: Path

    @property
    def sizes(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.workforce.tables.items()}


@dataclass(frozen=True)
class GeneratedShards:
    """A sharded run: where it went, its shards and the rows of each table."""

    out: Path
    shards: list[Shard]
    sizes: dict[str, int] = field(default_factory=dict)


def generation_steps(config: SynthConfig) -> int:
    """How many progress steps ``generate`` reports for ``config``."""
    return progress_steps(config)


def generate(
    config: SynthConfig,
    out: Path,
    fmt: Format = "csv",
    progress: Callable[[str], None] | None = None,
) -> Generated:
    workforce = generate_workforce(config, progress)
    write_workforce(workforce, out, fmt, progress)
    return Generated(workforce, out)


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def generate_sharded(
    config: SynthConfig,
    out: Path,
    shard_size: int = DEFAULT_SHARD_SIZE,
    progress: Callable[[str], None] | None = None,
) -> GeneratedShards:
    """Write ``config``'s national workforce to ``out`` as partitioned Parquet, shard by shard.

    ``out/<table>/part-NNNNN.parquet`` holds shard NNNNN of each per-employee table (the same
    shard number in every table: an employee's rows all sit in one part), the small shared
    tables are single files, and ``ground_truth`` is laid out alike. Peak memory is that of one
    shard, whatever ``config.employees``.
    """
    out.mkdir(parents=True, exist_ok=True)
    truth_dir = out / GROUND_TRUTH
    truth_dir.mkdir(exist_ok=True)
    sizes = dict.fromkeys((*PARTITIONED, *SHARED), 0)
    shared: dict[str, list[pd.DataFrame]] = {"position_requirements": [], "positions": []}
    seen_positions: set[str] = set()
    biases = truth_dir / "rater_biases.csv"
    biases.unlink(missing_ok=True)
    done: list[Shard] = []
    for shard, workforce in generate_shards(config, shard_size):
        if progress:
            progress(f"shard {shard.index} ({shard.agency_id}, {shard.employees:,})")
        for name in PARTITIONED:
            frame = workforce.tables[name]
            _write_part(_contract_order(frame, name), out / name, shard.index)
            sizes[name] += len(frame)
        # A position shared by blocks of one agency is written once (the blocks agree on it).
        new = sorted(set(workforce.tables["positions"]["position_id"]) - seen_positions)
        for name in shared:
            frame = workforce.tables[name]
            shared[name].append(frame[frame["position_id"].isin(new)])
        seen_positions.update(new)
        for name in PARTITIONED_TRUTH:
            _write_part(workforce.ground_truth[name], truth_dir / name, shard.index)
        workforce.ground_truth["rater_biases"].to_csv(
            biases, mode="a", header=not biases.exists(), index=False, lineterminator="\n"
        )
        if not done:  # the programmes are national: every shard carries the same effects
            workforce.ground_truth["program_effects"].to_csv(
                truth_dir / "program_effects.csv", index=False, lineterminator="\n"
            )
        done.append(shard)
    for name, frames in shared.items():
        frame = pd.concat(frames, ignore_index=True).sort_values("position_id", kind="stable")
        write_table(frame.reset_index(drop=True), out, name, "parquet")
        sizes[name] = len(frame)
    for name, frame in (
        ("competencies", competencies_frame()),
        ("training_catalog", catalog_frame()),
    ):
        write_table(frame, out, name, "parquet")
        sizes[name] = len(frame)
    settings = {**config.to_dict(), "shard_size": shard_size}
    (truth_dir / "settings.json").write_text(json.dumps(settings, indent=2) + "\n")
    manifest = [
        {"part": part_name(s.index), "agency_id": s.agency_id, "block": s.block,
         "employees": s.employees}
        for s in done
    ]  # fmt: skip
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return GeneratedShards(out, done, sizes)


def _contract_order(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    spec = TABLES[name]
    return frame[[c for c, col in spec.columns.items() if c in frame.columns or not col.optional]]


def _write_part(frame: pd.DataFrame, directory: Path, index: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(directory / part_name(index), index=False)


def flatten_shards(src: Path, dest: Path) -> list[Path]:
    """One Parquet file per table from a sharded run, for tools that read a flat directory
    (validation, training at sizes one machine holds); the parts are joined in shard order."""
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TABLES:
        parts = sorted((src / name).glob("part-*.parquet"))
        if parts:
            frame = pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)
        elif (src / f"{name}.parquet").is_file():
            frame = pd.read_parquet(src / f"{name}.parquet")
        else:
            continue
        written.append(write_table(frame, dest, name, "parquet"))
    return written
