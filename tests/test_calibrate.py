"""Calibration (temperatures, ECE) and what the editor's corrections teach the heads.
No encoder is loaded: vectors are made up."""

from __future__ import annotations

import numpy as np
import pytest

from tracker.classify.calibrate import best_temperature, calibration_error, fit_temperatures
from tracker.classify.training import TrainingExample, editor_examples, train_head
from tracker.config import load_positions

CONFIG_TEXT = """
actors:
  - {id: anna_berg, name: Anna Berg, aliases: [Berg]}
issues:
  - id: troops
    label: Troops
    question: Troops?
    stances:
      - {id: support, score: 1.0, label: For, description: for}
      - {id: oppose, score: -1.0, label: Against, description: against}
  - id: truce
    label: Truce
    question: Truce?
    stances:
      - {id: now, score: 1.0, label: Now, description: now}
      - {id: never, score: -1.0, label: Never, description: never}
positions:
  - actor: anna_berg
    issue: troops
    date: 2025-01-02
    stance: support
    quote: We will send a brigade to keep the peace.
  - actor: anna_berg
    issue: truce
    date: 2025-01-03
    stance: now
wrong:
  - id: p-00000000000001
    issue: troops
    evidence: The brigade came home for the holidays.
  - id: p-00000000000002
"""


def test_best_temperature_recovers_the_temperature_that_made_the_labels() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=4.0, size=(4000, 3))
    true = logits / 2.5
    probabilities = np.exp(true) / np.exp(true).sum(axis=1, keepdims=True)
    targets = np.array([rng.choice(3, p=row) for row in probabilities])
    assert best_temperature(logits, targets) == pytest.approx(2.5, rel=0.1)


def test_calibration_error_weighs_each_bin_by_its_count() -> None:
    # bin 0.9-1.0: conf 0.95, 2 of 2 right (gap 0.05); bin 0.5-0.6: conf 0.55, 0 of 2 right
    calibration = calibration_error([0.95, 0.95, 0.55, 0.55], [True, True, False, False])
    assert calibration.ece == pytest.approx((2 * 0.05 + 2 * 0.55) / 4)
    assert calibration.count == 4
    assert calibration.bins == [(0.55, 0.0, 2), (0.95, 1.0, 2)]


def test_calibration_error_of_nothing_is_zero() -> None:
    assert calibration_error([], []).ece == 0.0


def test_curated_quotes_and_wrong_marks_with_evidence_become_examples_for_their_issue() -> None:
    config = load_positions(CONFIG_TEXT)
    examples = editor_examples(config, weight=2.0)
    assert examples == [
        TrainingExample(
            "We will send a brigade to keep the peace.", {"troops": "support"}, 2.0, ("troops",)
        ),
        TrainingExample("The brigade came home for the holidays.", {}, 2.0, ("troops",)),
    ]  # the curation without a quote and the mark without evidence teach nothing


def _vectors(count: int, centre: float, rng: np.random.Generator) -> np.ndarray:
    return rng.normal(loc=centre, scale=0.3, size=(count, 4))


def test_an_example_that_speaks_for_one_issue_is_not_none_for_the_others() -> None:
    config = load_positions(CONFIG_TEXT)
    rng = np.random.default_rng(1)
    plain = [TrainingExample("t", {"troops": "support"})] * 20 + [TrainingExample("n")] * 20
    plain += [TrainingExample("c", {"truce": "now"})] * 20
    vectors = np.vstack([_vectors(20, 2.0, rng), _vectors(20, -2.0, rng), _vectors(20, 0.0, rng)])
    # 30 copies of a "troops" text that say nothing about the truce issue
    extra = [TrainingExample("x", {"troops": "support"}, 1.0, ("troops",))] * 30
    extra_vectors = _vectors(30, 0.0, rng) + np.array([0.0, 0.0, 0.0, 3.0])
    head = train_head(config, plain + extra, np.vstack([vectors, extra_vectors]))
    probe = np.array([[0.0, 0.0, 0.0, 3.0]])
    truce = head.probabilities(probe)["truce"][0]
    # Had they counted as "none" for truce, none would dominate; they were left out.
    assert truce[head.classes["truce"].index("none")] < 0.9
    assert head.classes["troops"][int(head.probabilities(probe)["troops"][0].argmax())] == "support"


def test_weights_pull_the_head_towards_heavier_examples() -> None:
    config = load_positions(CONFIG_TEXT)
    rng = np.random.default_rng(2)
    base = (
        [TrainingExample("a", {"troops": "support"})] * 15
        + [TrainingExample("b", {"troops": "oppose"})] * 15
        + [TrainingExample("c", {"truce": "now"})] * 15
    )
    vectors = np.vstack([_vectors(15, 1.0, rng), _vectors(15, -1.0, rng), _vectors(15, 5.0, rng)])
    probe = np.zeros((1, 4))
    light = [TrainingExample("z", {"troops": "oppose"}, 1.0, ("troops",))]
    heavy = [TrainingExample("z", {"troops": "oppose"}, 40.0, ("troops",))]

    def oppose(extra: list[TrainingExample]) -> float:
        head = train_head(config, base + extra, np.vstack([vectors, probe]))
        return float(head.probabilities(probe)["troops"][0][head.classes["troops"].index("oppose")])

    assert oppose(heavy) > oppose(light)


def test_fitted_temperatures_are_deterministic_for_a_seed() -> None:
    config = load_positions(CONFIG_TEXT)
    rng = np.random.default_rng(3)
    examples = (
        [TrainingExample("a", {"troops": "support"})] * 30
        + [TrainingExample("b", {"truce": "never"})] * 30
        + [TrainingExample("c")] * 30
    )
    vectors = np.vstack([_vectors(30, 1.0, rng), _vectors(30, -1.0, rng), _vectors(30, 0.0, rng)])
    first = fit_temperatures(config, examples, vectors, seed=4)
    assert first == fit_temperatures(config, examples, vectors, seed=4)
    assert set(first) == {"troops", "truce"} and all(t > 0 for t in first.values())


def test_train_command_defaults_to_the_library_editor_weight() -> None:
    from tracker.classify.training import EDITOR_WEIGHT
    from tracker.cli.train import command

    option = next(p for p in command.params if p.name == "editor_weight")
    assert option.default == EDITOR_WEIGHT
