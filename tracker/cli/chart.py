"""`tracker chart`: an article-ready chart (PNG, SVG or HTML) from a data directory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import data_dir_option, positions_option
from tracker.config import check_actors, read_positions


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD") from None


@click.command("chart")
@click.option("--issue", required=True, help="Issue id, e.g. troops_on_ground.")
@data_dir_option()
@click.option("--actors", help="Comma-separated actor ids (default: every actor).")
@click.option("--from", "start", help="First day, YYYY-MM-DD.")
@click.option("--to", "end", help="Last day, YYYY-MM-DD.")
@positions_option("positions.yaml (names and scales).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file: .png, .svg or .html (standalone, works offline).",
)
@click.option("--title", default="", help="Title (default: '<issue>: who stands where').")
@click.option("--subtitle", default="", help="Description under the title (default: the question).")
@click.option("--note", default="", help="A note under the chart.")
@click.option(
    "--source",
    default="",
    help="Source line (default: the outlets, from page URLs or layouts, and the period).",
)
@click.option("--byline", default="", help="Byline, e.g. 'Chart: A. Editor'.")
@reports_errors
def command(
    issue: str,
    data_dir: Path,
    actors: str | None,
    start: str | None,
    end: str | None,
    positions_path: Path,
    out: Path,
    title: str,
    subtitle: str,
    note: str,
    source: str,
    byline: str,
) -> None:
    """Draw the issue timeline chart, the same as the dashboard's, into OUT, with its
    title, description, key, note, source line and byline (640 px wide; PNG at twice
    that, with the text in its metadata too)."""
    from tracker.export import Furniture, issue_timeline_chart, save_chart
    from tracker.series import load_series
    from tracker.tables import page_sources

    chosen = [a.strip() for a in actors.split(",") if a.strip()] if actors else None
    series, config = load_series(data_dir), read_positions(positions_path)
    if chosen:
        seen = set(series.observations.get_column("actor").unique().to_list())
        check_actors(chosen, config, seen)
    chart = issue_timeline_chart(
        series,
        config,
        issue,
        actors=chosen,
        start=_day(start),
        end=_day(end),
        furniture=Furniture(
            title=title, subtitle=subtitle, note=note, source=source, byline=byline
        ),
        pages=page_sources(data_dir),
    )
    save_chart(chart, out)
    click.echo(f"{out} written")
