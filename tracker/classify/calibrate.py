"""Calibrated confidence: one temperature per issue, fitted on held-out folds of the
training data, so that a confidence of 0.8 is right about 80% of the time.

The abstain threshold is a confidence, so it only means what it says once the
probabilities are calibrated. Temperatures are fitted on out-of-fold logits (the head
never scores examples it was fitted on), by minimising the negative log-likelihood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tracker.classify.frames import NONE
from tracker.classify.training import TrainingExample, train_head
from tracker.config import PositionsConfig

FOLDS = 5
BINS = 10


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return np.asarray(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))


def best_temperature(logits: np.ndarray, targets: np.ndarray) -> float:
    """The temperature minimising the NLL of `targets` (class indexes) under
    softmax(logits / T), searched on a log grid then refined."""

    def nll(temperature: float) -> float:
        log_p = _log_softmax(logits / temperature)
        return float(-log_p[np.arange(len(targets)), targets].mean())

    grid = np.exp(np.linspace(np.log(0.05), np.log(20.0), 121))
    best = min(grid, key=nll)
    fine = np.exp(np.linspace(np.log(best) - 0.06, np.log(best) + 0.06, 41))
    return round(float(min(fine, key=nll)), 4)


def fit_temperatures(
    config: PositionsConfig,
    examples: Sequence[TrainingExample],
    vectors: np.ndarray,
    *,
    seed: int = 0,
    regularisation: float = 4.0,
    folds: int = FOLDS,
) -> dict[str, float]:
    """Per issue, the temperature fitted on out-of-fold logits of heads trained as
    `train_head` trains them (deterministic for a seed)."""
    order = np.random.default_rng(seed).permutation(len(examples))
    fold_of = np.empty(len(examples), dtype=int)
    fold_of[order] = np.arange(len(examples)) % folds
    collected: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {i.id: [] for i in config.issues}
    for fold in range(folds):
        train_rows = [int(i) for i in np.flatnonzero(fold_of != fold)]
        test_rows = [int(i) for i in np.flatnonzero(fold_of == fold)]
        head = train_head(
            config,
            [examples[i] for i in train_rows],
            vectors[train_rows],
            seed=seed,
            regularisation=regularisation,
        )
        for issue in config.issues:
            rows = [i for i in test_rows if examples[i].speaks_for(issue.id)]
            classes = head.classes[issue.id]
            labels = [examples[i].labels.get(issue.id, NONE) for i in rows]
            keep = [n for n, label in enumerate(labels) if label in classes]
            if not keep:
                continue
            logits = head.logits(vectors[[rows[n] for n in keep]], issue.id)
            targets = np.array([classes.index(labels[n]) for n in keep])
            collected[issue.id].append((logits, targets))
    return {
        issue: best_temperature(
            np.vstack([logits for logits, _ in parts]), np.concatenate([t for _, t in parts])
        )
        for issue, parts in collected.items()
        if parts
    }


@dataclass(frozen=True)
class Calibration:
    """Expected calibration error of top-class confidences, with the bins behind it."""

    ece: float
    count: int
    bins: list[tuple[float, float, int]]  # (mean confidence, accuracy, count) per bin


def calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = BINS
) -> Calibration:
    """ECE over equal-width confidence bins: the count-weighted mean gap between each
    bin's mean confidence and its accuracy."""
    conf = np.asarray(confidences, dtype=float)
    hit = np.asarray(correct, dtype=float)
    if conf.size == 0:
        return Calibration(0.0, 0, [])
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    table: list[tuple[float, float, int]] = []
    gap = 0.0
    for b in range(bins):
        members = index == b
        count = int(members.sum())
        if count == 0:
            continue
        mean_conf, accuracy = float(conf[members].mean()), float(hit[members].mean())
        gap += count * abs(mean_conf - accuracy)
        table.append((round(mean_conf, 4), round(accuracy, 4), count))
    return Calibration(round(gap / conf.size, 4), int(conf.size), table)
