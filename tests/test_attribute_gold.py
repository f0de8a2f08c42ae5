"""Attribution against the gold: the seed pages and the real_dev excerpts of ../shared
(skipped where it is absent). Floors: every seed speaker, and 95% of real_dev's
(post, actor) pairs keyed by day, as scored by ../shared/tools/score.py --actors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from own_words import shingles, third_party_shingles

from tracker.cli import main

REAL_DEV_FLOOR = 0.95
SEED_FLOOR = 1.0


def _actor_recall(gold_dir: Path, gold: Path, statements: Path, *flags: str) -> float:
    score = subprocess.run(
        [
            sys.executable,
            str(gold_dir.parent / "tools" / "score.py"),
            str(gold),
            str(statements),
            "--actors",
            *flags,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(score.stdout.strip().splitlines()[-1].split("=")[1])


@pytest.mark.seeds
def test_seed_actor_recall(seeds_dir: Path, gold_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "statements.csv"
    result = CliRunner().invoke(main, ["statements", str(seeds_dir), "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert _actor_recall(gold_dir, gold_dir / "seeds.yaml", out) >= SEED_FLOOR


def test_real_dev_actor_recall_by_day(gold_dir: Path, tmp_path: Path) -> None:
    docs = gold_dir / "real_dev" / "docs"
    if not docs.is_dir():
        pytest.skip("../shared/gold/real_dev is absent")
    out = tmp_path / "statements.csv"
    args = ["statements", *map(str, sorted(docs.glob("*.txt"))), "--csv", str(out)]
    if (docs / "manifest.csv").is_file():
        args += ["--manifest", str(docs / "manifest.csv")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    recall = _actor_recall(gold_dir, gold_dir / "real_dev" / "gold.yaml", out, "--by-day")
    assert recall >= REAL_DEV_FLOOR


def test_attribution_rules_and_fixtures_are_in_our_own_words(gold_dir: Path) -> None:
    # Rules, comments and fixtures may name a construction, never carry a page's words.
    repo = Path(__file__).resolve().parent.parent
    taken = third_party_shingles(gold_dir.parent)
    files = [
        *sorted((repo / "tracker" / "attribute").glob("*.py")),
        *sorted((repo / "tests").glob("test_attribute*.py")),
    ]
    copied = [path.name for path in files if shingles(path.read_text("utf-8")) & taken]
    assert copied == []
