"""Job: generate a synthetic workforce with its ground truth and write it to a directory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ml.contract.tables import Format
from ml.synth import SynthConfig, Workforce, generate_workforce, write_workforce
from ml.synth.generator import progress_steps


@dataclass(frozen=True)
class Generated:
    workforce: Workforce
    out: Path

    @property
    def sizes(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.workforce.tables.items()}


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
