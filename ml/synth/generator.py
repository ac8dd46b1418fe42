"""``talenta generate``: a synthetic workforce in the contract's tables, with its ground truth."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ml.contract.schemas import TABLES
from ml.contract.tables import Format, write_table
from ml.synth.config import SynthConfig
from ml.synth.dynamics import Program, Simulation, competency_slots, program_arrays
from ml.synth.names import person_names, positions_frame, units_frame
from ml.synth.org import Organisation, build_organisation, position_requirements
from ml.synth.reference import AGENCIES, CATALOG, MANAGERIAL, SOCIO_CULTURAL, TECHNICAL

GROUND_TRUTH = "ground_truth"
TRUTH_NAMES = (
    "latent_levels", "assessment_truth", "appraisal_truth", "rater_biases", "program_effects"
)  # fmt: skip


@dataclass(frozen=True)
class Workforce:
    """Every contract table of a generated workforce, and what only the generator knows."""

    tables: dict[str, pd.DataFrame]
    ground_truth: dict[str, pd.DataFrame]
    config: SynthConfig


def progress_steps(config: SynthConfig) -> int:
    """How many times generating and writing ``config`` reports progress."""
    # the organisation, each year, the appraisals, then one file per table
    return 1 + config.periods + 1 + len(TABLES) + len(TRUTH_NAMES)


def generate_workforce(
    config: SynthConfig, progress: Callable[[str], None] | None = None
) -> Workforce:
    """Generate a workforce; same ``config`` (seed included), same tables."""
    # The fifth stream (names) is drawn last and from its own seed: spawn(5) gives the same first
    # four streams as spawn(4) did, so a seed's people, levels and biases are unchanged by names.
    streams = np.random.SeedSequence(config.seed).spawn(5)
    org_rng, req_rng, prog_rng, sim_rng, name_rng = (np.random.default_rng(s) for s in streams)
    if progress:
        progress("organisation")
    org = build_organisation(config, org_rng)
    nip = nips(org, org_rng)
    requirements = position_requirements(org, req_rng)
    programs = program_arrays(config, prog_rng)
    return simulate(config, org, nip, requirements, programs, (sim_rng, name_rng), progress)


def simulate(
    config: SynthConfig,
    org: Organisation,
    nip: np.ndarray,
    requirements: pd.DataFrame,
    programs: Program,
    rngs: tuple[np.random.Generator, np.random.Generator],
    progress: Callable[[str], None] | None = None,
) -> Workforce:
    """The workforce of ``org`` over the periods: its history, names and tables.

    ``rngs``: the simulation's and the names' streams; a sharded run calls this once per shard.
    """
    sim_rng, name_rng = rngs
    comps = competency_slots(org, requirements)
    history = Simulation(config, org, comps, programs, nip, sim_rng).run(progress)
    names = person_names(org, name_rng, config.end_year)
    tables = {
        "employees": pd.concat([employees_frame(org, nip), names], axis=1),
        "competencies": competencies_frame(),
        "position_requirements": requirements,
        "competency_assessments": history.assessments,
        "appraisals": history.appraisals,
        "trainings": history.trainings,
        "training_catalog": catalog_frame(),
        "units": units_frame(org),
        "positions": positions_frame(org),
    }
    truth = {
        "latent_levels": history.latent_levels,
        "assessment_truth": history.assessment_truth,
        "appraisal_truth": history.appraisal_truth,
        "rater_biases": history.rater_biases,
        "program_effects": history.program_effects,
    }
    return Workforce(tables, truth, config)


def write_workforce(
    workforce: Workforce,
    out: Path,
    fmt: Format = "csv",
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the contract tables to ``out`` and the ground truth to ``out/ground_truth``."""
    paths = []
    for name, frame in workforce.tables.items():
        if progress:
            progress(f"writing {name}")
        paths.append(write_table(frame, out, name, fmt))
    truth_dir = out / GROUND_TRUTH
    truth_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in workforce.ground_truth.items():
        if progress:
            progress(f"writing {GROUND_TRUTH}/{name}")
        if name in ("rater_biases", "program_effects"):
            path = truth_dir / f"{name}.csv"
            frame.to_csv(path, index=False, lineterminator="\n")
        else:
            path = truth_dir / f"{name}.parquet"
            frame.to_parquet(path, index=False)
        paths.append(path)
    settings = truth_dir / "settings.json"
    settings.write_text(json.dumps(workforce.config.to_dict(), indent=2) + "\n")
    return [*paths, settings]


def nips(org: Organisation, rng: np.random.Generator) -> np.ndarray:
    """18-digit NIPs: birth date (8), appointment month (6), gender (1: L, 2: P), sequence (3)."""
    prefix = nip_prefixes(org, rng)
    seq = prefix.groupby(prefix).cumcount() + 1
    return (prefix + seq.astype(str).str.zfill(3)).to_numpy(dtype=object)


def nip_prefixes(org: Organisation, rng: np.random.Generator) -> pd.Series:
    """The first 15 digits of each NIP (all but the sequence number)."""
    birth = pd.to_datetime(
        pd.DataFrame(
            {
                "year": org.birth_year,
                "month": rng.integers(1, 13, org.n),
                "day": rng.integers(1, 29, org.n),
            }
        )
    )
    hire = pd.Series(org.hire_date.astype("datetime64[s]"))
    prefix = (
        birth.dt.strftime("%Y%m%d")
        + hire.dt.strftime("%Y%m")
        + pd.Series(np.where(org.gender == "P", "2", "1"), dtype="str")
    )
    return prefix


def employees_frame(org: Organisation, nip: np.ndarray) -> pd.DataFrame:
    supervisor = org.raters[-1]
    return pd.DataFrame(
        {
            "employee_id": nip,
            "birth_year": org.birth_year,
            "gender": org.gender,
            "agency_id": np.array([a.agency_id for a in AGENCIES])[org.agency],
            "unit_id": org.unit_ids[org.unit],
            "region": org.region,
            "position_id": org.position_id,
            "position_type": org.position_type,
            "grade": org.grade,
            "education": org.education,
            "employment_type": org.employment_type,
            "hire_date": org.hire_date.astype("datetime64[s]"),
            "supervisor_id": np.where(supervisor >= 0, nip[np.maximum(supervisor, 0)], None),
        }
    )


def competencies_frame() -> pd.DataFrame:
    groups = (
        (MANAGERIAL, "MANAJERIAL"), (SOCIO_CULTURAL, "SOSIAL_KULTURAL"), (TECHNICAL, "TEKNIS")
    )  # fmt: skip
    return pd.DataFrame(
        [
            {"competency_code": code, "name": name, "group": group}
            for names, group in groups
            for code, name in names.items()
        ]
    )


def catalog_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "program_id": p.program_id,
            "title": p.title,
            "provider": p.provider,
            "provider_type": p.provider_type,
            "competency_codes": ";".join(p.codes),
            "max_level": p.max_level,
            "jp": p.jp,
            "cost_idr": p.cost_idr,
            "mode": p.mode,
        }
        for p in CATALOG
    )
