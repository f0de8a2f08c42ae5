"""`tracker eval`: the model against gold, beside the keyword baseline."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from tracker.cli import reports_errors
from tracker.cli._options import positions_option, year_option
from tracker.config import read_positions
from tracker.errors import TrackerError
from tracker.project import model_for


@click.command("eval")
@click.argument(
    "gold", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.argument("pages", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--statements",
    "statements_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Score the classifier alone on labelled statements (text, labels).",
)
@positions_option("positions.yaml.")
@click.option("--model", "model_path", type=click.Path(path_type=Path), help="Model artifact.")
@click.option("--out", type=click.Path(path_type=Path), help="Keep the run's data directory here.")
@year_option()
@reports_errors
def command(
    gold: Path | None,
    pages: tuple[Path, ...],
    statements_path: Path | None,
    positions_path: Path,
    model_path: Path | None,
    out: Path | None,
    year: int | None,
) -> None:
    """Score the model and the keyword baseline.

    GOLD PAGE...: run the pipeline on the pages and print per-issue precision, recall and
    F1 (as ../shared/tools/score.py does) with the stances found on detected items.
    --statements FILE: per issue, macro-F1 over its stances plus "no position", with a
    confusion matrix."""
    from tracker.classify import load_classifier, positions_from_predictions, predictions_frame
    from tracker.classify.baseline import baseline_predict
    from tracker.classify.evaluate import (
        format_page_scores,
        format_statement_scores,
        read_statements,
        score_positions,
        score_statements,
    )

    config = read_positions(positions_path)
    model = load_classifier(model_for(positions_path, model_path))
    if statements_path:
        items = read_statements(statements_path.read_text(encoding="utf-8"))
        for name, predict in (
            ("model", lambda texts: model.predict(texts, config)),
            ("keyword baseline", lambda texts: baseline_predict(texts, config)),
        ):
            scores = score_statements(items, predict, config)
            click.echo(format_statement_scores(f"{name} on {len(items)} statements", scores))
        return
    if gold is None or not pages:
        raise TrackerError("give GOLD and PAGE... to score pages, or --statements FILE")
    import polars as pl
    import yaml

    from tracker.pipeline import run_pipeline
    from tracker.schemas import STATEMENTS
    from tracker.storage import read_stage

    gold_items = yaml.safe_load(gold.read_text(encoding="utf-8")) or []
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = out or Path(scratch)
        run_pipeline(list(pages), data_dir, config, year=year, classifier=model)
        positions = pl.read_parquet(data_dir / "positions.parquet")
        statements = read_stage(data_dir, "statements", STATEMENTS, "statements").collect()
    texts = statements.get_column("text").to_list()
    baseline = positions_from_predictions(
        statements, predictions_frame(baseline_predict(texts, config)), config
    )
    click.echo(format_page_scores("model", score_positions(gold_items, positions)))
    click.echo(format_page_scores("keyword baseline", score_positions(gold_items, baseline)))
