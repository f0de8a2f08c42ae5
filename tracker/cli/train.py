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
    "--from-scratch",
    is_flag=True,
    help="Train every member anew (with --tune, fine-tuning an encoder: minutes) instead "
    "of refitting the shipped model's heads on its own encoders (seconds).",
)
@click.option(
    "--tune/--no-tune",
    default=False,
    show_default=True,
    help="With --from-scratch: also fine-tune a copy of the encoder and ship it beside "
    "the frozen one.",
)
@click.option(
    "--model",
    "base_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The model whose heads are refitted (default: the one shipped with the package).",
)
@click.option(
    "--editor-weight",
    type=click.FloatRange(min=0.0),
    default=3.0,  # tracker.classify.training.EDITOR_WEIGHT (a test keeps them equal)
    show_default=True,
    help="Weight of each curated quote and wrong mark against one written example "
    "(0 ignores the editor's corrections).",
)
@click.option("--quiet", is_flag=True, help="Print only the closing line (no progress).")
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Embedding cache (.npz) to reuse between trainings: only new statements are encoded.",
)
@reports_errors
def command(
    positions_path: Path,
    training_path: Path | None,
    out: Path | None,
    seed: int,
    from_scratch: bool,
    tune: bool,
    base_path: Path | None,
    editor_weight: float,
    quiet: bool,
    cache_path: Path | None,
) -> None:
    """Train the stance classifier on the written training data plus the editor's
    corrections in positions.yaml (curated positions with a quote, wrong marks with their
    evidence), and write the artifact into the project. The same inputs and seed give
    the same artifact."""
    from tracker.classify import ClassifierSettings, StanceModel, train_classifier
    from tracker.classify.artifact import read_artifact, write_artifact
    from tracker.classify.finetune import FinetuneSettings
    from tracker.classify.model import DEFAULT_ARTIFACT
    from tracker.classify.training import editor_examples, refit_heads
    from tracker.progress import reporting, run_progress

    config = read_positions(positions_path)
    text = training_path.read_text(encoding="utf-8") if training_path else None
    if from_scratch:
        tuning = FinetuneSettings() if tune else None
        with reporting(run_progress(quiet)):  # a bar over the fine-tuning batches
            heads = train_classifier(
                config,
                seed=seed,
                training_text=text,
                tuning=tuning,
                editor_weight=editor_weight,
                cache_path=cache_path,
            )
    else:
        run_progress(quiet)  # under --quiet: no bars from the libraries either
        base = StanceModel(
            read_artifact(base_path or DEFAULT_ARTIFACT), ClassifierSettings(cache_path=cache_path)
        )
        heads = refit_heads(
            base.heads,
            config,
            base.embed,
            seed=seed,
            training_text=text,
            editor_weight=editor_weight,
        )
        base.cache.save()
    target = write_artifact(heads, out or project_model(positions_path))
    corrections = len(editor_examples(config)) if editor_weight > 0 else 0
    click.echo(
        f"trained {len(heads)} member(s) on data {heads[0].training_hash} "
        f"({corrections} editor correction(s)) -> {target} ({target.stat().st_size} bytes)"
    )
