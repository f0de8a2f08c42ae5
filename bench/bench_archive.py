"""End-to-end scale benchmark: `tracker run` over synthetic archives of 10^3 and 10^4 pages.

Each size runs in a fresh child process so that peak memory (ru_maxrss) is its own.
Reports wall time, statements per second and peak RSS, then a cached re-run of the same
archive (every page reused), and the growth factor between sizes.

usage: python bench/bench_archive.py [--sizes 1000 10000] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from synthetic_archive import write_archive  # noqa: E402

CHILD = """
import json, resource, sys, time
from pathlib import Path
from tracker.config import read_positions, DEFAULT_POSITIONS
from tracker.classify import load_classifier
from tracker.pipeline import run_pipeline
pages, out = Path(sys.argv[1]), Path(sys.argv[2])
classifier = load_classifier()
start = time.perf_counter()
summary = run_pipeline([pages], out, read_positions(DEFAULT_POSITIONS), classifier=classifier)
seconds = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak_mib, "posts": summary.posts,
                  "statements": summary.statements, "positions": summary.positions,
                  "reused": summary.reused_pages}))
"""


def run_child(pages: Path, out: Path) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(pages), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    rows = []
    for size in args.sizes:
        pages = work / f"pages_{size}"
        start = time.perf_counter()
        write_archive(pages, size)
        print(f"wrote {size} pages in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        out = work / f"data_{size}"
        cold = run_child(pages, out)
        warm = run_child(pages, out)
        rows.append((size, cold, warm))
        print(f"{size} pages: {json.dumps(cold)} / re-run {json.dumps(warm)}", file=sys.stderr)

    print(
        "| pages | posts | statements | positions | run (s) | statements/s | peak RSS (MiB) "
        "| re-run (s) |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size, cold, warm in rows:
        rate = cold["statements"] / cold["seconds"] if cold["seconds"] else 0.0
        print(
            f"| {size} | {cold['posts']:.0f} | {cold['statements']:.0f} | {cold['positions']:.0f} "
            f"| {cold['seconds']:.1f} | {rate:.0f} | {cold['peak_mib']:.0f} "
            f"| {warm['seconds']:.1f} |"
        )
    if len(rows) >= 2:
        (small, a, _), (large, b, _) = rows[0], rows[-1]
        print(
            f"\ngrowth {small} -> {large} pages ({large / small:.0f}x): time x"
            f"{b['seconds'] / a['seconds']:.1f}, peak memory x{b['peak_mib'] / a['peak_mib']:.1f}"
        )


if __name__ == "__main__":
    main()
