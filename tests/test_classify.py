"""The classifier: training data, artifact, determinism, abstention, aggregation, eval."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from own_words import shingles, third_party_shingles

from tracker.classify import (
    DEFAULT_ARTIFACT,
    ClassifierSettings,
    HeadlineMode,
    StanceModel,
    class_indexes,
    positions_from_predictions,
    predictions_frame,
    read_training,
    train_head,
    training_examples,
    training_hash,
)
from tracker.classify.artifact import StanceHead, artifact_bytes, heads_from_bytes, read_artifact
from tracker.classify.baseline import baseline_stance
from tracker.classify.embed import EmbeddingCache
from tracker.classify.finetune import WeightDelta
from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.errors import ConfigError, ModelError
from tracker.schemas import POSITIONS, STATEMENTS

CONFIG = read_positions(DEFAULT_POSITIONS)
REAL_DEV_FLOOR = 0.55  # position F1 by day on ../shared/gold/real_dev
SEED_FLOOR = 0.65  # position F1 on ../shared/seeds


def statements(*rows: tuple[str, str, str]) -> pl.DataFrame:
    """(post_id, actor, text) -> a STATEMENTS frame."""
    return pl.DataFrame(
        [
            {
                "statement_id": f"{post}-{index:03d}",
                "doc": "d.txt",
                "post_id": post,
                "post_time": datetime(2025, 3, 1, 10, 0, tzinfo=UTC),
                "headline": "h",
                "actor": actor,
                "actor_known": True,
                "actor_role": "",
                "text": text,
                "cue": "reported",
                "start": 0,
                "end": len(text),
            }
            for index, (post, actor, text) in enumerate(rows)
        ],
        schema=STATEMENTS,
    )


def test_training_file_is_checked_against_the_issues() -> None:
    with pytest.raises(ConfigError) as error:
        read_training("troops_on_ground:\n  maybe: [text]\ntanks: {}\n", CONFIG, "t.yaml")
    assert error.value.problems == [
        "t.yaml: troops_on_ground.maybe: unknown stance 'maybe': use one of support, "
        "undecided, oppose",
        "t.yaml: tanks: unknown issue: add it to positions.yaml first",
    ]


def test_training_covers_every_stance_of_every_issue() -> None:
    examples = training_examples(CONFIG)
    for issue in CONFIG.issues:
        for stance in issue.stance_ids:
            count = sum(1 for e in examples if e.labels.get(issue.id) == stance)
            assert count >= 10, (issue.id, stance, count)
    assert sum(1 for e in examples if not e.labels) >= 50


def test_aggregation_keeps_the_most_confident_statement_per_post_actor_issue() -> None:
    frame = statements(("p1", "anna", "first"), ("p1", "anna", "second"), ("p2", "anna", "x"))
    predicted = predictions_frame(
        [
            {"troops_on_ground": ("support", 0.6)},
            {"troops_on_ground": ("oppose", 0.9), "nato_membership": ("support", 0.7)},
            {},
        ]
    )
    positions = positions_from_predictions(frame, predicted, CONFIG)
    assert positions.select("post_id", "issue", "stance", "evidence", "score").sort(
        "issue"
    ).rows() == [
        ("p1", "nato_membership", "support", "second", 1.0),
        ("p1", "troops_on_ground", "oppose", "second", -1.0),
    ]
    assert positions.get_column("position_id").n_unique() == 2
    assert dict(positions.schema) == POSITIONS


def fake_head(seed: int = 0) -> StanceHead:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(40, 8)).astype(np.float32)
    examples = training_examples(CONFIG)[::7][:40]
    return train_head(CONFIG, examples, vectors, seed=seed)


def test_artifact_round_trip_and_bad_artifact(tmp_path: Path) -> None:
    head = fake_head()
    [restored] = heads_from_bytes(artifact_bytes([head]), "x.npz")
    assert restored.classes == head.classes
    assert np.allclose(restored.coef["troops_on_ground"], head.coef["troops_on_ground"])
    # The pipeline's fingerprint: the same after a round trip, changed by any weight.
    assert restored.digest() == head.digest()
    restored.coef["troops_on_ground"][0, 0] += 1.0
    assert restored.digest() != head.digest()
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"^.*bad\.npz: not a stance model artifact"):
        read_artifact(bad)
    with pytest.raises(ModelError) as error:
        read_artifact(tmp_path / "missing.npz")
    assert str(error.value) == (
        f"{tmp_path / 'missing.npz'}: model artifact not found; build it with `tracker train`"
    )


def test_artifact_holds_several_members_and_reads_a_single_head_file(tmp_path: Path) -> None:
    first, second = fake_head(0), fake_head(1)
    second.model_id = "other-encoder"
    data = artifact_bytes([first, second])
    restored = heads_from_bytes(data, "x.npz")
    assert [h.digest() for h in restored] == [first.digest(), second.digest()]
    assert artifact_bytes(restored) == data  # what is read back writes the same bytes
    # An artifact of the previous format (one head, no member prefix) still loads.
    single = tmp_path / "single.npz"
    np.savez(single, **first._arrays(""))
    assert [h.digest() for h in read_artifact(single)] == [first.digest()]


def test_members_probabilities_are_averaged() -> None:
    first, second = fake_head(0), fake_head(1)
    second.model_id = "other-encoder"
    model = StanceModel([first, second], ClassifierSettings(threshold=0.0))
    rng = np.random.default_rng(2)
    for head in (first, second):
        model.cache.vectors[model.cache.key("x", head.model_id)] = rng.normal(size=8).astype(
            np.float32
        )
    averaged = model.probabilities(["x"])
    for issue in first.classes:
        expected = (
            first.probabilities(model.embed(["x"], 0))[issue]
            + second.probabilities(model.embed(["x"], 1))[issue]
        ) / 2
        assert np.allclose(averaged[issue], expected)
    mismatched = fake_head(2)
    mismatched.classes = {**mismatched.classes, "nato_membership": ["none", "support"]}
    with pytest.raises(ModelError) as error:
        StanceModel([first, mismatched])
    assert str(error.value) == "the model's members must share their issues and stances"


def test_abstains_below_the_threshold() -> None:
    head = fake_head()
    cache = EmbeddingCache(None, head.model_id)
    texts = ["a", "b"]
    for text in texts:
        cache.vectors[cache.key(text)] = np.zeros(8, dtype=np.float32)
    model = StanceModel(head, ClassifierSettings(threshold=0.99))
    model.cache = cache
    assert model.predict_texts(texts) == [{}, {}]


def test_blend_averages_the_readings_with_and_without_the_headline() -> None:
    head = fake_head()
    model = StanceModel(head, ClassifierSettings(threshold=0.0))
    model.cache = EmbeddingCache(None, head.model_id)
    rng = np.random.default_rng(1)
    read, alone = ["Headline. He said so."], ["He said so."]
    for text in read + alone:
        model.cache.vectors[model.cache.key(text)] = 3 * rng.normal(size=8).astype(np.float32)
    first = head.probabilities(model.embed(read))
    second = head.probabilities(model.embed(alone))
    blended = model.predict_texts(read, alone)[0]
    for issue, classes in head.classes.items():
        mean = (first[issue][0] + second[issue][0]) / 2
        if classes[mean.argmax()] == "none":
            assert issue not in blended
        else:
            assert blended[issue] == (classes[mean.argmax()], pytest.approx(mean.max()))


@pytest.mark.parametrize(
    ("mode", "read", "alone"),
    [
        ("blend", "h. It is too early.", ["It is too early."]),
        ("prefix", "h. It is too early.", None),
        ("off", "It is too early.", None),
    ],
)
def test_headline_setting_chooses_the_readings(
    mode: HeadlineMode, read: str, alone: list[str] | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = StanceModel(fake_head(), ClassifierSettings(headline=mode))
    seen: list[tuple[list[str], list[str] | None]] = []

    def record(
        texts: list[str], config: object, second: list[str] | None = None
    ) -> list[dict[str, tuple[str, float]]]:
        seen.append((list(texts), second))
        return [{} for _ in texts]

    monkeypatch.setattr(model, "predict", record)
    model.classify(statements(("p1", "keir_starmer", "It is too early.")), CONFIG)
    assert seen == [([read], alone)]


def test_keyword_baseline_reads_cue_words() -> None:
    troops = CONFIG.issue_by_id["troops_on_ground"]
    assert baseline_stance(troops, "He ruled out sending troops.") == "oppose"
    assert baseline_stance(troops, "Too early to talk about troops, she said.") == "undecided"
    assert baseline_stance(troops, "We will send troops.") == "support"
    assert baseline_stance(troops, "Energy prices rose.") is None


@pytest.mark.slow
def test_shipped_artifact_is_trained_from_the_current_data() -> None:
    heads = read_artifact(DEFAULT_ARTIFACT)
    # The tuned member and the frozen one.
    assert [bool(head.encoder_weights) for head in heads] == [True, False]
    assert {head.training_hash for head in heads} == {
        training_hash(CONFIG, training_examples(CONFIG))
    }, "tracker/data/stance_head.npz is stale: run `tracker train`"


@pytest.mark.slow
def test_frozen_training_is_deterministic_with_a_seed(tmp_path: Path) -> None:
    runner = CliRunner()
    outputs = []
    # A small training file keeps the test quick; determinism does not depend on size.
    training = tmp_path / "training.yaml"
    training.write_text(
        "labelled:\n"
        '  - {text: "The minister said her country would send soldiers to keep the peace.", '
        "labels: {troops_on_ground: support}}\n"
        '  - {text: "The minister said her country would never send soldiers there.", '
        "labels: {troops_on_ground: oppose}}\n"
        '  - {text: "The minister said the harvest had been good this year.", labels: {}}\n',
        encoding="utf-8",
    )
    for name in ("a.npz", "b.npz"):
        args = [
            "train",
            "--from-scratch",
            "--training",
            str(training),
            "--out",
            str(tmp_path / name),
            "--seed",
            "3",
        ]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]


@given(
    arrays(
        np.int32,
        st.tuples(st.integers(1, 6), st.integers(1, 6)) | st.tuples(st.integers(1, 6)),
        elements=st.integers(-50_000, 50_000),
    )
)
def test_weight_deltas_round_to_within_half_a_step(units: np.ndarray) -> None:
    # Integers scaled down: hypothesis refuses float strategies once a library loaded
    # here has set flush-to-zero (fast-math) processor state.
    delta = units.astype(np.float32) / 1e6
    stored = WeightDelta.of(delta)
    assert stored.values.dtype == np.int8 and stored.values.shape == delta.shape
    rows = delta.reshape(stored.scale.shape[0], -1)
    error = np.abs(stored.dense().reshape(rows.shape) - rows)
    assert (error <= stored.scale[:, None] / 2 + 1e-9).all()


@pytest.mark.slow
def test_encoder_tuning_is_deterministic_with_a_seed_and_moves_only_the_top_layers() -> None:
    from tracker.classify.embed import SentenceEncoder
    from tracker.classify.finetune import (
        FinetuneSettings,
        apply_weights,
        finetune,
        tuned_parameter_names,
    )

    examples = training_examples(CONFIG)[:48]
    texts = [e.text for e in examples]
    labels = class_indexes(CONFIG, examples)
    # Two averaged runs of one epoch over the top layer: the soup path, kept small.
    tiny = FinetuneSettings(top_layers=1, epochs=1, batch_size=16, soup=2)
    runs = []
    for _ in range(2):
        encoder = SentenceEncoder()
        before = {n: p.detach().clone() for n, p in encoder.model.named_parameters()}
        runs.append(finetune(encoder, texts, labels, seed=5, settings=tiny))
        tuned_vectors = encoder.encode(texts[:4])
        after = dict(encoder.model.named_parameters())
        changed = {n for n in before if not bool((before[n] == after[n]).all())}
        assert changed and changed <= set(tuned_parameter_names(encoder, 1))
    assert runs[0].keys() == runs[1].keys()
    assert all(np.array_equal(runs[0][n].values, runs[1][n].values) for n in runs[0])
    # The deltas travel in the artifact and rebuild the tuned encoder from the pretrained one.
    head = fake_head()
    head.encoder_weights = runs[0]
    [restored] = heads_from_bytes(artifact_bytes([head]), "x.npz")
    assert all(
        np.array_equal(restored.encoder_weights[n].values, runs[0][n].values) for n in runs[0]
    )
    fresh = SentenceEncoder()
    apply_weights(fresh, restored.encoder_weights)
    assert np.allclose(fresh.encode(texts[:4]), tuned_vectors, atol=1e-5)


@pytest.mark.slow
def test_model_labels_plain_statements(tmp_path: Path) -> None:
    from tracker.classify import load_classifier

    model = load_classifier(settings=ClassifierSettings(cache_path=tmp_path / "cache.npz"))
    texts = [
        "The prime minister said Britain was ready to deploy troops to Ukraine to keep a peace.",
        "The finance minister said the budget would be published in the spring.",
    ]
    first = model.predict(texts, CONFIG)
    assert first[0].get("troops_on_ground", ("", 0))[0] == "support"
    assert first[1] == {}
    assert (tmp_path / "cache.npz").exists()
    # A second model over the same cache does not need the encoder at all.
    cached = load_classifier(settings=ClassifierSettings(cache_path=tmp_path / "cache.npz"))
    cached.encoder = lambda member=0: pytest.fail("encoder loaded: every text is cached")  # type: ignore[method-assign]
    assert cached.predict(texts, CONFIG) == first


@pytest.mark.slow
@pytest.mark.seeds
def test_statements_dev_model_beats_baseline(gold_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["eval", "--statements", str(gold_dir / "statements_dev.yaml")]
    )
    assert result.exit_code == 0, result.output
    model, baseline = result.output.split("keyword baseline on")
    # The issue's target: macro-F1 >= 0.70 on every issue, above the baseline.
    floors = dict.fromkeys(
        ("nato_membership", "troops_on_ground", "asset_seizure", "ceasefire_terms"), 0.70
    )
    for issue, floor in floors.items():
        ours = float(model.split(issue)[1].split("macro-F1=")[1].split()[0])
        theirs = float(baseline.split(issue)[1].split("macro-F1=")[1].split()[0])
        assert ours >= floor and ours > theirs, (issue, ours, theirs)


@pytest.mark.slow
@pytest.mark.seeds
def test_seed_position_f1_floor(seeds_dir: Path, gold_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = CliRunner().invoke(main, ["run", str(seeds_dir), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    score = subprocess.run(
        [
            sys.executable,
            str(gold_dir.parent / "tools" / "score.py"),
            str(gold_dir / "seeds.yaml"),
            str(out / "positions.csv"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    f1 = float(score.stdout.strip().splitlines()[-1].split("=")[1])
    # A floor under the figure docs/model-card.md reports (the issue's target is higher).
    assert f1 >= SEED_FLOOR, score.stdout


@pytest.mark.seeds
def test_no_eight_word_sequence_of_a_training_statement_occurs_in_a_third_party_page(
    seeds_dir: Path,
) -> None:
    taken = third_party_shingles(seeds_dir.parent)
    copied = sorted(
        example.text for example in training_examples(CONFIG) if shingles(example.text) & taken
    )
    assert copied == [], "list them with: .venv/bin/python tests/own_words.py"


@pytest.mark.parametrize(("name", "phrase"), [("train", "--tune"), ("eval", "--statements")])
def test_classifier_commands_have_help(name: str, phrase: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert phrase in result.output


def test_eval_without_gold_or_statements_says_what_to_give() -> None:
    result = CliRunner().invoke(main, ["eval"])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        "Error: give GOLD and PAGE... to score pages, or --statements FILE"
    )


@pytest.mark.slow
@pytest.mark.seeds
def test_real_dev_position_f1_floor(gold_dir: Path, tmp_path: Path) -> None:
    docs = gold_dir / "real_dev" / "docs"
    out = tmp_path / "data"
    pages = [str(p) for p in sorted(docs.glob("*.txt"))]
    args = ["run", *pages, "--manifest", str(docs / "manifest.csv"), "--out", str(out), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    score = subprocess.run(
        [
            sys.executable,
            str(gold_dir.parent / "tools" / "score.py"),
            str(gold_dir / "real_dev" / "gold.yaml"),
            str(out / "positions.csv"),
            "--by-day",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    f1 = float(score.stdout.strip().splitlines()[-1].split("=")[1])
    # A floor under the figure docs/model-card.md reports, so that a change that loses
    # ground on real reporting is seen; the issue's target is higher.
    assert f1 >= REAL_DEV_FLOOR, score.stdout


@pytest.mark.slow
@pytest.mark.seeds
def test_statements_dev_confidence_is_calibrated(gold_dir: Path) -> None:
    result = CliRunner().invoke(
        main, ["eval", "--statements", str(gold_dir / "statements_dev.yaml")]
    )
    assert result.exit_code == 0, result.output
    ece = float(result.output.split("expected calibration error (all): ")[1].split()[0])
    assert ece <= 0.05
