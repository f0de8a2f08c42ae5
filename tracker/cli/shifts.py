"""`tracker shifts`: the shift log of a data directory as a readable table."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from tracker.cli import reports_errors


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@click.command("shifts")
@click.argument("data_dir", type=click.Path(path_type=Path), default=Path("data"))
@click.option("--actor", help="Only this actor (id).")
@click.option("--issue", help="Only this issue (id).")
@click.option("--width", type=int, default=60, show_default=True, help="Evidence width.")
@reports_errors
def command(data_dir: Path, actor: str | None, issue: str | None, width: int) -> None:
    """Print the shifts of DATA_DIR, newest first: who moved, on what, when, with the
    evidence before and after."""
    from tracker.schemas import SHIFTS
    from tracker.storage import read_stage

    shifts = read_stage(data_dir, "shifts", SHIFTS, "shifts")
    if actor:
        shifts = shifts.filter(pl.col("actor") == actor)
    if issue:
        shifts = shifts.filter(pl.col("issue") == issue)
    table = shifts.sort("to_time", descending=True).collect()
    if table.is_empty():
        click.echo("No shifts.")
        return
    for row in table.iter_rows(named=True):
        flag = "  (reversal)" if row["is_reversal"] else ""
        click.echo(
            f"{row['to_time']:%Y-%m-%d %H:%M}  {row['actor']}  {row['issue']}: "
            f"{row['from_stance']} -> {row['to_stance']} ({row['size']:+.1f}){flag}"
        )
        click.echo(
            f"    before ({row['from_time']:%Y-%m-%d}): {_short(row['from_evidence'], width)}"
        )
        click.echo(f"    after:  {_short(row['to_evidence'], width)}")
    click.echo(f"{table.height} shifts")
