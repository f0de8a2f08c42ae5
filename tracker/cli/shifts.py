"""`tracker shifts`: the shift log of a data directory as a readable table."""

from __future__ import annotations

from pathlib import Path

import click
import polars as pl

from tracker.cli import reports_errors
from tracker.cli._options import positions_option
from tracker.config import check_actors, read_positions
from tracker.project import DATA_DIR

HEADER = {
    "when": "when (UTC)",
    "actor": "actor",
    "issue": "issue",
    "change": "from -> to",
    "grade": "grade",
    "size": "size",
    "evidence": "evidence (after; before)",
}


def _shorten(column: str, width: int) -> pl.Expr:
    # Evidence is quoted text with line breaks from the page: one line, cut to width.
    flat = pl.col(column).str.replace_all(r"\s+", " ").str.strip_chars()
    return (
        pl.when(flat.str.len_chars() > width)
        .then(flat.str.slice(0, max(width - 1, 0)) + "…")
        .otherwise(flat)
    )


def shift_table(shifts: pl.LazyFrame, width: int) -> pl.DataFrame:
    """The SHIFTS rows as display text, newest first, one string column per table column."""
    half = max(width // 2, 8)
    return (
        shifts.sort("to_time", "actor", "issue", descending=[True, False, False])
        .select(
            pl.col("to_time").dt.strftime("%Y-%m-%d %H:%M").alias("when"),
            "actor",
            "issue",
            (
                pl.col("from_stance")
                + " -> "
                + pl.col("to_stance")
                + pl.when(pl.col("is_reversal")).then(pl.lit(" (reversal)")).otherwise(pl.lit(""))
                # Curated entries carry a date only (placed at noon): say where they came from.
                + pl.when(pl.col("to_position_id").str.starts_with("editor-"))
                .then(pl.lit(" [editor]"))
                .otherwise(pl.lit(""))
            ).alias("change"),
            "grade",
            (
                pl.when(pl.col("size") >= 0).then(pl.lit("+")).otherwise(pl.lit(""))
                + pl.col("size").round(1).cast(pl.String())
            ).alias("size"),
            (
                pl.lit('"')
                + _shorten("to_evidence", half)
                + pl.lit('"; was "')
                + _shorten("from_evidence", half)
                + pl.lit('"')
            ).alias("evidence"),
        )
        .collect()
    )


def details(shifts: pl.LazyFrame) -> list[str]:
    """Each shift in full, newest first: why it counts, then both statements with their
    times and sources."""
    lines: list[str] = []
    rows = shifts.sort("to_time", "actor", "issue", descending=[True, False, False]).collect()
    for row in rows.iter_rows(named=True):
        turn = ", reversal" if row["is_reversal"] else ""
        lines += [
            f"{row['to_time']:%Y-%m-%d %H:%M} UTC  {row['actor']} on {row['issue']}: "
            f"{row['from_stance']} -> {row['to_stance']} ({row['grade']}{turn})",
            f"  why it counts: {row['corroboration']}",
            f"  before ({row['from_time']:%Y-%m-%d %H:%M} UTC, {row['from_source']}): "
            f"{' '.join(row['from_evidence'].split())}",
            f"  after ({row['to_time']:%Y-%m-%d %H:%M} UTC, {row['to_source']}): "
            f"{' '.join(row['to_evidence'].split())}",
            "",
        ]
    return lines


def render(table: pl.DataFrame) -> list[str]:
    widths = {
        name: max([len(title), *table.get_column(name).str.len_chars().to_list()])
        for name, title in HEADER.items()
    }

    def line(cells: dict[str, str]) -> str:
        return "  ".join(
            cells[name].rjust(width) if name == "size" else cells[name].ljust(width)
            for name, width in widths.items()
        ).rstrip()

    return [line(HEADER)] + [line(row) for row in table.iter_rows(named=True)]


@click.command("shifts")
@click.argument("data_dir", type=click.Path(path_type=Path), default=DATA_DIR)
@click.option("--actor", help="Only this actor (id).")
@click.option("--issue", help="Only this issue (id).")
@click.option(
    "--width", type=int, default=80, show_default=True, help="Width of the evidence column."
)
@click.option(
    "--long",
    "long_form",
    is_flag=True,
    help="Each shift in full: why it counts, both quotes, their times and sources.",
)
@positions_option("positions.yaml (to tell an unknown actor from one with no shifts).")
@reports_errors
def command(
    data_dir: Path,
    actor: str | None,
    issue: str | None,
    width: int,
    long_form: bool,
    positions_path: Path,
) -> None:
    """Print the shifts of DATA_DIR as a table, newest first: when, who, on what issue,
    from which stance to which, the size of the move on the issue's scale (-2..+2) and
    the evidence after and before it. A return to the stance held before the previous
    shift is marked (reversal); a shift to a curated entry is marked [editor]. The grade
    follows the share of the scale crossed: full flop (end to end), half flip (to or from
    the middle). --long prints why each shift counts, both quotes and their sources."""
    from tracker.schemas import SHIFTS
    from tracker.storage import read_stage

    shifts = read_stage(data_dir, "shifts", SHIFTS, "shifts")
    if actor:
        seen = set(shifts.select(pl.col("actor").unique()).collect().to_series().to_list())
        check_actors([actor], read_positions(positions_path), seen)
        shifts = shifts.filter(pl.col("actor") == actor)
    if issue:
        shifts = shifts.filter(pl.col("issue") == issue)
    table = shift_table(shifts, width)
    if table.is_empty():
        click.echo("No shifts.")
        return
    if long_form:
        for text in details(shifts):
            click.echo(text)
    for text in render(table):
        click.echo(text)
    reversals = table.filter(pl.col("change").str.contains("(reversal)", literal=True)).height
    click.echo(f"{table.height} shifts, {reversals} reversals")
