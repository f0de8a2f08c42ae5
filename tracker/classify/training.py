"""Training data (tracker/data/training*.yaml and positions.yaml) and the heads fitted on it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from tracker.classify.artifact import StanceHead
from tracker.classify.embed import MODEL_ID, EmbeddingCache, SentenceEncoder
from tracker.classify.finetune import FinetuneSettings, finetune, weights_digest
from tracker.classify.frames import NONE
from tracker.config import PositionsConfig
from tracker.errors import ConfigError, ModelError

DATA = Path(__file__).resolve().parent.parent / "data"
TRAINING_PATH = DATA / "training.yaml"


# An editor's correction weighs more than one written example: it is a phrasing the
# newsroom's own pages use, and there are few of them.
EDITOR_WEIGHT = 3.0
# Logistic-regression C per member: the tuned encoder separates the classes, so it
# suits a weaker prior.
FROZEN_C = 4.0
TUNED_C = 1.0


@dataclass(frozen=True)
class TrainingExample:
    text: str
    labels: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0
    # The issues this example speaks for. None: every issue, an unlabelled one being
    # "none". A curated quote says nothing about the other issues.
    issues: tuple[str, ...] | None = None

    def speaks_for(self, issue: str) -> bool:
        return self.issues is None or issue in self.issues


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
    config: PositionsConfig,
    training_text: str | None = None,
    *,
    editor_weight: float = EDITOR_WEIGHT,
) -> list[TrainingExample]:
    """tracker/data/training*.yaml (or the given text), the stance and off-topic examples
    of positions.yaml, and the editor's corrections (see editor_examples)."""
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
    if editor_weight > 0:
        examples.extend(editor_examples(config, editor_weight))
    return examples


def editor_examples(
    config: PositionsConfig, weight: float = EDITOR_WEIGHT
) -> list[TrainingExample]:
    """What the editor taught in positions.yaml: each curated position with its quote is
    that stance on its issue; each `wrong:` mark that carries its evidence and issue is
    "no position" on that issue. Both speak for their own issue only."""
    examples = [
        TrainingExample(entry.quote, {entry.issue: entry.stance}, weight, (entry.issue,))
        for entry in config.positions
        if entry.quote.strip()
    ]
    examples.extend(
        TrainingExample(mark.evidence, {}, weight, (mark.issue,))
        for mark in config.wrong
        if mark.evidence.strip() and mark.issue
    )
    return examples


def training_hash(config: PositionsConfig, examples: Sequence[TrainingExample]) -> str:
    payload = json.dumps(
        {
            "issues": {issue.id: issue.stance_ids for issue in config.issues},
            "examples": [(e.text, sorted(e.labels.items()), e.weight, e.issues) for e in examples],
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
        rows = [i for i, example in enumerate(examples) if example.speaks_for(issue.id)]
        labels = [examples[i].labels.get(issue.id, NONE) for i in rows]
        present = [s for s in [*issue.stance_ids, NONE] if s in labels]
        if len(present) < 2:
            raise ModelError(f"issue {issue.id}: needs training examples of at least one stance")
        model = LogisticRegression(
            C=regularisation, class_weight="balanced", max_iter=2000, random_state=seed
        )
        model.fit(vectors[rows], labels, sample_weight=[examples[i].weight for i in rows])
        classes[issue.id] = [str(c) for c in model.classes_]
        coef[issue.id] = model.coef_
        intercept[issue.id] = model.intercept_
    return StanceHead(classes, coef, intercept, MODEL_ID, training_hash(config, examples), seed)


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
    editor_weight: float = EDITOR_WEIGHT,
    calibrate: bool = True,
) -> list[StanceHead]:
    """The model's members, deterministic for a seed: a head on the frozen encoder and,
    unless `tuning` is None, first a head on the encoder fine-tuned on the written
    examples. Each head's temperatures are fitted on held-out folds unless `calibrate`
    is false."""
    from tracker.classify.calibrate import fit_temperatures

    examples = training_examples(config, training_text, editor_weight=editor_weight)
    texts = [e.text for e in examples]
    encoder = encoder or SentenceEncoder()
    cache = EmbeddingCache(cache_path)
    vectors = cache.embed(texts, encoder)
    cache.save()
    frozen = train_head(config, examples, vectors, seed=seed, regularisation=FROZEN_C)
    if calibrate:
        frozen.temperature = fit_temperatures(
            config, examples, vectors, seed=seed, regularisation=FROZEN_C
        )
    if tuning is None:
        return [frozen]
    # The editor's few corrections speak for one issue each: the heads learn them, the
    # encoder is tuned on the written examples, labelled for every issue.
    written = [e for e in examples if e.issues is None]
    weights = finetune(
        encoder,
        [e.text for e in written],
        class_indexes(config, written),
        seed=seed,
        settings=tuning,
    )
    tuned_vectors = encoder.encode(texts)
    tuned = train_head(config, examples, tuned_vectors, seed=seed, regularisation=TUNED_C)
    if calibrate:
        tuned.temperature = fit_temperatures(
            config, examples, tuned_vectors, seed=seed, regularisation=TUNED_C
        )
    tuned.encoder_weights = weights
    tuned.model_id = f"{MODEL_ID}+tuned-{weights_digest(weights)}"
    return [tuned, frozen]


def refit_heads(
    members: Sequence[StanceHead],
    config: PositionsConfig,
    embed: Callable[[Sequence[str], int], np.ndarray],
    *,
    seed: int = 0,
    training_text: str | None = None,
    editor_weight: float = EDITOR_WEIGHT,
    calibrate: bool = True,
) -> list[StanceHead]:
    """New heads on the members' own encoders (kept as they are), fitted on the training
    data plus the editor's corrections in `config`: seconds, where tuning an encoder
    takes minutes. `embed(texts, member)` gives a member's embeddings."""
    from tracker.classify.calibrate import fit_temperatures

    examples = training_examples(config, training_text, editor_weight=editor_weight)
    texts = [e.text for e in examples]
    out: list[StanceHead] = []
    for member, old in enumerate(members):
        strength = TUNED_C if old.encoder_weights else FROZEN_C
        vectors = embed(texts, member)
        head = train_head(config, examples, vectors, seed=seed, regularisation=strength)
        if calibrate:
            head.temperature = fit_temperatures(
                config, examples, vectors, seed=seed, regularisation=strength
            )
        head.encoder_weights = old.encoder_weights
        head.model_id = old.model_id
        out.append(head)
    return out
