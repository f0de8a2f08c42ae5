"""Fine-tuning of the sentence encoder's top layers on the stance labels.

A frozen encoder places "ruled out sending troops" close to "ready to send troops": both
are about troops. Tuning the top transformer layers with one softmax head per issue
(cross-entropy, classes weighted by their frequency) teaches the encoder the
distinctions the heads need: negation, conditions, who is meant to send whom. The
temporary heads are thrown away; tracker.classify fits its logistic heads on the tuned
embeddings as it does on frozen ones.

Only the top layers are tuned (the rest stay frozen), for two reasons: training fits a
2-core CPU in a minute or two, and the tuned weights are small enough (a few MB in
float16) to ship inside the model artifact, so a fresh checkout needs no training.
(A SetFit-style supervised contrastive loss over label sets was measured first: it
moved the dev macro-F1 less and lowered the seed position F1.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tracker.embed import SentenceEncoder, mean_pool

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class FinetuneSettings:
    top_layers: int = 3  # transformer layers tuned, counted from the top
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 1e-4  # for the tuned layers
    head_learning_rate: float = 1e-2  # for the temporary heads, which start from zero
    logit_scale: float = 10.0  # pooled vectors have unit length: scale them for softmax
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
) -> dict[str, np.ndarray]:
    """Tune the encoder's top layers in place on `texts` and, per issue, the class index
    of each text (`labels`: issue -> indexes); return the tuned weights as float16 arrays
    (and leave those rounded weights in the encoder, so training and prediction see the
    same model). The same inputs and seed give the same weights."""
    settings = settings or FinetuneSettings()
    torch = encoder._torch
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    names = set(tuned_parameter_names(encoder, settings.top_layers))
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
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    weights_out = tuned_weights(encoder, sorted(names))
    apply_weights(encoder, weights_out)
    return weights_out
