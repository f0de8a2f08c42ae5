"""The dashboard's pages under Streamlit's AppTest: each page, names and labels, filters
kept in the URL, the review actions on evidence rows and in the review form."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
from datadir import build_data_dir
from paths import DEMO_POSITIONS
from streamlit.testing.v1 import AppTest

from tracker.config import read_positions
from tracker.views import EvidenceFilter, filter_evidence, highlighted_body

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
PAGES = {
    "overview.py": "Overview",
    "timeline.py": "Issue timeline",
    "profile.py": "Actor profile",
    "shifts.py": "Shift log",
    "evidence.py": "Evidence explorer",
    "review.py": "Review",
}


@pytest.fixture()
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    positions = tmp_path / "positions.yaml"
    shutil.copy(DEMO_POSITIONS, positions)
    data = build_data_dir(tmp_path / "data", positions)
    monkeypatch.setenv("TRACKER_DATA", str(data))
    monkeypatch.setenv("TRACKER_POSITIONS", str(positions))
    return data, positions


def open_page(page: str, **query: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=60)
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    if page != "overview.py":
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def button(app: AppTest, label: str) -> Any:
    found = [b for b in app.button if b.label == label]
    assert found, [b.label for b in app.button]
    return found[0]


@pytest.mark.parametrize(("page", "header"), list(PAGES.items()))
def test_every_page_renders(workspace: tuple[Path, Path], page: str, header: str) -> None:
    app = open_page(page)
    assert app.header[0].value == header


def test_overview_names_people_and_stances_with_blank_cells(workspace: tuple[Path, Path]) -> None:
    app = open_page("overview.py")
    assert app.subheader[0].value == "Where leaders stand"
    matrix = app.dataframe[0].value
    assert list(matrix.columns) == [
        "Who",
        "Ukraine's Nato membership",
        "Troops on the ground",
        "Seizure of frozen Russian assets",
        "Ceasefire terms",
    ]
    starmer = matrix[matrix["Who"] == "Keir Starmer"].iloc[0]
    assert starmer["Troops on the ground"] == (
        "Supports a deployment, last known (3 statements, last 2025-02-17)"
    )
    assert pd.isna(starmer["Ukraine's Nato membership"])  # no data: a blank cell
    assert "keir_starmer" not in matrix.to_string()
    assert [b.label for b in app.get("download_button")] == [
        "Download PNG",
        "Download SVG",
        "Download HTML",
    ]
    assert app.caption[0].value == "Data up to 19 August 2025 (the last post), from 1 pages."


def test_evidence_filters_narrow_the_table_and_live_in_the_url(
    workspace: tuple[Path, Path],
) -> None:
    app = open_page("evidence.py")
    assert app.caption[0].value == "5 positions match. Times are UTC."
    table = app.dataframe[0].value
    assert "Keir Starmer" in list(table["Who"]) and "Supports a deployment" in list(table["Stance"])
    assert not table["When (UTC)"].str.contains(r"\+00:00").any()
    app.multiselect(key="evidence_actors").set_value(["keir_starmer"]).run()
    assert app.caption[0].value == "2 positions match. Times are UTC."
    assert app.query_params["who"] == "keir_starmer"
    app.text_input(key="evidence_text").set_value("READY").run()  # case does not matter
    assert app.caption[0].value == "1 positions match. Times are UTC."
    # The quote's <script> shows as text, escaped, never as markup.
    bodies = [m.value for m in app.markdown if "<mark>" in m.value]
    assert bodies and "&lt;script&gt;" in bodies[0] and "<script>" not in bodies[0]
    # A link with the same filters opens the same view.
    shared = open_page("evidence.py", who="keir_starmer", q="ready")
    assert shared.caption[0].value == "1 positions match. Times are UTC."


def test_stance_filter_offers_the_chosen_issues_labels(workspace: tuple[Path, Path]) -> None:
    app = open_page("evidence.py", issue="ceasefire_terms")
    stances = app.multiselect(key="evidence_stances")
    assert stances.options == ["Ceasefire now", "Only with conditions", "Rejects a ceasefire"]


def test_an_evidence_row_is_marked_wrong_with_its_issue_and_quote(
    workspace: tuple[Path, Path],
) -> None:
    data, positions = workspace
    app = open_page("evidence.py", who="christine_lagarde")
    app.text_input(key="evidence-p-00000000000004-wrong-note").set_value("misread")
    button(app, "Mark this label wrong").click().run()
    assert not app.exception, app.exception
    wrong = read_positions(positions).wrong
    assert [(w.id, w.note, w.issue) for w in wrong] == [
        ("p-00000000000004", "misread", "asset_seizure")
    ]
    assert wrong[0].evidence.startswith("Christine Lagarde warned")
    observations = pl.read_parquet(data / "observations.parquet")
    assert "p-00000000000004" not in observations.get_column("position_id").to_list()


def test_curating_an_evidence_row_offers_its_issue_and_its_date(
    workspace: tuple[Path, Path],
) -> None:
    _, positions = workspace
    app = open_page("evidence.py", who="christine_lagarde")
    stance = app.selectbox(key="evidence-p-00000000000004-curate-stance")
    assert stance.options == ["Supports seizure", "Undecided", "Opposes seizure"]
    day = app.date_input(key="evidence-p-00000000000004-curate-day")
    assert day.value == date(2025, 3, 13)  # the day it was said, not today
    stance.set_value("undecided")
    button(app, "Save curated position").click().run()
    assert not app.exception, app.exception
    last = read_positions(positions).positions[-1]
    assert (last.actor, last.issue, last.stance, last.date) == (
        "christine_lagarde",
        "asset_seizure",
        "undecided",
        date(2025, 3, 13),
    )


def test_review_form_offers_only_the_chosen_issues_stances(workspace: tuple[Path, Path]) -> None:
    data, positions = workspace
    app = open_page("review.py")
    app.selectbox(key="review_actor").set_value("keir_starmer")
    app.selectbox(key="review_issue").set_value("troops_on_ground").run()
    stance = app.selectbox[2]
    assert stance.options == ["Supports a deployment", "Undecided", "Opposes a deployment"]
    assert app.date_input[0].value == date(2025, 8, 19)  # the data's last day, not today
    stance.set_value("oppose")
    app.date_input[0].set_value(date(2025, 8, 1))
    app.text_input[0].set_value("https://example.org/statement")
    app.text_input[1].set_value("We will not send troops after all.")
    button(app, "Save curated position").click().run()
    assert not app.exception, app.exception
    assert app.success[0].value == "Saved: Keir Starmer, Opposes a deployment on 2025-08-01."
    last = read_positions(positions).positions[-1]
    assert (last.actor, last.stance, last.date, last.source) == (
        "keir_starmer",
        "oppose",
        date(2025, 8, 1),
        "https://example.org/statement",
    )
    assert "# demo/positions.yaml" in positions.read_text(encoding="utf-8")  # comments kept
    assert (positions.parent / "positions.yaml.bak").exists()
    shifts = pl.read_parquet(data / "shifts.parquet").filter(
        (pl.col("actor") == "keir_starmer") & (pl.col("issue") == "troops_on_ground")
    )
    assert shifts.sort("to_time").get_column("to_stance").to_list()[-1] == "oppose"


def test_review_marks_a_label_wrong_by_id_with_its_issue_and_quote(
    workspace: tuple[Path, Path],
) -> None:
    _, positions = workspace
    app = open_page("review.py")
    app.text_input[3].set_value("p-nope")
    button(app, "Mark wrong").click().run()
    assert app.error[0].value == (
        "no position 'p-nope' in this data directory: copy the id from the evidence explorer"
    )
    assert not (positions.parent / "positions.yaml.bak").exists()
    app.text_input[3].set_value("p-00000000000004")
    app.text_input[4].set_value("she was quoting someone else")
    button(app, "Mark wrong").click().run()
    assert app.success[0].value == (
        "Marked p-00000000000004 wrong; it no longer counts in the series."
    )
    wrong = read_positions(positions).wrong
    assert [(w.id, w.issue) for w in wrong] == [("p-00000000000004", "asset_seizure")]
    assert wrong[0].evidence.startswith("Christine Lagarde warned")


def test_shift_log_says_why_each_shift_counts(workspace: tuple[Path, Path]) -> None:
    app = open_page("shifts.py")
    # Both shifts rest on the demo file's curated entries; Zelensky's model statement of
    # 19 August alone (confidence 0.84, below 0.85) would not have made one.
    assert app.caption[0].value.startswith("2 shifts, newest first.")
    table = app.dataframe[0].value
    assert list(table["Who"]) == ["Volodymyr Zelensky", "Keir Starmer"]
    assert list(table["Grade"]) == ["half flip", "half flip"]
    assert table["Why it counts"].iloc[0] == "An editor's curated entry."
    labels = [e.label for e in app.expander]
    assert labels[1] == (
        "2025-02-16 12:00 · Keir Starmer on Troops on the ground: Undecided → "
        "Supports a deployment (half flip)"
    )
    app.selectbox(key="shifts_actor").set_value("keir_starmer").run()
    assert app.caption[0].value.startswith("1 shifts, newest first.")
    assert app.query_params["actor"] == "keir_starmer"
    texts = [t.value for t in app.text]
    assert texts[0] == "Why it counts: An editor's curated entry."
    assert "Page: demo.txt" in texts
    marked = [m.value for m in app.markdown if m.value.startswith("<mark>")]
    assert marked[0].startswith("<mark>Keir Starmer said it was too early")


def test_issue_timeline_resets_with_the_issue_and_keeps_the_url(
    workspace: tuple[Path, Path],
) -> None:
    app = open_page("timeline.py", issue="troops_on_ground")
    assert app.selectbox(key="timeline_issue").value == "troops_on_ground"
    # The most quoted first: Starmer (two reports, a curated entry), then Macron.
    assert app.multiselect(key="timeline_actors").value == ["keir_starmer", "emmanuel_macron"]
    assert len(app.get("vega_lite_chart")) == 1
    assert app.subheader[0].value == "Troops on the ground: who stands where"
    app.date_input(key="timeline_from").set_value(date(2030, 1, 1)).run()
    assert app.info[0].value == "no positions on troops_on_ground for the actors and dates chosen"
    assert app.query_params["from"] == "2030-01-01"
    app.selectbox(key="timeline_issue").set_value("ceasefire_terms").run()
    assert app.date_input(key="timeline_from").value == date(2025, 3, 11)
    assert app.multiselect(key="timeline_actors").value == ["volodymyr_zelensky", "donald_trump"]
    assert "from" not in app.query_params and app.query_params["issue"] == "ceasefire_terms"


def test_overview_drills_into_an_actor_and_an_issue(workspace: tuple[Path, Path]) -> None:
    app = open_page("overview.py")
    app.selectbox(key="overview_actor").set_value("volodymyr_zelensky")
    button(app, "Open actor profile").click().run()
    assert app.header[0].value == "Actor profile"
    assert app.selectbox(key="profile_actor").value == "volodymyr_zelensky"
    app = open_page("overview.py")
    app.selectbox(key="overview_issue").set_value("asset_seizure")
    button(app, "Open issue timeline").click().run()
    assert app.header[0].value == "Issue timeline"
    assert app.selectbox(key="timeline_issue").value == "asset_seizure"
    assert not app.exception, app.exception


def test_links_of_the_single_page_dashboard_still_open_their_page(
    workspace: tuple[Path, Path],
) -> None:
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["page"] = "Shift log"
    app.run()
    assert app.header[0].value == "Shift log"


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


def test_dashboard_command_serves_viewers_on_localhost(
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
    assert args[args.index("--client.toolbarMode") + 1] == "viewer"  # no Deploy button
    missing = CliRunner().invoke(main, ["dashboard", "--data", str(data / "nowhere")])
    assert missing.exit_code == 1
    assert missing.output.strip() == (
        f"Error: {data / 'nowhere'} has no results: run `tracker run PAGES --out "
        f"{data / 'nowhere'}` first"
    )
