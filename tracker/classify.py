"""Classify: for each statement and each tracked issue, which stance (if any) it takes.

The model is a sentence encoder (all-MiniLM-L6-v2, see tracker.embed) with one
logistic-regression head per issue over the issue's stances plus "none". `tracker train
--tune` (the default) also fine-tunes a copy of the encoder on the training labels
(tracker.finetune: cross-entropy, three runs averaged); its tuned layers ship in the
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
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import polars as pl
import yaml

from tracker.artifact import StanceHead, read_artifact
from tracker.config import PositionsConfig
from tracker.embed import MODEL_ID, EmbeddingCache, SentenceEncoder
from tracker.errors import ConfigError, ModelError
from tracker.finetune import FinetuneSettings, apply_weights, finetune, weights_digest
from tracker.schemas import POSITIONS, STATEMENTS, check_frame

DATA = Path(__file__).resolve().parent / "data"
TRAINING_PATH = DATA / "training.yaml"
DEFAULT_ARTIFACT = DATA / "stance_head.npz"
NONE = "none"
HeadlineMode = Literal["blend", "prefix", "off"]


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


@dataclass(frozen=True)
class TrainingExample:
    text: str
    labels: dict[str, str] = field(default_factory=dict)


class StanceClassifier(Protocol):
    fingerprint: str

    def predict(
        self, texts: Sequence[str], config: PositionsConfig
    ) -> list[dict[str, tuple[str, float]]]: ...

    def classify(self, statements: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame: ...


# ---- training data ---------------------------------------------------------------------


def read_training(text: str, config: PositionsConfig, source: str) -> list[TrainingExample]:
    """Parse training.yaml (issue -> stance -> texts; `none`; `multi` and `labelled`: lists
    of {text, labels}), checked against the issues of positions.yaml."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ConfigError(source, [f"{source}: (top level): expected a mapping of issues"])
    problems: list[str] = []
    examples: list[TrainingExample] = []
    for key, value in data.items():
        if key == "none":
            examples.extend(TrainingExample(str(item)) for item in value or [])
        elif key in ("multi", "labelled"):
            for index, item in enumerate(value or []):
                labels = {str(k): str(v) for k, v in (item.get("labels") or {}).items()}
                for issue, stance in labels.items():
                    _check_label(config, issue, stance, f"{key}[{index}]", source, problems)
                examples.append(TrainingExample(str(item["text"]), labels))
        elif key not in config.issue_by_id:
            problems.append(f"{source}: {key}: unknown issue: add it to positions.yaml first")
        else:
            for stance, texts in (value or {}).items():
                _check_label(config, key, str(stance), f"{key}.{stance}", source, problems)
                examples.extend(TrainingExample(str(t), {key: str(stance)}) for t in texts or [])
    if problems:
        raise ConfigError(source, problems)
    return examples


def _check_label(
    config: PositionsConfig, issue: str, stance: str, where: str, source: str, problems: list[str]
) -> None:
    if issue not in config.issue_by_id:
        problems.append(f"{source}: {where}: unknown issue {issue!r}")
    elif stance not in config.issue_by_id[issue].stance_ids:
        known = ", ".join(config.issue_by_id[issue].stance_ids)
        problems.append(f"{source}: {where}: unknown stance {stance!r}: use one of {known}")


def training_examples(
    config: PositionsConfig, training_text: str | None = None
) -> list[TrainingExample]:
    """tracker/data/training*.yaml (or the given text) plus the stance and off-topic
    examples of positions.yaml."""
    if training_text is not None:
        examples = read_training(training_text, config, "training text")
    else:
        examples = []
        for path in sorted(DATA.glob("training*.yaml")):
            examples.extend(read_training(path.read_text("utf-8"), config, str(path)))
    for issue in config.issues:
        for stance in issue.stances:
            examples.extend(TrainingExample(t, {issue.id: stance.id}) for t in stance.examples)
        examples.extend(TrainingExample(t) for t in issue.off_topic_examples)
    return examples


def training_hash(config: PositionsConfig, examples: Sequence[TrainingExample]) -> str:
    payload = json.dumps(
        {
            "issues": {issue.id: issue.stance_ids for issue in config.issues},
            "examples": [(e.text, sorted(e.labels.items())) for e in examples],
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def train_head(
    config: PositionsConfig,
    examples: Sequence[TrainingExample],
    vectors: np.ndarray,
    *,
    seed: int = 0,
    regularisation: float = 4.0,
) -> StanceHead:
    """Fit one head per issue; every example not labelled for an issue is its "none"."""
    from sklearn.linear_model import LogisticRegression

    classes: dict[str, list[str]] = {}
    coef: dict[str, np.ndarray] = {}
    intercept: dict[str, np.ndarray] = {}
    for issue in config.issues:
        labels = [example.labels.get(issue.id, NONE) for example in examples]
        present = [s for s in [*issue.stance_ids, NONE] if s in labels]
        if len(present) < 2:
            raise ModelError(f"issue {issue.id}: needs training examples of at least one stance")
        model = LogisticRegression(
            C=regularisation, class_weight="balanced", max_iter=2000, random_state=seed
        )
        model.fit(vectors, labels)
        classes[issue.id] = [str(c) for c in model.classes_]
        coef[issue.id] = model.coef_
        intercept[issue.id] = model.intercept_
    return StanceHead(classes, coef, intercept, MODEL_ID, training_hash(config, examples), seed)


# ---- the classifier --------------------------------------------------------------------


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
        self._encoders: dict[int, SentenceEncoder] = {}
        self.cache = EmbeddingCache(self.settings.cache_path, self.heads[0].model_id)
        digest = hashlib.sha256("|".join(head.digest() for head in self.heads).encode())
        digest.update(f"{self.settings.threshold}|{self.settings.headline}".encode())
        self.fingerprint = f"minilm-head-{digest.hexdigest()[:16]}"

    def encoder(self, member: int = 0) -> SentenceEncoder:
        """The member's encoder, loaded on first use."""
        if member not in self._encoders:
            encoder = SentenceEncoder(
                device=self.settings.device, batch_size=self.settings.batch_size
            )
            if self.heads[member].encoder_weights:
                apply_weights(encoder, self.heads[member].encoder_weights)
            self._encoders[member] = encoder
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


def load_classifier(
    path: Path | None = None, settings: ClassifierSettings | None = None
) -> StanceClassifier:
    """The stance classifier: a trained-head artifact (default: the one shipped in the
    package), or, given a directory holding an NLI model, the zero-shot backend."""
    if path is not None and path.is_dir():
        from tracker.zeroshot import ZeroShotStanceModel

        return ZeroShotStanceModel(path, settings)
    return StanceModel(read_artifact(path or DEFAULT_ARTIFACT), settings)


def class_indexes(
    config: PositionsConfig, examples: Sequence[TrainingExample]
) -> dict[str, list[int]]:
    """Per issue, each example's class as an index into (the issue's stances, none)."""
    return {
        issue.id: [[*issue.stance_ids, NONE].index(e.labels.get(issue.id, NONE)) for e in examples]
        for issue in config.issues
    }


def train_classifier(
    config: PositionsConfig,
    *,
    seed: int = 0,
    training_text: str | None = None,
    encoder: SentenceEncoder | None = None,
    cache_path: Path | None = None,
    tuning: FinetuneSettings | None = None,
) -> list[StanceHead]:
    """The model's members, deterministic for a seed: a head on the frozen encoder and,
    unless `tuning` is None, first a head on the encoder fine-tuned on the same labels."""
    examples = training_examples(config, training_text)
    texts = [e.text for e in examples]
    encoder = encoder or SentenceEncoder()
    cache = EmbeddingCache(cache_path)
    frozen = train_head(config, examples, cache.embed(texts, encoder), seed=seed)
    cache.save()
    if tuning is None:
        return [frozen]
    weights = finetune(encoder, texts, class_indexes(config, examples), seed=seed, settings=tuning)
    # The tuned encoder separates the classes: a weaker prior suits it (C=1 on dev).
    tuned = train_head(config, examples, encoder.encode(texts), seed=seed, regularisation=1.0)
    tuned.encoder_weights = weights
    tuned.model_id = f"{MODEL_ID}+tuned-{weights_digest(weights)}"
    return [tuned, frozen]
