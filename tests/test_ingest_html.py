"""Saved HTML: JSON-LD live blogs and articles of several outlets' markup, main text, dates."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from tracker.ingest import PageInfo, parse_live_blog
from tracker.ingest.html import json_ld

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def parse(name: str, info: PageInfo | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    parsed = parse_live_blog((FIXTURES / name).read_text(encoding="utf-8"), name, info=info)
    return parsed.posts.filter(~pl.col("is_head")), parsed.rejects


def rows(posts: pl.DataFrame) -> list[tuple[str, str, str]]:
    return [
        (r["post_time"].strftime("%Y-%m-%dT%H:%M:%S"), r["headline"], r["byline"])
        for r in posts.iter_rows(named=True)
    ]


def test_live_blog_posting_entries_are_the_posts() -> None:
    posts, rejects = parse("bbc_style_live.html")
    assert rows(posts) == [
        ("2025-03-03T14:05:00", "Ministers leave the harbour office", ""),
        ("2025-03-03T13:40:00", "What we know so far", "Rowan Tester"),
    ]
    assert posts.item(0, "body") == (
        "The two ministers walked out together and did not take questions.\n\n"
        "Aides said a short statement would follow this evening."
    )
    assert posts.get_column("url").unique().to_list() == [
        "https://news.example.org/live/harbour-talks"
    ]
    assert posts.get_column("source_format").unique().to_list() == ["json_ld_live"]
    assert rejects.is_empty()


def test_live_blog_in_a_list_with_markup_bodies_and_several_authors() -> None:
    posts, _ = parse("guardian_style_live.html")
    assert rows(posts) == [
        (
            "2024-06-14T09:05:12",
            "Unions call off the evening sailings walkout",
            "Ada Sample, Ben Sample",
        ),
        ("2024-06-14T08:47:00", "Summary", ""),
    ]
    assert posts.item(0, "body") == (
        "The union said the evening walkout would not go ahead.\n\n"
        "Its leader thanked passengers for their patience."
    )
    assert posts.item(0, "url") == "https://sampledaily.example.com/world/live/ferry-strike"


def test_live_blog_in_a_graph_with_offsets_and_an_undated_entry_rejected() -> None:
    posts, rejects = parse("aljazeera_style_live.html")
    assert rows(posts) == [
        ("2024-03-21T09:10:00", "Trucks queue at the northern gate", ""),
        ("2024-03-21T05:45:00", "Crossing to reopen at noon, officials say", ""),
    ]
    assert rejects.rows() == [
        (
            "aljazeera_style_live.html",
            3,
            "No date on this one",
            "liveBlogUpdate entry 3: no datePublished",
        )
    ]


def test_manifest_url_wins_over_the_page_url() -> None:
    info = PageInfo(url="https://mirror.example.org/copy")
    posts, _ = parse("bbc_style_live.html", info)
    assert posts.get_column("url").unique().to_list() == ["https://mirror.example.org/copy"]


def test_news_article_with_its_body_in_json_ld() -> None:
    posts, _ = parse("independent_style_article.html")
    assert rows(posts) == [
        ("2025-02-25T09:30:00", "Council votes to keep the night buses running", "")
    ]
    assert posts.item(0, "body").startswith("Councillors voted by a wide margin")
    assert "Support Now" not in posts.item(0, "body")
    assert posts.item(0, "url") == (
        "https://paper.example.co.uk/news/uk/night-buses-vote-b2700000.html"
    )


def test_news_article_without_body_takes_its_main_text_without_page_furniture() -> None:
    posts, _ = parse("reuters_style_article.html")
    assert rows(posts) == [
        ("2024-10-22T15:54:00", "Port authority says repairs will take a year", "")
    ]
    body = posts.item(0, "body")
    assert body.startswith("The port authority said on Tuesday")
    for furniture in ("cookies", "Markets", "Harbour traffic falls", "quotes delayed"):
        assert furniture not in body


def test_page_without_structured_data_is_dated_from_its_meta_tags() -> None:
    posts, _ = parse("meta_only_article.html")
    assert rows(posts) == [("2023-05-02T08:00:00", "Library extends its opening hours", "")]
    assert "Front page" not in posts.item(0, "body")


def test_manifest_date_wins_over_the_page_own_date() -> None:
    info = PageInfo(published=datetime(2023, 5, 3, 6, 0, tzinfo=UTC))
    posts, _ = parse("meta_only_article.html", info)
    assert posts.item(0, "post_time") == datetime(2023, 5, 3, 6, 0, tzinfo=UTC)


def test_live_page_without_structured_data_is_read_from_its_stamps() -> None:
    posts, _ = parse("live_without_structured_data.html")
    assert rows(posts) == [
        ("2024-01-22T10:58:00", "Rail lines reopen in the north", ""),
        ("2024-01-22T09:41:00", "Gusts ease along the coast", ""),
    ]


@pytest.mark.parametrize(
    "block",
    ["{not json", '{"@type": "LiveBlogPosting"', "<![CDATA[ [1, 2] ]]>"],
)
def test_bad_json_ld_is_skipped(block: str) -> None:
    markup = f'<html><script type="application/ld+json">{block}</script></html>'
    assert json_ld(markup) == []
