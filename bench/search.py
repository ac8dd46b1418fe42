"""Finding people: the serving directory's build and its searches on a generated workforce.

The directory is built once per served snapshot from the stored profiles, so its cost is set
against what cannot be avoided, measured in the same run: decoding the profiles' JSON (the
store's JSONText column). Then the time of one search (names, partial NIPs, spaced NIPs, a
unit) and of one page of the unit list. Profiles here carry the fields the directory reads and
eleven competencies, about the size of a real one's.

    python bench/search.py --employees 10000
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from _report import report

from ml.contract.names import format_nip, full_name
from ml.pipelines.directory import Directory
from ml.synth import SynthConfig, generate_workforce

QUERIES = ("siti", "budi san", "dr.", "1985", "19850312 2010", "rahmat hidayat", "s.pd")


def profiles(employees: int, seed: int) -> list[tuple[str, str, str]]:
    """(employee_id, unit_id, profile as stored JSON) for a generated workforce."""
    tables = generate_workforce(SynthConfig(employees=employees, seed=seed)).tables
    units = dict(zip(tables["units"]["unit_id"], tables["units"]["name"], strict=True))
    positions = dict(
        zip(tables["positions"]["position_id"], tables["positions"]["name"], strict=True)
    )
    out = []
    for e in tables["employees"].itertuples(index=False):
        profile: dict[str, Any] = {
            "employee_id": e.employee_id, "agency_id": e.agency_id, "unit_id": e.unit_id,
            "position_id": e.position_id, "name": e.name,
            "full_name": full_name(e.name, e.front_title, e.back_title),
            "nip": format_nip(e.employee_id), "unit_name": units.get(e.unit_id),
            "position_name": positions.get(e.position_id),
            "competencies": [
                {"competency_code": f"M{i}", "name": "Integritas", "group": "MANAJERIAL",
                 "required_level": 3, "last_level": 2, "last_assessed_on": "2025-03-01",
                 "gap": 1 if i % 3 == 0 else None, "gap_known": i % 3 == 0}
                for i in range(11)
            ],
            "development": {"minimum_jp": 20, "years": [
                {"year": 2025, "jp_taken": 12, "shortfall": 8, "complete": True},
                {"year": 2026, "jp_taken": 0, "shortfall": 20, "complete": False}]},
        }  # fmt: skip
        out.append((e.employee_id, e.unit_id, json.dumps(profile)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--out", type=Path, default=Path("bench/results/search.json"))
    args = parser.parse_args()
    stored = profiles(args.employees, args.seed)

    start = time.perf_counter()
    decoded = [(e, u, json.loads(p)) for e, u, p in stored]
    decode_s = time.perf_counter() - start
    start = time.perf_counter()
    directory = Directory.from_profiles((e, u, json.loads(p)) for e, u, p in stored)
    build_s = time.perf_counter() - start
    assert len(directory.people) == len(decoded)

    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for q in QUERIES:
            directory.search(q)
        directory.search("", unit="puskesmas")
    search_ms = (time.perf_counter() - start) / (rounds * (len(QUERIES) + 1)) * 1000
    start = time.perf_counter()
    for _ in range(rounds):
        directory.unit_list(sort="need")
    units_ms = (time.perf_counter() - start) / rounds * 1000
    report(
        {
            "employees": len(stored),
            "units": len(directory.units),
            "decode_s (baseline)": round(decode_s, 3),
            "build_s (decode included)": round(build_s, 3),
            "build / decode": round(build_s / decode_s, 2),
            "search_ms (mean)": round(search_ms, 2),
            "unit_list_ms": round(units_ms, 2),
        },
        args.out,
    )


if __name__ == "__main__":
    main()
