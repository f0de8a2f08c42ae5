"""Progress of long runs: a bar on a terminal, a line per step otherwise, silence on --quiet."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from paths import DEMO_PAGES, DEMO_POSITIONS

from tracker.progress import QUIET_ENVIRONMENT, RunProgress, counter, run_progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_off_a_terminal_each_step_is_a_log_line_with_rate_and_time_left() -> None:
    stream, clock = io.StringIO(), Clock()
    progress = RunProgress(stream, terminal=False, clock=clock)
    step = counter(progress, 200, "new pages")
    clock.now += 10
    step(64)
    clock.now += 10
    step(64)
    clock.now += 20
    step(72)
    progress("a note between steps")
    assert stream.getvalue().splitlines() == [
        "processed 64/200 new pages (6.4/s, 21s left)",
        "processed 128/200 new pages (6.4/s, 11s left)",
        "processed 200/200 new pages (5/s)",
        "a note between steps",
    ]


def test_long_waits_are_written_in_minutes_and_hours() -> None:
    stream, clock = io.StringIO(), Clock()
    step = counter(RunProgress(stream, terminal=False, clock=clock), 10_000, "pages")
    clock.now += 60
    step(10)
    assert stream.getvalue().strip() == "processed 10/10000 pages (0.167/s, 16h39m left)"


def test_on_a_terminal_a_bar_shows_counts_and_rate() -> None:
    stream = io.StringIO()
    progress = RunProgress(stream, terminal=True)
    step = counter(progress, 10, "new pages")
    step(3)
    progress.close()
    drawn = stream.getvalue()
    assert "new pages" in drawn and "3/10" in drawn
    assert "page/s" in drawn or "s/page" in drawn  # the rate, in pages


def test_a_plain_callback_gets_plain_lines_and_none_gets_nothing() -> None:
    lines: list[str] = []
    step = counter(lines.append, 4, "new pages")
    step(2)
    step(2)
    assert lines == ["processed 2/4 new pages", "processed 4/4 new pages"]
    counter(None, 4, "new pages")(4)  # no callback: nothing to call, nothing raised


def test_quiet_gives_no_progress_and_asks_libraries_for_silence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in QUIET_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    assert isinstance(run_progress(False), RunProgress)
    assert os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS") is None
    assert run_progress(True) is None
    assert {name: os.environ[name] for name in QUIET_ENVIRONMENT} == QUIET_ENVIRONMENT


@pytest.mark.slow
def test_run_quiet_prints_the_summary_line_and_nothing_else(tmp_path: Path) -> None:
    page = sorted(DEMO_PAGES.glob("*.txt"))[0]
    done = subprocess.run(
        [
            *(sys.executable, "-m", "tracker", "run", str(page), "--quiet"),
            *("--positions", str(DEMO_POSITIONS), "--out", str(tmp_path / "data")),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k not in QUIET_ENVIRONMENT},
    )
    assert done.stderr == ""  # no "Loading weights" bars, no progress lines
    assert len(done.stdout.splitlines()) == 1
    assert done.stdout.startswith("pages 1 (1 processed, 0 unchanged;")


@pytest.mark.slow
def test_run_off_a_terminal_logs_one_line_per_batch(tmp_path: Path) -> None:
    pages = sorted(DEMO_PAGES.glob("*.txt"))[:2]
    done = subprocess.run(
        [
            *(sys.executable, "-m", "tracker", "run", *map(str, pages), "--batch-pages", "1"),
            *("--positions", str(DEMO_POSITIONS), "--out", str(tmp_path / "data")),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    steps = [line for line in done.stderr.splitlines() if line.startswith("processed ")]
    assert [line.split(" (")[0] for line in steps] == [
        "processed 1/2 new pages",
        "processed 2/2 new pages",
    ]


def test_a_reporting_block_lends_its_progress_to_loops_below_the_command() -> None:
    from tracker.progress import ambient_counter, reporting

    lines: list[str] = []
    with reporting(lines.append):
        step = ambient_counter(3, "fine-tuning batches")
        step(1)
    ambient_counter(3, "fine-tuning batches")(1)  # outside the block: reported nowhere
    assert lines == ["processed 1/3 fine-tuning batches"]


@pytest.mark.slow
def test_fine_tuning_reports_each_batch() -> None:
    from tracker.classify.embed import SentenceEncoder
    from tracker.classify.finetune import FinetuneSettings, finetune
    from tracker.progress import reporting

    texts = ["we will send troops", "no troops from us", "troops are an option", "not now"]
    settings = FinetuneSettings(top_layers=1, epochs=2, batch_size=2, soup=1)
    lines: list[str] = []
    with reporting(lines.append):
        finetune(SentenceEncoder(), texts, {"troops": [0, 1, 0, 1]}, settings=settings)
    assert lines == [f"processed {n}/4 fine-tuning batches" for n in range(1, 5)]
