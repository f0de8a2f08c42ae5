"""SetFit-style contrastive fine-tuning of the sentence encoder's top layers.

A frozen encoder places "ruled out sending troops" close to "ready to send troops": both
are about troops. Few-shot methods such as SetFit first pull statements with the same
labels together and push the others apart, then fit a logistic head on the tuned
embeddings. Here only the top transformer layers are tuned (the rest stay frozen), for
two reasons: training fits a 2-core CPU in about a minute, and the tuned weights are
small enough (a few MB in float16) to ship inside the model artifact, so a fresh
checkout needs no training.

The loss is a supervised contrastive loss over each batch: every pair of statements in
the batch counts, which needs far fewer steps than SetFit's sampled pairs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tracker.embed import SentenceEncoder, mean_pool

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class FinetuneSettings:
    top_layers: int = 2  # transformer layers tuned, counted from the top
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 1e-4  # 2e-5 moved the embeddings too little to help (dev)
    temperature: float = 0.1
    max_length: int = 96  # training statements are short; longer ones are cut


def tuned_parameter_names(encoder: SentenceEncoder, top_layers: int) -> list[str]:
    layers = encoder.model.config.num_hidden_layers
    prefixes = tuple(f"encoder.layer.{i}." for i in range(layers - top_layers, layers))
    return [name for name, _ in encoder.model.named_parameters() if name.startswith(prefixes)]


def tuned_weights(encoder: SentenceEncoder, names: Sequence[str]) -> dict[str, np.ndarray]:
    params = dict(encoder.model.named_parameters())
    return {name: params[name].detach().cpu().float().numpy().astype(np.float16) for name in names}


def apply_weights(encoder: SentenceEncoder, weights: dict[str, np.ndarray]) -> None:
    """Load tuned weights (as stored: float16) into the encoder, in place."""
    torch = encoder._torch
    params = dict(encoder.model.named_parameters())
    with torch.no_grad():
        for name, array in weights.items():
            params[name].copy_(torch.from_numpy(array.astype(np.float32)))
    encoder.model.eval()


def weights_digest(weights: dict[str, np.ndarray]) -> str:
    digest = hashlib.sha256()
    for name in sorted(weights):
        digest.update(name.encode())
        digest.update(weights[name].tobytes())
    return digest.hexdigest()[:12]


def _batches(labels: Sequence[int], batch_size: int, rng: np.random.Generator) -> list[list[int]]:
    """Shuffled batches in which most statements have a partner with the same labels
    (a batch of all-distinct labels teaches a contrastive loss nothing)."""
    by_label: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        by_label.setdefault(label, []).append(index)
    pairs: list[list[int]] = []
    for members in by_label.values():
        shuffled = [int(i) for i in rng.permutation(members)]
        pairs.extend(shuffled[i : i + 2] for i in range(0, len(shuffled), 2))
    order = rng.permutation(len(pairs))
    flat = [index for position in order for index in pairs[position]]
    return [flat[i : i + batch_size] for i in range(0, len(flat), batch_size)]


def finetune(
    encoder: SentenceEncoder,
    texts: Sequence[str],
    label_keys: Sequence[str],
    *,
    seed: int = 0,
    settings: FinetuneSettings | None = None,
) -> dict[str, np.ndarray]:
    """Tune the encoder's top layers in place on (text, label key) pairs; return the
    tuned weights as float16 arrays (and leave those rounded weights in the encoder, so
    training and prediction see the same model)."""
    settings = settings or FinetuneSettings()
    torch = encoder._torch
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    keys = sorted(set(label_keys))
    labels = [keys.index(key) for key in label_keys]
    names = set(tuned_parameter_names(encoder, settings.top_layers))
    model = encoder.model
    for name, param in model.named_parameters():
        param.requires_grad_(name in names)
    tuned = [param for name, param in model.named_parameters() if name in names]
    optimiser = torch.optim.AdamW(tuned, lr=settings.learning_rate, weight_decay=0.01)
    model.train()
    for _ in range(settings.epochs):
        for batch in _batches(labels, settings.batch_size, rng):
            tokens = encoder.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=settings.max_length,
                return_tensors="pt",
            ).to(encoder.device)
            hidden = model(**tokens).last_hidden_state
            vectors = mean_pool(hidden, tokens["attention_mask"])
            target = torch.tensor([labels[i] for i in batch], device=vectors.device)
            loss = supervised_contrastive_loss(vectors, target, settings.temperature)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    weights = tuned_weights(encoder, sorted(names))
    apply_weights(encoder, weights)
    return weights


def supervised_contrastive_loss(
    vectors: torch.Tensor, target: torch.Tensor, tau: float
) -> torch.Tensor:
    """Khosla et al. (2020): each statement's same-label batch mates are its positives."""
    import torch as t

    similarity = vectors @ vectors.T / tau
    size = similarity.shape[0]
    self_mask = t.eye(size, dtype=t.bool, device=similarity.device)
    similarity = similarity.masked_fill(self_mask, -1e9)
    positives = (target.unsqueeze(0) == target.unsqueeze(1)) & ~self_mask
    log_prob = similarity - t.logsumexp(similarity, dim=1, keepdim=True)
    counts = positives.sum(dim=1)
    has_positive = counts > 0
    if not bool(has_positive.any()):
        return (vectors * 0).sum()
    mean_log_prob = (log_prob * positives).sum(dim=1)[has_positive] / counts[has_positive]
    return -mean_log_prob.mean()
