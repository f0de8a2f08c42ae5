"""A small data directory built by hand (own words), for dashboard and export tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from tracker.config import read_positions
from tracker.schemas import POSITIONS, POSTS, STATEMENTS
from tracker.series import build_series, write_series

POSTS_ROWS = [
    # (post_id, time, headline, body, actor, issue, stance, confidence)
    (
        "d-0001",
        "2025-02-10 10:00",
        "Starmer: too early for troops",
        "Keir Starmer said it was too early to talk about sending soldiers.",
        "keir_starmer",
        "troops_on_ground",
        "undecided",
        0.81,
    ),
    (
        "d-0002",
        "2025-02-17 18:00",
        "Starmer ready to send troops",
        "Keir Starmer said Britain was ready to put troops on the ground "
        "<script>alert(1)</script>.",
        "keir_starmer",
        "troops_on_ground",
        "support",
        0.93,
    ),
    (
        "d-0003",
        "2025-03-11 19:00",
        "Zelensky accepts truce",
        "Volodymyr Zelensky said Ukraine was ready for a ceasefire at once.",
        "volodymyr_zelensky",
        "ceasefire_terms",
        "unconditional",
        0.88,
    ),
    (
        "d-0004",
        "2025-08-19 08:00",
        "Zelensky wants guarantees first",
        "Volodymyr Zelensky said a deal needed strong security guarantees.",
        "volodymyr_zelensky",
        "ceasefire_terms",
        "conditional",
        0.84,
    ),
    (
        "d-0005",
        "2025-03-13 15:00",
        "Lagarde warns on seizure",
        "Christine Lagarde warned that seizing reserves would break international rules.",
        "christine_lagarde",
        "asset_seizure",
        "oppose",
        0.9,
    ),
]


def build_data_dir(root: Path, positions_path: Path) -> Path:
    config = read_positions(positions_path)
    posts, statements, positions = [], [], []
    for index, (post_id, when, headline, body, actor, issue, stance, conf) in enumerate(POSTS_ROWS):
        time = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        posts.append(
            {
                "doc": "demo.txt",
                "doc_hash": "d" * 64,
                "post_id": post_id,
                "post_index": index,
                "post_time": time,
                "time_text": when,
                "headline": headline,
                "byline": "",
                "body": body,
                "source_format": "bbc",
                "is_head": False,
                "line": index * 3 + 1,
            }
        )
        statement_id = f"{post_id}-000"
        statements.append(
            {
                "statement_id": statement_id,
                "doc": "demo.txt",
                "post_id": post_id,
                "post_time": time,
                "headline": headline,
                "actor": actor,
                "actor_known": True,
                "actor_role": "",
                "text": body,
                "cue": "reported",
                "start": 0,
                "end": len(body),
            }
        )
        positions.append(
            {
                "position_id": f"p-{index:014d}",
                "doc": "demo.txt",
                "post_id": post_id,
                "post_time": time,
                "headline": headline,
                "actor": actor,
                "issue": issue,
                "stance": stance,
                "score": config.stance_score(issue, stance),
                "confidence": conf,
                "evidence": body,
                "statement_id": statement_id,
                "start": 0,
                "end": len(body),
            }
        )
    root.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(posts, schema=POSTS).write_parquet(root / "posts.parquet")
    pl.DataFrame(statements, schema=STATEMENTS).write_parquet(root / "statements.parquet")
    frame = pl.DataFrame(positions, schema=POSITIONS)
    frame.write_parquet(root / "positions.parquet")
    write_series(build_series(frame, config), root)
    return root
