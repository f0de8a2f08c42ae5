"""Series building at 10^4, 10^5 and 10^6 synthetic observations: time and peak memory.

Each size runs in a fresh child process, so that its peak RSS (ru_maxrss) is its own;
the RSS once the synthetic input is built is shown beside it. `write` is write_series
(four parquet files and four CSV copies, to a temporary folder).
Observations are spread over 200 actors x 4 issues and three years, with random stances
and confidences, which gives a daily series of up to 200 x 4 x 1096 rows.

usage: python bench/bench_series.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
import numpy as np, polars as pl
from datetime import datetime, timezone
from tracker.config import read_positions, DEFAULT_POSITIONS
from tracker.schemas import POSITIONS
import tempfile
from tracker.series import build_series, write_series
n = int(sys.argv[1])
config = read_positions(DEFAULT_POSITIONS)
rng = np.random.default_rng(0)
issues = [issue.id for issue in config.issues]
stances = {issue.id: issue.stance_ids for issue in config.issues}
issue = rng.integers(0, len(issues), n)
stance_index = rng.integers(0, 3, n)
start = int(datetime(2023, 1, 1, tzinfo=timezone.utc).timestamp() * 1e6)
times = start + rng.integers(0, int(3 * 365 * 86400 * 1e6), n)
frame = pl.DataFrame({
    "position_id": [f"p{i}" for i in range(n)],
    "doc": "synthetic.txt",
    "post_id": [f"post{i}" for i in range(n)],
    "post_time": pl.Series(times).cast(pl.Datetime("us", "UTC")),
    "headline": "h",
    "actor": [f"actor_{i}" for i in rng.integers(0, 200, n)],
    "issue": [issues[i] for i in issue],
    "stance": [stances[issues[i]][s] for i, s in zip(issue, stance_index)],
    "score": [1.0 - s for s in stance_index],
    "confidence": rng.uniform(0.4, 1.0, n),
    "evidence": "quote",
    "statement_id": [f"s{i}" for i in range(n)],
    "start": 0, "end": 5,
}).cast({"start": pl.Int32, "end": pl.Int32}).select(list(POSITIONS))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
series = build_series(frame.lazy(), config)
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with tempfile.TemporaryDirectory() as folder:
    t = time.perf_counter()
    write_series(series, folder)
    write = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "write": write, "input_mib": before, "peak_mib": peak,
                  "daily": series.daily.height, "shifts": series.shifts.height}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args()
    print(
        "| observations | build (s) | write (s) | daily rows | shifts "
        "| RSS with input (MiB) | peak RSS of build (MiB) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(size)], check=True, capture_output=True, text=True
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        print(
            f"| {size:,} | {result['seconds']:.2f} | {result['write']:.2f} | "
            f"{result['daily']:,} | {result['shifts']:,} | {result['input_mib']:.0f} | "
            f"{result['peak_mib']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
