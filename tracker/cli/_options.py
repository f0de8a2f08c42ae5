"""Options several commands share, declared once (this module is not a command)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.config import DEFAULT_POSITIONS

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def positions_option(help: str) -> Decorator:
    """--positions: the editor's positions.yaml, passed as `positions_path`."""
    return click.option(
        "--positions",
        "positions_path",
        type=click.Path(path_type=Path),
        default=DEFAULT_POSITIONS,
        show_default=True,
        help=help,
    )


def year_option() -> Decorator:
    return click.option("--year", type=int, help="Year of pages whose dates omit it.")


def data_dir_option(default: Path = Path("data/demo")) -> Decorator:
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
