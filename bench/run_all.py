"""Run the benchmarks in bench/ (`make bench`) and write docs/benchmarks.md from their output.

Every figure in docs/benchmarks.md comes from this run: each script's markdown table as
it printed it, and the projection computed from bench_archive's figures
(bench/projection.py). Outputs are kept in bench/results/ (one .md per script, and
.json where the script writes one), so `--reuse` rewrites the document without
running the benchmarks again.

usage: python bench/run_all.py [--only archive dashboard classify series] [--reuse]
                               [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(BENCH))

from projection import costs, markdown, project  # noqa: E402

SCRIPTS = {  # name -> (script, writes JSON)
    "archive": ("bench_archive.py", True),
    "dashboard": ("bench_dashboard.py", True),
    "classify": ("bench_classify.py", False),
    "series": ("bench_series.py", False),
}
EMBEDDING_BYTES = 384 * 4  # one float32 sentence vector of all-MiniLM-L6-v2


def run(name: str) -> None:
    script, writes_json = SCRIPTS[name]
    command = [sys.executable, str(BENCH / script)]
    if writes_json:
        command += ["--json", str(RESULTS / f"{name}.json")]
    print(f"running {' '.join(command[1:])}", file=sys.stderr, flush=True)
    done = subprocess.run(command, check=False, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:  # said in the document; the other benchmarks still run
        done.stdout = f"(`{script}` failed with exit status {done.returncode}: see its stderr)"
    (RESULTS / f"{name}.md").write_text(done.stdout, encoding="utf-8")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs ({model or platform.processor()}), {memory:.0f} GiB, no GPU"


def section(name: str) -> str:
    path = RESULTS / f"{name}.md"
    return path.read_text(encoding="utf-8").strip() if path.exists() else "(not run)"


def missing_runs() -> str:
    """The (size, engine) pairs of the template archive that the figures lack."""
    path = RESULTS / "archive.json"
    if not path.exists():
        return ""
    rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    have = {(r["size"], r["engine"]) for r in rows if not r["unique"]}
    sizes = sorted({size for size, _ in have})
    absent = [
        f"{size:,} pages with the {engine} engine"
        for size in sizes
        for engine in ("local", "ray")
        if (size, engine) not in have
    ]
    if not absent:
        return ""
    return "Not measured in this run: " + "; ".join(absent) + "."


def projection_section() -> str:
    path = RESULTS / "archive.json"
    if not path.exists():
        return "(bench_archive.py has not run)"
    archive = json.loads(path.read_text(encoding="utf-8"))
    c = costs(archive)
    per_statement = c["encodes_per_statement"] * EMBEDDING_BYTES
    cache = {
        pages: pages * c["statements_per_page"] * per_statement / 2**30 for pages in (1e6, 1e7)
    }
    shares = []
    for workers in (32, 128):
        p = project(c, 1e7, workers)
        shares.append(p["serial"] / (p["serial"] + p["parallel"]))
    serial_share, serial_128 = shares
    return f"""\
Measured with the Ray engine on this machine ({archive["cpus"]:.0f} CPUs, as many one-CPU
workers), then projected by `bench/projection.py`:

{markdown(c)}

Assumptions, written down:

- **The cluster**: 32 (or 128) one-CPU Ray workers, each core as fast as one of this
  machine's (for example 4 or 16 nodes of 8 cores), the data directory on a shared
  filesystem every node mounts at the same path, the driver on a node of its own.
- **All-new text**: every statement is new to the embedding cache, so each costs the
  encoders' cold rate measured on the all-new archive; real archives repeat some text
  (quotes carried from post to post), which only lowers the encoding term. The costs
  include the workers' start (loading the encoders), which the small all-new archive
  pays once and a long run amortises: the encoding cost is an upper bound.
- **Statements per page** as in the template archive. Real live-blog pages vary.
- **The driver's part does not parallelise**: planning the encoder groups, reading and
  hashing the pages, combining the partitions and building the series run on one
  machine: {serial_share:.0%} of the total for 10^7 pages on 32 workers, {serial_128:.0%}
  on 128. Adding workers shrinks only the other part; the serial part is what to move
  next (planning per chunk of batches, combining per shard).
- **Memory**: the run holds every new page's bytes and the embedding cache in the
  driver. The cache grows by {per_statement / 1024:.1f} KiB per all-new statement
  ({c["encodes_per_statement"]:.1f} vectors of 384 floats): {cache[1e6]:,.0f} GiB for 10^6
  pages, {cache[1e7]:,.0f} GiB for 10^7, so an archive that size runs as a series of
  runs of about 10^5 pages into one data directory (each run adds its pages; earlier
  ones are reused), with the cache file moved aside between runs or kept on a node with
  the memory for it. Each run also re-combines every partition of the directory, which
  the table above (one run) leaves out.
- **GPU workers**: no GPU was lent to this measurement, so no GPU rate is projected;
  `--worker-gpus 1 --workers 4` gives each encoding worker a GPU (device cuda).
"""


def document() -> str:
    return f"""\
# Benchmarks

Written by `python bench/run_all.py` (`make bench`) on {datetime.now(UTC):%Y-%m-%d}; every
figure below is the output of the script named in its section, on this machine:
{machine()}. Do not edit by hand: run the benchmarks again.

## Engines: the synthetic archive, local and Ray

`python bench/bench_archive.py` (pages in the BBC-newer and Independent layouts from
templates, and a small archive whose every claim is new text; each run in a fresh
process; the Ray engine on a local Ray with the same CPUs as the local engine's one
process; peak memory summed over the process tree, Ray's raylet, object store and
workers included):

{section("archive")}

{missing_runs()}

The machine is shared with other work: the load average beside each run says how busy
it was (2 means both cores taken). The local engine's torch runs two threads, the Ray
workers one thread each, and the two need not suffer alike from other work on the same
cores: read the ratio as measured under the load shown, not as an idle machine's.

## Projection to 10^6 and 10^7 pages

{projection_section()}

## Running on a cluster

Install the project with the cluster extra on every node (the same version, in the
same place), mount the data directory's filesystem at the same path on every node,
then start Ray on the head node and join the workers:

```sh
pip install 'stance-tracker[cluster]'           # on every node
ray start --head --port=6379 --num-cpus=8       # on the head node
ray start --address=HEAD:6379 --num-cpus=8      # on each worker node
tracker run /shared/pages --out /shared/tracker-data \\
    --engine ray --address auto --workers 32 --worker-cpus 1   # on the head node
```

On Kubernetes, KubeRay's RayCluster resource starts the same cluster (an image with
the project and its cluster extra installed, the data directory a ReadWriteMany
volume mounted at the same path in every pod); run `tracker run ... --engine ray
--address auto` in the head pod, or with `--address ray://HEAD-SERVICE:10001` from a
machine that reaches the head service.

## Dashboard at 10^6 statements

`python bench/bench_dashboard.py` (the queries alone, then the real dashboard under
Streamlit's AppTest, as a browser session drives it):

{section("dashboard")}

## Classifier throughput

`python bench/bench_classify.py`:

{section("classify")}

## Series building

`python bench/bench_series.py`:

{section("series")}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="+", choices=list(SCRIPTS), default=list(SCRIPTS))
    parser.add_argument("--reuse", action="store_true", help="write the document only")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    if not args.reuse:
        for name in args.only:
            run(name)
    args.out.write_text(document(), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
