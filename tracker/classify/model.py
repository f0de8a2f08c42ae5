"""Classify: for each statement and each tracked issue, which stance (if any) it takes.

The model is a sentence encoder (all-MiniLM-L6-v2, see tracker.classify.embed) with one
logistic-regression head per issue over the issue's stances plus "none". `tracker train
--tune` (the default) also fine-tunes a copy of the encoder on the training labels
(tracker.classify.finetune: cross-entropy, three runs averaged); its tuned layers ship in the
artifact as int8 deltas from the pretrained weights. `--no-tune` keeps only the frozen
encoder (seconds instead of minutes to train). The training data are
tracker/data/training*.yaml (written for this project) and the examples of
positions.yaml, so adding an issue or a stance needs YAML only, then `tracker train`.

The shipped artifact holds two members, the tuned encoder and the frozen one, and the
classifier averages their probabilities; it also reads each body statement twice, after
its post's headline and alone, and averages those (ClassifierSettings.headline). Each
prediction carries the averaged probability as its confidence; below the threshold the
classifier abstains. Several statements of one actor on one issue in one post are
reduced to the most confident one: one row per (post, actor, issue).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from tracker.classify.artifact import StanceHead, read_artifact
from tracker.classify.embed import EmbeddingCache, SentenceEncoder, TextEncoder
from tracker.classify.finetune import apply_weights
from tracker.classify.frames import (
    NONE,
    ClassifierSettings,
    StanceClassifier,
    classifier_inputs,
    positions_from_predictions,
    predictions_frame,
)
from tracker.classify.onnx_encoder import default_cache_folders, onnx_encoder
from tracker.classify.training import DATA
from tracker.config import PositionsConfig
from tracker.errors import ModelError
from tracker.schemas import STATEMENTS, check_frame

DEFAULT_ARTIFACT = DATA / "stance_head.npz"


class StanceModel:
    """Encoders + heads; implements StanceClassifier. With several members (the shipped
    artifact holds the tuned and the frozen encoder), their probabilities are averaged."""

    def __init__(
        self, heads: StanceHead | Sequence[StanceHead], settings: ClassifierSettings | None = None
    ) -> None:
        self.heads = [heads] if isinstance(heads, StanceHead) else list(heads)
        if not self.heads or any(h.classes != self.heads[0].classes for h in self.heads):
            raise ModelError("the model's members must share their issues and stances")
        self.classes = self.heads[0].classes
        self.settings = settings or ClassifierSettings()
        self._encoders: dict[int, TextEncoder] = {}
        self.cache = EmbeddingCache(self.settings.cache_path, self.heads[0].model_id)
        digest = hashlib.sha256("|".join(head.digest() for head in self.heads).encode())
        digest.update(f"{self.settings.threshold}|{self.settings.headline}".encode())
        self.fingerprint = f"minilm-head-{digest.hexdigest()[:16]}"

    def encoder(self, member: int = 0) -> TextEncoder:
        """The member's encoder, loaded on first use: torch, or ONNX Runtime as the
        settings' backend says (tracker.classify.onnx_encoder, which falls back to torch)."""
        if member not in self._encoders:
            encoder = SentenceEncoder(
                device=self.settings.device, batch_size=self.settings.batch_size
            )
            if self.heads[member].encoder_weights:
                apply_weights(encoder, self.heads[member].encoder_weights)
            self._encoders[member] = (
                onnx_encoder(encoder, default_cache_folders(self.settings.cache_path))
                if self.settings.backend == "onnx"
                or (self.settings.backend == "auto" and not encoder.bf16)
                else encoder
            )
        return self._encoders[member]

    def load_encoders(self) -> None:
        for member in range(len(self.heads)):
            self.encoder(member)

    def embed(self, texts: Sequence[str], member: int = 0) -> np.ndarray:
        return self.cache.embed(texts, lambda: self.encoder(member), self.heads[member].model_id)

    def probabilities(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Per issue, a (texts x classes) matrix: the members' probabilities averaged."""
        total: dict[str, np.ndarray] = {}
        for member, head in enumerate(self.heads):
            for issue, matrix in head.probabilities(self.embed(texts, member)).items():
                total[issue] = total[issue] + matrix if issue in total else matrix
        return {issue: matrix / len(self.heads) for issue, matrix in total.items()}

    def predict_texts(
        self, texts: Sequence[str], alone: Sequence[str] | None = None
    ) -> list[dict[str, tuple[str, float]]]:
        """For each text: issue -> (stance, confidence), only where it does not abstain.
        With `alone` (the same statements without their headline), the probabilities of
        the two readings are averaged."""
        probabilities = self.probabilities(texts)
        if alone is not None:
            second = self.probabilities(alone)
            probabilities = {issue: (m + second[issue]) / 2 for issue, m in probabilities.items()}
        self.cache.save()  # once per call: the file holds every vector seen so far
        out: list[dict[str, tuple[str, float]]] = [{} for _ in texts]
        for issue, matrix in probabilities.items():
            classes = self.classes[issue]
            best = matrix.argmax(axis=1)
            for row, column in enumerate(best):
                stance, confidence = classes[column], float(matrix[row, column])
                if stance != NONE and confidence >= self.settings.threshold:
                    out[row][issue] = (stance, confidence)
        return out

    def predict(
        self, texts: Sequence[str], config: PositionsConfig, alone: Sequence[str] | None = None
    ) -> list[dict[str, tuple[str, float]]]:
        """predict_texts, keeping only issues of `config` whose keywords the text uses."""
        return [
            {
                issue: label
                for issue, label in prediction.items()
                if issue in config.issue_by_id and config.issue_by_id[issue].is_about(text)
            }
            for text, prediction in zip(texts, self.predict_texts(texts, alone), strict=True)
        ]

    def classify(self, statements: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
        check_frame(statements, STATEMENTS, "statements")
        texts = classifier_inputs(statements, self.settings.headline != "off")
        alone = (
            statements.get_column("text").to_list() if self.settings.headline == "blend" else None
        )
        predicted = predictions_frame(self.predict(texts, config, alone))
        return positions_from_predictions(statements, predicted, config)


def load_classifier(
    path: Path | None = None, settings: ClassifierSettings | None = None
) -> StanceClassifier:
    """The stance classifier: a trained-head artifact (default: the one shipped in the
    package), or, given a directory holding an NLI model, the zero-shot backend."""
    if path is not None and path.is_dir():
        from tracker.classify.zeroshot import ZeroShotStanceModel

        return ZeroShotStanceModel(path, settings)
    return StanceModel(read_artifact(path or DEFAULT_ARTIFACT), settings)
