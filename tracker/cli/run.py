"""`tracker run`: the whole pipeline over live-blog pages into a data directory."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import get_args

import click

from tracker.classify import ClassifierSettings, EncoderBackend, HeadlineMode
from tracker.cli import reports_errors
from tracker.cli._engine import EngineChoice, engine_options
from tracker.cli._options import (
    date_option,
    manifest_option,
    pages_argument,
    positions_option,
    year_option,
)
from tracker.config import read_positions
from tracker.project import DATA_DIR, MODEL_FILE, model_for


@click.command("run")
@pages_argument()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Data directory for the stages (parquet) and CSV copies.",
)
@positions_option("The editor's positions file: actors, issues, curated positions.")
@year_option()
@manifest_option()
@date_option()
@click.option(
    "--model",
    "model_path",
    type=click.Path(path_type=Path),
    help=f"Classifier artifact, or a folder holding an NLI model (default: the project's "
    f"{MODEL_FILE} beside the positions file if `tracker train` wrote one, else the one "
    "shipped with the package).",
)
@click.option(
    "--batch-pages",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Pages classified together; each page's results are saved when its batch ends.",
)
@click.option(
    "--device",
    default="cpu",
    show_default=True,
    help="Where the sentence encoder runs: cpu, or cuda on a GPU machine.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Statements encoded together (larger is faster on a GPU).",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.0, 1.0),
    default=ClassifierSettings.threshold,
    show_default=True,
    help="Confidence below which the classifier abstains.",
)
@click.option(
    "--headline",
    type=click.Choice(get_args(HeadlineMode)),
    default=ClassifierSettings.headline,
    show_default=True,
    help="How a statement is read with its post's headline: both readings averaged "
    "(blend), after the headline only (prefix), or alone (off).",
)
@click.option(
    "--backend",
    type=click.Choice(get_args(EncoderBackend)),
    default=ClassifierSettings.backend,
    show_default=True,
    help="What runs the sentence encoder on a CPU: ONNX Runtime (exported once, checked "
    "against torch), torch, or auto (torch where the CPU has bf16 units, else ONNX).",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Drop from OUT the pages of earlier runs not given now (kept by default).",
)
@engine_options()
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@reports_errors
def command(
    pages: tuple[Path, ...],
    out: Path,
    positions_path: Path,
    year: int | None,
    manifest_path: Path | None,
    page_date: datetime | None,
    model_path: Path | None,
    batch_pages: int,
    device: str,
    batch_size: int,
    threshold: float,
    headline: HeadlineMode,
    backend: EncoderBackend,
    prune: bool,
    engine: EngineChoice,
    quiet: bool,
) -> None:
    """Parse PAGES (files or folders), attribute statements, classify stances and build
    the position series in OUT. Pages already processed (same content) are reused;
    pages of earlier runs not given now stay in OUT unless --prune. The summary says
    what the run added, changed and kept."""
    from tracker.classify import load_classifier
    from tracker.ingest import read_manifest
    from tracker.pipeline import run_pipeline
    from tracker.progress import run_progress

    config = read_positions(positions_path)
    chosen_engine = engine.build(out, quiet)
    progress = run_progress(quiet)
    summary = run_pipeline(
        list(pages),
        out,
        config,
        year=year,
        page_manifest=read_manifest(manifest_path) if manifest_path else None,
        page_date=page_date.date() if page_date else None,
        classifier=load_classifier(
            model_for(positions_path, model_path),
            ClassifierSettings(
                device=device,
                batch_size=batch_size,
                threshold=threshold,
                headline=headline,
                backend=backend,
                cache_path=out / "cache" / "embeddings.npz",
            ),
        ),
        batch_pages=batch_pages,
        progress=progress,
        prune=prune,
        engine=chosen_engine,
    )
    if progress:
        progress.close()
    if summary.stale:
        click.echo(
            f"Warning: {len(summary.stale)} page(s) kept from earlier runs were processed "
            f"with another positions.yaml or model: {', '.join(summary.stale)} "
            "(pass them again to update them, or --prune to drop them)",
            err=True,
        )
    for doc in summary.failed_pages:
        click.echo(f"rejected page: {doc} (see {out / 'rejects.csv'})", err=True)
    click.echo(summary.line())
