"""`tracker statements`: who said what, one row per attributed statement."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import (
    date_option,
    manifest_option,
    pages_argument,
    positions_option,
    year_option,
)
from tracker.config import read_positions

CSV_COLUMNS = [
    "doc",
    "post_time",
    "actor",
    "actor_known",
    "actor_role",
    "cue",
    "text",
    "start",
    "end",
    "headline",
    "post_id",
    "statement_id",
    "url",
]


@click.command("statements")
@pages_argument()
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the statements: doc, post_time, actor, text, cue, start, end, ...",
)
@year_option()
@manifest_option()
@date_option()
@positions_option("positions.yaml: the actors and their aliases.")
@reports_errors
def command(
    pages: tuple[Path, ...],
    csv_path: Path,
    year: int | None,
    manifest_path: Path | None,
    page_date: datetime | None,
    positions_path: Path,
) -> None:
    """Extract the statements of PAGES and attribute each to its speaker.

    start and end are character offsets of the evidence in the post body (-1: the
    statement is the post's headline)."""
    from tracker.attribute import attribute_statements
    from tracker.ingest import expand_pages, parse_pages, read_manifest, year_clues
    from tracker.storage import csv_ready, write_csv

    config = read_positions(positions_path)
    posts, rejects = parse_pages(
        expand_pages(pages),
        year=year,
        clues=year_clues(config),
        manifest=read_manifest(manifest_path) if manifest_path else None,
        page_date=page_date.date() if page_date else None,
    )
    result = attribute_statements(posts, config)
    table = csv_ready(result.statements.select(CSV_COLUMNS))
    write_csv(table, csv_path)
    for row in rejects.iter_rows(named=True):
        click.echo(f"rejected {row['doc']}:{row['line']}: {row['reason']}", err=True)
    click.echo(
        f"{table.height} statements by {table.get_column('actor').n_unique()} speakers "
        f"({result.new_actors.height} not in {positions_path.name}) -> {csv_path}"
    )
