"""Keyword baseline: a yardstick for the evaluation only, never used to label pages.

A statement is about an issue when it uses one of the issue's keywords (positions.yaml);
its stance is read from generic cue words: ruling out -> the lowest stance, hedging or
conditions -> the middle, anything else -> the highest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tracker.config import Issue, PositionsConfig

NEGATIVE = re.compile(
    r"\b(?:rule[sd]? out|ruling out|reject\w*|oppos\w*|against|never|won't|will not|"
    r"refus\w*|no longer|not on the table|off the table|out of the question|theft|illegal)\b",
    re.IGNORECASE,
)
MIDDLE = re.compile(
    r"\b(?:too early|premature|depends?|not yet|undecided|complicated|later|only if|unless|"
    r"conditions?|guarantees?|provided|must|root causes|consider\w*|review)\b",
    re.IGNORECASE,
)


def baseline_stance(issue: Issue, text: str) -> str | None:
    if not issue.is_about(text):
        return None
    ordered = issue.stances  # highest score first
    if NEGATIVE.search(text):
        return ordered[-1].id
    if MIDDLE.search(text) and len(ordered) > 2:
        return ordered[len(ordered) // 2].id
    return ordered[0].id


def baseline_predict(
    texts: Sequence[str], config: PositionsConfig
) -> list[dict[str, tuple[str, float]]]:
    """For each text: issue -> (stance, 1.0) where the keywords fire."""
    out: list[dict[str, tuple[str, float]]] = []
    for text in texts:
        labels: dict[str, tuple[str, float]] = {}
        for issue in config.issues:
            stance = baseline_stance(issue, text)
            if stance is not None:
                labels[issue.id] = (stance, 1.0)
        out.append(labels)
    return out
