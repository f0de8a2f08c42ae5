"""Ingest: pages (text or saved HTML) -> posts with times in UTC, and rejects.

- ``decode``: page bytes to text (encodings, saved HTML);
- ``stamps``: what a live-blog entry stamp looks like and what it says;
- ``dates``: page years, weekdays and local times resolved to UTC;
- ``posts``: a page cut into posts (headline, byline, body) and the rejects.
"""

from tracker.ingest.dates import YearClue, infer_year, year_clues
from tracker.ingest.decode import decode_page, html_to_text, looks_like_html
from tracker.ingest.posts import (
    ParsedPage,
    expand_pages,
    parse_live_blog,
    parse_page_bytes,
    parse_pages,
)
from tracker.ingest.stamps import PAGE_SUFFIXES

__all__ = [
    "PAGE_SUFFIXES",
    "ParsedPage",
    "YearClue",
    "decode_page",
    "expand_pages",
    "html_to_text",
    "infer_year",
    "looks_like_html",
    "parse_live_blog",
    "parse_page_bytes",
    "parse_pages",
    "year_clues",
]
