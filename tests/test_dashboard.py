"""The dashboard pages under Streamlit's AppTest, and the review write-back."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from datadir import build_data_dir
from streamlit.testing.v1 import AppTest

from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.review import add_curated_position, mark_wrong
from tracker.series import series_from_data_dir
from tracker.views import EvidenceFilter, filter_evidence, highlighted_body

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    positions = tmp_path / "positions.yaml"
    shutil.copy(DEFAULT_POSITIONS, positions)
    data = build_data_dir(tmp_path / "data", positions)
    monkeypatch.setenv("TRACKER_DATA", str(data))
    monkeypatch.setenv("TRACKER_POSITIONS", str(positions))
    return data, positions


def run_page(page: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    app.sidebar.radio[0].set_value(page).run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize(
    "page",
    ["Overview", "Issue timeline", "Actor profile", "Shift log", "Evidence explorer", "Review"],
)
def test_every_page_renders(workspace: tuple[Path, Path], page: str) -> None:
    app = run_page(page)
    assert app.header[0].value in {
        "Where leaders stand",
        "Issue timeline",
        "Actor profile",
        "Shift log",
        "Evidence explorer",
        "Review",
    }


def test_overview_shows_the_matrix_and_downloads(workspace: tuple[Path, Path]) -> None:
    app = run_page("Overview")
    matrix = app.dataframe[0].value
    assert "keir_starmer" in list(matrix["actor"])
    assert [b.label for b in app.get("download_button")] == [
        "Download PNG",
        "Download SVG",
        "Download HTML",
    ]


def test_evidence_filters_narrow_the_table(workspace: tuple[Path, Path]) -> None:
    app = run_page("Evidence explorer")
    assert app.caption[0].value == "5 positions match."
    app.multiselect[0].set_value(["keir_starmer"]).run()
    assert app.caption[0].value == "2 positions match."
    app.text_input[0].set_value("ready").run()
    assert app.caption[0].value == "1 positions match."
    # The quote's <script> shows as text, escaped, never as markup.
    bodies = [m.value for m in app.markdown if "<mark>" in m.value]
    assert bodies and "&lt;script&gt;" in bodies[0] and "<script>" not in bodies[0]


def test_review_form_writes_positions_yaml_and_updates_series(
    workspace: tuple[Path, Path],
) -> None:
    data, positions = workspace
    app = run_page("Review")
    app.selectbox[0].set_value("keir_starmer")
    app.selectbox[1].set_value("troops_on_ground")
    app.selectbox[2].set_value("oppose")
    app.date_input[0].set_value(date(2025, 9, 1))
    app.text_input[0].set_value("https://example.org/statement")
    app.text_input[1].set_value("We will not send troops after all.")
    app.button[0].click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Saved: keir_starmer troops_on_ground oppose on 2025-09-01."
    config = read_positions(positions)
    last = config.positions[-1]
    assert (last.actor, last.stance, last.date, last.source) == (
        "keir_starmer",
        "oppose",
        date(2025, 9, 1),
        "https://example.org/statement",
    )
    assert "# positions.yaml" in positions.read_text(encoding="utf-8")  # comments kept
    assert (positions.parent / "positions.yaml.bak").exists()
    shifts = pl.read_parquet(data / "shifts.parquet").filter(
        (pl.col("actor") == "keir_starmer") & (pl.col("issue") == "troops_on_ground")
    )
    assert shifts.sort("to_time").get_column("to_stance").to_list()[-1] == "oppose"


def test_mark_wrong_drops_the_observation(workspace: tuple[Path, Path]) -> None:
    data, positions = workspace
    config = mark_wrong(positions, "p-00000000000001", "not his words")
    assert [w.id for w in config.wrong] == ["p-00000000000001"]
    series = series_from_data_dir(data, config)
    assert "p-00000000000001" not in series.observations.get_column("position_id").to_list()
    model_rows = series.observations.filter(
        (pl.col("actor") == "keir_starmer") & (pl.col("source") == "model")
    )
    assert model_rows.get_column("position_id").to_list() == ["p-00000000000000"]
    # Marking twice changes nothing.
    before = positions.read_text(encoding="utf-8")
    mark_wrong(positions, "p-00000000000001")
    assert positions.read_text(encoding="utf-8") == before


def test_review_keeps_every_other_byte_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "positions.yaml"
    shutil.copy(DEFAULT_POSITIONS, path)
    original = path.read_text(encoding="utf-8")
    add_curated_position(
        path,
        actor="keir_starmer",
        issue="asset_seizure",
        day=date(2025, 10, 23),
        stance="support",
        note="said in Brussels",
    )
    updated = path.read_text(encoding="utf-8")
    head = original.split("\npositions:")[0]
    assert updated.startswith(head)
    assert (tmp_path / "positions.yaml.bak").read_text(encoding="utf-8") == original


def test_highlight_escapes_html() -> None:
    body = 'He said "<b>no</b>" today.'
    assert highlighted_body(body, 8, 18) == (
        "He said <mark>&quot;&lt;b&gt;no&lt;/b&gt;</mark>&quot; today."
    )
    assert highlighted_body("a\n<i>b</i>", -1, -1) == "a<br>&lt;i&gt;b&lt;/i&gt;"


def test_filter_evidence_by_confidence_and_dates(workspace: tuple[Path, Path]) -> None:
    data, _ = workspace
    positions = pl.read_parquet(data / "positions.parquet")
    chosen = EvidenceFilter(min_confidence=0.85, start=date(2025, 3, 1))
    assert filter_evidence(positions, chosen).get_column("post_id").to_list() == [
        "d-0005",
        "d-0003",
    ]


def test_dashboard_command_binds_to_localhost_by_default(
    workspace: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from click.testing import CliRunner

    from tracker.cli import main

    data, _positions = workspace
    calls: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda args, **_: calls.append(list(args)))
    result = CliRunner().invoke(main, ["dashboard", "--data", str(data), "--port", "8765"])
    assert result.exit_code == 0, result.output
    args = calls[0]
    assert args[args.index("--server.address") + 1] == "127.0.0.1"
    assert args[args.index("--server.port") + 1] == "8765"
    missing = CliRunner().invoke(main, ["dashboard", "--data", str(data / "nowhere")])
    assert missing.exit_code == 1
    assert missing.output.strip() == (
        f"Error: {data / 'nowhere'} has no results: run `tracker run PAGES --out "
        f"{data / 'nowhere'}` first"
    )
