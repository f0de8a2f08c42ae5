"""The dashboard pages under Streamlit's AppTest: every page, the filters, the review form."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from datadir import build_data_dir
from paths import DEMO_POSITIONS
from streamlit.testing.v1 import AppTest

from tracker.config import read_positions
from tracker.views import EvidenceFilter, filter_evidence, highlighted_body

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    positions = tmp_path / "positions.yaml"
    shutil.copy(DEMO_POSITIONS, positions)
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
    app.text_input[0].set_value("READY").run()  # case does not matter
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
    assert "# demo/positions.yaml" in positions.read_text(encoding="utf-8")  # comments kept
    assert (positions.parent / "positions.yaml.bak").exists()
    shifts = pl.read_parquet(data / "shifts.parquet").filter(
        (pl.col("actor") == "keir_starmer") & (pl.col("issue") == "troops_on_ground")
    )
    assert shifts.sort("to_time").get_column("to_stance").to_list()[-1] == "oppose"


def test_review_marks_a_label_wrong_by_id(workspace: tuple[Path, Path]) -> None:
    data, positions = workspace
    app = run_page("Review")
    app.text_input[3].set_value("p-nope")
    app.button[1].click().run()
    assert app.error[0].value == (
        "no position 'p-nope' in this data directory: copy the id from the evidence explorer"
    )
    assert not (positions.parent / "positions.yaml.bak").exists()
    app.text_input[3].set_value("p-00000000000004")
    app.text_input[4].set_value("she was quoting someone else")
    app.button[1].click().run()
    assert app.success[0].value == (
        "Marked p-00000000000004 wrong; it no longer counts in the series."
    )
    assert [w.id for w in read_positions(positions).wrong] == ["p-00000000000004"]
    observations = pl.read_parquet(data / "observations.parquet")
    assert "p-00000000000004" not in observations.get_column("position_id").to_list()
    assert (positions.parent / "positions.yaml.bak").exists()


def test_overview_drills_into_an_actor_and_an_issue(workspace: tuple[Path, Path]) -> None:
    app = run_page("Overview")
    app.selectbox(key="overview_actor").set_value("volodymyr_zelensky")
    app.button[0].click().run()
    assert app.header[0].value == "Actor profile"
    assert app.selectbox(key="profile_actor").value == "volodymyr_zelensky"
    assert [b.label for b in app.get("download_button")][:3] == [
        "Download PNG",
        "Download SVG",
        "Download HTML",
    ]
    app.sidebar.radio[0].set_value("Overview").run()
    app.selectbox(key="overview_issue").set_value("asset_seizure")
    app.button[1].click().run()
    assert app.header[0].value == "Issue timeline"
    assert app.selectbox(key="timeline_issue").value == "asset_seizure"
    assert not app.exception, app.exception


def test_shift_log_shows_before_and_after(workspace: tuple[Path, Path]) -> None:
    app = run_page("Shift log")
    assert app.caption[0].value.startswith("2 shifts, newest first.")
    labels = [e.label for e in app.expander]
    assert labels[0].startswith("2025-08-19 ")
    assert labels[0].endswith(
        " - Volodymyr Zelensky on ceasefire_terms: unconditional -> conditional (shift)"
    )
    app.selectbox[0].set_value("keir_starmer").run()
    assert app.caption[0].value.startswith("1 shifts, newest first.")
    texts = [t.value for t in app.text]
    assert texts[0].startswith("Keir Starmer said it was too early")
    assert len(texts) == 2 and texts[1]


def test_issue_timeline_date_filter(workspace: tuple[Path, Path]) -> None:
    app = run_page("Issue timeline")
    app.selectbox(key="timeline_issue").set_value("troops_on_ground").run()
    assert len(app.get("vega_lite_chart")) == 1
    app.date_input(key="timeline_from").set_value(date(2030, 1, 1)).run()
    assert not app.exception, app.exception
    assert app.info[0].value == "no positions on troops_on_ground for the actors and dates chosen"


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
    from click.testing import CliRunner

    from tracker.cli import dashboard, main

    data, _positions = workspace
    calls: list[list[str]] = []
    monkeypatch.setattr(dashboard, "run_server", lambda args, env: calls.append(list(args)))
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
