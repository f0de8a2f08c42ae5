"""Dashboard responsiveness at 10^5 statements: loading and the queries behind each page.

Builds a synthetic data directory (10^5 posts, statements and positions, with its
series), then times what a page does: loading the directory (what st.cache_data keeps),
the overview matrix and chart, one issue timeline (capped points), an evidence search and
the shift log.

usage: python bench/bench_dashboard.py [--n 100000]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.export import actor_profile_chart, chart_bytes, issue_timeline_chart, overview_chart
from tracker.schemas import POSITIONS, POSTS, STATEMENTS
from tracker.series import build_series, write_series
from tracker.views import (
    EvidenceFilter,
    data_version,
    filter_evidence,
    filter_statements,
    latest_matrix,
    load_dashboard_data,
    shift_log,
)


def synthetic(n: int, folder: Path) -> None:
    config = read_positions(DEFAULT_POSITIONS)
    rng = np.random.default_rng(1)
    actors = [actor.id for actor in config.actors]
    issues = [issue.id for issue in config.issues]
    start = int(datetime(2023, 1, 1, tzinfo=UTC).timestamp() * 1e6)
    times = pl.Series(start + rng.integers(0, int(3 * 365 * 86400 * 1e6), n)).cast(
        pl.Datetime("us", "UTC")
    )
    ids = [f"s{i:07d}" for i in range(n)]
    text = [f"Statement number {i} about the war and the talks." for i in range(n)]
    actor = [actors[i] for i in rng.integers(0, len(actors), n)]
    issue_index = rng.integers(0, len(issues), n)
    stance_index = rng.integers(0, 3, n)
    issue = [issues[i] for i in issue_index]
    stance = [
        config.issues[i].stance_ids[s] for i, s in zip(issue_index, stance_index, strict=True)
    ]
    common = {"doc": "synthetic.txt", "post_id": ids, "post_time": times, "headline": "headline"}
    pl.DataFrame(
        {
            **common,
            "doc_hash": "x",
            "post_index": 0,
            "time_text": "",
            "byline": "",
            "body": text,
            "source_format": "bbc",
            "is_head": False,
            "line": 1,
        }
    ).cast({"post_index": pl.Int32, "line": pl.Int32}).select(list(POSTS)).write_parquet(
        folder / "posts.parquet"
    )
    pl.DataFrame(
        {
            **common,
            "statement_id": ids,
            "actor": actor,
            "actor_known": True,
            "actor_role": "",
            "text": text,
            "cue": "reported",
            "start": 0,
            "end": 10,
        }
    ).cast({"start": pl.Int32, "end": pl.Int32}).select(list(STATEMENTS)).write_parquet(
        folder / "statements.parquet"
    )
    positions = (
        pl.DataFrame(
            {
                **common,
                "position_id": ids,
                "actor": actor,
                "issue": issue,
                "stance": stance,
                "score": [1.0 - s for s in stance_index],
                "confidence": rng.uniform(0.4, 1.0, n),
                "evidence": text,
                "statement_id": ids,
                "start": 0,
                "end": 10,
            }
        )
        .cast({"start": pl.Int32, "end": pl.Int32})
        .select(list(POSITIONS))
    )
    positions.write_parquet(folder / "positions.parquet")
    write_series(build_series(positions, config), folder)


def timed(label: str, rows: list[tuple[str, float]], action: object) -> object:
    start = time.perf_counter()
    result = action()  # type: ignore[operator]
    rows.append((label, time.perf_counter() - start))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    config = read_positions(DEFAULT_POSITIONS)
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        synthetic(args.n, folder)
        timed("cache key (file mtimes)", rows, lambda: data_version(folder))
        data = timed("load the data directory", rows, lambda: load_dashboard_data(folder))
        series = data.series  # type: ignore[attr-defined]
        timed("overview matrix", rows, lambda: latest_matrix(series))
        timed("overview chart (spec)", rows, lambda: overview_chart(series, config).to_json())
        timed(
            "issue timeline, 6 actors (spec)",
            rows,
            lambda: issue_timeline_chart(
                series, config, "troops_on_ground", actors=[a.id for a in config.actors[:6]]
            ).to_json(),
        )
        timed(
            "evidence search (text + confidence)",
            rows,
            lambda: filter_evidence(
                data.positions, EvidenceFilter(text="number 4", min_confidence=0.7)
            ),
        )  # type: ignore[attr-defined]
        timed(
            "statements search (actor + text)",
            rows,
            lambda: filter_statements(
                data.statements,  # type: ignore[attr-defined]
                EvidenceFilter(actors=("keir_starmer",), text="talks"),
            ),
        )
        timed("shift log", rows, lambda: shift_log(series))
        timed(
            "actor profile chart (spec)",
            rows,
            lambda: actor_profile_chart(series, config, "keir_starmer").to_json(),
        )
        timeline = issue_timeline_chart(
            series, config, "troops_on_ground", actors=[a.id for a in config.actors[:6]]
        )
        timed("timeline PNG export (1500 points)", rows, lambda: chart_bytes(timeline, "png"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.n:,} statements and positions; peak RSS {peak:.0f} MiB")
    print("| step | seconds |")
    print("| --- | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
