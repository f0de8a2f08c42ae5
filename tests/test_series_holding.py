"""How long a stance is held (staleness per issue, end of a tenure), what corroborates a
shift, its grade, and the sources and reasons the shift log shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest
from test_series import config, held, positions

from tracker.config import load_positions
from tracker.errors import ConfigError
from tracker.holding import tenure_spans
from tracker.series import build_series

TWO_ISSUES = """
actors:
  - {id: anna_berg, name: Anna Berg}
  - id: tomas_kral
    name: Tomas Kral
    roles:
      - {title: Foreign minister, from: 2024-01-01, until: 2025-03-10}
  - id: eva_lind
    name: Eva Lind
    roles:
      - {title: Defence minister, from: 2023-01-01, until: 2024-06-30}
      - {title: Prime minister, from: 2024-07-01}
issues:
  - id: troops_on_ground
    label: Troops
    question: Send troops?
    stale_after_days: 10
    stances:
      - {id: support, score: 1, description: for}
      - {id: undecided, score: 0, description: open}
      - {id: oppose, score: -1, description: against}
  - id: asset_seizure
    label: Assets
    question: Seize assets?
    stances:
      - {id: support, score: 1, description: for}
      - {id: leaning, score: 0.6, description: leaning for}
      - {id: undecided, score: 0, description: open}
      - {id: oppose, score: -1, description: against}
"""


def on(frame: pl.DataFrame, issue: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(issue).alias("issue"))


def test_a_stance_goes_stale_after_its_issue_limit_and_the_series_shows_a_gap() -> None:
    rows = positions(
        ("anna_berg", "2025-03-01 10:00", "support", 0.9),
        ("anna_berg", "2025-04-01 10:00", "support", 0.9),
        ("tomas_kral", "2025-01-01 10:00", "oppose", 0.9),
    )
    series = build_series(rows, load_positions(TWO_ISSUES, "t.yaml"))
    days = held(series.daily)
    # Ten days after 1 March, then nothing until the next statement.
    assert max(day for day in days if day < date(2025, 4, 1)) == date(2025, 3, 11)
    assert days[date(2025, 3, 11)] == ("support", 10)
    assert date(2025, 3, 12) not in days and days[date(2025, 4, 1)] == ("support", 0)
    assert series.daily.get_column("stale_days").max() == 10
    summary = series.summary.filter(pl.col("actor") == "anna_berg").row(0, named=True)
    assert (summary["held_until"], summary["held_now"]) == (date(2025, 4, 1), True)


def test_the_default_limit_is_ninety_days() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-01-01 10:00", "support", 0.9),
            ("tomas_kral", "2025-12-31 10:00", "oppose", 0.9),
        ),
        config(),
    )
    days = held(series.daily)
    assert max(days) == date(2025, 4, 1) and days[max(days)] == ("support", 90)
    summary = series.summary.filter(pl.col("actor") == "anna_berg").row(0, named=True)
    assert (summary["latest_stance"], summary["held_now"]) == ("support", False)


def test_a_stance_is_not_carried_past_the_end_of_the_tenure_it_was_said_in() -> None:
    limits = load_positions(TWO_ISSUES, "t.yaml")
    rows = on(
        positions(
            ("tomas_kral", "2025-03-01 10:00", "oppose", 0.9),
            ("eva_lind", "2024-06-20 10:00", "support", 0.9),
            ("anna_berg", "2025-06-30 10:00", "support", 0.9),
        ),
        "asset_seizure",
    )
    series = build_series(rows, limits)
    assert max(held(series.daily, "tomas_kral")) == date(2025, 3, 10)
    # Defence minister, then prime minister from the next day: one tenure, so the
    # stance runs on to the 90-day limit.
    assert max(held(series.daily, "eva_lind")) == date(2024, 9, 18)


def test_a_statement_outside_any_listed_role_is_limited_by_staleness_only() -> None:
    rows = on(
        positions(
            ("tomas_kral", "2025-04-01 10:00", "oppose", 0.9),
            ("anna_berg", "2025-12-30 10:00", "support", 0.9),
        ),
        "asset_seizure",
    )
    series = build_series(rows, load_positions(TWO_ISSUES, "t.yaml"))
    assert max(held(series.daily, "tomas_kral")) == date(2025, 6, 30)


def test_roles_join_into_tenures() -> None:
    spans = tenure_spans(load_positions(TWO_ISSUES, "t.yaml"))
    assert spans.rows() == [
        ("tomas_kral", date(2024, 1, 1), date(2025, 3, 10)),
        ("eva_lind", date(2023, 1, 1), None),
    ]


def test_roles_and_limits_are_validated() -> None:
    with pytest.raises(ConfigError) as error:
        load_positions(
            TWO_ISSUES.replace("stale_after_days: 10", "stale_after_days: 0").replace(
                "until: 2025-03-10", "until: 2023-03-10"
            ),
            "t.yaml",
        )
    assert error.value.problems == [
        "t.yaml:7: actors[1].roles[0]: from 2024-01-01 is after until 2023-03-10",
        "t.yaml:17: issues[0].stale_after_days: 0: Input should be greater than or equal to 1",
    ]


def test_one_statement_within_a_page_and_day_is_not_a_shift() -> None:
    series = build_series(
        positions(
            ("anna_berg", "2025-03-01 10:00", "support", 0.9),
            ("anna_berg", "2025-03-01 10:40", "oppose", 0.95),
            ("anna_berg", "2025-03-01 11:10", "support", 0.9),
        ),
        config(),
    )
    assert series.shifts.is_empty()
    unconfirmed = series.observations.filter(pl.col("status") == "unconfirmed")
    assert unconfirmed.get_column("position_id").to_list() == ["p1"]
    assert unconfirmed.get_column("status_note").to_list() == [
        "Not counted: a change of stance on one statement. A shift needs a second "
        "statement, or one at confidence 0.85 or more from another page or day."
    ]


def test_a_shift_says_why_it_counts_and_shows_both_sources() -> None:
    frame = positions(
        ("anna_berg", "2025-03-01 10:00", "support", 0.9),
        ("anna_berg", "2025-03-03 10:00", "oppose", 0.7),
        ("anna_berg", "2025-03-03 11:00", "oppose", 0.7),
        ("anna_berg", "2025-03-09 10:00", "undecided", 0.9),
    ).with_columns(
        pl.Series("doc", ["a.txt", "b.txt", "b.txt", "c.txt"]),
    )
    series = build_series(frame, config())
    rows = series.shifts.select(
        "to_stance", "grade", "corroboration", "n_statements", "from_source", "to_source"
    ).rows()
    assert rows == [
        (
            "oppose",
            "full flop",
            "2 statements of the new stance in a row; the second on 2025-03-03 11:00 UTC (b.txt).",
            2,
            "a.txt",
            "b.txt",
        ),
        (
            "undecided",
            "half flip",
            "One statement at confidence 0.9, from another page or day than the last "
            "statement before it.",
            1,
            "b.txt",
            "c.txt",
        ),
    ]
    first = series.shifts.row(0, named=True)
    assert (first["gap_days"], first["from_headline"], first["to_headline"]) == (
        2,
        "headline 0",
        "headline 1",
    )


def test_a_curated_entry_is_its_own_corroboration_and_names_its_source() -> None:
    curated = """
positions:
  - {actor: anna_berg, issue: troops_on_ground, date: 2025-03-01, stance: oppose,
     quote: "Not one soldier."}
  - {actor: anna_berg, issue: troops_on_ground, date: 2025-03-08, stance: support,
     source: "https://example.org/later"}
"""
    series = build_series(
        positions(("anna_berg", "2025-03-01 09:00", "support", 0.9)), config(curated)
    )
    rows = series.shifts.select("from_source", "to_source", "corroboration").rows()
    assert rows == [
        (
            "positions.yaml (curated entry)",
            "https://example.org/later",
            "An editor's curated entry.",
        )
    ]


def test_what_follows_a_set_aside_change_is_judged_against_the_stance_held() -> None:
    # b (another page, but not confident enough alone) is set aside; c then follows the
    # held stance's statement on its own page and day, so it needs a second statement.
    frame = positions(
        ("anna_berg", "2025-03-01 10:00", "support", 0.9),
        ("anna_berg", "2025-03-01 10:30", "undecided", 0.7),
        ("anna_berg", "2025-03-01 11:00", "oppose", 0.9),
    ).with_columns(pl.Series("doc", ["a.txt", "b.txt", "a.txt"]))
    series = build_series(frame, config())
    assert series.shifts.is_empty()
    assert series.observations.get_column("status").to_list() == [
        "counted",
        "unconfirmed",
        "unconfirmed",
    ]
    # Judged against b instead, c would have counted: the order of judging matters.
    confident_b = frame.with_columns(pl.Series("confidence", [0.9, 0.9, 0.9]))
    shifts = build_series(confident_b, config()).shifts
    assert shifts.select("from_stance", "to_stance").rows() == [
        ("support", "undecided"),
        ("undecided", "oppose"),
    ]


def test_grades_follow_the_share_of_the_scale() -> None:
    limits = load_positions(TWO_ISSUES, "t.yaml")
    frame = on(
        positions(
            ("anna_berg", "2025-03-01 10:00", "support", 0.9),
            ("anna_berg", "2025-03-05 10:00", "support", 0.9),
            ("anna_berg", "2025-03-09 10:00", "support", 0.9),
        ),
        "asset_seizure",
    ).with_columns(pl.Series("stance", ["support", "leaning", "undecided"]))
    series = build_series(frame, limits)
    # 1 -> 0.6 is a fifth of the scale (2): no flip; 0.6 -> 0 is 30 %: a half flip.
    assert series.shifts.select("from_stance", "to_stance", "grade").rows() == [
        ("support", "leaning", "no flip"),
        ("leaning", "undecided", "half flip"),
    ]


def test_page_urls_become_sources_where_the_positions_carry_them() -> None:
    frame = positions(
        ("anna_berg", "2025-03-01 10:00", "support", 0.9),
        ("anna_berg", "2025-03-05 10:00", "oppose", 0.9),
    ).with_columns(pl.Series("url", ["https://example.org/a", None]))
    series = build_series(frame, config())
    assert series.observations.get_column("url").to_list() == ["https://example.org/a", ""]
    assert series.shifts.select("from_source", "to_source").rows() == [
        ("https://example.org/a", "page.txt")
    ]


def test_the_series_ends_at_the_last_statement_not_today() -> None:
    series = build_series(positions(("anna_berg", "2025-03-01 10:00", "support", 0.9)), config())
    assert series.daily.get_column("day").max() == date(2025, 3, 1)
    assert series.summary.get_column("last_seen").to_list() == [
        datetime(2025, 3, 1, 10, tzinfo=UTC)
    ]


def test_a_shipped_tenure_ends_a_stance_the_austin_case() -> None:
    """One confident label of the US defence secretary in February 2023 on Nato
    membership: held for the issue's limit, never to August 2025; a 0.51 label alone
    is not held at all."""
    from tracker.config import DEFAULT_POSITIONS, read_positions

    shipped = read_positions(DEFAULT_POSITIONS)
    roles = {actor.id: actor.roles for actor in shipped.actors}
    assert roles["lloyd_austin"][-1].until == date(2025, 1, 20)
    assert roles["olaf_scholz"][-1].until == date(2025, 5, 6)
    frame = positions(
        ("lloyd_austin", "2023-02-14 10:00", "support", 0.9),
        ("keir_starmer", "2025-08-19 10:00", "support", 0.9),
    ).with_columns(pl.lit("nato_membership").alias("issue"))
    days = held(build_series(frame, shipped).daily, "lloyd_austin")
    limit = shipped.issue_by_id["nato_membership"].stale_after_days
    assert max(days) == date(2023, 2, 14) + timedelta(days=limit)
    weak = frame.with_columns(pl.Series("confidence", [0.51, 0.9]))
    assert held(build_series(weak, shipped).daily, "lloyd_austin") == {}
    late = frame.with_columns(
        pl.Series(
            "post_time",
            [datetime(2024, 12, 1, 10, tzinfo=UTC), datetime(2025, 8, 19, 10, tzinfo=UTC)],
        )
    )
    assert max(held(build_series(late, shipped).daily, "lloyd_austin")) == date(2025, 1, 20)
