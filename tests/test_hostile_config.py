"""Hostile and sloppy positions.yaml: refused with a clear message, never expanded or run.

Also the actor ids and `wrong:` ids a user types: an unknown one is named, with the id
they probably meant, instead of an empty answer.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from datadir import build_data_dir

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, load_positions, read_positions
from tracker.errors import ConfigError

MINIMAL = """\
actors:
  - id: anna_berg
    name: Anna Berg
    aliases: [Berg]
issues:
  - id: canal_tolls
    label: Canal tolls
    question: Should the canal charge tolls?
    stances:
      - {id: support, score: 1, description: for tolls}
      - {id: oppose, score: -1, description: against tolls}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_positions(text, "p.yaml")
    return raised.value.problems


def alias_bomb(levels: int, width: int) -> str:
    """Each level lists the previous one `width` times: width**levels nodes once expanded."""
    lines = ['a0: &a0 ["boom"]']
    for level in range(1, levels + 1):
        items = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{items}]")
    return "\n".join(lines) + "\n" + MINIMAL


def test_an_alias_bomb_is_refused_with_a_clear_message() -> None:
    assert problems(alias_bomb(levels=3, width=3)) == [
        "p.yaml:1: YAML anchors and aliases (anchor &a0) are not allowed in this file: "
        "write each entry out in full"
    ]


@pytest.mark.timeout(60)
def test_a_billion_node_alias_bomb_is_refused_at_once() -> None:
    text = alias_bomb(levels=9, width=10)  # 10**9 nodes if expanded; under 400 bytes
    assert len(text.encode()) < 1200
    started = time.perf_counter()
    assert problems(text)[0].startswith("p.yaml:1: YAML anchors and aliases")
    assert time.perf_counter() - started < 5


def test_an_alias_in_an_otherwise_valid_file_is_refused_at_its_line() -> None:
    text = MINIMAL.replace(
        "    aliases: [Berg]\n",
        "    aliases: &names [Berg]\n  - id: bo_berg\n    name: Bo Berg\n    aliases: *names\n",
    )
    assert problems(text) == [
        "p.yaml:4: YAML anchors and aliases (anchor &names) are not allowed in this file: "
        "write each entry out in full"
    ]
    only_alias = MINIMAL.replace("aliases: [Berg]", "aliases: [*names]")
    assert problems(only_alias) == [
        "p.yaml:4: YAML anchors and aliases (alias *names) are not allowed in this file: "
        "write each entry out in full"
    ]


def test_a_python_tag_is_refused_as_a_tag_not_as_bad_syntax() -> None:
    text = MINIMAL.replace("name: Anna Berg", "name: !!python/object/apply:os.system ['true']")
    assert problems(text) == [
        "p.yaml:3: YAML tags such as !!python/object/apply:os.system are not allowed in this "
        "file: write plain values (text, numbers, dates, lists and mappings)"
    ]
    local = MINIMAL.replace("name: Anna Berg", "name: !secret Anna Berg")
    assert problems(local)[0].startswith("p.yaml:3: YAML tags such as !secret are not allowed")


@pytest.mark.parametrize("blank", ['""', "' '", '"\t"'])
def test_a_blank_alias_is_refused_with_its_key_path(blank: str) -> None:
    text = MINIMAL.replace("aliases: [Berg]", f"aliases: [Berg, {blank}]")
    assert problems(text) == [
        "p.yaml:4: actors[0].aliases[1]: an alias must not be blank: it would match other "
        "people's words"
    ]


def curated(day: str) -> str:
    return MINIMAL + (
        f"positions:\n  - {{actor: anna_berg, issue: canal_tolls, date: {day}, stance: support}}\n"
    )


def test_a_curated_position_dated_in_the_future_is_refused() -> None:
    later = (datetime.now(UTC).date() + timedelta(days=3)).isoformat()
    assert problems(curated(later)) == [
        f"p.yaml:13: positions[0].date: {later} is in the future: a curated position "
        "records what was said on a day that has come"
    ]
    # Today, and tomorrow for an editor east of Greenwich, are fine.
    for days in (0, 1):
        day = (datetime.now(UTC).date() + timedelta(days=days)).isoformat()
        assert len(load_positions(curated(day), "p.yaml").positions) == 1


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return build_data_dir(tmp_path / "data", DEFAULT_POSITIONS)


def tracker(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--positions", str(DEFAULT_POSITIONS)])
    return result.exit_code, result.output.strip()


def test_shifts_for_an_unknown_actor_suggest_the_id(data_dir: Path) -> None:
    assert tracker("shifts", str(data_dir), "--actor", "zelensky") == (
        1,
        "Error: unknown actor 'zelensky': did you mean volodymyr_zelensky?",
    )
    # A known actor without shifts still gets the plain answer.
    assert tracker("shifts", str(data_dir), "--actor", "vladimir_putin") == (0, "No shifts.")


def test_chart_for_an_unknown_actor_suggests_the_id(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    chart = ("chart", "--issue", "troops_on_ground", "--data", str(data_dir), "--out", str(out))
    assert tracker(*chart, "--actors", "keir_starmer,putin") == (
        1,
        "Error: unknown actor 'putin': did you mean vladimir_putin?",
    )
    assert not out.exists()


def test_check_config_with_data_names_a_mistyped_wrong_id(data_dir: Path, tmp_path: Path) -> None:
    positions = tmp_path / "positions.yaml"
    text = DEFAULT_POSITIONS.read_text(encoding="utf-8")
    assert "\nwrong: []\n" in text
    good, typo = "p-00000000000001", "p-0000000000001"
    positions.write_text(
        text.replace("\nwrong: []\n", f"\nwrong:\n  - id: {good}\n  - id: {typo}\n"),
        encoding="utf-8",
    )
    line = positions.read_text(encoding="utf-8").splitlines().index(f"  - id: {typo}") + 1
    plain = CliRunner().invoke(main, ["check-config", "--positions", str(positions)])
    assert plain.exit_code == 0, plain.output
    checked = CliRunner().invoke(
        main, ["check-config", "--positions", str(positions), "--data", str(data_dir)]
    )
    assert checked.exit_code == 1
    assert checked.output.splitlines() == [
        f"Error: {positions} is invalid:",
        f"  {positions}:{line}: wrong[1].id: {typo!r} is not a position id in the data: "
        "check it for a typo (copy ids from the evidence explorer or positions.csv)",
    ]
    assert len(read_positions(positions).wrong) == 2


def mistyped_wrong(tmp_path: Path) -> tuple[Path, str, int]:
    """positions.yaml with one `wrong:` id that no position has; its line."""
    positions = tmp_path / "typo.yaml"
    typo = "p-0000000000000x"
    text = DEFAULT_POSITIONS.read_text(encoding="utf-8")
    positions.write_text(text.replace("\nwrong: []\n", f"\nwrong:\n  - id: {typo}\n"), "utf-8")
    line = positions.read_text(encoding="utf-8").splitlines().index(f"  - id: {typo}") + 1
    return positions, typo, line


def test_series_warns_about_a_mistyped_wrong_id(data_dir: Path, tmp_path: Path) -> None:
    positions, typo, line = mistyped_wrong(tmp_path)
    result = CliRunner().invoke(main, ["series", str(data_dir), "--positions", str(positions)])
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: {positions}:{line}: wrong[0].id: {typo!r} is not a position id in the "
        "data: check it for a typo (copy ids from the evidence explorer or positions.csv)"
    ) in result.output.splitlines()
