"""The zero-shot backend's loading and wiring, with a tiny NLI model built here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from tracker.classify import ClassifierSettings, load_classifier
from tracker.classify.zeroshot import ZeroShotStanceModel
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.errors import ModelError
from tracker.schemas import POSITIONS, STATEMENTS

CONFIG = read_positions(DEFAULT_POSITIONS)
WORDS = [
    "the",
    "a",
    "he",
    "she",
    "said",
    "troops",
    "ukraine",
    "send",
    "ready",
    "to",
    "on",
    "this",
    "question",
    "speaker's",
    "position",
    "is",
]


def tiny_model(folder: Path, labels: dict[int, str]) -> Path:
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(set(WORDS)), ":", ".", ","]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=128,
        id2label=labels,
        label2id={v: k for k, v in labels.items()},
    )
    BertForSequenceClassification(config).save_pretrained(str(folder))
    return folder


@pytest.mark.slow
def test_tiny_nli_model_loads_and_labels_statements(tmp_path: Path) -> None:
    model_dir = tiny_model(tmp_path / "nli", {0: "contradiction", 1: "neutral", 2: "entailment"})
    model = load_classifier(model_dir, ClassifierSettings(threshold=0.0))
    assert isinstance(model, ZeroShotStanceModel)
    assert model.fingerprint.startswith("zeroshot-")
    text = "He said Ukraine was ready to send troops."
    statements = pl.DataFrame(
        [
            {
                "statement_id": "s-000",
                "doc": "d.txt",
                "post_id": "p",
                "headline": "h",
                "post_time": datetime(2025, 3, 1, tzinfo=UTC),
                "actor": "anna_berg",
                "actor_known": True,
                "actor_role": "",
                "text": text,
                "cue": "reported",
                "start": 0,
                "end": len(text),
            }
        ],
        schema=STATEMENTS,
    )
    positions = model.classify(statements, CONFIG)
    assert dict(positions.schema) == POSITIONS
    # Untrained weights: the label is arbitrary, but only issues the text is about
    # (keywords: troops) can be labelled, and stances come from the issue's scale.
    for row in positions.iter_rows(named=True):
        assert row["issue"] in {"troops_on_ground", "nato_membership"}
        assert row["stance"] in CONFIG.issue_by_id[row["issue"]].stance_ids


@pytest.mark.slow
def test_a_model_without_entailment_is_refused(tmp_path: Path) -> None:
    model_dir = tiny_model(tmp_path / "sentiment", {0: "negative", 1: "positive"})
    with pytest.raises(ModelError) as error:
        load_classifier(model_dir)
    assert str(error.value) == (
        f"{model_dir}: not an NLI model (no 'entailment' label among negative, positive): "
        "the zero-shot backend needs one"
    )


def test_a_folder_without_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a model directory"):
        load_classifier(tmp_path)


@pytest.mark.slow
def test_zero_shot_fingerprint_follows_its_settings(tmp_path: Path) -> None:
    model_dir = tiny_model(tmp_path / "nli", {0: "contradiction", 1: "neutral", 2: "entailment"})
    low = load_classifier(model_dir, ClassifierSettings(threshold=0.2))
    high = load_classifier(model_dir, ClassifierSettings(threshold=0.8))
    assert isinstance(low, ZeroShotStanceModel) and isinstance(high, ZeroShotStanceModel)
    assert low.fingerprint != high.fingerprint  # a re-run with another threshold recomputes
    again = load_classifier(model_dir, ClassifierSettings(threshold=0.2))
    assert again.fingerprint == low.fingerprint
