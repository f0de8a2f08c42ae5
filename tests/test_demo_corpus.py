"""The demo corpus: every page parses cleanly, and none of it is copied from the seeds."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import polars as pl
import pytest
from own_words import seed_shingles, shingles

from tracker.config import DEFAULT_POSITIONS, read_positions
from tracker.ingest import ParsedPage, parse_live_blog, year_clues

DEMO_PAGES = Path(__file__).resolve().parent.parent / "demo" / "pages"


def utc(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)


# page -> (layout, timed posts, newest post in UTC, oldest post in UTC).
# BST pages are one hour behind the printed clock; pages without a year get it inferred.
EXPECTED = {
    "bbc_2023-02-08_london.txt": (
        "bbc",
        16,
        utc("2023-02-08", "19:40"),
        utc("2023-02-08", "09:30"),
    ),
    "bbc_2024-11-19_ukraine.txt": (
        "bbc",
        16,
        utc("2024-11-19", "20:10"),
        utc("2024-11-19", "09:00"),
    ),
    "bbc_2024-12-12_ukraine.txt": (
        "bbc",
        15,
        utc("2024-12-12", "19:50"),
        utc("2024-12-12", "09:00"),
    ),
    "bbc_2025-02-17_paris.txt": (
        "bbc",
        16,
        utc("2025-02-17", "20:15"),
        utc("2025-02-17", "10:30"),
    ),
    "bbc_2025-03-11_jeddah.txt": (
        "bbc_new",
        15,
        utc("2025-03-11", "20:20"),
        utc("2025-03-11", "09:30"),
    ),
    "bbc_2025-03-13_kremlin.txt": (
        "bbc_new",
        15,
        utc("2025-03-13", "19:40"),
        utc("2025-03-13", "09:30"),
    ),
    "bbc_2025-06-25_the_hague.txt": (
        "bbc_new",
        15,
        utc("2025-06-25", "16:45"),
        utc("2025-06-25", "06:45"),
    ),
    "bbc_2025-10-23_brussels.txt": (
        "bbc",
        15,
        utc("2025-10-23", "19:05"),
        utc("2025-10-23", "08:30"),
    ),
    "independent_2025-01-22_ukraine.txt": (
        "independent",
        15,
        utc("2025-01-22", "12:10"),
        utc("2025-01-21", "21:45"),
    ),
    "independent_2025-08-19_washington.txt": (
        "independent",
        15,
        utc("2025-08-19", "11:35"),
        utc("2025-08-18", "18:45"),
    ),
}


@cache
def parsed(name: str) -> ParsedPage:
    clues = year_clues(read_positions(DEFAULT_POSITIONS))
    return parse_live_blog((DEMO_PAGES / name).read_text(encoding="utf-8"), name, clues=clues)


def timed_posts(name: str) -> pl.DataFrame:
    return parsed(name).posts.filter(~pl.col("is_head"))


def test_expectations_cover_every_page() -> None:
    assert sorted(path.name for path in DEMO_PAGES.glob("*.txt")) == sorted(EXPECTED)


def test_corpus_spreads_over_months_and_layouts() -> None:
    months = {name.split("_")[1][:7] for name in EXPECTED}
    layouts = {layout for layout, *_ in EXPECTED.values()}
    assert len(EXPECTED) >= 8
    assert len(months) >= 7
    assert layouts == {"bbc", "bbc_new", "independent"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_parses_without_rejects(name: str) -> None:
    layout, count, newest, oldest = EXPECTED[name]
    page = parsed(name)
    assert page.rejects.is_empty(), page.rejects.to_dicts()
    assert page.source_format == layout
    posts = timed_posts(name)
    assert posts.height == count
    assert 15 <= count <= 30
    assert posts["post_time"].to_list()[0] == newest
    assert posts["post_time"].to_list()[-1] == oldest
    assert posts.select(pl.col("headline").str.len_chars().min()).item() > 0
    assert posts.select(pl.col("body").str.len_chars().min()).item() > 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_posts_are_newest_first_and_dated_like_the_file_name(name: str) -> None:
    posts = timed_posts(name)
    times = posts["post_time"].to_list()
    assert times == sorted(times, reverse=True)
    named_day = date.fromisoformat(name.split("_")[1])
    assert times[0].date() == named_day


def test_summer_pages_are_converted_from_british_summer_time() -> None:
    for name in ("bbc_2025-06-25_the_hague.txt", "bbc_2025-10-23_brussels.txt"):
        first = timed_posts(name).row(0, named=True)
        printed = re.match(r"(\d{2}):(\d{2})", first["time_text"])
        assert printed is not None
        assert first["post_time"].hour == int(printed[1]) - 1


def test_pages_without_a_year_get_it_from_their_context() -> None:
    assert parsed("bbc_2024-11-19_ukraine.txt").year == 2024
    assert parsed("bbc_2025-06-25_the_hague.txt").year == 2025


def test_untimed_head_is_kept_as_its_own_record() -> None:
    for name in EXPECTED:
        head = parsed(name).posts.filter(pl.col("is_head"))
        assert head.height == 1, name


# ---- the copyright guard ---------------------------------------------------------------


def test_shingles_ignore_case_and_punctuation() -> None:
    text = "One two, three FOUR five six seven eight nine"
    assert shingles(text) == {
        ("one", "two", "three", "four", "five", "six", "seven", "eight"),
        ("two", "three", "four", "five", "six", "seven", "eight", "nine"),
    }
    assert shingles("too short to count") == set()


@pytest.mark.seeds
def test_no_eight_word_sequence_of_a_demo_page_occurs_in_a_seed(seeds_dir: Path) -> None:
    seeds = seed_shingles(seeds_dir)
    copied = {
        page.name: sorted(" ".join(words) for words in shingles(page.read_text()) & seeds)
        for page in sorted(DEMO_PAGES.glob("*.txt"))
    }
    assert {name: runs for name, runs in copied.items() if runs} == {}
