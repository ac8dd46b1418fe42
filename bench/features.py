"""Benchmark of the feature pipeline: pandas and Dask engines against a naive baseline.

Generates a national-shaped workforce (the whole ASN is 4.3 million; ``--employees`` scales it to
the machine), then, each in a fresh process so peak memory is its own:

- the pandas engine: load the tables, then ``build_features`` (the two timed apart);
- the Dask engine on a LocalCluster of 2 single-threaded workers;
- a naive baseline measured in the same run: a Python function per employee (``apply``)
  computing the same feature families, on a sample of ``--sample`` employees.

    python bench/features.py --employees 1000000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _report import report

GENERATE = """
import sys
from pathlib import Path
from ml.synth import SynthConfig, generate_workforce, write_workforce
workforce = generate_workforce(SynthConfig(employees=int(sys.argv[2]), seed=1))
write_workforce(workforce, Path(sys.argv[1]), "parquet")
"""

PANDAS = """
import json, resource, sys, time
from pathlib import Path
from ml.features import build_features
from ml.features.io import load_tables
start = time.perf_counter()
tables = load_tables(Path(sys.argv[1]))
loaded = time.perf_counter()
features = build_features(tables, sys.argv[2])
done = time.perf_counter()
print(json.dumps({"load_s": loaded - start, "features_s": done - loaded,
                  "rows": len(features.competencies),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

DASK = """
import json, resource, sys, time
from pathlib import Path
from distributed import Client, LocalCluster
from ml.features.distributed import build_features_dask
cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None)
with cluster, Client(cluster) as client:
    start = time.perf_counter()
    features = build_features_dask(Path(sys.argv[1]), sys.argv[2], client=client)
    done = time.perf_counter()
print(json.dumps({"load_and_features_s": done - start, "rows": len(features.competencies),
                  "peak_rss_mib_driver": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_rss_mib_largest_worker":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

# The way features are often first written: one Python function per employee computing the same
# feature families (each table pre-grouped once, so the baseline is not slowed by full scans).
NAIVE = """
import json, sys, time
from pathlib import Path
import numpy as np
import pandas as pd
from ml.features.io import load_tables
from ml.features.point_in_time import known_at
as_of = pd.Timestamp(sys.argv[2])
tables = known_at(load_tables(Path(sys.argv[1])), as_of)
sample = tables["employees"].sample(int(sys.argv[3]), random_state=0)
ids = set(sample["employee_id"])
group = {k: dict(tuple(v[v["employee_id"].isin(ids)].groupby("employee_id")))
         for k, v in tables.items() if "employee_id" in v and k != "employees"}
requirements = dict(tuple(tables["position_requirements"].groupby("position_id")))
codes = tables["training_catalog"].set_index("program_id")["competency_codes"].str.split(";")
empty = {k: v.iloc[:0] for k, v in tables.items()}

def features(employee):
    e = employee["employee_id"]
    get = lambda t: group[t].get(e, empty[t])
    req = requirements[employee["position_id"]]
    a, ap, tr = get("competency_assessments"), get("appraisals"), get("trainings")
    rows = []
    for code, required in zip(req["competency_code"], req["required_level"]):
        mine = a[a["competency_code"] == code].sort_values("assessed_on")
        t = tr[tr["program_id"].map(lambda p: code in codes.get(p, [])).astype(bool)]
        done = t[t["status"] == "COMPLETED"]
        age = (as_of - done["end_date"]).dt.days / 30.4375
        last = mine.iloc[-1] if len(mine) else None
        months = (as_of - last["assessed_on"]).days / 30.4375 if last is not None else np.nan
        fresh = last is not None and months <= 36
        rows.append({
            "code": code, "last": last["level"] if last is not None else np.nan,
            "gap": max(0, required - last["level"]) if fresh else np.nan,
            "trend": np.polyfit((mine["assessed_on"] - as_of).dt.days / 365.25, mine["level"], 1)[0]
                     if mine["assessed_on"].nunique() > 1 else np.nan,
            **{f"jp_{m}m": done["jp"][age < m].sum() for m in (12, 24, 36)},
            "dropped": (t["status"] == "DROPPED").sum(), "post": done["post_score"].mean(),
        })
    official = ap[ap["rater_role"] == "ATASAN"].sort_values("period_end")
    counts = {f"{p}_last{n}": (official["predikat"].tail(n) == p).sum()
              for n in (1, 3, 5) for p in ("SANGAT_BAIK", "BAIK", "BUTUH_PERBAIKAN")}
    kpi = official["kpi_attainment"].tail(5)
    slope = np.polyfit(np.arange(len(kpi)), kpi.fillna(1), 1)[0] if len(kpi) > 1 else np.nan
    return rows, counts, kpi.mean(), slope

start = time.perf_counter()
sample.apply(features, axis=1)
print(json.dumps({"naive_s": time.perf_counter() - start, "sample": len(sample)}))
"""


def child(code: str, *args: object) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"benchmark step failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=200_000)
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--sample", type=int, default=500, help="employees for the naive run")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--out", type=Path, default=Path("bench/results/features.json"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "workforce"
        start = time.perf_counter()
        child(GENERATE, data, args.employees)
        generated_s = time.perf_counter() - start
        pandas_run = child(PANDAS, data, args.as_of)
        dask_run = {} if args.skip_dask else child(DASK, data, args.as_of)
        naive = child(NAIVE, data, args.as_of, args.sample)

    n = args.employees
    naive_rate = naive["sample"] / naive["naive_s"]
    pandas_rate = n / pandas_run["features_s"]
    result = {
        "employees": n,
        "competency_rows": pandas_run["rows"],
        "generate_s": round(generated_s, 1),
        "pandas_load_s": round(pandas_run["load_s"], 1),
        "pandas_features_s": round(pandas_run["features_s"], 1),
        "pandas_employees_per_s": round(pandas_rate),
        "pandas_peak_rss_mib": round(pandas_run["peak_rss_mib"]),
        "naive_sample": naive["sample"],
        "naive_employees_per_s": round(naive_rate),
        "speedup_over_naive": round(pandas_rate / naive_rate),
    }
    if dask_run:
        result |= {
            "dask_load_and_features_s": round(dask_run["load_and_features_s"], 1),
            "dask_employees_per_s": round(n / dask_run["load_and_features_s"]),
            "dask_peak_rss_mib_driver": round(dask_run["peak_rss_mib_driver"]),
            "dask_peak_rss_mib_largest_worker": round(dask_run["peak_rss_mib_largest_worker"]),
            "dask_vs_pandas_load_and_features": round(
                (pandas_run["load_s"] + pandas_run["features_s"]) / dask_run["load_and_features_s"],
                2,
            ),
        }
    report(result, args.out)


if __name__ == "__main__":
    main()
