"""`tracker train`: fit the stance classifier from training.yaml and positions.yaml."""

from __future__ import annotations

from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import positions_option
from tracker.config import read_positions
from tracker.project import MODEL_FILE, project_model


@click.command("train")
@positions_option("positions.yaml: the issues, their stances and examples.")
@click.option(
    "--training",
    "training_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Labelled statements (default: the training.yaml shipped with the package).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Where to write the model artifact (default: {MODEL_FILE} beside the positions "
    "file, where `tracker run` finds it).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option(
    "--tune/--no-tune",
    default=True,
    show_default=True,
    help="Also fine-tune a copy of the encoder (three runs averaged; ~10 minutes on 2 cores, "
    "a 10 MB artifact) and average its predictions with the frozen encoder's, or keep the "
    "frozen encoder only (seconds, a 25 kB artifact).",
)
@reports_errors
def command(
    positions_path: Path, training_path: Path | None, out: Path | None, seed: int, tune: bool
) -> None:
    """Train the stance classifier (sentence encoders + one head per issue) and write a
    small artifact. The same inputs and seed give the same artifact."""
    from tracker.classify import train_classifier
    from tracker.classify.artifact import write_artifact
    from tracker.classify.finetune import FinetuneSettings

    config = read_positions(positions_path)
    text = training_path.read_text(encoding="utf-8") if training_path else None
    tuning = FinetuneSettings() if tune else None
    heads = train_classifier(config, seed=seed, training_text=text, tuning=tuning)
    target = write_artifact(heads, out or project_model(positions_path))
    classes = heads[0].classes
    sizes = ", ".join(f"{issue}: {len(labels)} classes" for issue, labels in classes.items())
    click.echo(
        f"trained {len(heads)} member(s) on data {heads[0].training_hash} -> {target} "
        f"({target.stat().st_size} bytes)"
    )
    click.echo(sizes)
