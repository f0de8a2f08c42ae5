"""The model card's measured figures, written by `tracker eval --card`, never by hand.

Each evaluation owns one section of the card between two markers,
``<!-- eval:NAME -->`` and ``<!-- /eval:NAME -->``; a new run replaces its own section
and leaves the rest of the card (the prose around it) as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tracker.classify.calibrate import Calibration
from tracker.classify.evaluate import IssueScore, PageScore


def _markers(name: str) -> tuple[str, str]:
    return f"<!-- eval:{name} -->", f"<!-- /eval:{name} -->"


def splice_section(card: str, name: str, body: str) -> str:
    """The card with section `name` replaced by `body` (appended when absent)."""
    start, end = _markers(name)
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(card):
        return pattern.sub(lambda _: block, card, count=1)
    return card.rstrip() + "\n\n" + block + "\n"


def _stamp(command: str, today: date) -> str:
    return f"Measured {today.isoformat()} with `{command}`."


def statement_section(
    title: str,
    scores: Sequence[IssueScore],
    calibration: dict[str, Calibration],
    command: str,
    today: date,
) -> str:
    """Per issue macro-F1 (stances plus "no position") and expected calibration error."""
    lines = [
        f"**{title}**",
        "",
        "| issue | macro-F1 | per class F1 | ECE (all) | ECE (stances) |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for score in scores:
        per_class = ", ".join(f"{k} {v:.2f}" for k, v in score.per_class_f1.items())
        every = calibration.get(score.issue)
        stances = calibration.get(f"{score.issue}:stances")
        lines.append(
            f"| {score.issue} | {score.macro_f1:.3f} | {per_class} | "
            f"{every.ece if every else float('nan'):.3f} | "
            f"{stances.ece if stances else float('nan'):.3f} |"
        )
    mean = sum(s.macro_f1 for s in scores) / len(scores) if scores else 0.0
    overall = calibration.get("ALL")
    lines.append(f"| mean | {mean:.3f} | | {overall.ece if overall else float('nan'):.3f} | |")
    lines += ["", _stamp(command, today)]
    return "\n".join(lines)


def page_section(title: str, scores: Sequence[PageScore], command: str, today: date) -> str:
    """Per issue position precision, recall and F1, as score.py prints them."""
    lines = [
        f"**{title}**",
        "",
        "| issue | gold | predicted | detection F1 | position P | position R | position F1 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in scores:
        name = "**all**" if s.issue == "ALL" else s.issue
        lines.append(
            f"| {name} | {s.n_gold} | {s.n_pred} | {s.detect_f1:.2f} | "
            f"{s.position_precision:.2f} | {s.position_recall:.2f} | {s.position_f1:.3f} |"
        )
    lines += ["", _stamp(command, today)]
    return "\n".join(lines)
