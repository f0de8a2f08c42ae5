"""The sentence encoder on ONNX Runtime: torch's embeddings, cached exports, the fallback."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from tracker.classify import onnx_encoder as onnx_module
from tracker.classify.onnx_encoder import (
    OnnxEncoder,
    default_cache_folders,
    deviation,
    onnx_encoder,
)
from tracker.errors import TrackerWarning

# Written for this test: short and long, with one past the 256-token limit.
TEXTS = [
    "No.",
    "The chancellor told reporters the loan would be repaid from the seized funds.",
    "She would not rule out a role for European soldiers once the guns fell silent.",
    "He called the proposed pause a trap, adding that any halt to the fighting had to "
    "start with a full withdrawal from the occupied districts and the return of the "
    "children taken across the border.",
    "The prime minister said the alliance's door was open.",
    " ".join(["Talks dragged on late into the night over the wording of the guarantee."] * 40),
    "Aid deliveries resumed on Tuesday.",
]


@pytest.fixture(autouse=True)
def fresh_warnings() -> Iterator[None]:
    onnx_module._warned.clear()  # each reason is given once per process
    yield
    onnx_module._warned.clear()


def _caught(call: Any) -> tuple[Any, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught if issubclass(w.category, TrackerWarning)]


def test_cache_folders_follow_xdg_then_the_embedding_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    beside = tmp_path / "data" / "cache" / "embeddings.npz"
    assert default_cache_folders(beside) == [
        tmp_path / "xdg" / "stance-tracker" / "onnx",
        tmp_path / "data" / "cache" / "onnx",
    ]
    assert default_cache_folders(None) == [tmp_path / "xdg" / "stance-tracker" / "onnx"]


def test_without_onnxruntime_the_torch_encoder_is_kept_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if absent
    torch_encoder: Any = SimpleNamespace(device="cpu")
    first, said = _caught(lambda: onnx_encoder(torch_encoder, [tmp_path]))
    second, again = _caught(lambda: onnx_encoder(torch_encoder, [tmp_path]))
    assert first is torch_encoder and second is torch_encoder
    assert said == [
        "ONNX Runtime is not installed (pip install onnxruntime): "
        "the sentence encoder runs on torch"
    ]
    assert again == []  # the second member says nothing new


def test_a_gpu_encoder_stays_on_torch(tmp_path: Path) -> None:
    torch_encoder: Any = SimpleNamespace(device="cuda")
    kept, said = _caught(lambda: onnx_encoder(torch_encoder, [tmp_path]))
    assert kept is torch_encoder and said == []
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def pretrained() -> Any:
    from tracker.classify.embed import SentenceEncoder

    return SentenceEncoder(batch_size=3)  # several batches, each padded to its longest


@pytest.fixture(scope="module")
def tuned() -> Any:
    from tracker.classify.artifact import read_artifact
    from tracker.classify.embed import SentenceEncoder
    from tracker.classify.finetune import apply_weights
    from tracker.classify.model import DEFAULT_ARTIFACT

    weights = [h.encoder_weights for h in read_artifact(DEFAULT_ARTIFACT) if h.encoder_weights]
    assert weights, "the shipped artifact has a tuned member"
    encoder = SentenceEncoder(batch_size=3)
    apply_weights(encoder, weights[0])
    return encoder


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx")


def _torch_float32(encoder: Any, texts: list[str]) -> np.ndarray:
    bf16, encoder.bf16 = encoder.bf16, False
    try:
        return np.asarray(encoder.encode(texts))
    finally:
        encoder.bf16 = bf16


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


@pytest.mark.slow
@pytest.mark.parametrize("which", ["pretrained", "tuned"])
def test_onnx_embeddings_match_torch(which: str, request: pytest.FixtureRequest) -> None:
    encoder = request.getfixturevalue(which)
    folder = request.getfixturevalue("exports")
    onnx, said = _caught(lambda: onnx_encoder(encoder, [folder]))
    assert said == []
    assert isinstance(onnx, OnnxEncoder)
    assert onnx.path.parent == folder and onnx.path.name.startswith("all-MiniLM-L6-v2-")
    got = onnx.encode(TEXTS)
    assert got.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert (_cosine(got, _torch_float32(encoder, TEXTS)) >= 1 - 1e-4).all()
    assert deviation(onnx, encoder, TEXTS) <= 1e-4
    assert np.allclose(onnx.encode(TEXTS[2:4]), got[2:4], atol=1e-5)  # batching aside


@pytest.mark.slow
def test_the_tuned_and_pretrained_encoders_get_their_own_export(
    pretrained: Any, tuned: Any, exports: Path
) -> None:
    first = onnx_encoder(pretrained, [exports])
    second = onnx_encoder(tuned, [exports])
    assert isinstance(first, OnnxEncoder) and isinstance(second, OnnxEncoder)
    assert first.path != second.path
    # the deltas are in the tuned graph: its embeddings are not the pretrained ones
    assert _cosine(first.encode(TEXTS), second.encode(TEXTS)).min() < 0.99


@pytest.mark.slow
def test_a_cached_export_is_loaded_without_exporting_again(
    pretrained: Any, exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    onnx_encoder(pretrained, [exports])  # made once (or already, by another test)

    def refuse(*_: Any) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_module, "export", refuse)
    again, said = _caught(lambda: onnx_encoder(pretrained, [exports]))
    assert isinstance(again, OnnxEncoder) and said == []


@pytest.mark.slow
def test_an_export_that_differs_from_torch_is_refused_and_remembered(
    pretrained: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(onnx_module, "deviation", lambda *_: 0.25)
    kept, said = _caught(lambda: onnx_encoder(pretrained, [tmp_path]))
    message = (
        "the ONNX export of the sentence encoder differs from torch (cosine distance "
        "2.5e-01 > 1e-04): the sentence encoder runs on torch"
    )
    assert kept is pretrained and said == [message]
    assert [p.suffix for p in tmp_path.iterdir()] == [".mismatch"]  # no graph kept

    def refuse(*_: Any) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr(onnx_module, "export", refuse)
    onnx_module._warned.clear()  # as in a new process
    kept, said = _caught(lambda: onnx_encoder(pretrained, [tmp_path]))
    assert kept is pretrained and said == [message]


@pytest.mark.slow
def test_a_failed_export_falls_back_to_torch(
    pretrained: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_: Any) -> None:
        raise RuntimeError("unsupported operator\nmore detail")

    monkeypatch.setattr(onnx_module, "export", fail)
    kept, said = _caught(lambda: onnx_encoder(pretrained, [tmp_path]))
    assert kept is pretrained
    assert said == [
        "the sentence encoder could not be exported to ONNX "
        "(RuntimeError: unsupported operator): it runs on torch"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@pytest.mark.parametrize(
    ("backend", "bf16", "expected"),
    [
        ("onnx", True, "OnnxEncoder"),
        ("torch", False, "SentenceEncoder"),
        ("auto", True, "SentenceEncoder"),
        ("auto", False, "OnnxEncoder"),
    ],
)
def test_the_backend_setting_chooses_the_encoder(
    backend: Any,
    bf16: bool,
    expected: str,
    exports: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tracker.classify import ClassifierSettings, StanceModel
    from tracker.classify.artifact import read_artifact
    from tracker.classify.model import DEFAULT_ARTIFACT

    monkeypatch.setattr("tracker.classify.embed.fast_bf16", lambda device: bf16)
    monkeypatch.setattr("tracker.classify.model.default_cache_folders", lambda b: [exports])
    heads = [h for h in read_artifact(DEFAULT_ARTIFACT) if not h.encoder_weights]
    model = StanceModel(heads[:1], ClassifierSettings(backend=backend))
    assert type(model.encoder(0)).__name__ == expected
