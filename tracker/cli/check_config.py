"""`tracker check-config`: validate positions.yaml and summarise it."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import positions_option
from tracker.config import read_positions


@click.command("check-config")
@positions_option("The positions file to validate.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Also check the `wrong:` ids against the positions of this data directory.",
)
@reports_errors
def command(positions_path: Path, data_dir: Path | None) -> None:
    """Validate positions.yaml: every problem is named with its line and key path.
    With --data, a `wrong:` id that no position of the data directory has is a problem."""
    config = read_positions(positions_path)
    if data_dir is not None:
        from tracker.config import unknown_wrong_ids
        from tracker.errors import ConfigError
        from tracker.schemas import POSITIONS
        from tracker.storage import read_stage

        ids = read_stage(data_dir, "positions", POSITIONS, "positions").select("position_id")
        problems = unknown_wrong_ids(config, set(ids.collect().to_series().to_list()))
        if problems:
            raise ConfigError(str(positions_path), problems)
    click.echo(
        f"{positions_path}: ok - {len(config.actors)} actors, {len(config.issues)} issues, "
        f"{len(config.positions)} curated positions, {len(config.wrong)} marked wrong"
    )
