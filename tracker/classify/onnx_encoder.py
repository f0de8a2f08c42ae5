"""The sentence encoder on ONNX Runtime: torch's embeddings, computed faster on a CPU.

The classifier's encoders (the pretrained MiniLM, and each tuned member: pretrained plus
its int8 deltas, tracker.classify.finetune) are exported with torch.onnx.export, mean
pooling and L2 normalisation included in the graph, with dynamic batch and sequence
axes. The file is cached on disk under a name keyed by a digest of the weights (and of
the exporter), so a new artifact gets its own file and an unchanged one is exported
once per machine. The tokenizer, truncation and length-sorted batching are those of
SentenceEncoder.encode.

A fresh export is used only after it has been checked against torch on a sample of
texts of every length (padding and truncation included): each embedding must be within
1e-4 cosine distance of torch's float32 one. Where ONNX Runtime is missing, the export
fails or the check does, the encoder stays on torch and a one-line TrackerWarning says
why. ONNX Runtime is used on the CPU only: on a GPU device torch runs.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from tracker.classify.embed import SentenceEncoder, TextEncoder, length_sorted_batches, mean_pool
from tracker.errors import TrackerWarning
from tracker.storage import atomic_write_text

# Part of every cached file's key: change it when the exported graph changes.
EXPORT_RECIPE = "pooled-eager-opset17"
OPSET = 17
TOLERANCE = 1e-4  # largest cosine distance from torch's embedding accepted
INPUTS = ("input_ids", "attention_mask", "token_type_ids")

# The check's texts: short and long, so that one padded batch holds both, and one past
# the encoder's 256-token limit, so that truncation is compared too.
SAMPLE = (
    "Yes.",
    "The minister said no troops would be sent.",
    "Asked about the alliance, she replied that the door remained open but that the "
    "timing was for the members to decide, not for any one capital.",
    "A truce over the holiday was proposed by one side and dismissed by the other as a "
    "ploy to regroup; talks on a longer pause are due to resume next week in Geneva.",
    " ".join(["The frozen funds could back a loan to rebuild the grid, he argued."] * 30),
    "",
)

_warned: set[str] = set()  # each reason once per process: two members share it


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warnings.warn(TrackerWarning(message), stacklevel=3)


def default_cache_folders(beside: Path | None = None) -> list[Path]:
    """Where exported encoders are kept, first choice first: the user's cache folder,
    then the folder of the embedding cache `beside` (when the home is read-only)."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folders = [home / "stance-tracker" / "onnx"]
    if beside is not None:
        folders.append(beside.parent / "onnx")
    return folders


def _writable(folders: Sequence[Path]) -> Path | None:
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return None


def weights_digest(encoder: SentenceEncoder) -> str:
    """A digest of every weight and buffer of the torch model, and of the exporter."""
    digest = hashlib.sha256(f"{EXPORT_RECIPE}|{encoder._torch.__version__}".encode())
    for name, tensor in sorted(encoder.model.state_dict().items()):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(tensor.detach().cpu().float().numpy()).data)
    return digest.hexdigest()[:16]


def export(encoder: SentenceEncoder, path: Path) -> None:
    """Write the encoder with its pooling as an ONNX graph to `path`."""
    import torch

    model = encoder.model

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: Any) -> Any:
            inputs = dict(zip(names, tensors, strict=True))
            hidden = self.model(**inputs).last_hidden_state
            return mean_pool(hidden, inputs["attention_mask"])

    example = encoder.tokenizer(
        ["one two", "three four five six"], padding=True, return_tensors="pt"
    )
    names = [name for name in INPUTS if name in example]
    axes = {name: {0: "batch", 1: "sequence"} for name in names}
    previous = model.config._attn_implementation
    # Attention written out as matmul and softmax (not torch's fused kernel) is a pattern
    # ONNX Runtime recognises and fuses into its own attention kernel.
    model.set_attn_implementation("eager")
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the tracer's notes on constant shapes
            torch.onnx.export(
                Pooled().eval(),
                tuple(example[name] for name in names),
                str(path),
                input_names=names,
                output_names=["embeddings"],
                dynamic_axes={**axes, "embeddings": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
    finally:
        model.set_attn_implementation(previous)


class OnnxEncoder:
    """SentenceEncoder's encode() on an exported graph, with ONNX Runtime on the CPU."""

    def __init__(
        self, path: Path, tokenizer: Any, *, batch_size: int, max_length: int, dimensions: int
    ) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.log_severity_level = 3  # errors only: no notes on unused initialisers
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )
        self.path = path
        self.inputs = [node.name for node in self.session.get_inputs()]
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.max_length = max_length
        self.dimensions = dimensions

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of `texts` in their order, shape (len(texts), dimensions)."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for chosen in length_sorted_batches(texts, self.batch_size):
            batch = self.tokenizer(
                [texts[i] for i in chosen],
                padding=True,
                truncation=True,
                max_length=self.max_length,
                return_tensors="np",
            )
            feed = {name: batch[name].astype(np.int64) for name in self.inputs}
            out[chosen] = self.session.run(None, feed)[0]
        return out


def deviation(onnx: TextEncoder, encoder: SentenceEncoder, texts: Sequence[str]) -> float:
    """The largest cosine distance between the two encoders' embeddings of `texts`,
    torch's taken in float32 (the function the graph was exported from)."""
    bf16 = encoder.bf16
    encoder.bf16 = False
    try:
        reference = encoder.encode(texts)
    finally:
        encoder.bf16 = bf16
    got = onnx.encode(texts)
    norms = np.linalg.norm(got, axis=1) * np.linalg.norm(reference, axis=1)
    cosine = (got * reference).sum(axis=1) / np.maximum(norms, 1e-12)
    return float((1.0 - cosine).max())


def onnx_encoder(encoder: SentenceEncoder, folders: Sequence[Path]) -> TextEncoder:
    """`encoder` (torch, with any tuned weights applied) run by ONNX Runtime: the cached
    export of its weights, else a new one, checked; `encoder` itself on a GPU device, and
    with a one-line warning where ONNX cannot be used."""
    if encoder.device != "cpu":
        return encoder
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        _warn(
            "ONNX Runtime is not installed (pip install onnxruntime): "
            "the sentence encoder runs on torch"
        )
        return encoder
    folder = _writable(folders)
    if folder is None:
        _warn(
            f"no folder to keep the ONNX encoder in ({', '.join(map(str, folders))} "
            "cannot be written): the sentence encoder runs on torch"
        )
        return encoder
    path = folder / f"{encoder.model_id}-{weights_digest(encoder)}.onnx"
    mismatch = path.with_suffix(".mismatch")
    if mismatch.exists():  # checked before and failed: do not export it again
        _warn(mismatch.read_text(encoding="utf-8").strip())
        return encoder
    settings = {
        "batch_size": encoder.batch_size,
        "max_length": encoder.max_length,
        "dimensions": encoder.model.config.hidden_size,
    }
    if path.exists():
        try:
            return OnnxEncoder(path, encoder.tokenizer, **settings)
        except Exception as error:
            path.unlink(missing_ok=True)
            _warn(f"{path}: unreadable ({_first_line(error)}); exporting it again")
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        export(encoder, temp)
        candidate = OnnxEncoder(temp, encoder.tokenizer, **settings)
        distance = deviation(candidate, encoder, SAMPLE)
        if distance > TOLERANCE:
            message = (
                f"the ONNX export of the sentence encoder differs from torch (cosine "
                f"distance {distance:.1e} > {TOLERANCE:.0e}): the sentence encoder runs on torch"
            )
            atomic_write_text(mismatch, message + "\n")
            _warn(message)
            return encoder
        os.replace(temp, path)  # only a checked graph is ever cached
        candidate.path = path
        return candidate
    except Exception as error:
        _warn(
            f"the sentence encoder could not be exported to ONNX ({_first_line(error)}): "
            "it runs on torch"
        )
        return encoder
    finally:
        temp.unlink(missing_ok=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
