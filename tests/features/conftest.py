from __future__ import annotations

from pathlib import Path

import pytest

from ml.contract.validation import validate_directory
from ml.features.point_in_time import Tables


@pytest.fixture(scope="session")
def tables(workforce_dir: Path) -> Tables:
    """The small generated workforce, typed (read-only: copy before changing)."""
    return validate_directory(workforce_dir).frames()
