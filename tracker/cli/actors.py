"""`tracker actors`: the speakers found in a data directory, known or new."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from tracker.cli import reports_errors
from tracker.project import DATA_DIR


@click.command("actors")
@click.argument("data_dir", type=click.Path(path_type=Path), default=DATA_DIR)
@click.option("--new", "only_new", is_flag=True, help="Only speakers not in positions.yaml.")
@reports_errors
def command(data_dir: Path, only_new: bool) -> None:
    """List the speakers of DATA_DIR (written by `tracker run`) with their statement counts.

    With --new, list the speakers discovered on the pages but absent from positions.yaml,
    with a YAML snippet to adopt each one."""
    from tracker.attribute import new_actor_table
    from tracker.schemas import STATEMENTS
    from tracker.storage import read_stage

    statements = read_stage(data_dir, "statements", STATEMENTS, "statements").collect()
    if only_new:
        table = new_actor_table(statements)
        if table.is_empty():
            click.echo("No new speakers: every speaker is in positions.yaml.")
            return
        click.echo(f"{table.height} speakers not in positions.yaml (add them under actors:):")
        for row in table.iter_rows(named=True):
            name = row["actor"].replace("_", " ").title()
            click.echo(
                f"  - id: {row['actor']}\n    name: {name}\n    role: {row['role']}\n"
                f"    # {row['statements']} statements in {row['docs']}"
            )
        return
    table = (
        statements.group_by("actor", "actor_known")
        .agg(pl.len().alias("statements"), pl.col("post_time").max().alias("last_seen"))
        .sort("statements", "actor", descending=[True, False])
    )
    for row in table.iter_rows(named=True):
        status = "" if row["actor_known"] else "  (new)"
        click.echo(
            f"{row['actor']:<32} {row['statements']:>6}  {row['last_seen']:%Y-%m-%d}{status}"
        )
