"""Shared fixtures: a small generated workforce on disk, and the real datasets when present."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ml.synth import SynthConfig, generate_workforce, write_workforce

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "external"
MAPPINGS = Path(__file__).resolve().parents[1] / "data" / "mappings"


@pytest.fixture(scope="session")
def workforce_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean 400-employee workforce (seed 11) written as CSV; treat it as read-only."""
    out = tmp_path_factory.mktemp("workforce")
    write_workforce(generate_workforce(SynthConfig(employees=400, seed=11)), out)
    return out


@pytest.fixture
def workforce_copy(workforce_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the small workforce, for tests that corrupt it."""
    return Path(shutil.copytree(workforce_dir, tmp_path / "w"))


def external(name: str) -> Path:
    """A real dataset of ../shared/data/external, or skip: user clones do not carry them."""
    path = EXTERNAL / name
    if not path.is_file():
        pytest.skip(f"{path} is absent (the real datasets live only beside the project repo)")
    return path
