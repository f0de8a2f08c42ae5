"""`tracker series`: rebuild the position series of a data directory."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.config import DEFAULT_POSITIONS, read_positions


@click.command("series")
@click.argument("data_dir", type=click.Path(path_type=Path), default=Path("data"))
@click.option(
    "--positions",
    "positions_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_POSITIONS,
    show_default=True,
    help="positions.yaml: curated positions and labels marked wrong are applied.",
)
@reports_errors
def command(data_dir: Path, positions_path: Path) -> None:
    """Rebuild observations, the daily held positions, shifts and the summary of DATA_DIR
    from its positions and positions.yaml (run after editing curated positions)."""
    from tracker.series import series_from_data_dir

    series = series_from_data_dir(data_dir, read_positions(positions_path))
    click.echo(
        f"{series.observations.height} observations, {series.daily.height} actor-issue days, "
        f"{series.shifts.height} shifts -> {data_dir}"
    )
