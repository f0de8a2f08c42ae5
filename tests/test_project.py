"""A user's project: `tracker init`, where every command finds positions.yaml, where the
trained model goes, and the demo's positions kept in step with the tracked file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from paths import DEMO_POSITIONS, TRACKED_POSITIONS

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.errors import ProjectError
from tracker.project import MODEL_FILE, find_positions, init_project, model_for


def _tracked_sections(path: Path) -> tuple[object, object]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["actors"], data["issues"]


def test_init_writes_a_starter_with_the_tracked_actors_and_issues_and_no_curations(
    tmp_path: Path,
) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "proj")])
    assert result.exit_code == 0, result.output
    written = tmp_path / "proj" / "positions.yaml"
    assert f"wrote {written}\n" in result.output
    assert (tmp_path / "proj" / "pages").is_dir()
    config = read_positions(written)
    assert config.positions == [] and config.wrong == []
    assert _tracked_sections(written) == _tracked_sections(TRACKED_POSITIONS)
    text = written.read_text(encoding="utf-8")
    assert "# actors:" in text  # the editor's comments travel with the starter


def test_init_never_overwrites_a_positions_file(tmp_path: Path) -> None:
    (tmp_path / "positions.yaml").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'positions.yaml'} already exists: "
        "`tracker init` never overwrites a positions file\n"
    )
    assert (tmp_path / "positions.yaml").read_text(encoding="utf-8") == "mine\n"


def test_init_refuses_a_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("", encoding="utf-8")
    with pytest.raises(ProjectError, match="exists and is not a folder"):
        init_project(target)


def test_shipped_starter_is_the_tracked_file() -> None:
    assert DEFAULT_POSITIONS.read_bytes() == TRACKED_POSITIONS.read_bytes()


def test_demo_positions_track_the_same_actors_and_issues() -> None:
    assert _tracked_sections(DEMO_POSITIONS) == _tracked_sections(TRACKED_POSITIONS)
    assert read_positions(DEMO_POSITIONS).positions, "the demo shows its curated entries"


def test_tracked_file_has_no_demo_curations() -> None:
    for entry in read_positions(TRACKED_POSITIONS).positions:
        assert entry.source.startswith("http"), "a tracked curation names its real source"


def test_positions_found_from_option_then_environment_then_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given, from_env = tmp_path / "given.yaml", tmp_path / "env.yaml"
    (tmp_path / "positions.yaml").write_text("", encoding="utf-8")
    monkeypatch.setenv("TRACKER_POSITIONS", str(from_env))
    assert find_positions(given, cwd=tmp_path) == given
    assert find_positions(None, cwd=tmp_path) == from_env
    monkeypatch.delenv("TRACKER_POSITIONS")
    assert find_positions(None, cwd=tmp_path) == tmp_path / "positions.yaml"


def test_a_command_without_a_positions_file_says_where_it_looked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_POSITIONS", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check-config"])
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: no positions file: looked for --positions, $TRACKER_POSITIONS and "
        "./positions.yaml. Run `tracker init DIR` to start a project, or pass "
        "--positions FILE\n"
    )


def test_check_config_uses_the_positions_file_of_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRACKER_POSITIONS", raising=False)
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check-config"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("positions.yaml: ok - ")


def test_the_project_model_is_used_once_trained(tmp_path: Path) -> None:
    positions = tmp_path / "positions.yaml"
    assert model_for(positions, None) is None  # the shipped model
    (tmp_path / MODEL_FILE).write_bytes(b"")
    assert model_for(positions, None) == tmp_path / MODEL_FILE
    assert model_for(positions, tmp_path / "other.npz") == tmp_path / "other.npz"
