"""The training data's coverage matrix (issue x stance x form), from the `form` tag of
each labelled statement, written into the model card's `coverage` section.

usage: python bench/training_coverage.py [--card docs/model-card.md]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from tracker.classify.card import splice_section
from tracker.classify.training import DATA, training_examples
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.storage import atomic_write_text

UNTAGGED = "untagged"


def forms_by_text() -> dict[str, str]:
    """The form tag of each labelled statement in the shipped training files."""
    forms: dict[str, str] = {}
    for path in sorted(DATA.glob("training*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for section in ("labelled", "multi"):
            for item in data.get(section) or []:
                forms[str(item["text"])] = str(item.get("form") or UNTAGGED)
    return forms


def coverage_table() -> str:
    config = read_positions(DEFAULT_POSITIONS)
    examples = training_examples(config, editor_weight=0)
    forms = forms_by_text()
    counts: Counter[tuple[str, str, str]] = Counter()
    for example in examples:
        form = forms.get(example.text, UNTAGGED)
        if not example.labels:
            counts[("(none)", "no position", form)] += 1
        for issue, stance in example.labels.items():
            counts[(issue, stance, form)] += 1
    all_forms = sorted({form for _, _, form in counts})
    rows = sorted({(issue, stance) for issue, stance, _ in counts})
    lines = [
        f"{len(examples)} training statements; a statement with two positions counts in both "
        "rows. Forms are the `form:` tags of the training files (`untagged`: the older files, "
        "written before the tags).",
        "",
        "| issue | stance | " + " | ".join(all_forms) + " | total |",
        "| --- | --- | " + " | ".join("---:" for _ in all_forms) + " | ---: |",
    ]
    for issue, stance in rows:
        cells = [counts[(issue, stance, form)] for form in all_forms]
        lines.append(
            f"| {issue} | {stance} | " + " | ".join(str(c) for c in cells) + f" | {sum(cells)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--card", type=Path, default=None)
    args = parser.parse_args()
    table = coverage_table()
    print(table)
    if args.card is not None:
        card = args.card.read_text(encoding="utf-8") if args.card.exists() else "# Model card\n"
        atomic_write_text(args.card, splice_section(card, "coverage", table))


if __name__ == "__main__":
    main()
