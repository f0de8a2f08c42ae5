"""Article-ready charts: PNG, SVG and offline HTML files, one style and one palette."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from datadir import build_data_dir

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.export import (
    SCORE_COLOURS,
    ExportError,
    actor_profile_chart,
    issue_timeline_chart,
    overview_chart,
    save_chart,
    stance_colour,
    stance_scale,
    stance_timeline_chart,
)
from tracker.series import Series, load_series

STAMP = date(2025, 9, 1)
BLUE, GREY, VERMILLION = "#0072B2", "#999999", "#D55E00"


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


def layer_data(spec: dict[str, object]) -> list[dict[str, object]]:
    datasets = spec["datasets"]
    assert isinstance(datasets, dict)
    return [row for rows in datasets.values() for row in rows]


def test_png_is_article_width(tmp_path: Path, series: Series, config: PositionsConfig) -> None:
    chart = issue_timeline_chart(series, config, "troops_on_ground", stamp=STAMP)
    path = save_chart(chart, tmp_path / "troops.png")
    width, height = png_size(path.read_bytes())
    # Drawn at 640 px and saved at twice the scale for sharp print.
    assert 1200 <= width <= 1500
    assert 300 <= height <= 1200


def test_svg_parses_and_carries_title_source_and_date(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = issue_timeline_chart(series, config, "ceasefire_terms", stamp=STAMP)
    path = save_chart(chart, tmp_path / "ceasefire.svg")
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag.endswith("svg")
    texts = [t.text or "" for t in root.iter() if t.tag.endswith(("text", "tspan"))]
    assert "Ceasefire terms: who stands where" in texts
    assert "Source: demo.txt, positions classified by stance-tracker." in texts
    assert "As of 2025-09-01." in texts


def test_html_is_standalone_with_the_inline_spec(
    tmp_path: Path, series: Series, config: PositionsConfig
) -> None:
    chart = overview_chart(series, config, stamp=STAMP)
    text = save_chart(chart, tmp_path / "overview.html").read_text(encoding="utf-8")
    assert "Where leaders stand" in text
    assert '"$schema": "https://vega.github.io/schema/vega-lite/' in text
    assert "vegaEmbed(" in text
    scripts = re.findall(r"<script[^>]*>", text)
    assert scripts and not any("src=" in tag for tag in scripts)  # works offline


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


def test_a_stance_has_one_colour_everywhere(config: PositionsConfig) -> None:
    every = stance_scale(config).to_dict()
    colours = dict(zip(every["domain"], every["range"], strict=True))
    assert colours["support"] == colours["unconditional"] == BLUE
    assert colours["undecided"] == colours["conditional"] == GREY
    assert colours["oppose"] == colours["reject"] == VERMILLION
    one = stance_scale(config, ["ceasefire_terms"]).to_dict()
    assert dict(zip(one["domain"], one["range"], strict=True)) == {
        "unconditional": BLUE,
        "conditional": GREY,
        "reject": VERMILLION,
    }
    assert stance_colour(0.6) == SCORE_COLOURS[0.5]
    assert stance_colour(-0.9) == VERMILLION


def test_timeline_points_carry_their_evidence_and_filters_apply(
    series: Series, config: PositionsConfig
) -> None:
    chart = stance_timeline_chart(
        series,
        "troops_on_ground",
        actors=["keir_starmer"],
        start=date(2025, 2, 15),
        config=config,
    )
    spec = chart.to_dict()
    observed = [row for row in layer_data(spec) if row["kind"] == "observed"]
    starmer_model = [row for row in observed if row["origin"] == "model"]
    assert [row["when"] for row in starmer_model] == ["2025-02-17 18:00 UTC"]
    assert starmer_model[0]["headline"] == "Starmer ready to send troops"
    assert starmer_model[0]["doc"] == "demo.txt"
    assert "<script>" in str(starmer_model[0]["quote"])  # data, shown as tooltip text
    tooltips = {
        t["title"] for layer in spec["spec"]["layer"] for t in layer["encoding"].get("tooltip", [])
    }
    assert {"Quote", "Post", "When", "Page", "Source"} <= tooltips


def test_points_drawn_are_capped_newest_first(series: Series, config: PositionsConfig) -> None:
    chart = issue_timeline_chart(series, config, "ceasefire_terms", max_points=1)
    observed = [row for row in layer_data(chart.to_dict()) if row["kind"] == "observed"]
    assert len(observed) == 1
    latest = series.observations.filter(
        (series.observations["issue"] == "ceasefire_terms") & ~series.observations["superseded"]
    )["time"].max()
    assert observed[0]["time"] == f"{latest:%Y-%m-%dT%H:%M:%SZ}"


def test_actor_profile_has_a_panel_per_issue(series: Series, config: PositionsConfig) -> None:
    chart = actor_profile_chart(series, config, "keir_starmer", stamp=STAMP)
    spec = json.loads(chart.to_json())
    assert spec["title"]["text"] == "Keir Starmer: positions on the tracked issues"
    panels = [panel["title"]["text"] for panel in spec["vconcat"]]
    assert panels == ["Troops on the ground"]
    shifts = [row for row in layer_data(spec) if row["kind"] == "shift"]
    assert [row["change"] for row in shifts][:1] == ["undecided -> support"]
    with pytest.raises(ExportError) as raised:
        actor_profile_chart(series, config, "nobody")
    assert str(raised.value) == "no positions of nobody for the dates chosen"


def test_chart_command_writes_each_format(tmp_path: Path, data_dir: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "troops.svg"
    result = runner.invoke(
        main,
        [
            "chart",
            "--issue",
            "troops_on_ground",
            "--data",
            str(data_dir),
            "--actors",
            "keir_starmer",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"{out} written\n"
    assert "Troops on the ground: who stands where" in out.read_text(encoding="utf-8")
    bad = runner.invoke(
        main,
        [
            "chart",
            "--issue",
            "troops_on_ground",
            "--data",
            str(data_dir),
            "--from",
            "1 May",
            "--out",
            str(tmp_path / "x.png"),
        ],
    )
    assert bad.exit_code == 2
    assert "'1 May' is not a date: write YYYY-MM-DD" in bad.output
    wrong = runner.invoke(
        main, ["chart", "--issue", "sanctions", "--data", str(data_dir), "--out", str(out)]
    )
    assert wrong.exit_code == 1
    assert wrong.output.strip().startswith("Error: unknown issue 'sanctions'")


@pytest.mark.parametrize("name", ["chart", "dashboard"])
def test_commands_have_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert f"Usage: main {name} [OPTIONS]" in result.output or "Usage:" in result.output
    assert "--data" in result.output


def test_a_large_series_stays_drawable(config: PositionsConfig) -> None:
    """8000 alternating statements: more points, steps and shifts than a browser needs."""
    from datetime import UTC, datetime, timedelta

    import polars as pl

    from tracker.schemas import POSITIONS
    from tracker.series import build_series

    n = 8000
    start = datetime(2024, 1, 1, tzinfo=UTC)
    stances = ["support", "oppose"]
    positions = pl.DataFrame(
        {
            "position_id": [f"p-{i:014d}" for i in range(n)],
            "doc": "bulk.txt",
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
    spec = issue_timeline_chart(series, config, "troops_on_ground", max_points=1500).to_dict()
    rows = layer_data(spec)
    observed = [row for row in rows if row["kind"] == "observed"]
    assert len(observed) == 1500
    first = min(str(row["time"]) for row in observed)
    assert all(str(row["time"]) >= first[:10] for row in rows if row["kind"] != "observed")
    assert len(rows) < 5000  # Altair's row limit
