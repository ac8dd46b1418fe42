"""Shared output of the benchmarks: a JSON file for tracking and an aligned table for people."""

from __future__ import annotations

import json
from pathlib import Path


def report(result: dict[str, object], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    width = max(map(len, result))
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
