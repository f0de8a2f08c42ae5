"""Run every benchmark in bench/ in turn (`make bench`); each prints a markdown table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent

if __name__ == "__main__":
    scripts = sorted(p for p in BENCH.glob("bench_*.py"))
    for script in scripts:
        print(f"\n## {script.name}\n", flush=True)
        subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=True)
