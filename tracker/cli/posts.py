"""`tracker posts`: parse live-blog pages into posts (CSV), listing what was rejected."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
import polars as pl

from tracker.cli import reports_errors
from tracker.cli._options import (
    date_option,
    manifest_option,
    pages_argument,
    positions_option,
    year_option,
)
from tracker.config import read_positions


@click.command("posts")
@pages_argument()
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the posts: doc, post_time (UTC), headline, byline, body, ...",
)
@year_option()
@manifest_option()
@date_option()
@positions_option("positions.yaml: its dated role phrases help date pages that omit the year.")
@click.option("--head/--no-head", default=True, help="Keep each page's untimed head record.")
@reports_errors
def command(
    pages: tuple[Path, ...],
    csv_path: Path,
    year: int | None,
    manifest_path: Path | None,
    page_date: datetime | None,
    positions_path: Path,
    head: bool,
) -> None:
    """Parse PAGES (live-blog .txt or saved .html files, or folders of them) into posts."""
    from tracker.ingest import expand_pages, parse_pages, read_manifest, year_clues
    from tracker.storage import csv_ready, write_csv

    clues = year_clues(read_positions(positions_path))
    posts, rejects = parse_pages(
        expand_pages(pages),
        year=year,
        clues=clues,
        manifest=read_manifest(manifest_path) if manifest_path else None,
        page_date=page_date.date() if page_date else None,
    )
    if not head:
        posts = posts.filter(~pl.col("is_head"))
    posts = csv_ready(posts)
    write_csv(posts, csv_path)
    for row in rejects.iter_rows(named=True):
        where = f"{row['doc']}:{row['line']}" if row["line"] else row["doc"]
        click.echo(f"rejected {where}: {row['reason']}", err=True)
    timed = posts.filter(~pl.col("is_head")).height
    click.echo(f"{timed} posts from {len(pages)} input(s) -> {csv_path}; {rejects.height} rejected")
    if rejects.filter(pl.col("line") == 0).height:
        sys.exit(1)
