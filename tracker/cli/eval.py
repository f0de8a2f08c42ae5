"""`tracker eval`: the model against gold, beside the keyword baseline; with --card, the
figures are written into the model card."""

from __future__ import annotations

import shlex
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tracker.cli import reports_errors
from tracker.cli._options import manifest_option, positions_option, year_option
from tracker.config import PositionsConfig, read_positions
from tracker.errors import TrackerError
from tracker.project import model_for

if TYPE_CHECKING:
    from tracker.classify.calibrate import Calibration
    from tracker.classify.evaluate import IssueScore, PageScore
    from tracker.classify.frames import StanceClassifier


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
@click.option(
    "--by-day",
    is_flag=True,
    help="Key items by the post's UTC day, as `score.py --by-day` (for articles and "
    "excerpts gold-keyed at their publication time).",
)
@click.option(
    "--card",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the figures into this model card (its section NAME is replaced).",
)
@click.option("--name", default="", help="The card section these figures fill.")
@manifest_option()
@year_option()
@reports_errors
def command(
    gold: Path | None,
    pages: tuple[Path, ...],
    statements_path: Path | None,
    positions_path: Path,
    model_path: Path | None,
    out: Path | None,
    by_day: bool,
    card: Path | None,
    name: str,
    manifest_path: Path | None,
    year: int | None,
) -> None:
    """Score the model and the keyword baseline.

    GOLD PAGE...: run the pipeline on the pages and print per-issue precision, recall and
    F1 (as ../shared/tools/score.py does) with the stances found on detected items.
    --statements FILE: per issue, macro-F1 over its stances plus "no position", with a
    confusion matrix and the expected calibration error."""
    from tracker.classify import load_classifier
    from tracker.classify.card import page_section, splice_section, statement_section
    from tracker.classify.evaluate import format_page_scores

    if card is not None and not name:
        raise TrackerError("--card needs --name: the card section these figures fill")
    if statements_path is None and (gold is None or not pages):
        raise TrackerError("give GOLD and PAGE... to score pages, or --statements FILE")
    config = read_positions(positions_path)
    model = load_classifier(model_for(positions_path, model_path))
    command_line = shlex.join(["tracker", *sys.argv[1:]])
    if statements_path:
        title, scores, calibration, text = _statements(statements_path, model, config)
        click.echo(text)
        body = statement_section(title, scores, calibration, command_line, date.today())
    else:
        assert gold is not None
        title, page_scores, text = _pages(
            gold, pages, model, config, out, year, by_day, manifest_path
        )
        click.echo(text)
        body = page_section(title, page_scores, command_line, date.today())
        click.echo(format_page_scores("model", page_scores).splitlines()[-1])
    if card is not None:
        from tracker.storage import atomic_write_text

        existing = card.read_text(encoding="utf-8") if card.exists() else "# Model card\n"
        atomic_write_text(card, splice_section(existing, name, body))
        click.echo(f"wrote section {name!r} of {card}")


def _statements(
    path: Path, model: StanceClassifier, config: PositionsConfig
) -> tuple[str, list[IssueScore], dict[str, Calibration], str]:
    from tracker.classify.baseline import baseline_predict
    from tracker.classify.evaluate import (
        format_statement_scores,
        read_statements,
        score_statements,
        statement_calibration,
    )

    items = read_statements(path.read_text(encoding="utf-8"))
    texts = [str(item["text"]) for item in items]
    scores = score_statements(items, lambda batch: model.predict(batch, config), config)
    baseline = score_statements(items, lambda batch: baseline_predict(batch, config), config)
    from tracker.classify.model import StanceModel

    calibration: dict[str, Calibration] = {}
    if isinstance(model, StanceModel):
        calibration = statement_calibration(items, model.probabilities(texts), model.classes)
    lines = [
        format_statement_scores(f"model on {len(items)} statements", scores),
        format_statement_scores(f"keyword baseline on {len(items)} statements", baseline),
    ]
    if calibration:
        lines.append(f"expected calibration error (all): {calibration['ALL'].ece:.3f}")
    return f"{path.name}: {len(items)} statements", scores, calibration, "\n".join(lines)


def _pages(
    gold: Path,
    pages: tuple[Path, ...],
    model: StanceClassifier,
    config: PositionsConfig,
    out: Path | None,
    year: int | None,
    by_day: bool,
    manifest_path: Path | None,
) -> tuple[str, list[PageScore], str]:
    import yaml

    from tracker.classify import positions_from_predictions, predictions_frame
    from tracker.classify.baseline import baseline_predict
    from tracker.classify.evaluate import format_page_scores, score_positions
    from tracker.pipeline import run_pipeline
    from tracker.schemas import POSITIONS, STATEMENTS
    from tracker.storage import read_stage

    gold_items = yaml.safe_load(gold.read_text(encoding="utf-8")) or []
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = out or Path(scratch)
        from tracker.ingest import read_manifest

        manifest = read_manifest(manifest_path) if manifest_path else None
        run_pipeline(
            list(pages), data_dir, config, year=year, classifier=model, page_manifest=manifest
        )
        # Through the data directory's published generation, as every reader does.
        positions = read_stage(data_dir, "positions", POSITIONS, "positions").collect()
        statements = read_stage(data_dir, "statements", STATEMENTS, "statements").collect()
    texts = statements.get_column("text").to_list()
    baseline = positions_from_predictions(
        statements, predictions_frame(baseline_predict(texts, config)), config
    )
    scores = score_positions(gold_items, positions, by_day=by_day)
    text = "\n".join(
        [
            format_page_scores("model", scores),
            format_page_scores(
                "keyword baseline", score_positions(gold_items, baseline, by_day=by_day)
            ),
        ]
    )
    return f"{gold.name}: {len(gold_items)} positions", scores, text
