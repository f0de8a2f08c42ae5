"""`tracker check-config`: validate positions.yaml and summarise it."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import positions_option
from tracker.config import read_positions


@click.command("check-config")
@positions_option("The positions file to validate.")
@reports_errors
def command(positions_path: Path) -> None:
    """Validate positions.yaml: every problem is named with its line and key path."""
    config = read_positions(positions_path)
    click.echo(
        f"{positions_path}: ok - {len(config.actors)} actors, {len(config.issues)} issues, "
        f"{len(config.positions)} curated positions, {len(config.wrong)} marked wrong"
    )
