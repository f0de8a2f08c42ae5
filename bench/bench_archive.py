"""End-to-end scale benchmark: `tracker run` over synthetic archives of 10^3 and 10^4
pages, with the local engine and the Ray engine, on this machine, in one run.

Both engines get the same CPUs: the local engine is one process (torch uses every
core), the Ray engine a local Ray with `--cpus` CPUs and as many one-CPU workers. Each
(size, engine) runs in a fresh child process; peak memory is sampled over the child's
whole process tree (the Ray engine's raylet, object store and workers included), as
the sum of resident set sizes (shared pages counted in each process). Then a re-run on
the same data directory (every page reused).

The template archive repeats its statements, as a real archive repeats some: the
embedding cache hits often, and parsing dominates. `--unique-pages` pages more are run
in which every claim is new text, so the encoders' cold cost per statement is measured
too (bench/projection.py projects from both). Writes a markdown table to stdout and the
figures as JSON (--json) for bench/run_all.py, which writes docs/benchmarks.md.

usage: python bench/bench_archive.py [--sizes 1000 10000] [--unique-pages 100]
                                     [--engines local ray] [--cpus 2] [--work DIR]
                                     [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from synthetic_archive import write_archive  # noqa: E402

CHILD = """
import json, sys, time
from pathlib import Path
from tracker.config import read_positions, DEFAULT_POSITIONS
from tracker.classify import load_classifier
from tracker.pipeline import run_pipeline
pages, out, engine_name, cpus = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
engine = None
if engine_name == "ray":
    import ray
    from tracker.engine_ray import RayEngine, RaySettings
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    engine = RayEngine(RaySettings(workers=cpus, worker_cpus=1))
classifier = load_classifier()
start = time.perf_counter()
summary = run_pipeline([pages], out, read_positions(DEFAULT_POSITIONS), classifier=classifier,
                       engine=engine)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "posts": summary.posts, "pages": summary.pages,
                  "statements": summary.statements, "positions": summary.positions,
                  "reused": summary.reused_pages,
                  "passes": getattr(engine, "timings", {})}))
"""


def _tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and its descendants (Linux /proc), in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


def run_child(pages: Path, out: Path, engine: str, cpus: int) -> dict[str, object]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(pages), str(out), engine, str(cpus)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kib(child.pid))
            done.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, _ = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{engine} run over {pages} failed with status {child.returncode}")
    result: dict[str, object] = json.loads(stdout.strip().splitlines()[-1])
    result["peak_mib"] = peak / 1024
    # The machine may be shared: how busy it was, beside each figure.
    result["load_average_1min"] = os.getloadavg()[0]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--unique-pages", type=int, default=100, help="0: none")
    parser.add_argument("--engines", nargs="+", default=["local", "ray"])
    parser.add_argument("--cpus", type=int, default=2, help="CPUs given to the Ray engine")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--add-to", type=Path, default=None, help="keep the rows of this earlier --json file"
    )
    parser.add_argument("--no-rerun", action="store_true", help="skip the re-runs")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    rows = []
    if args.add_to:
        rows = json.loads(args.add_to.read_text(encoding="utf-8"))["rows"]
    archives = [(size, False) for size in args.sizes]
    if args.unique_pages:
        archives.append((args.unique_pages, True))
    for size, unique in archives:
        name = f"{size}{'_unique' if unique else ''}"
        pages = work / f"pages_{name}"
        start = time.perf_counter()
        write_archive(pages, size, unique=unique)
        print(f"wrote {name} pages in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        for engine in args.engines:
            out = work / f"data_{name}_{engine}"
            cold = run_child(pages, out, engine, args.cpus)
            warm = None if args.no_rerun else run_child(pages, out, engine, args.cpus)
            row = {"size": size, "unique": unique, "engine": engine, "cold": cold, "warm": warm}
            rows.append(row)
            print(f"{name} pages, {engine}: {json.dumps(cold)}", file=sys.stderr)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"cpus": args.cpus, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
    print(markdown(rows))


def markdown(rows: list[dict[str, object]]) -> str:
    lines = [
        "| pages | text | engine | posts | statements | positions | run (s) | statements/s "
        "| peak RSS, process tree (MiB) | re-run (s) | load average (1 min) at the end |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cold, warm = row["cold"], row["warm"]
        assert isinstance(cold, dict)
        rate = cold["statements"] / cold["seconds"]
        rerun = f"{warm['seconds']:.1f}" if isinstance(warm, dict) else "not run"
        load = cold.get("load_average_1min")
        load_text = f"{load:.1f}" if isinstance(load, float) else "not recorded"
        lines.append(
            f"| {row['size']:,} | {'all new' if row['unique'] else 'templates'} "
            f"| {row['engine']} | {cold['posts']:,} | {cold['statements']:,} "
            f"| {cold['positions']:,} | {cold['seconds']:.1f} | {rate:,.0f} "
            f"| {cold['peak_mib']:,.0f} | {rerun} | {load_text} |"
        )
    by_key = {(row["size"], row["unique"], row["engine"]): row["cold"] for row in rows}
    ratios = []
    for size, unique in dict.fromkeys((row["size"], row["unique"]) for row in rows):
        local, ray = by_key.get((size, unique, "local")), by_key.get((size, unique, "ray"))
        if isinstance(local, dict) and isinstance(ray, dict):
            ratios.append(
                f"| {size:,} | {'all new' if unique else 'templates'} "
                f"| {ray['seconds'] / local['seconds']:.2f} "
                f"| {ray['peak_mib'] / local['peak_mib']:.2f} |"
            )
    if ratios:
        lines += ["", "| pages | text | time, ray / local | peak memory, ray / local |"]
        lines += ["| ---: | --- | ---: | ---: |", *ratios]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
