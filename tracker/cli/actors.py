"""`tracker actors`: the speakers found in a data directory, known or new."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import polars as pl

from tracker.cli import reports_errors
from tracker.project import DATA_DIR

PARTICLES = {"le", "la", "de", "du", "da", "di", "van", "von", "der", "den", "ter", "al", "el"}


@click.command("actors")
@click.argument("data_dir", type=click.Path(path_type=Path), default=DATA_DIR)
@click.option("--new", "only_new", is_flag=True, help="Only speakers not in positions.yaml.")
@reports_errors
def command(data_dir: Path, only_new: bool) -> None:
    """List the speakers of DATA_DIR (written by `tracker run`) with their statement counts.

    With --new, list the speakers discovered on the pages but absent from positions.yaml,
    with a YAML snippet to adopt each one, the confidence of the discovery (0-1: a title
    or party tag counts more than a bare name, each statement adds to it) and the
    statement that shows it best."""
    from tracker.attribute import new_actor_table
    from tracker.schemas import STATEMENTS
    from tracker.storage import read_stage

    statements = read_stage(data_dir, "statements", STATEMENTS, "statements").collect()
    if only_new:
        table = new_actor_table(statements)
        if table.is_empty():
            click.echo("No new speakers: every speaker is in positions.yaml.")
            return
        click.echo(
            f"{table.height} speakers not in positions.yaml, most certain first "
            "(add those you adopt under actors:):"
        )
        for row in table.iter_rows(named=True):
            click.echo(_adoption_snippet(row))
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


def _adoption_snippet(row: dict[str, object]) -> str:
    name = str(row["name"])
    surname = _surname(name)
    evidence = " ".join(str(row["example"]).split())
    if len(evidence) > 160:
        evidence = evidence[:157] + "..."
    lines = [
        f"  - id: {row['actor']}",
        f"    name: {_yaml_text(name)}",
        f"    role: {_yaml_text(str(row['role']))}",
    ]
    if surname:
        lines += ["    aliases:", f"      - {_yaml_text(surname)}"]
    lines += [
        f"    # confidence {row['confidence']:.2f}: {row['statements']} statements "
        f"({row['cue']}) in {row['docs']}",
        f'    # evidence: "{evidence}"',
    ]
    return "\n".join(lines)


def _yaml_text(text: str) -> str:
    """A YAML scalar for `text`: plain where that reads back the same, else quoted."""
    if re.fullmatch(r"[A-Za-z\u00c0-\u024f][\w .'()\u00c0-\u024f-]*", text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _surname(name: str) -> str:
    """The last name, with a particle before it ("Le Maire", "von der Leyen"); "" for a
    one-word name."""
    words = name.split()
    if len(words) < 2:
        return ""
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(words[start:])
