"""The stance model artifact: one or more heads, each with its encoder's tuned deltas.

A member is a sentence encoder (pretrained, or pretrained plus int8 deltas, see
tracker.classify.finetune) with one logistic-regression head per issue. The shipped artifact holds
two members, the fine-tuned encoder and the frozen one, whose probabilities the classifier
averages (README, "How the model was chosen"). One file, written by hand as an .npz with
fixed zip timestamps, so the same members give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tracker.classify.finetune import WeightDelta, weights_digest
from tracker.errors import ModelError
from tracker.storage import atomic_write


@dataclass
class StanceHead:
    """One multinomial logistic regression per issue over (stances + none)."""

    classes: dict[str, list[str]]
    coef: dict[str, np.ndarray]
    intercept: dict[str, np.ndarray]
    model_id: str
    training_hash: str
    seed: int
    # Tuned encoder layers as deltas from the pretrained weights (parameter name ->
    # int8 delta); empty: frozen encoder.
    encoder_weights: dict[str, WeightDelta] = field(default_factory=dict)
    # Per issue, the temperature that calibrates the head's probabilities (fitted on
    # held-out folds of the training data); absent: 1.
    temperature: dict[str, float] = field(default_factory=dict)

    def logits(self, vectors: np.ndarray, issue: str) -> np.ndarray:
        """Uncalibrated scores of (texts x classes) for one issue."""
        logits = vectors @ self.coef[issue].T + self.intercept[issue]
        if len(self.classes[issue]) == 2 and logits.shape[1] == 1:
            logits = np.hstack([-logits, logits])
        return np.asarray(logits)

    def probabilities(self, vectors: np.ndarray) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for issue in self.classes:
            logits = self.logits(vectors, issue) / self.temperature.get(issue, 1.0)
            logits -= logits.max(axis=1, keepdims=True)
            exp = np.exp(logits)
            out[issue] = exp / exp.sum(axis=1, keepdims=True)
        return out

    def digest(self) -> str:
        """What identifies the head's predictions, without compressing the artifact
        (deflating megabytes of encoder deltas is too slow for every load)."""
        digest = hashlib.sha256(json.dumps(self.classes, sort_keys=True).encode())
        for issue in sorted(self.classes):
            digest.update(np.ascontiguousarray(self.coef[issue], dtype=np.float32).tobytes())
            digest.update(np.ascontiguousarray(self.intercept[issue], dtype=np.float32).tobytes())
        digest.update(f"{self.model_id}|{weights_digest(self.encoder_weights)}".encode())
        digest.update(json.dumps(self.temperature, sort_keys=True).encode())
        return digest.hexdigest()

    def _arrays(self, prefix: str) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {}
        # Sorted, so a head read back from a file writes the same bytes as a fresh one.
        for issue in sorted(self.classes):
            arrays[f"{prefix}coef__{issue}"] = self.coef[issue].astype(np.float32)
            arrays[f"{prefix}intercept__{issue}"] = self.intercept[issue].astype(np.float32)
        for name, delta in sorted(self.encoder_weights.items()):
            arrays[f"{prefix}encoder__{name}"] = delta.values
            arrays[f"{prefix}encoder_scale__{name}"] = delta.scale
        meta = {
            "encoder_weights": sorted(self.encoder_weights),
            "classes": self.classes,
            "model_id": self.model_id,
            "training_hash": self.training_hash,
            "seed": self.seed,
            "temperature": self.temperature,
        }
        arrays[f"{prefix}meta"] = np.array(json.dumps(meta, sort_keys=True))
        return arrays

    @classmethod
    def _from_arrays(cls, stored: np.lib.npyio.NpzFile, prefix: str) -> StanceHead:
        meta = json.loads(str(stored[f"{prefix}meta"]))
        classes = {k: list(v) for k, v in meta["classes"].items()}
        return cls(
            classes,
            {issue: stored[f"{prefix}coef__{issue}"] for issue in classes},
            {issue: stored[f"{prefix}intercept__{issue}"] for issue in classes},
            meta["model_id"],
            meta["training_hash"],
            meta["seed"],
            {
                n: WeightDelta(
                    stored[f"{prefix}encoder__{n}"], stored[f"{prefix}encoder_scale__{n}"]
                )
                for n in meta.get("encoder_weights", [])
            },
            {issue: float(value) for issue, value in meta.get("temperature", {}).items()},
        )


def artifact_bytes(heads: Sequence[StanceHead]) -> bytes:
    """The members of a model as .npz bytes (member i's arrays prefixed "m{i}__")."""
    arrays: dict[str, np.ndarray] = {"members": np.array(len(heads))}
    for index, head in enumerate(heads):
        arrays.update(head._arrays(f"m{index}__"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            # numpy's savez would stamp the current time into the archive
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            content = io.BytesIO()
            np.lib.format.write_array(content, np.asanyarray(array), allow_pickle=False)
            archive.writestr(entry, content.getvalue())
    return buffer.getvalue()


def heads_from_bytes(data: bytes, source: str) -> list[StanceHead]:
    """The members stored by artifact_bytes (or the single head of an older artifact)."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as stored:
            if "members" not in stored:
                return [StanceHead._from_arrays(stored, "")]
            count = int(stored["members"])
            return [StanceHead._from_arrays(stored, f"m{i}__") for i in range(count)]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ModelError(
            f"{source}: not a stance model artifact ({error}); rebuild it with `tracker train`"
        ) from None


def read_artifact(path: Path) -> list[StanceHead]:
    if not path.exists():
        raise ModelError(f"{path}: model artifact not found; build it with `tracker train`")
    return heads_from_bytes(path.read_bytes(), str(path))


def write_artifact(heads: Sequence[StanceHead], path: Path) -> Path:
    data = artifact_bytes(heads)
    return atomic_write(path, lambda stream: stream.write(data))
