"""The review write-back under pressure: two writers at once, an editor saving by hand
in the middle of a write, a broken file. Nothing is lost; a refusal says why."""

from __future__ import annotations

import multiprocessing
import os
import time
from datetime import date
from pathlib import Path

import pytest
from test_hostile_config import MINIMAL

import tracker.review
from tracker.config import PositionsConfig, read_positions
from tracker.errors import ConcurrentEditError, ConfigError
from tracker.review import add_curated_position, mark_wrong, text_version

HEADER = "# Edited by hand: keep this comment.\n"


@pytest.fixture()
def positions(tmp_path: Path) -> Path:
    path = tmp_path / "positions.yaml"
    path.write_text(HEADER + MINIMAL + "positions: []\n", encoding="utf-8")
    return path


def add(path: Path, day: int) -> PositionsConfig:
    return add_curated_position(
        path, actor="anna_berg", issue="canal_tolls", day=date(2025, 1, day), stance="support"
    )


def _writer(path: str, first_day: int, count: int) -> None:
    """Child process: add `count` positions, each validated slowly (as a large file is),
    so that the two writers' reads and writes interleave."""
    validate = tracker.review.load_positions

    def slow(text: str, source: str = "positions.yaml") -> PositionsConfig:
        time.sleep(0.02)
        return validate(text, source)

    tracker.review.load_positions = slow  # type: ignore[assignment]
    for day in range(first_day, first_day + count):
        add(Path(path), day)


def test_two_writers_at_once_keep_every_entry(positions: Path) -> None:
    context = multiprocessing.get_context("spawn")
    writers = [
        context.Process(target=_writer, args=(str(positions), first, 12)) for first in (1, 13)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    kept = read_positions(positions).positions
    assert sorted(p.date.day for p in kept) == list(range(1, 25))
    assert positions.read_text(encoding="utf-8").startswith(HEADER)


def test_a_hand_edit_made_during_the_write_is_kept_and_the_write_refused(
    positions: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    validate = tracker.review.load_positions
    by_hand = positions.read_text(encoding="utf-8").replace("name: Anna Berg", "name: Anna M. Berg")

    def editor_saves_meanwhile(text: str, source: str = "positions.yaml") -> PositionsConfig:
        if "2025-01-05" in text:  # validating the new text: the editor saves now
            positions.write_text(by_hand, encoding="utf-8")
        return validate(text, source)

    monkeypatch.setattr(tracker.review, "load_positions", editor_saves_meanwhile)
    with pytest.raises(ConcurrentEditError) as raised:
        add(positions, 5)
    assert str(raised.value) == (
        f"{positions} changed while this change was being written (edited by hand?): "
        "nothing was written; reload and make the change again"
    )
    assert positions.read_text(encoding="utf-8") == by_hand


def test_a_write_based_on_an_old_read_is_refused(positions: Path) -> None:
    seen = text_version(positions.read_text(encoding="utf-8"))
    add(positions, 1)  # someone else's write in between
    with pytest.raises(ConcurrentEditError) as raised:
        mark_wrong(positions, "p-00000000000001", based_on=seen)
    assert str(raised.value) == (
        f"{positions} changed since it was read (edited elsewhere): nothing was written; "
        "reload and make the change again"
    )
    assert read_positions(positions).wrong == []
    fresh = text_version(positions.read_text(encoding="utf-8"))
    assert [w.id for w in mark_wrong(positions, "p-00000000000001", based_on=fresh).wrong] == [
        "p-00000000000001"
    ]


def test_a_syntax_error_gets_a_message_with_its_line_not_a_ruamel_error(
    positions: Path,
) -> None:
    broken = positions.read_text(encoding="utf-8").replace("aliases: [Berg]", "aliases: [Berg")
    positions.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        add(positions, 1)
    assert len(raised.value.problems) == 1
    assert raised.value.problems[0].startswith(f"{positions}:6: YAML syntax error: ")
    assert raised.value.problems[0].endswith("(check indentation and quotes)")
    with pytest.raises(ConfigError):
        mark_wrong(positions, "p-00000000000001")
    assert positions.read_text(encoding="utf-8") == broken


def test_ruamel_only_errors_are_config_errors_too(positions: Path) -> None:
    # ruamel refuses a text PyYAML read; the message names the file and line.
    with pytest.raises(ConfigError) as raised:
        tracker.review._append("a: [1\n", "positions", {"x": 1}, "p.yaml")
    assert raised.value.problems[0].startswith("p.yaml:2: YAML syntax error: ")


def test_an_alias_bomb_in_the_file_is_refused_before_ruamel_reads_it(positions: Path) -> None:
    bomb = 'x0: &x0 ["a"]\n' + "".join(
        f"x{n}: &x{n} [{', '.join([f'*x{n - 1}'] * 10)}]\n" for n in range(1, 9)
    )
    positions.write_text(bomb + MINIMAL, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as raised:
        add(positions, 1)
    assert "anchors and aliases" in raised.value.problems[0]
    assert time.perf_counter() - started < 5


def test_the_file_keeps_its_mode(positions: Path) -> None:
    os.chmod(positions, 0o640)
    add(positions, 1)
    assert positions.stat().st_mode & 0o777 == 0o640
    assert (positions.with_name("positions.yaml.bak").stat().st_mode & 0o777) == 0o640
