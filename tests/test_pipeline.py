"""The whole pipeline: incremental, idempotent, crash-safe, nothing lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.pipeline import run_pipeline
from tracker.schemas import POSITIONS, POSTS, STATEMENTS, check_frame

REPO = Path(__file__).resolve().parent.parent
DEMO_PAGES = REPO / "demo" / "pages"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def classifier() -> Iterator[object]:
    from tracker.classify import load_classifier

    yield load_classifier()


@pytest.fixture()
def pages(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "pages"
    folder.mkdir()
    demo = sorted(DEMO_PAGES.glob("*.txt"))[:3]
    assert len(demo) == 3, "the demo corpus needs at least three pages"
    for page in demo:
        shutil.copy(page, folder / page.name)
    return sorted(folder.iterdir())


def test_run_writes_every_stage_with_its_schema(
    pages: list[Path], tmp_path: Path, classifier: object
) -> None:
    out = tmp_path / "data"
    summary = run_pipeline(pages, out, read_positions(DEFAULT_POSITIONS), classifier=classifier)  # type: ignore[arg-type]
    assert summary.pages == 3 and summary.new_pages == 3 and summary.reused_pages == 0
    for name, schema in (("posts", POSTS), ("statements", STATEMENTS), ("positions", POSITIONS)):
        check_frame(pl.read_parquet(out / f"{name}.parquet"), schema, name)
    positions = pl.read_csv(out / "positions.csv")
    assert {"doc", "post_time", "actor", "issue", "stance", "confidence", "evidence"} <= set(
        positions.columns
    )
    assert summary.positions == positions.height > 0
    assert (out / "shifts.csv").exists()
    timed = pl.read_parquet(out / "posts.parquet").filter(~pl.col("is_head")).height
    assert summary.posts == timed


def test_second_run_reuses_every_page_and_changes_nothing(
    pages: list[Path], tmp_path: Path, classifier: object
) -> None:
    out = tmp_path / "data"
    config = read_positions(DEFAULT_POSITIONS)
    first = run_pipeline(pages, out, config, classifier=classifier)  # type: ignore[arg-type]
    before = pl.read_parquet(out / "positions.parquet")
    second = run_pipeline(pages, out, config, classifier=classifier)  # type: ignore[arg-type]
    assert second.new_pages == 0 and second.reused_pages == 3
    assert second.line().split("), ", 1)[1] == first.line().split("), ", 1)[1]
    assert pl.read_parquet(out / "positions.parquet").equals(before)


def test_changed_page_alone_is_processed_again(
    pages: list[Path], tmp_path: Path, classifier: object
) -> None:
    out = tmp_path / "data"
    config = read_positions(DEFAULT_POSITIONS)
    run_pipeline(pages, out, config, classifier=classifier)  # type: ignore[arg-type]
    pages[0].write_text(pages[0].read_text(encoding="utf-8") + "\n", encoding="utf-8")
    again = run_pipeline(pages, out, config, classifier=classifier)  # type: ignore[arg-type]
    assert (again.new_pages, again.reused_pages) == (1, 2)


def test_unreadable_page_is_reported_and_the_rest_processed(
    pages: list[Path], tmp_path: Path, classifier: object
) -> None:
    broken = pages[0].parent / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02 binary junk \xff\xfe\x00")
    out = tmp_path / "data"
    summary = run_pipeline(
        [*pages, broken],
        out,
        read_positions(DEFAULT_POSITIONS),
        classifier=classifier,  # type: ignore[arg-type]
    )
    assert summary.failed_pages == ["broken.txt"]
    assert summary.pages == 4 and summary.positions > 0
    rejects = pl.read_csv(out / "rejects.csv")
    assert rejects.filter(pl.col("doc") == "broken.txt").height == 1


def test_run_killed_midway_leaves_old_results_and_next_run_completes(tmp_path: Path) -> None:
    out = tmp_path / "data"
    pages = sorted(DEMO_PAGES.glob("*.txt"))
    assert len(pages) >= 4
    tracker = [sys.executable, "-m", "tracker"]
    # A complete earlier run on the first page: its results must survive the crash.
    subprocess.run([*tracker, "run", str(pages[0]), "--out", str(out)], check=True)
    old_positions = pl.read_parquet(out / "positions.parquet")

    run = subprocess.Popen(
        [*tracker, "run", *map(str, pages), "--out", str(out), "--batch-pages", "1"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert run.stderr is not None
    for line in run.stderr:
        if line.startswith("processed 1/"):
            os.kill(run.pid, signal.SIGKILL)
            break
    run.wait()
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    # The previous combined results are still readable, unchanged.
    assert pl.read_parquet(out / "positions.parquet").equals(old_positions)

    finished = subprocess.run(
        [*tracker, "run", *map(str, pages), "--out", str(out), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    )
    summary = finished.stdout.strip().splitlines()[-1]
    # The first page and the one finished before the kill are reused.
    assert f"{len(pages) - 2} processed, 2 unchanged" in summary
    fresh = tmp_path / "fresh"
    subprocess.run(
        [*tracker, "run", *map(str, pages), "--out", str(fresh), "--quiet"],
        check=True,
        capture_output=True,
    )
    resumed = pl.read_parquet(out / "positions.parquet").sort("position_id")
    expected = pl.read_parquet(fresh / "positions.parquet").sort("position_id")
    # Everything but the confidence is the same. Embeddings computed in other padded
    # batches differ slightly (more under bf16 autocast, used where the CPU has bf16
    # units), so the confidence may move in its third decimal.
    assert_frame_equal(resumed.drop("confidence"), expected.drop("confidence"))
    gap = (resumed.get_column("confidence") - expected.get_column("confidence")).abs().max()
    assert isinstance(gap, float) and gap < 5e-3


def test_run_help_names_the_options() -> None:
    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--positions", "--year", "--model", "--batch-pages"):
        assert option in result.output
