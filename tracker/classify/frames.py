"""What the classifier reads and gives: settings, the classifier protocol, and the
statement-to-position frames every backend shares."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import polars as pl

from tracker.config import PositionsConfig
from tracker.schemas import POSITIONS, check_frame

NONE = "none"
HeadlineMode = Literal["blend", "prefix", "off"]
EncoderBackend = Literal["auto", "onnx", "torch"]


@dataclass(frozen=True)
class ClassifierSettings:
    # Below this confidence the classifier abstains. 0.5 and 0.4 score alike on the dev
    # statements; 0.5 is more precise, and the guidelines prefer leaving a vague
    # statement out to guessing.
    threshold: float = 0.5
    device: str = "cpu"  # "cuda" on a GPU machine: no code change needed
    batch_size: int = 64
    cache_path: Path | None = None  # embedding cache (.npz); None: memory only
    # How a body statement meets its post's headline. The headline names the topic that
    # a statement ("he said it was too early") often leaves implicit, but it also lends
    # its words to statements on other matters. "blend" averages the probabilities of
    # the statement read after the headline and read alone ("prefix": after the headline
    # only; "off": alone only). On the seed pages blending beat the prefix alone for
    # six of eight models compared (README, "How the model was chosen").
    headline: HeadlineMode = "blend"
    # What runs the sentence encoder on a CPU: ONNX Runtime (torch's float32 embeddings
    # to 1e-4 cosine, checked on export; torch where it cannot be used) or torch. "auto":
    # ONNX Runtime where torch would run in float32, torch where the CPU has bf16 units
    # and torch's bf16 autocast runs (ONNX Runtime has no bf16 kernels on x86, and on an
    # idle machine bf16 torch is the faster; benchmarks: bench/bench_classify.py).
    backend: EncoderBackend = "auto"


class StanceClassifier(Protocol):
    fingerprint: str

    def predict(
        self, texts: Sequence[str], config: PositionsConfig
    ) -> list[dict[str, tuple[str, float]]]: ...

    def classify(self, statements: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame: ...


def classifier_inputs(statements: pl.DataFrame, with_headline: bool) -> list[str]:
    """The text the classifier reads for each statement: the statement, after its post's
    headline when asked (a headline statement is read alone)."""
    if not with_headline:
        return statements.get_column("text").to_list()
    return (
        statements.select(
            pl.when((pl.col("start") >= 0) & (pl.col("headline") != ""))
            .then(
                pl.format("{}. {}", pl.col("headline").str.strip_chars_end(".!?"), pl.col("text"))
            )
            .otherwise(pl.col("text"))
        )
        .to_series()
        .to_list()
    )


def predictions_frame(predictions: Sequence[dict[str, tuple[str, float]]]) -> pl.DataFrame:
    """(row, issue, stance, confidence) rows from per-text predictions."""
    rows = [
        {"row": index, "issue": issue, "stance": stance, "confidence": confidence}
        for index, prediction in enumerate(predictions)
        for issue, (stance, confidence) in prediction.items()
    ]
    schema = {
        "row": pl.UInt32(),
        "issue": pl.String(),
        "stance": pl.String(),
        "confidence": pl.Float64(),
    }
    return pl.DataFrame(rows, schema=schema)


def positions_from_predictions(
    statements: pl.DataFrame, predicted: pl.DataFrame, config: PositionsConfig
) -> pl.DataFrame:
    """Join (row, issue, stance, confidence) predictions to statements; keep the most
    confident statement per (post, actor, issue)."""
    scores = pl.DataFrame(
        [
            {"issue": issue.id, "stance": stance.id, "score": stance.score}
            for issue in config.issues
            for stance in issue.stances
        ],
        schema={"issue": pl.String(), "stance": pl.String(), "score": pl.Float64()},
    )
    positions = (
        statements.lazy()
        .with_row_index("row")
        .join(predicted.lazy(), on="row", how="inner")
        .join(scores.lazy(), on=["issue", "stance"], how="left")
        .sort(["confidence", "statement_id"], descending=[True, False])
        .group_by(["post_id", "actor", "issue"], maintain_order=True)
        .first()
        .with_columns(
            pl.concat_str(["post_id", "actor", "issue"], separator="|")
            .map_elements(_short_hash, return_dtype=pl.String())
            .alias("position_id"),
            pl.col("text").alias("evidence"),
        )
        .select(list(POSITIONS))
        .sort(["doc", "post_time", "actor", "issue"])
        .collect()
    )
    check_frame(positions, POSITIONS, "positions")
    return positions


def _short_hash(text: str) -> str:
    return "p-" + hashlib.sha256(text.encode()).hexdigest()[:14]
