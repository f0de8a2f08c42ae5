"""Series: carry-forward, curated override, wrong marks, shifts, flip-flops, empty input."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from tracker.cli import main
from tracker.config import PositionsConfig, load_positions
from tracker.errors import SchemaError
from tracker.schemas import DAILY, OBSERVATIONS, POSITIONS, SHIFTS, SUMMARY
from tracker.series import SeriesSettings, build_series, write_series

BASE = """
actors:
  - {id: anna_berg, name: Anna Berg}
  - {id: tomas_kral, name: Tomas Kral}
issues:
  - id: troops_on_ground
    label: Troops
    question: Send troops?
    stances:
      - {id: support, score: 1, description: for}
      - {id: undecided, score: 0, description: open}
      - {id: oppose, score: -1, description: against}
"""


def config(extra: str = "") -> PositionsConfig:
    return load_positions(BASE + extra, "test.yaml")


def positions(*rows: tuple[str, str, str, float]) -> pl.DataFrame:
    """(actor, 'YYYY-MM-DD HH:MM', stance, confidence) -> a POSITIONS frame."""
    scores = {"support": 1.0, "undecided": 0.0, "oppose": -1.0}
    records = []
    for index, (actor, when, stance, confidence) in enumerate(rows):
        time = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        records.append(
            {
                "position_id": f"p{index}",
                "doc": "page.txt",
                "post_id": f"post{index}",
                "post_time": time,
                "headline": f"headline {index}",
                "actor": actor,
                "issue": "troops_on_ground",
                "stance": stance,
                "score": scores[stance],
                "confidence": confidence,
                "evidence": f"quote {index}",
                "statement_id": f"s{index}",
                "start": 0,
                "end": 5,
            }
        )
    return pl.DataFrame(records, schema=POSITIONS)


def held(daily: pl.DataFrame, actor: str = "anna_berg") -> dict[date, tuple[str, int]]:
    rows = daily.filter(pl.col("actor") == actor).iter_rows(named=True)
    return {row["day"]: (row["stance"], row["stale_days"]) for row in rows}


def test_daily_series_carries_the_latest_stance_forward() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "undecided", 0.9),
            ("anna_berg", "2025-03-04 09:00", "support", 0.9),
        ),
        config(),
    )
    days = held(series.daily)
    assert days[date(2025, 3, 1)] == ("undecided", 0)
    assert days[date(2025, 3, 3)] == ("undecided", 2)
    assert days[date(2025, 3, 4)] == ("support", 0)
    assert len(days) == 4
    assert dict(series.daily.schema) == DAILY


def test_daily_series_runs_to_a_given_end_day() -> None:
    series = build_series(
        positions(("anna_berg", "2025-03-01 10:00", "support", 0.9)),
        config(),
        settings=SeriesSettings(until=date(2025, 3, 10)),
    )
    assert held(series.daily)[date(2025, 3, 10)] == ("support", 9)


def test_several_observations_on_one_day_the_latest_holds() -> None:
    frame = positions(
        ("anna_berg", "2025-03-01 09:00", "oppose", 0.9),
        ("anna_berg", "2025-03-01 18:00", "undecided", 0.9),
    )
    # From another page, one confident statement is enough to change the stance.
    other_page = frame.with_columns(pl.Series("doc", ["page.txt", "other.txt"]))
    assert held(build_series(other_page, config()).daily) == {date(2025, 3, 1): ("undecided", 0)}
    # Within one page on one day it needs a second statement.
    assert held(build_series(frame, config()).daily) == {date(2025, 3, 1): ("oppose", 0)}


def test_curated_entry_wins_over_model_output_on_its_day() -> None:
    curated = """
positions:
  - {actor: anna_berg, issue: troops_on_ground, date: 2025-03-02, stance: oppose,
     source: "https://example.org/statement", quote: "We will not send soldiers."}
"""
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "undecided", 0.9),
            ("anna_berg", "2025-03-02 10:00", "support", 0.9),
        ),
        config(curated),
    )
    observations = series.observations
    superseded = observations.filter(pl.col("superseded"))
    assert superseded.get_column("position_id").to_list() == ["p1"]
    editor = observations.filter(pl.col("source") == "editor").row(0, named=True)
    assert (editor["stance"], editor["confidence"], editor["url"]) == (
        "oppose",
        1.0,
        "https://example.org/statement",
    )
    assert editor["position_id"].startswith("editor-")
    assert held(series.daily)[date(2025, 3, 2)] == ("oppose", 0)
    assert series.shifts.select("from_stance", "to_stance").rows() == [("undecided", "oppose")]
    assert dict(observations.schema) == OBSERVATIONS


def test_observation_marked_wrong_drops_out() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "undecided", 0.9),
            ("anna_berg", "2025-03-02 10:00", "support", 0.9),
        ),
        config("wrong:\n  - {id: p1, note: misattributed}\n"),
    )
    assert series.observations.get_column("position_id").to_list() == ["p0"]
    assert series.shifts.is_empty()


def test_shift_carries_evidence_size_and_confidence() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "oppose", 0.8),
            ("anna_berg", "2025-03-05 10:00", "support", 0.95),
        ),
        config(),
    )
    shift = series.shifts.row(0, named=True)
    assert (shift["from_stance"], shift["to_stance"], shift["size"]) == ("oppose", "support", 2.0)
    assert (shift["from_evidence"], shift["to_evidence"]) == ("quote 0", "quote 1")
    assert (shift["from_confidence"], shift["to_confidence"]) == (0.8, 0.95)
    assert dict(series.shifts.schema) == SHIFTS


def test_a_single_low_confidence_outlier_is_not_a_shift() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "support", 0.9),
            ("anna_berg", "2025-03-02 10:00", "oppose", 0.45),
            ("anna_berg", "2025-03-03 10:00", "support", 0.9),
        ),
        config(),
    )
    assert series.shifts.is_empty()
    assert held(series.daily)[date(2025, 3, 2)] == ("support", 1)


def test_a_confirmed_low_confidence_change_is_a_shift() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "support", 0.9),
            ("anna_berg", "2025-03-02 10:00", "oppose", 0.45),
            ("anna_berg", "2025-03-03 10:00", "oppose", 0.9),
        ),
        config(),
    )
    assert series.shifts.select("from_stance", "to_stance").rows() == [("support", "oppose")]


def test_flip_flop_is_visible_as_a_reversal() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "support", 0.9),
            ("anna_berg", "2025-03-05 10:00", "oppose", 0.9),
            ("anna_berg", "2025-03-09 10:00", "support", 0.9),
            ("tomas_kral", "2025-03-09 10:00", "oppose", 0.9),
        ),
        config(),
    )
    rows = series.shifts.select("actor", "from_stance", "to_stance", "is_reversal").rows()
    assert rows == [
        ("anna_berg", "support", "oppose", False),
        ("anna_berg", "oppose", "support", True),
    ]
    summary = {row["actor"]: row for row in series.summary.iter_rows(named=True)}
    assert summary["anna_berg"]["n_shifts"] == 2
    assert summary["anna_berg"]["latest_stance"] == "support"
    assert summary["tomas_kral"]["n_observations"] == 1
    assert dict(series.summary.schema) == SUMMARY


def test_empty_input_gives_empty_tables_of_the_right_schema(tmp_path: Path) -> None:
    series = build_series(pl.DataFrame(schema=POSITIONS), config())
    assert series.observations.is_empty() and series.daily.is_empty()
    assert series.shifts.is_empty() and series.summary.is_empty()
    write_series(series, tmp_path)
    assert pl.read_parquet(tmp_path / "shifts.parquet").schema == pl.Schema(SHIFTS)


def test_unknown_stance_is_a_clear_error() -> None:
    frame = positions(("anna_berg", "2025-03-01 10:00", "support", 0.9)).with_columns(
        pl.lit("maybe").alias("stance")
    )
    with pytest.raises(SchemaError) as error:
        build_series(frame, config())
    assert str(error.value) == (
        "positions use stances that positions.yaml does not define (troops_on_ground/maybe): "
        "run `tracker run` again after changing the stance scales"
    )


def test_series_and_shifts_commands(tmp_path: Path) -> None:
    frame = positions(
        ("anna_berg", "2025-03-01 10:00", "oppose", 0.9),
        ("anna_berg", "2025-03-05 10:00", "support", 0.9),
    )
    frame.write_parquet(tmp_path / "positions.parquet")
    yaml_path = tmp_path / "positions.yaml"
    yaml_path.write_text(BASE, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["series", str(tmp_path), "--positions", str(yaml_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"2 observations, 5 actor-issue days, 1 shifts -> {tmp_path}"
    shifts_csv = pl.read_csv(tmp_path / "shifts.csv")
    assert shifts_csv.select("from_stance", "to_stance").rows() == [("oppose", "support")]
    result = runner.invoke(main, ["shifts", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "when (UTC)        actor      issue             from -> to         grade      size  "
        "evidence (after; before)",
        "2025-03-05 10:00  anna_berg  troops_on_ground  oppose -> support  full flop  +2.0  "
        '"quote 1"; was "quote 0"',
        "1 shifts, 0 reversals",
    ]
    detailed = runner.invoke(main, ["shifts", str(tmp_path), "--long"]).output.splitlines()
    assert detailed[:5] == [
        "2025-03-05 10:00 UTC  anna_berg on troops_on_ground: oppose -> support (full flop)",
        "  why it counts: One statement at confidence 0.9, from another page or day than the "
        "last statement before it.",
        "  before (2025-03-01 10:00 UTC, page.txt): quote 0",
        "  after (2025-03-05 10:00 UTC, page.txt): quote 1",
        "",
    ]


def test_commands_explain_a_missing_data_dir(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["shifts", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {tmp_path / 'nowhere' / 'shifts.parquet'} not found: "
        f"run `tracker run PAGES --out {tmp_path / 'nowhere'}` to build it"
    )


@pytest.mark.parametrize("name", ["series", "shifts", "actors", "check-config", "train"])
def test_every_command_has_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output


def test_actors_command_lists_speakers_and_new_ones(tmp_path: Path) -> None:
    from datadir import build_data_dir

    from tracker.config import DEFAULT_POSITIONS

    data = build_data_dir(tmp_path / "data", DEFAULT_POSITIONS)
    statements = pl.read_parquet(data / "statements.parquet")
    statements.with_columns(
        pl.when(pl.col("post_id") == "d-0005")
        .then(pl.lit("lars_holm"))
        .otherwise("actor")
        .alias("actor"),
        (pl.col("post_id") != "d-0005").alias("actor_known"),
        pl.when(pl.col("post_id") == "d-0005")
        .then(pl.lit("Norwegian Prime Minister"))
        .otherwise("actor_role")
        .alias("actor_role"),
    ).write_parquet(data / "statements.parquet")
    runner = CliRunner()
    listed = runner.invoke(main, ["actors", str(data)])
    assert listed.exit_code == 0
    assert listed.output.splitlines()[0].split() == ["keir_starmer", "2", "2025-02-17"]
    assert "lars_holm" in listed.output and "(new)" in listed.output
    new = runner.invoke(main, ["actors", str(data), "--new"])
    assert new.output.splitlines()[:4] == [
        "1 speakers not in positions.yaml, most certain first (add those you adopt under actors:):",
        "  - id: lars_holm",
        "    name: Lars Holm",
        "    role: Norwegian Prime Minister",
    ]
