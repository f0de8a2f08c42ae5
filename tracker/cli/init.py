"""`tracker init`: write a starter project."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.project import init_project


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path), default=Path("."))
@reports_errors
def command(folder: Path) -> None:
    """Start a project in FOLDER: positions.yaml (the tracked actors and issues, no
    curated positions yet, comments for the editor), a pages/ folder and a README."""
    for path in init_project(folder):
        click.echo(f"wrote {path}")
    click.echo(
        f"next: put pages in {folder / 'pages'}, then run "
        f"`tracker run {folder / 'pages'} --positions {folder / 'positions.yaml'} "
        f"--out {folder / 'data'}`"
    )
