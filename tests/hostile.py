"""Helpers of the hostile-input tests: a keyword classifier (no encoder to load) and
page text written for these tests."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from tracker.classify.baseline import baseline_predict
from tracker.classify.frames import positions_from_predictions, predictions_frame
from tracker.config import PositionsConfig


class KeywordClassifier:
    """The keyword baseline behind the classifier protocol: fast and deterministic, so
    the pipeline's storage behaviour can be tested without the sentence encoder."""

    fingerprint = "keyword-test"

    def predict(
        self, texts: Sequence[str], config: PositionsConfig
    ) -> list[dict[str, tuple[str, float]]]:
        return baseline_predict(texts, config)

    def classify(self, statements: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
        predicted = predictions_frame(self.predict(statements.get_column("text").to_list(), config))
        return positions_from_predictions(statements, predicted, config)


def page(day: str, *posts: tuple[str, str, str]) -> str:
    """A live page in the BBC layout: (HH:MM, headline, body) posts on `day` ("17 March",
    the year given to the run), newest first as the page shows them."""
    lines = ["Summary", "", "  • Leaders talk about the war", ""]
    for number, (when, headline, body) in enumerate(posts, start=1):
        lines += [
            f"  {number}. {headline}published at {when} Greenwich Mean Time {day}",
            "",
            f"    {body}",
            "",
        ]
    return "\n".join(lines)
