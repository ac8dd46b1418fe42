"""A national workforce in shards: one agency block at a time, in bounded memory.

The in-memory generator holds every employee's history at once (about 13 KB each, 13 GiB for a
million), so the whole ASN (4.3 million) does not fit one machine. A sharded run splits the
national mix (:func:`ml.synth.org.agency_sizes`) into *shards*: an agency, or a block of a large
agency of at most ``shard_size`` people (a kantor wilayah with its own tree of units). Raters
rate within their agency block, so every employee's rows, and every rater's ratees, fall in one
shard; each shard is simulated on its own and handed on before the next is drawn.

Reproducible per seed: shard *k* draws from ``SeedSequence([seed, agency, block])``, and the
programmes (their true effects are national) from the same stream as the in-memory run. Two
things must agree between shards and are made to: NIPs are unique nationwide (the sequence
digits continue a national count per prefix, :class:`NipSequence`), and a position shared by
blocks of one agency has one set of required levels (drawn from the position's own seed).
A sharded run of N is another workforce than the in-memory run of N (other streams), with the
same contract, mix and dynamics.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ml.synth.config import SynthConfig
from ml.synth.dynamics import Program, program_arrays
from ml.synth.generator import Workforce, nip_prefixes, simulate
from ml.synth.org import (
    agency_sizes,
    build_organisation,
    largest_remainder,
    position_requirements,
)
from ml.synth.reference import AGENCIES

DEFAULT_SHARD_SIZE = 100_000  # about 1.3 GiB of history per shard at ~13 KB an employee
MAX_NIP_SEQUENCE = 999  # three digits


@dataclass(frozen=True)
class Shard:
    """One partition of a sharded run: ``employees`` people of block ``block`` of an agency."""

    index: int
    agency: int  # index into AGENCIES
    block: int
    employees: int

    @property
    def agency_id(self) -> str:
        return AGENCIES[self.agency].agency_id


def plan_shards(employees: int, shard_size: int = DEFAULT_SHARD_SIZE) -> list[Shard]:
    """The shards of a national run: the agency mix, large agencies cut into equal blocks."""
    shards: list[Shard] = []
    for agency, n_agency in enumerate(agency_sizes(employees)):
        blocks = max(1, -(-int(n_agency) // shard_size))
        for block, n in enumerate(largest_remainder(np.ones(blocks), int(n_agency))):
            shards.append(Shard(len(shards), agency, block, int(n)))
    return shards


class NipSequence:
    """The national count of NIPs per 15-digit prefix, so that shards never repeat a NIP.

    Prefixes are kept as int64 (15 digits fit), a few bytes per employee rather than a Python
    string each: 4.3 million prefixes take about 70 MB.
    """

    def __init__(self) -> None:
        self._count = pd.Series(dtype="int64")

    def assign(self, prefix: pd.Series) -> np.ndarray:
        keys = prefix.astype("int64")
        before = self._count.reindex(keys.unique(), fill_value=0)
        seq = keys.map(before).to_numpy() + keys.groupby(keys).cumcount().to_numpy() + 1
        if len(seq) and seq.max() > MAX_NIP_SEQUENCE:
            raise ValueError("more than 999 NIPs share a birth date, appointment and gender")
        self._count = self._count.add(keys.value_counts(), fill_value=0).astype("int64")
        return (prefix + pd.Series(seq, index=prefix.index).astype(str).str.zfill(3)).to_numpy(
            dtype=object
        )


def _jitter_by_position(seed: int) -> Callable[[np.ndarray, int], np.ndarray]:
    """Managerial level steps drawn per position: every shard with a position agrees on it."""

    def draw(positions: np.ndarray, n_codes: int) -> np.ndarray:
        rows = [
            np.random.default_rng([seed, zlib.crc32(str(p).encode())]).choice(
                [-1, 0, 0, 0, 0, 1], size=n_codes
            )
            for p in positions
        ]
        return np.array(rows, dtype=np.int64).reshape(len(positions), n_codes)

    return draw


def national_programs(config: SynthConfig) -> Program:
    """The programmes and their true effects: the in-memory run's stream, shared by every shard."""
    prog_stream = np.random.SeedSequence(config.seed).spawn(5)[2]
    return program_arrays(config, np.random.default_rng(prog_stream))


def generate_shards(
    config: SynthConfig,
    shard_size: int = DEFAULT_SHARD_SIZE,
    progress: Callable[[Shard], None] | None = None,
) -> Iterator[tuple[Shard, Workforce]]:
    """Each shard's workforce in turn; only one is held at a time."""
    programs = national_programs(config)
    sequence = NipSequence()
    jitter = _jitter_by_position(config.seed)
    for shard in plan_shards(config.employees, shard_size):
        if progress:
            progress(shard)
        streams = np.random.SeedSequence([config.seed, shard.agency, shard.block]).spawn(4)
        org_rng, req_rng, sim_rng, name_rng = (np.random.default_rng(s) for s in streams)
        per_agency = np.zeros(len(AGENCIES), dtype=np.int64)
        per_agency[shard.agency] = shard.employees
        org = build_organisation(config, org_rng, per_agency, block=shard.block)
        nip = sequence.assign(nip_prefixes(org, org_rng))
        requirements = position_requirements(org, req_rng, jitter)
        yield shard, simulate(config, org, nip, requirements, programs, (sim_rng, name_rng))
