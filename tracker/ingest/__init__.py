"""Ingest: pages (text or saved HTML) -> posts with times in UTC, and rejects.

- ``decode``: page bytes to text (encodings, saved HTML);
- ``grammar``, ``zones``: what a timestamp looks like and what it says;
- ``stamps``: which lines open a live-blog post, and where its headline is;
- ``dates``: page years, anchors (manifest, --date, the page's date) and UTC;
- ``article``: the one post of a page without entry stamps;
- ``boilerplate``: page furniture that is not body text;
- ``html``: saved HTML (JSON-LD live blogs and articles, main text, dates);
- ``manifest``: the scraper's CSV of file, URL and publication time;
- ``posts``: a page cut into posts (headline, byline, body) and the rejects.
"""

from tracker.ingest.dates import Anchor, YearClue, infer_year, year_clues
from tracker.ingest.decode import decode_page, html_to_text, looks_like_html
from tracker.ingest.manifest import PageInfo, page_info, read_manifest
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
    "Anchor",
    "PageInfo",
    "ParsedPage",
    "YearClue",
    "decode_page",
    "expand_pages",
    "html_to_text",
    "infer_year",
    "looks_like_html",
    "page_info",
    "parse_live_blog",
    "parse_page_bytes",
    "parse_pages",
    "read_manifest",
    "year_clues",
]
