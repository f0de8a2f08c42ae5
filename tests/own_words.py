"""What the project ships is written in its own words: no run of eight consecutive
words of a third-party page (the seeds, the real excerpts and their published texts, the
dev statements) may occur in it. Shared by the demo-corpus and the training-data tests.

Run as a script, it lists the repository's training statements that share such a run,
printing only the repository's own sentence (never the third-party text):

    .venv/bin/python tests/own_words.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SHINGLE_WORDS = 8


def shingles(text: str) -> set[tuple[str, ...]]:
    """Every run of SHINGLE_WORDS consecutive words, case and punctuation ignored."""
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))
    return {
        tuple(words[start : start + SHINGLE_WORDS])
        for start in range(len(words) - SHINGLE_WORDS + 1)
    }


def seed_shingles(seeds_dir: Path) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for seed in sorted(seeds_dir.glob("*.txt")):
        found |= shingles(seed.read_text(encoding="utf-8"))
    assert found, "the seeds gave no text to compare with"
    return found


def third_party_shingles(shared: Path) -> set[tuple[str, ...]]:
    """The seeds, the real excerpts (as laid out and as published) and the dev
    statements."""
    found = seed_shingles(shared / "seeds")
    real = shared / "gold" / "real_dev"
    for path in [*sorted((real / "docs").glob("*.txt")), real / "raw.yaml"]:
        found |= shingles(path.read_text(encoding="utf-8"))
    found |= shingles((shared / "gold" / "statements_dev.yaml").read_text(encoding="utf-8"))
    return found


def main() -> int:
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo))
    from tracker.classify import read_training
    from tracker.config import read_positions

    config = read_positions(repo / "positions.yaml")
    taken = third_party_shingles(repo.parent / "shared")
    bad = 0
    for path in sorted((repo / "tracker" / "data").glob("training*.yaml")):
        for example in read_training(path.read_text("utf-8"), config, str(path)):
            if shingles(example.text) & taken:
                bad += 1
                print(f"{path.name}: {example.text}")
    print(f"{bad} training statement(s) share an 8-word run with a third-party page")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
