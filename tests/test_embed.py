"""The sentence encoder and its embedding cache."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from tracker.classify.embed import MODEL_ID, EmbeddingCache, SentenceEncoder
from tracker.errors import ModelError


class CountingEncoder:
    """Stands in for the encoder: a distinct vector per text, and a log of what it saw."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts], np.float32)


def test_cache_encodes_each_new_text_once_and_keeps_the_order(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    cache = EmbeddingCache(tmp_path / "cache.npz")
    first = cache.embed(["bb", "a", "bb"], encoder)  # type: ignore[arg-type]
    assert [sorted(call) for call in encoder.calls] == [["a", "bb"]]
    assert first[:, 0].tolist() == [2.0, 1.0, 2.0]
    second = cache.embed(["a", "ccc"], encoder)  # type: ignore[arg-type]
    assert encoder.calls[-1] == ["ccc"]
    assert second[:, 0].tolist() == [1.0, 3.0]


def test_cache_survives_a_restart_and_needs_no_encoder_on_a_hit(tmp_path: Path) -> None:
    path = tmp_path / "cache.npz"
    cache = EmbeddingCache(path)
    vectors = cache.embed(["troops", "truce"], CountingEncoder())  # type: ignore[arg-type]
    cache.save()
    reopened = EmbeddingCache(path)
    assert np.array_equal(reopened.embed(["truce", "troops"], None), vectors[::-1])
    with pytest.raises(ModelError) as error:
        reopened.embed(["never seen"], None)
    assert str(error.value) == "texts to embed are not cached and no encoder was given"


def test_cache_key_depends_on_the_model() -> None:
    assert EmbeddingCache(None, MODEL_ID).key("x") != EmbeddingCache(None, "tuned").key("x")
    assert EmbeddingCache(None).key("x") == EmbeddingCache(None).key("x")


def test_a_folder_without_a_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as error:
        SentenceEncoder(tmp_path)
    assert str(error.value) == f"{tmp_path}: not a transformers model folder (no config.json)"


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    return SentenceEncoder(batch_size=4)


@pytest.mark.slow
def test_embeddings_are_unit_length_and_independent_of_batching(
    encoder: SentenceEncoder,
) -> None:
    texts = [
        "The minister ruled out sending soldiers.",
        "Talks on a truce resume on Monday in Geneva, officials said.",
        "Short.",
        "She said the frozen central bank money should be handed to Kyiv to rebuild.",
        "He backed a European force to police any future ceasefire line.",
    ]
    vectors = encoder.encode(texts)
    assert vectors.shape == (5, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([encoder.encode([text]) for text in texts])
    assert np.allclose(vectors, one_by_one, atol=2e-3)


@pytest.mark.slow
def test_similar_statements_are_closer_than_unrelated_ones(encoder: SentenceEncoder) -> None:
    troops, soldiers, budget = encoder.encode(
        [
            "Britain is ready to put troops on the ground in Ukraine.",
            "The UK would send soldiers to Ukraine to keep the peace.",
            "The chancellor will present the budget in the autumn.",
        ]
    )
    assert float(troops @ soldiers) > float(troops @ budget) + 0.2
