"""What the project ships is written in its own words: no run of eight consecutive
words of a third-party seed page may occur in it (shared by the demo-corpus and the
training-data tests)."""

from __future__ import annotations

import re
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
