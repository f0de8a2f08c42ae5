"""Zero-shot backend: a local NLI model directory instead of the trained head.

For users who have an NLI model on disk (e.g. a multilingual one): the transformers
zero-shot pipeline scores, per issue, one hypothesis per stance built from the stance's
description in positions.yaml, plus one "takes no position" hypothesis. Nothing is
downloaded: the directory must hold the model and its tokenizer.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from tracker.classify.frames import (
    ClassifierSettings,
    classifier_inputs,
    positions_from_predictions,
    predictions_frame,
)
from tracker.config import PositionsConfig
from tracker.errors import ModelError
from tracker.schemas import STATEMENTS, check_frame

TEMPLATE = "On this question the speaker's position is: {}"
NO_POSITION = "the statement takes no position on this question"


class ZeroShotStanceModel:
    """Implements StanceClassifier with an NLI model through the zero-shot pipeline."""

    def __init__(self, model_dir: Path, settings: ClassifierSettings | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        if not (model_dir / "config.json").exists():
            raise ModelError(f"{model_dir}: not a model directory (no config.json)")
        from transformers import AutoConfig, pipeline

        labels = {
            str(v).lower() for v in AutoConfig.from_pretrained(str(model_dir)).id2label.values()
        }
        if not any(label.startswith("entail") for label in labels):
            raise ModelError(
                f"{model_dir}: not an NLI model (no 'entailment' label among "
                f"{', '.join(sorted(labels))}): the zero-shot backend needs one"
            )
        self.settings = settings or ClassifierSettings()
        device = 0 if self.settings.device.startswith("cuda") else -1
        self.pipe: Any = pipeline("zero-shot-classification", model=str(model_dir), device=device)
        digest = hashlib.sha256(str(model_dir.resolve()).encode())
        digest.update((model_dir / "config.json").read_bytes())
        # What changes the predictions: a re-run with another threshold or reading must
        # not reuse old results.
        digest.update(f"{self.settings.threshold}|{self.settings.headline}".encode())
        digest.update(f"{TEMPLATE}|{NO_POSITION}".encode())
        self.fingerprint = f"zeroshot-{digest.hexdigest()[:16]}"

    def predict(
        self, texts: Sequence[str], config: PositionsConfig
    ) -> list[dict[str, tuple[str, float]]]:
        out: list[dict[str, tuple[str, float]]] = [{} for _ in texts]
        for issue in config.issues:
            indices = [i for i, text in enumerate(texts) if issue.is_about(text)]
            if not indices:
                continue
            hypotheses = {TEMPLATE.format(s.description.rstrip(".")): s.id for s in issue.stances}
            candidates = [*hypotheses, NO_POSITION]
            results = self.pipe(
                [texts[i] for i in indices],
                candidate_labels=candidates,
                batch_size=self.settings.batch_size,
            )
            if isinstance(results, dict):
                results = [results]
            for index, result in zip(indices, results, strict=True):
                label, score = result["labels"][0], float(result["scores"][0])
                if label in hypotheses and score >= self.settings.threshold:
                    out[index][issue.id] = (hypotheses[label], score)
        return out

    def classify(self, statements: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
        check_frame(statements, STATEMENTS, "statements")
        texts = classifier_inputs(statements, self.settings.headline != "off")
        predicted = predictions_frame(self.predict(texts, config))
        return positions_from_predictions(statements, predicted, config)
