"""Classify: for each statement and each tracked issue, which stance (if any) it takes.

- ``frames``: settings, the classifier protocol, statements -> positions frames;
- ``training``: the labelled statements and the heads fitted on them;
- ``model``: the shipped classifier (encoders + heads) and ``load_classifier``;
- ``embed``, ``finetune``, ``artifact``: the sentence encoder, its fine-tuning, the file;
- ``zeroshot``: an NLI model directory as another backend;
- ``baseline``, ``evaluate``: the keyword yardstick and scoring against gold.
"""

from tracker.classify.frames import (
    NONE,
    ClassifierSettings,
    EncoderBackend,
    HeadlineMode,
    StanceClassifier,
    classifier_inputs,
    positions_from_predictions,
    predictions_frame,
)
from tracker.classify.model import DEFAULT_ARTIFACT, StanceModel, load_classifier
from tracker.classify.training import (
    DATA,
    TrainingExample,
    class_indexes,
    read_training,
    train_classifier,
    train_head,
    training_examples,
    training_hash,
)

__all__ = [
    "DATA",
    "DEFAULT_ARTIFACT",
    "NONE",
    "ClassifierSettings",
    "EncoderBackend",
    "HeadlineMode",
    "StanceClassifier",
    "StanceModel",
    "TrainingExample",
    "class_indexes",
    "classifier_inputs",
    "load_classifier",
    "positions_from_predictions",
    "predictions_frame",
    "read_training",
    "train_classifier",
    "train_head",
    "training_examples",
    "training_hash",
]
