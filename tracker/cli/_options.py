"""Options several commands share, declared once (this module is not a command)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.errors import ProjectError
from tracker.project import DATA_DIR, POSITIONS_ENV, find_positions

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def _resolve_positions(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    try:
        return find_positions(value)
    except ProjectError as error:
        raise click.UsageError(str(error), ctx) from None


def positions_option(help: str) -> Decorator:
    """--positions: the editor's positions.yaml, passed as `positions_path`; found from
    the option, then $TRACKER_POSITIONS, then ./positions.yaml."""
    return click.option(
        "--positions",
        "positions_path",
        type=click.Path(path_type=Path),
        default=None,
        callback=_resolve_positions,
        help=f"{help} [default: ${POSITIONS_ENV}, else ./positions.yaml]",
    )


def year_option() -> Decorator:
    return click.option("--year", type=int, help="Year of pages whose dates omit it.")


def data_dir_option(default: Path = DATA_DIR) -> Decorator:
    """--data: a data directory written by `tracker run`, passed as `data_dir`."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path),
        default=default,
        show_default=True,
        help="Data directory written by `tracker run`.",
    )


def pages_argument() -> Decorator:
    return click.argument("pages", nargs=-1, required=True, type=click.Path(path_type=Path))


def manifest_option() -> Decorator:
    """--manifest: the scraper's CSV (file,url,published), passed as `manifest_path`."""
    return click.option(
        "--manifest",
        "manifest_path",
        type=click.Path(path_type=Path, exists=True, dir_okay=False),
        help="CSV with columns file,url,published (ISO 8601): each page's URL, and the "
        "date that anchors stamps without one and dates articles.",
    )


def date_option() -> Decorator:
    """--date: the date of pages that print none, passed as `page_date`."""
    return click.option(
        "--date",
        "page_date",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Date (YYYY-MM-DD) of pages that give none and have no manifest row.",
    )
