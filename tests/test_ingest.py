"""Ingest: the three live-blog layouts, dates and zones, bad input, and the seeds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.cli import main
from tracker.config import read_positions
from tracker.errors import DateUnknownError, IngestError, YearUnknownError
from tracker.ingest import (
    PageInfo,
    YearClue,
    decode_page,
    infer_year,
    parse_live_blog,
    parse_pages,
    year_clues,
)
from tracker.schemas import POSTS, REJECTS

CLASSIC = """Summary

  • Leaders gather in Paris for a second day of talks

  1. Minister backs a bigger air-defence fundpublished at 14:05 Greenwich Mean Time 3 March 2025

    The defence minister told reporters the fund would double by the autumn.

    A missile launcher in a fieldImage source, Example Agency
    Image caption,

    A launcher photographed last week

  2. Analysis

    Why the talks matter this weekpublished at 13:40 Greenwich Mean Time 3 March 2025

    Jo Bloggs
    Diplomatic correspondent

    Diplomats say a deal could take months.
"""

NEWER = """Live Reporting
Edited by A Person
Summit closes with a joint statementpublished at 18:10 British Summer Time 14 June 2025
18:10 BST 14 June 2025
Sam Writer
Live reporterImage source, Example Agency
The leaders signed a short statement on energy security.
Earlier talks ran latepublished at 09:05 British Summer Time 14 June 2025
09:05 BST 14 June 2025
Talks ran past midnight, officials said.
"""

INDEPENDENT = """Key Points
-
Talks resume in Geneva
Talks resume in Geneva after a night of calls
00:20 , Kim Author
Delegations returned to the table shortly after midnight.
Late-night statement from the foreign ministry
23:45 , Kim Author
The ministry said it would answer in the morning.
Evening briefing ends
Friday 10 January 2025 21:30 , Lee Author
The briefing closed without questions.
"""


def times(posts: pl.DataFrame) -> list[str]:
    timed = posts.filter(~pl.col("is_head"))
    return [t.strftime("%Y-%m-%d %H:%M") for t in timed.get_column("post_time")]


def test_bbc_classic_posts_labels_bylines_and_captions() -> None:
    page = parse_live_blog(CLASSIC, "classic.txt")
    posts = page.posts.filter(~pl.col("is_head"))
    assert posts.get_column("headline").to_list() == [
        "Minister backs a bigger air-defence fund",
        "Why the talks matter this week",
    ]
    assert times(page.posts) == ["2025-03-03 14:05", "2025-03-03 13:40"]
    first, second = posts.rows(named=True)
    assert (
        first["body"] == "The defence minister told reporters the fund would double by the autumn."
    )
    assert "Analysis" not in first["body"]  # the label belongs to the next post
    assert second["byline"] == "Jo Bloggs, Diplomatic correspondent"
    assert second["body"] == "Diplomats say a deal could take months."
    assert page.rejects.is_empty()
    assert dict(page.posts.schema) == POSTS


def test_head_record_is_kept() -> None:
    head = parse_live_blog(CLASSIC, "classic.txt").posts.filter(pl.col("is_head"))
    assert head.height == 1
    assert "Leaders gather in Paris" in head.item(0, "body")
    assert head.item(0, "post_time") is None


def test_bbc_newer_layout_converts_summer_time_to_utc() -> None:
    page = parse_live_blog(NEWER, "newer.txt")
    assert times(page.posts) == ["2025-06-14 17:10", "2025-06-14 08:05"]
    first = page.posts.filter(~pl.col("is_head")).row(0, named=True)
    assert first["headline"] == "Summit closes with a joint statement"
    assert first["byline"] == "Sam Writer, Live reporter"
    assert first["body"] == "The leaders signed a short statement on energy security."
    assert first["source_format"] == "bbc_new"


def test_independent_bare_times_wrap_past_midnight() -> None:
    page = parse_live_blog(INDEPENDENT, "indy.txt")
    assert times(page.posts) == ["2025-01-11 00:20", "2025-01-10 23:45", "2025-01-10 21:30"]
    headlines = page.posts.filter(~pl.col("is_head")).get_column("headline").to_list()
    assert headlines[0] == "Talks resume in Geneva after a night of calls"
    assert page.posts.filter(pl.col("is_head")).height == 1


def test_independent_uses_uk_local_time_in_summer() -> None:
    text = "Headline one\nMonday 4 August 2025 09:30 , A Writer\nBody text here.\n"
    page = parse_live_blog(text, "indy.txt")
    assert page.posts.filter(~pl.col("is_head")).item(0, "post_time") == datetime(
        2025, 8, 4, 8, 30, tzinfo=UTC
    )


def test_year_comes_from_argument_then_role_phrases() -> None:
    text = "Talkspublished at 10:00 Greenwich Mean Time 5 March\n\nUS President Jane Doe spoke.\n"
    assert times(parse_live_blog(text, "a.txt", year=2021).posts) == ["2021-03-05 10:00"]
    clue = YearClue("US President Jane Doe", date(2029, 1, 20), None)
    posts = parse_live_blog(text, "a.txt", clues=[clue], today=date(2031, 6, 1)).posts
    assert times(posts) == ["2029-03-05 10:00"]


def test_year_from_a_weekday_date_in_the_text() -> None:
    text = "Talkspublished at 10:00 Greenwich Mean Time 5 March\n\nOn Wednesday 5 March it began.\n"
    # 5 March fell on a Wednesday in 2025 (and 2014, 2031): the closest to today wins.
    assert infer_year(text, [(3, 5)], today=date(2026, 11, 22)) == 2025


def test_missing_year_is_reported_with_the_fix() -> None:
    text = "Talkspublished at 10:00 Greenwich Mean Time 5 March\n\nNothing dated here.\n"
    with pytest.raises(YearUnknownError) as error:
        parse_live_blog(text, "undated.txt")
    assert str(error.value) == (
        "undated.txt: the dates on this page have no year and none could be inferred "
        "from it; pass it with --year (e.g. --year 2025)"
    )


def test_page_with_no_stamps_and_no_date_says_how_to_date_it() -> None:
    with pytest.raises(DateUnknownError) as error:
        parse_live_blog("Just a paragraph of text.\nAnd another.\n", "essay.txt")
    assert str(error.value) == (
        "essay.txt: no entry stamps and no date found on this page; pass its date with "
        "--date YYYY-MM-DD or give it a row in a --manifest file (file,url,published)"
    )


def test_page_with_no_stamps_is_one_article_post_on_the_given_date() -> None:
    text = "A long headline about the summit talks\nThe ministers met and talked.\n"
    info = PageInfo(day=date(2025, 3, 4), source="--date")
    posts = parse_live_blog(text, "essay.txt", info=info).posts
    assert posts.rows(named=True)[0]["post_time"] == datetime(2025, 3, 4, 12, tzinfo=UTC)
    assert posts.item(0, "headline") == "A long headline about the summit talks"
    assert posts.item(0, "body") == "The ministers met and talked."
    assert posts.item(0, "source_format") == "article"


def test_impossible_dates_and_times_are_rejected_not_dropped() -> None:
    text = (
        "Goodpublished at 10:00 Greenwich Mean Time 3 March 2025\nbody\n"
        "Bad daypublished at 10:00 Greenwich Mean Time 30 February 2025\nbody\n"
        "Bad hourpublished at 25:10 Greenwich Mean Time 3 March 2025\nbody\n"
        "Bad monthpublished at 10:00 Greenwich Mean Time 3 Smarch 2025\nbody\n"
    )
    page = parse_live_blog(text, "bad.txt")
    assert times(page.posts) == ["2025-03-03 10:00"]
    assert page.rejects.get_column("line").to_list() == [3, 5, 7]
    reasons = page.rejects.get_column("reason").to_list()
    assert (
        reasons[0]
        == "'10:00 Greenwich Mean Time 30 February 2025': day 30 does not exist in that month"
    )
    assert reasons[1] == "'25:10 Greenwich Mean Time 3 March 2025': 25:10 is not a time of day"
    assert reasons[2] == "'10:00 Greenwich Mean Time 3 Smarch 2025': unknown month"
    assert dict(page.rejects.schema) == REJECTS


def test_a_repeated_post_is_kept_once_and_the_repeat_rejected() -> None:
    post = "Same storypublished at 10:00 Greenwich Mean Time 3 March 2025\nSame words.\n"
    later = "Laterpublished at 11:00 Greenwich Mean Time 3 March 2025\nMore.\n"
    page = parse_live_blog(post + later + post, "dup.txt")
    assert times(page.posts) == ["2025-03-03 10:00", "2025-03-03 11:00"]
    assert page.posts.get_column("post_id").n_unique() == 2
    assert page.rejects.rows() == [
        (
            "dup.txt",
            5,
            "Same story",
            "repeats the post at line 1 (same time, headline and text): counted once",
        )
    ]


def test_out_of_order_posts_of_the_same_minute_are_all_kept() -> None:
    first = "One storypublished at 10:00 Greenwich Mean Time 3 March 2025\nWords.\n"
    second = "Another storypublished at 10:00 Greenwich Mean Time 3 March 2025\nOther.\n"
    early = "Earlypublished at 09:00 Greenwich Mean Time 3 March 2025\nMore.\n"
    page = parse_live_blog(first + early + second, "order.txt")
    assert times(page.posts) == ["2025-03-03 10:00", "2025-03-03 09:00", "2025-03-03 10:00"]


def test_saved_html_page_is_read() -> None:
    markup = (
        "<!DOCTYPE html><html><head><script>var x = 1;</script></head><body>"
        "<h3>Leaders meet<span>published at 10:00 Greenwich Mean Time 3 March 2025</span></h3>"
        "<p>They met &amp; talked.</p></body></html>"
    )
    posts = parse_live_blog(markup, "page.html").posts.filter(~pl.col("is_head"))
    assert posts.item(0, "headline") == "Leaders meet"
    assert posts.item(0, "body") == "They met & talked."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Zoë – café\r\nline".encode("utf-8-sig"), "Zoë – café\nline"),
        ("Zoë – café\r\nline".encode("utf-16"), "Zoë – café\nline"),
        ("Zoë – café\r\nline".encode("utf-16-le"), "Zoë – café\nline"),
        ("Zoë – café\rline".encode("cp1252"), "Zoë – café\nline"),
    ],
)
def test_encodings_and_line_endings(data: bytes, expected: str) -> None:
    assert decode_page(data, "x.txt") == expected


def test_empty_and_binary_files_are_refused_clearly() -> None:
    with pytest.raises(IngestError, match=r"^empty\.txt: the file is empty$"):
        decode_page(b"  \n", "empty.txt")
    with pytest.raises(IngestError) as error:
        decode_page(bytes(range(256)) * 20, "photo.jpg")
    assert str(error.value) == (
        "photo.jpg: looks like a binary file, not a live-blog page: "
        "pass the page saved as text or HTML"
    )


def test_parse_pages_keeps_unreadable_pages_as_rejects(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(CLASSIC, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    posts, rejects = parse_pages([good, empty])
    assert posts.filter(~pl.col("is_head")).height == 2
    assert rejects.rows() == [("empty.txt", 0, "", "empty.txt: the file is empty")]


# ---- property-based: random text never crashes, timestamped posts are never lost ------

MONTH_NAMES = ["January", "February", "March", "April", "June", "July", "October"]
words = st.text(alphabet="abcdefghij ,.'", min_size=0, max_size=40)


@st.composite
def classic_page(draw: st.DrawFn) -> tuple[str, int]:
    n_posts = draw(st.integers(min_value=1, max_value=8))
    lines = [draw(words) for _ in range(draw(st.integers(0, 3)))]
    for n in range(n_posts):
        day = draw(st.integers(1, 28))
        month = draw(st.sampled_from(MONTH_NAMES))
        clock = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
        zone = draw(st.sampled_from(["Greenwich Mean Time", "British Summer Time"]))
        headline = draw(st.text(alphabet="ABCabc '-", min_size=1, max_size=30)).strip() or "H"
        # Distinct headlines: a post repeated word for word is counted once (tested above).
        lines.append(f"  1. {headline} {n}published at {clock} {zone} {day} {month} 2024")
        lines.extend(draw(words) for _ in range(draw(st.integers(0, 4))))
    return "\n".join(lines), n_posts


@settings(max_examples=150, deadline=None)
@given(classic_page())
def test_every_generated_post_is_found(page: tuple[str, int]) -> None:
    text, n_posts = page
    parsed = parse_live_blog(text, "gen.txt")
    assert parsed.posts.filter(~pl.col("is_head")).height == n_posts
    assert parsed.rejects.is_empty()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_random_text_raises_only_ingest_errors(text: str) -> None:
    try:
        parsed = parse_live_blog(text, "random.txt", year=2024)
    except IngestError:
        return
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    timed_lines = sum(1 for line in lines if any(ch.isdigit() for ch in line))
    found = parsed.posts.filter(~pl.col("is_head")).height + parsed.rejects.height
    assert found <= max(timed_lines, 1)  # an article without stamps is one post


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_decode_or_raise_ingest_error(data: bytes) -> None:
    try:
        text = decode_page(data, "blob.bin")
    except IngestError:
        return
    assert "\r" not in text


# ---- the seeds -------------------------------------------------------------------------


@pytest.mark.seeds
def test_seed_posts_equal_gold(seeds_dir: Path, gold_dir: Path) -> None:
    clues = year_clues(read_positions(Path(__file__).parent.parent / "positions.yaml"))
    posts, rejects = parse_pages(sorted(seeds_dir.glob("*.txt")), clues=clues)
    timed = posts.filter(~pl.col("is_head"))
    got = [
        (row["doc"], row["post_time"].strftime("%Y-%m-%dT%H:%M"), row["headline"])
        for row in timed.iter_rows(named=True)
    ]
    gold = yaml.safe_load((gold_dir / "posts.yaml").read_text(encoding="utf-8"))
    assert got == [(item["doc"], item["post_time"], item["headline"]) for item in gold]
    assert len(got) == 112
    assert rejects.is_empty()


# ---- the command -----------------------------------------------------------------------


def test_posts_command_help() -> None:
    result = CliRunner().invoke(main, ["posts", "--help"])
    assert result.exit_code == 0
    assert "Parse PAGES" in result.output
    assert "--csv" in result.output


def test_posts_command_writes_csv_and_reports_rejects(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CLASSIC, encoding="utf-8")
    (tmp_path / "b.txt").write_text("no posts here\n", encoding="utf-8")
    out = tmp_path / "posts.csv"
    result = CliRunner().invoke(main, ["posts", str(tmp_path), "--csv", str(out)])
    assert result.exit_code == 1
    assert "rejected b.txt: b.txt: no entry stamps and no date found on this page" in result.output
    frame = pl.read_csv(out)
    assert frame.filter(~pl.col("is_head")).get_column("post_time").to_list() == [
        "2025-03-03T14:05:00Z",
        "2025-03-03T13:40:00Z",
    ]


@pytest.mark.slow
def test_a_50_mb_page_is_parsed_whole() -> None:
    post = (
        "Update {i}published at {h:02d}:{m:02d} Greenwich Mean Time 3 March 2025\n\n"
        "    The minister said the plan was on track and more details would follow soon.\n\n"
    )
    text = "".join(post.format(i=i, h=(i // 60) % 24, m=i % 60) for i in range(350_000))
    assert len(text) > 50_000_000
    page = parse_live_blog(decode_page(text.encode("utf-8"), "big.txt"), "big.txt")
    assert page.posts.filter(~pl.col("is_head")).height == 350_000
    assert page.rejects.is_empty()
