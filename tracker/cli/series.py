"""`tracker series`: rebuild the position series of a data directory."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import positions_option
from tracker.config import read_positions
from tracker.project import DATA_DIR
from tracker.series import SeriesSettings


def _day(context: click.Context, parameter: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD") from None


@click.command("series")
@click.argument("data_dir", type=click.Path(path_type=Path), default=DATA_DIR)
@positions_option("positions.yaml: curated positions and labels marked wrong are applied.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=SeriesSettings.min_confidence,
    show_default=True,
    help="Below this, a model observation counts only when a neighbouring one agrees.",
)
@click.option(
    "--shift-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=SeriesSettings.shift_confidence,
    show_default=True,
    help="A change of stance on one statement is a shift only at this confidence or more "
    "(and from another page or day); otherwise it needs a second statement.",
)
@click.option(
    "--until",
    callback=_day,
    help="Last day of the daily series, YYYY-MM-DD (default: the last observation day). "
    "A stance is carried at most its issue's stale_after_days past its last statement.",
)
@reports_errors
def command(
    data_dir: Path,
    positions_path: Path,
    min_confidence: float,
    shift_confidence: float,
    until: date | None,
) -> None:
    """Rebuild observations, the daily held positions, shifts and the summary of DATA_DIR
    from its positions and positions.yaml (run after editing curated positions).

    Writes observations, series (one row per actor, issue and day), shifts and summary
    as parquet, with CSV copies."""
    from tracker.series import series_from_data_dir

    settings = SeriesSettings(
        min_confidence=min_confidence, shift_confidence=shift_confidence, until=until
    )
    series = series_from_data_dir(data_dir, read_positions(positions_path), settings)
    click.echo(
        f"{series.observations.height} observations, {series.daily.height} actor-issue days, "
        f"{series.shifts.height} shifts -> {data_dir}"
    )
    # A mistyped `wrong:` id would leave the wrong label counting: say so.
    from tracker.config import unknown_wrong_ids
    from tracker.schemas import POSITIONS
    from tracker.storage import read_stage

    ids = read_stage(data_dir, "positions", POSITIONS, "positions").select("position_id")
    for problem in unknown_wrong_ids(
        read_positions(positions_path), set(ids.collect().to_series().to_list())
    ):
        click.echo(f"Warning: {problem}", err=True)
