"""Review write-back: positions.yaml keeps every other byte, a backup, and stays valid."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from datadir import build_data_dir
from paths import DEMO_POSITIONS

from tracker.config import load_positions
from tracker.errors import ConfigError
from tracker.review import add_curated_position, mark_wrong
from tracker.series import series_from_data_dir
from tracker.views import UnknownPositionError, check_position_id

SMALL = """\
# the editor's notes stay
actors:
  - id: keir_starmer  # UK
    name: Keir Starmer
    aliases: [Starmer]
issues:
  - id: troops_on_ground
    label: Troops on the ground
    question: Should foreign troops be sent?
    keywords: [troops]
    stances:
      - id: support
        score: 1.0
        description: Send them.
      - id: oppose
        score: -1.0
        description: Keep them home.
positions: []

# wrong labels below
wrong: []
"""


@pytest.fixture()
def positions_file(tmp_path: Path) -> Path:
    path = tmp_path / "positions.yaml"
    shutil.copy(DEMO_POSITIONS, path)
    return path


def test_curated_position_is_appended_and_nothing_else_changes(positions_file: Path) -> None:
    original = positions_file.read_text(encoding="utf-8")
    config = add_curated_position(
        positions_file,
        actor="keir_starmer",
        issue="asset_seizure",
        day=date(2025, 10, 23),
        stance="support",
        quote='He said "<b>yes</b>" in Brussels',
        note="said in Brussels",
    )
    updated = positions_file.read_text(encoding="utf-8")
    # The new lines sit at the end of `positions:`; every other byte is kept.
    before, after = original.split("\nwrong:")
    assert updated == (
        before
        + "  - actor: keir_starmer\n"
        + "    issue: asset_seizure\n"
        + "    date: 2025-10-23\n"
        + "    stance: support\n"
        + '    quote: He said "<b>yes</b>" in Brussels\n'
        + "    note: said in Brussels\n"
        + "\nwrong:"
        + after
    )
    assert (positions_file.parent / "positions.yaml.bak").read_text(encoding="utf-8") == original
    last = config.positions[-1]
    assert (last.actor, last.issue, last.stance, last.quote) == (
        "keir_starmer",
        "asset_seizure",
        "support",
        'He said "<b>yes</b>" in Brussels',
    )
    assert load_positions(updated, "positions.yaml").positions[-1] == last


def test_comments_survive_in_a_small_file(tmp_path: Path) -> None:
    path = tmp_path / "positions.yaml"
    path.write_text(SMALL, encoding="utf-8")
    add_curated_position(
        path,
        actor="keir_starmer",
        issue="troops_on_ground",
        day=date(2025, 2, 17),
        stance="support",
    )
    mark_wrong(path, "p-0123456789ab", "another speaker")
    text = path.read_text(encoding="utf-8")
    assert "# the editor's notes stay" in text
    assert "  - id: keir_starmer  # UK" in text
    assert "# wrong labels below" in text
    config = load_positions(text, str(path))
    assert [(p.actor, p.date) for p in config.positions] == [("keir_starmer", date(2025, 2, 17))]
    assert [(w.id, w.note) for w in config.wrong] == [("p-0123456789ab", "another speaker")]


def test_an_invalid_entry_is_refused_and_the_file_is_untouched(positions_file: Path) -> None:
    original = positions_file.read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        add_curated_position(
            positions_file,
            actor="keir_starmer",
            issue="troops_on_ground",
            day=date(2025, 1, 1),
            stance="maybe",
        )
    assert raised.value.problems[0].endswith(
        "positions[4].stance: unknown stance 'maybe' for troops_on_ground: "
        "use one of support, undecided, oppose"
    )
    assert positions_file.read_text(encoding="utf-8") == original
    assert not (positions_file.parent / "positions.yaml.bak").exists()


def test_mark_wrong_drops_the_observation(tmp_path: Path, positions_file: Path) -> None:
    data = build_data_dir(tmp_path / "data", positions_file)
    config = mark_wrong(positions_file, "p-00000000000001", "not his words")
    assert [w.id for w in config.wrong] == ["p-00000000000001"]
    series = series_from_data_dir(data, config)
    assert "p-00000000000001" not in series.observations.get_column("position_id").to_list()
    model_rows = series.observations.filter(
        (pl.col("actor") == "keir_starmer") & (pl.col("source") == "model")
    )
    assert model_rows.get_column("position_id").to_list() == ["p-00000000000000"]
    # Marking twice changes nothing.
    before = positions_file.read_text(encoding="utf-8")
    mark_wrong(positions_file, "p-00000000000001")
    assert positions_file.read_text(encoding="utf-8") == before


def test_an_unknown_position_id_is_named_in_the_error(tmp_path: Path) -> None:
    data = build_data_dir(tmp_path / "data", DEMO_POSITIONS)
    positions = pl.read_parquet(data / "positions.parquet")
    assert check_position_id(positions, " p-00000000000002 ") == "p-00000000000002"
    with pytest.raises(UnknownPositionError) as raised:
        check_position_id(positions, "p-nope")
    assert str(raised.value) == (
        "no position 'p-nope' in this data directory: copy the id from the evidence explorer"
    )
