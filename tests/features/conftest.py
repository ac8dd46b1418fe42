from __future__ import annotations

from pathlib import Path

import pytest

from ml.features.point_in_time import Tables
from ml.validation import validate_directory


@pytest.fixture(scope="session")
def tables(workforce_dir: Path) -> Tables:
    """The small generated workforce, typed (read-only: copy before changing)."""
    return validate_directory(workforce_dir).frames()
