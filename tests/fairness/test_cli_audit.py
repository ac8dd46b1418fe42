"""``talenta audit``: the files of design §6 and the flags in the review trail, twice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ml.cli import app
from ml.config import get_settings
from ml.store.repository import ReviewTrail
from ml.synth import SynthConfig, generate_workforce, write_workforce

runner = CliRunner()


def test_audit_writes_the_files_and_keeps_flags_stable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "raw"
    write_workforce(generate_workforce(SynthConfig(employees=1500, seed=24)), data)
    monkeypatch.setenv("TALENTA_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        first = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "a")])
        second = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "b")])
        url = get_settings().store_url
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0, first.output
    for name in ("rater_flags.csv", "group_disparity.csv", "score_flags.csv", "audit.md"):
        assert (tmp_path / "a" / name).is_file()
    raters = pd.read_csv(tmp_path / "a" / "rater_flags.csv")
    assert list(raters.columns[:9]) == [
        "rater_id", "kind", "group", "n", "effect", "ci_low", "ci_high", "q_value", "flagged",
    ]  # fmt: skip
    assert "new flags, 0 seen before" in first.output
    # The same data audited again: the same flags, seen again, none new.
    assert second.exit_code == 0 and " 0 new flags" in second.output
    page = ReviewTrail.from_url(url).flags(family="RATER")
    assert page.total == int(raters[(raters["group"].isna()) & raters["flagged"]].shape[0])


def test_audit_without_appraisals_says_so(tmp_path: Path) -> None:
    data = tmp_path / "raw"
    write_workforce(generate_workforce(SynthConfig(employees=200, seed=1)), data)
    (data / "appraisals.csv").unlink()
    result = runner.invoke(app, ["audit", str(data), "--out", str(tmp_path / "o"), "--no-store"])
    assert result.exit_code == 1
    assert "appraisals" in result.output
