"""Article-ready charts: PNG, SVG and offline HTML files with their furniture (title,
description, key, notes, source, byline), one compact row per actor, one palette."""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from datadir import build_data_dir

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.export import (
    SCORE_COLOURS,
    ExportError,
    Furniture,
    actor_profile_chart,
    as_of,
    chart_bytes,
    issue_timeline_chart,
    overview_chart,
    save_chart,
    stance_colour,
    stance_scale,
    stance_timeline_chart,
)
from tracker.schemas import POSITIONS
from tracker.series import Series, build_series, load_series

BLUE, GREY, VERMILLION = "#0072B2", "#999999", "#D55E00"
FIELDS = Furniture(
    title="Who would send soldiers",
    subtitle="Leaders on a peacekeeping force",
    note="Statements paraphrased in live blogs.",
    source="Source: our own reading",
    byline="Chart: A. Editor",
)
PAGES = pl.DataFrame(
    {"doc": ["demo.txt"], "url": ["https://www.bbc.co.uk/news/live/x"], "source_format": ["bbc"]}
)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_data_dir(tmp_path_factory.mktemp("export") / "data", DEFAULT_POSITIONS)


@pytest.fixture(scope="module")
def series(data_dir: Path) -> Series:
    return load_series(data_dir)


@pytest.fixture(scope="module")
def config() -> PositionsConfig:
    return read_positions(DEFAULT_POSITIONS)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def png_text(data: bytes) -> dict[str, str]:
    """keyword -> text of the iTXt chunks."""
    found, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"iTXt":
            keyword, rest = body.split(b"\0", 1)
            # compression flag, method, empty language tag, empty translated keyword
            found[keyword.decode("latin-1")] = rest[4:].decode("utf-8")
        at += 12 + length
    return found


def svg_texts(text: str) -> list[str]:
    root = ET.fromstring(text)
    assert root.tag.endswith("svg")
    return [t.text or "" for t in root.iter() if t.tag.endswith(("text", "tspan"))]


def rows_of(chart: object, kind: str) -> list[dict]:
    spec = chart.to_dict()  # type: ignore[attr-defined]
    return [row for rows in spec["datasets"].values() for row in rows if row.get("kind") == kind]


YEAR = re.compile(r"\b20\d\d\b")


def test_svg_holds_every_field_of_the_furniture_and_years(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = issue_timeline_chart(series, config, "troops_on_ground", furniture=FIELDS)
    texts = svg_texts(save_chart(chart, tmp_path / "t.svg").read_text(encoding="utf-8"))
    joined = "\n".join(texts)
    for field in vars(FIELDS).values():
        assert field in texts, field
    assert YEAR.search(joined)
    # The key says what the bars and dots are; the stance names come from positions.yaml.
    assert any(t.startswith("Bar: stance held, up to 90 days after a statement") for t in texts)
    assert {"Supports a deployment", "Undecided", "Opposes a deployment"} <= set(texts)
    assert "Keir Starmer" in texts and "keir_starmer" not in joined


def test_default_furniture_names_the_outlets_and_the_period(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = issue_timeline_chart(series, config, "ceasefire_terms", pages=PAGES)
    texts = svg_texts(chart_bytes(chart, "svg").decode("utf-8"))
    assert "Ceasefire terms: who stands where" in texts
    assert "Should there be a ceasefire now, and on what terms?" in texts
    assert "Source: BBC, 11 Mar 2025 to 19 Aug 2025. Positions read by stance-tracker." in texts
    assert "Chart: stance-tracker" in texts
    # Without URLs or a known layout the page files are named.
    unnamed = issue_timeline_chart(series, config, "ceasefire_terms")
    assert "Source: demo.txt, 11 Mar 2025 to 19 Aug 2025. Positions read by stance-tracker." in (
        svg_texts(chart_bytes(unnamed, "svg").decode("utf-8"))
    )


def test_png_is_article_width_at_twice_the_scale_and_carries_its_text(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = issue_timeline_chart(series, config, "troops_on_ground", furniture=FIELDS)
    data = save_chart(chart, tmp_path / "troops.png").read_bytes()
    width, height = png_size(data)
    assert 1200 <= width <= 1400
    assert 400 <= height <= 900
    text = png_text(data)
    assert text == {
        "Title": FIELDS.title,
        "Description": FIELDS.subtitle,
        "Comment": FIELDS.note,
        "Source": FIELDS.source,
        "Author": FIELDS.byline,
        "Software": "stance-tracker",
    }
    # The note is drawn too: a longer note makes the image taller.
    longer = Furniture(note="A note.\nA second paragraph.\nAnd a third one.")
    taller = chart_bytes(
        issue_timeline_chart(series, config, "troops_on_ground", furniture=longer), "png"
    )
    assert (
        png_size(taller)[1]
        > png_size(chart_bytes(issue_timeline_chart(series, config, "troops_on_ground"), "png"))[1]
    )


def test_html_is_standalone_with_the_furniture_in_its_spec(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = issue_timeline_chart(series, config, "troops_on_ground", furniture=FIELDS)
    text = save_chart(chart, tmp_path / "t.html").read_text(encoding="utf-8")
    for field in vars(FIELDS).values():
        assert field in text, field
    assert '"$schema": "https://vega.github.io/schema/vega-lite/' in text
    assert "vegaEmbed(" in text
    scripts = re.findall(r"<script[^>]*>", text)
    assert scripts and not any("src=" in tag for tag in scripts)  # works offline
    assert YEAR.search(text)


def test_the_time_axis_ends_at_the_data_not_today(series: Series, config: PositionsConfig) -> None:
    assert as_of(series) == date(2025, 8, 19)
    spec = issue_timeline_chart(series, config, "troops_on_ground").to_dict()
    domain = spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"]
    end = datetime.strptime(domain[1], "%Y-%m-%dT%H:%M:%SZ").date()
    assert date(2025, 8, 20) <= end <= date(2025, 8, 31)
    assert "%Y" in spec["vconcat"][0]["layer"][0]["encoding"]["x"]["axis"]["format"]


def test_one_compact_row_per_actor(config: PositionsConfig) -> None:
    """Eighteen actors: one row each, not a labelled sub-chart each."""
    actors = [actor.id for actor in config.actors[:18]]
    start = datetime(2024, 1, 1, tzinfo=UTC)
    positions = pl.DataFrame(
        {
            "position_id": [f"p-{i:014d}" for i in range(36)],
            "doc": "bulk.txt",
            "post_id": [f"b-{i:05d}" for i in range(36)],
            "post_time": [start + timedelta(days=10 * i) for i in range(36)],
            "headline": "A headline",
            "actor": [actors[i % 18] for i in range(36)],
            "issue": "troops_on_ground",
            "stance": ["support" if i % 3 else "oppose" for i in range(36)],
            "score": [1.0 if i % 3 else -1.0 for i in range(36)],
            "confidence": 0.9,
            "evidence": "Words said.",
            "statement_id": [f"b-{i:05d}-000" for i in range(36)],
            "start": 0,
            "end": 11,
            "url": "",
        },
        schema=POSITIONS,
    )
    chart = issue_timeline_chart(build_series(positions, config), config, "troops_on_ground")
    width, height = png_size(chart_bytes(chart, "png"))
    assert width <= 1400 and height <= 2 * 800
    lanes = {row["lane"] for row in rows_of(chart, "track")}
    assert len(lanes) == 18 and "Keir Starmer" in lanes


def test_points_say_whether_they_count_and_why(config: PositionsConfig) -> None:
    frame = pl.DataFrame(
        [
            ("p1", "2025-03-01 10:00", "support", 0.9),
            ("p2", "2025-03-01 10:30", "oppose", 0.95),
            ("p3", "2025-03-02 10:00", "support", 0.4),
        ],
        schema=["position_id", "when", "stance", "confidence"],
        orient="row",
    ).select(
        "position_id",
        pl.lit("page.txt").alias("doc"),
        pl.col("position_id").alias("post_id"),
        pl.col("when").str.to_datetime("%Y-%m-%d %H:%M", time_zone="UTC").alias("post_time"),
        pl.lit("A post").alias("headline"),
        pl.lit("keir_starmer").alias("actor"),
        pl.lit("troops_on_ground").alias("issue"),
        "stance",
        pl.when(pl.col("stance") == "support").then(1.0).otherwise(-1.0).alias("score"),
        "confidence",
        pl.lit("Words.").alias("evidence"),
        pl.col("position_id").alias("statement_id"),
        pl.lit(0, pl.Int32).alias("start"),
        pl.lit(6, pl.Int32).alias("end"),
        pl.lit("https://example.org/live").alias("url"),
    )
    chart = issue_timeline_chart(build_series(frame, config), config, "troops_on_ground")
    said = {row["position_id"]: row for row in rows_of(chart, "said")}
    assert said["p1"]["counted"] and said["p1"]["why"] == "Counted"
    assert not said["p2"]["counted"]
    assert said["p2"]["why"].startswith("Not counted: a change of stance on one statement.")
    assert said["p3"]["why"].startswith("Not counted: confidence 0.4 is below 0.6")
    assert said["p1"]["page"] == "https://example.org/live"
    assert said["p1"]["origin"] == "Read from the report (confidence 0.9)"
    assert said["p1"]["label"] == "Supports a deployment"
    assert said["p1"]["when"] == "1 Mar 2025, 10:00 UTC"


def test_a_stale_stance_ends_its_bar(series: Series, config: PositionsConfig) -> None:
    # Lagarde's only statement (13 March) is held 120 days on asset seizure, then stops.
    chart = issue_timeline_chart(series, config, "asset_seizure")
    bars = [row for row in rows_of(chart, "held") if row["lane"] == "Christine Lagarde"]
    assert [(row["start"], row["end"]) for row in bars] == [
        ("2025-03-13T00:00:00Z", "2025-07-12T00:00:00Z")
    ]


def test_the_legend_lists_every_stance_of_the_issue_in_scale_order(
    series: Series, config: PositionsConfig
) -> None:
    spec = issue_timeline_chart(series, config, "ceasefire_terms").to_dict()
    colour = spec["vconcat"][0]["layer"][1]["encoding"]["color"]["scale"]
    assert colour == {
        "domain": ["Ceasefire now", "Only with conditions", "Rejects a ceasefire"],
        "range": [BLUE, GREY, VERMILLION],
    }


def test_a_stance_has_one_colour_everywhere(config: PositionsConfig) -> None:
    every = stance_scale(config).to_dict()
    colours = dict(zip(every["domain"], every["range"], strict=True))
    assert colours["support"] == colours["unconditional"] == BLUE
    assert colours["undecided"] == colours["conditional"] == GREY
    assert colours["oppose"] == colours["reject"] == VERMILLION
    assert stance_colour(0.6) == SCORE_COLOURS[0.5]
    assert stance_colour(-0.9) == VERMILLION


def test_unknown_suffix_and_issue_are_refused(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = overview_chart(series, config)
    with pytest.raises(ExportError) as raised:
        save_chart(chart, tmp_path / "chart.pdf")
    assert (
        str(raised.value)
        == f"{tmp_path / 'chart.pdf'}: the file name must end in .png, .svg or .html"
    )
    assert not (tmp_path / "chart.pdf").exists()
    with pytest.raises(ExportError) as unknown:
        issue_timeline_chart(series, config, "sanctions")
    assert str(unknown.value) == (
        "unknown issue 'sanctions': use one of asset_seizure, ceasefire_terms, "
        "nato_membership, troops_on_ground"
    )
    with pytest.raises(ExportError) as empty:
        issue_timeline_chart(series, config, "nato_membership")
    assert str(empty.value) == "no positions on nato_membership for the actors and dates chosen"


def test_filters_apply_and_points_carry_their_evidence(
    series: Series, config: PositionsConfig
) -> None:
    chart = stance_timeline_chart(
        series, "troops_on_ground", actors=["keir_starmer"], start=date(2025, 2, 15), config=config
    )
    said = rows_of(chart, "said")
    assert [row["when"] for row in said] == ["17 Feb 2025, 18:00 UTC"]
    assert said[0]["headline"] == "Starmer ready to send troops"
    assert said[0]["page"] == "demo.txt"
    assert "<script>" in str(said[0]["quote"])  # data, shown as tooltip text
    tooltips = {
        t["title"]
        for layer in chart.to_dict()["vconcat"][0]["layer"]
        for t in layer["encoding"].get("tooltip", [])
    }
    assert {"Quote", "Post", "When", "Source", "How", "Counted?"} <= tooltips


def test_points_drawn_are_capped_newest_first(series: Series, config: PositionsConfig) -> None:
    chart = issue_timeline_chart(series, config, "ceasefire_terms", max_points=1)
    said = rows_of(chart, "said")
    assert len(said) == 1 and said[0]["when"] == "19 Aug 2025, 08:00 UTC"


def test_actor_profile_has_a_row_per_issue(series: Series, config: PositionsConfig) -> None:
    chart = actor_profile_chart(series, config, "keir_starmer")
    spec = chart.to_dict()
    assert spec["title"]["text"] == ["Keir Starmer: positions on the tracked issues"]
    assert {row["lane"] for row in rows_of(chart, "track")} == {"Troops on the ground"}
    with pytest.raises(ExportError) as raised:
        actor_profile_chart(series, config, "nobody")
    assert str(raised.value) == "no positions of nobody for the dates chosen"


def test_overview_names_each_stance_and_fades_the_last_known(config: PositionsConfig) -> None:
    start = datetime(2025, 1, 1, 10, tzinfo=UTC)
    frame = pl.DataFrame(
        {
            "position_id": ["p1", "p2"],
            "doc": "page.txt",
            "post_id": ["a", "b"],
            "post_time": [start, start + timedelta(days=200)],
            "headline": "h",
            "actor": ["keir_starmer", "emmanuel_macron"],
            "issue": "troops_on_ground",
            "stance": ["support", "oppose"],
            "score": [1.0, -1.0],
            "confidence": 0.9,
            "evidence": "e",
            "statement_id": ["a1", "b1"],
            "start": 0,
            "end": 1,
            "url": "",
        },
        schema=POSITIONS,
    )
    chart = overview_chart(build_series(frame, config), config)
    cells = {
        row["who"]: row
        for rows in chart.to_dict()["datasets"].values()
        for row in rows
        if "who" in row
    }
    assert cells["Keir Starmer"]["label"] == "Supports a deployment"
    assert not cells["Keir Starmer"]["held_now"]  # 200 days on: no longer current
    assert cells["Keir Starmer"]["standing"].startswith("Last known: not repeated since 1 Jan 2025")
    assert cells["Emmanuel Macron"]["held_now"]
    texts = svg_texts(chart_bytes(chart, "svg").decode("utf-8"))
    assert "Where leaders stand" in texts
    assert "Each leader's latest stance on the tracked questions, as of 20 July 2025." in texts


@pytest.mark.parametrize("suffix", ["svg", "png", "html"])
def test_chart_command_writes_the_furniture_given(
    tmp_path: Path, data_dir: Path, suffix: str
) -> None:
    out = tmp_path / f"f.{suffix}"
    result = CliRunner().invoke(
        main,
        [
            "chart",
            "--issue",
            "troops_on_ground",
            "--data",
            str(data_dir),
            "--positions",
            str(DEFAULT_POSITIONS),
            "--title",
            "T title",
            "--subtitle",
            "S subtitle",
            "--note",
            "N note",
            "--source",
            "SRC source",
            "--byline",
            "B byline",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"{out} written\n"
    data = out.read_bytes()
    if suffix == "png":
        text = "\n".join(png_text(data).values())
        assert png_size(data)[0] >= 1200
    elif suffix == "svg":
        text = "\n".join(svg_texts(data.decode("utf-8")))
    else:
        text = data.decode("utf-8")
    for field in ("T title", "S subtitle", "N note", "SRC source", "B byline"):
        assert field in text, field
    if suffix != "png":
        assert YEAR.search(text)


def test_chart_command_refuses_bad_input(tmp_path: Path, data_dir: Path) -> None:
    runner = CliRunner()
    base = ["chart", "--data", str(data_dir), "--positions", str(DEFAULT_POSITIONS)]
    bad = runner.invoke(
        main,
        [*base, "--issue", "troops_on_ground", "--from", "1 May", "--out", str(tmp_path / "x.png")],
    )
    assert bad.exit_code == 2
    assert "'1 May' is not a date: write YYYY-MM-DD" in bad.output
    wrong = runner.invoke(main, [*base, "--issue", "sanctions", "--out", str(tmp_path / "x.svg")])
    assert wrong.exit_code == 1
    assert wrong.output.strip().startswith("Error: unknown issue 'sanctions'")


@pytest.mark.parametrize("name", ["chart", "dashboard"])
def test_commands_have_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and "--data" in result.output


def test_a_large_series_stays_drawable(config: PositionsConfig) -> None:
    """8000 alternating statements: more points and steps than a browser needs."""
    n = 8000
    start = datetime(2024, 1, 1, tzinfo=UTC)
    stances = ["support", "oppose"]
    positions = pl.DataFrame(
        {
            "position_id": [f"p-{i:014d}" for i in range(n)],
            "doc": [f"page{i % 7}.txt" for i in range(n)],
            "post_id": [f"b-{i:05d}" for i in range(n)],
            "post_time": [start + timedelta(hours=6 * i) for i in range(n)],
            "headline": "A headline",
            "actor": ["keir_starmer" if i % 2 else "emmanuel_macron" for i in range(n)],
            "issue": "troops_on_ground",
            "stance": [stances[(i // 2) % 2] for i in range(n)],
            "score": [1.0 - 2.0 * ((i // 2) % 2) for i in range(n)],
            "confidence": 0.9,
            "evidence": "Words said.",
            "statement_id": [f"b-{i:05d}-000" for i in range(n)],
            "start": 0,
            "end": 11,
            "url": None,
        },
        schema=POSITIONS,
    )
    series = build_series(positions, config)
    assert series.shifts.height > 1000
    chart = issue_timeline_chart(series, config, "troops_on_ground", max_points=1500)
    said = rows_of(chart, "said")
    assert len(said) == 1500
    assert len(rows_of(chart, "held")) < 3000
