"""Dashboard responsiveness over a data directory of 10^6 statements (--n).

Builds a synthetic data directory (N posts, statements and positions, with its series),
then times, in one process:

1. the queries behind each page (tracker.views, tracker.export): loading, the overview
   matrix and chart, one issue timeline, evidence and statement searches, the shift log;
2. the real dashboard (dashboards/app.py) under Streamlit's AppTest, as a browser
   session drives it: the first load, each page's first draw, a rerun with nothing
   changed (what every click costs at least), and filter changes (a text search and a
   confidence floor in the evidence explorer, another issue on the timeline).

Writes a markdown table to stdout and the figures as JSON (--json) for bench/run_all.py.

usage: python bench/bench_dashboard.py [--n 1000000] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
POSTS_PER_PAGE = 20


def _complete(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The schema's columns in order; a column the generator does not fill is null."""
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in schema.items()]
    frame = frame.with_columns([c for c in missing if c.meta.output_name() not in frame.columns])
    return frame.select(list(schema)).cast(schema)  # type: ignore[arg-type]


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
    docs = [f"page_{i // POSTS_PER_PAGE:06d}.txt" for i in range(n)]
    text = [f"Statement number {i} about the war and the talks." for i in range(n)]
    actor = [actors[i] for i in rng.integers(0, len(actors), n)]
    issue_index = rng.integers(0, len(issues), n)
    stance_index = rng.integers(0, 3, n)
    issue = [issues[i] for i in issue_index]
    stance = [
        config.issues[i].stance_ids[s] for i, s in zip(issue_index, stance_index, strict=True)
    ]
    common = {"doc": docs, "post_id": ids, "post_time": times, "headline": "headline"}
    posts = pl.DataFrame(
        {
            **common,
            "doc_hash": "x",
            "post_index": [i % POSTS_PER_PAGE for i in range(n)],
            "time_text": "",
            "byline": "",
            "body": text,
            "source_format": "bbc_new",
            "is_head": False,
            "line": 1,
        }
    )
    _complete(posts, POSTS).write_parquet(folder / "posts.parquet")
    statements = pl.DataFrame(
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
    )
    _complete(statements, STATEMENTS).write_parquet(folder / "statements.parquet")
    positions = _complete(
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
        ),
        POSITIONS,
    )
    positions.write_parquet(folder / "positions.parquet")
    write_series(build_series(positions, config), folder)


def timed(label: str, rows: list[tuple[str, float]], action: Callable[[], Any]) -> Any:
    start = time.perf_counter()
    result = action()
    rows.append((label, time.perf_counter() - start))
    return result


def query_steps(folder: Path, rows: list[tuple[str, float]]) -> None:
    config = read_positions(DEFAULT_POSITIONS)
    timed("cache key (file mtimes)", rows, lambda: data_version(folder))
    data = timed("load the data directory", rows, lambda: load_dashboard_data(folder))
    series = data.series
    six = [a.id for a in config.actors[:6]]
    timed("overview matrix", rows, lambda: latest_matrix(series))
    timed("overview chart (spec)", rows, lambda: overview_chart(series, config).to_json())
    timed(
        "issue timeline, 6 actors (spec)",
        rows,
        lambda: issue_timeline_chart(series, config, "troops_on_ground", actors=six).to_json(),
    )
    timed(
        "evidence search (text + confidence)",
        rows,
        lambda: filter_evidence(
            data.positions, EvidenceFilter(text="number 4", min_confidence=0.7)
        ),
    )
    timed(
        "statements search (actor + text)",
        rows,
        lambda: filter_statements(
            data.statements, EvidenceFilter(actors=("keir_starmer",), text="talks")
        ),
    )
    timed("shift log", rows, lambda: shift_log(series))
    timed(
        "actor profile chart (spec)",
        rows,
        lambda: actor_profile_chart(series, config, "keir_starmer").to_json(),
    )
    timeline = issue_timeline_chart(series, config, "troops_on_ground", actors=six)
    timed("timeline PNG export", rows, lambda: chart_bytes(timeline, "png"))


def app_steps(folder: Path, rows: list[tuple[str, float]]) -> None:
    """The dashboard itself, page by page, as a session would drive it."""
    from streamlit.testing.v1 import AppTest

    os.environ["TRACKER_DATA"] = str(folder)
    os.environ["TRACKER_POSITIONS"] = str(DEFAULT_POSITIONS)
    app = AppTest.from_file(str(APP), default_timeout=900)

    def check() -> None:
        if app.exception:
            raise SystemExit(f"the dashboard raised: {app.exception}")

    timed("app: first load (data + first page)", rows, lambda: (app.run(), check()))
    timed("app: rerun, nothing changed", rows, lambda: (app.run(), check()))
    # One module per page (st.navigation): dashboards/<file>.
    pages = {
        "Issue timeline": "timeline.py",
        "Actor profile": "profile.py",
        "Shift log": "shifts.py",
        "Evidence explorer": "evidence.py",
        "Review": "review.py",
        "Overview": "overview.py",
    }
    for page, file in pages.items():
        timed(
            f"app: first draw of {page}",
            rows,
            lambda file=file: (app.switch_page(file).run(), check()),
        )
        if page == "Evidence explorer" and app.text_input:
            timed(
                "app: evidence filter, text search",
                rows,
                lambda: (app.text_input[0].set_value("number 4").run(), check()),
            )
            if app.slider:
                timed(
                    "app: evidence filter, confidence floor",
                    rows,
                    lambda: (app.slider[0].set_value(0.9).run(), check()),
                )
        if page == "Issue timeline" and app.selectbox:
            box = app.selectbox[0]
            other = [option for option in box.options if option != box.value]
            if other:
                timed(
                    "app: timeline filter, another issue",
                    rows,
                    lambda box=box, other=other: (box.set_value(other[0]).run(), check()),
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument("--no-app", action="store_true", help="time the queries only")
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        timed(
            "build the synthetic data directory (not a dashboard step)",
            rows,
            lambda: synthetic(args.n, folder),
        )
        query_steps(folder, rows)
        if not args.no_app:
            app_steps(folder, rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"n": args.n, "peak_mib": peak, "steps": rows}
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    print(f"{args.n:,} statements and positions; peak RSS {peak:.0f} MiB")
    print("| step | seconds |")
    print("| --- | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
