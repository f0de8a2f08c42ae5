"""Saved HTML: the structured data a page carries first, then its text.

- schema.org ``LiveBlogPosting`` in JSON-LD: one post per ``liveBlogUpdate`` entry
  (headline, ``datePublished``, ``articleBody``, author);
- ``NewsArticle`` (or ``Article``, ``ReportageNewsArticle``, ...) in JSON-LD: the
  article's ``datePublished`` and, when it has one, ``articleBody``;
- otherwise the page's text, block by block (entry stamps are read from it as from a
  text page), its main text from trafilatura (a boilerplate remover made for news) for an
  article, and its date from htmldate (meta tags, ``<time>`` elements, the URL).

JSON-LD is read with the standard library: it is JSON in a script element, and a
structured-data library brings no more for these two types.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from typing import Any

from tracker.ingest.decode import html_to_text
from tracker.ingest.manifest import PageInfo, parse_published

LIVE_TYPES = {"LiveBlogPosting"}
ARTICLE_TYPES = {
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNews",
    "BlogPosting",
    "WebPage",
}


@dataclass
class HtmlReading:
    """What a saved HTML page says: its posts when its structured data lists them."""

    text: str  # every block of the page, one per line
    main_text: str | None = None  # the article's text without page furniture
    posts: list[dict[str, object]] = field(default_factory=list)
    rejects: list[dict[str, object]] = field(default_factory=list)  # entries without a date
    layout: str = "html"
    url: str | None = None
    published: datetime | None = None
    day: date | None = None  # a date with no time (htmldate)
    headline: str = ""

    def page_info(self, info: PageInfo | None) -> PageInfo | None:
        """The manifest row (or --date) when it dates the page, else the page's own date."""
        url = (info.url if info else None) or self.url
        if info is not None and (info.published or info.day):
            return PageInfo(url=url, published=info.published, day=info.day, source=info.source)
        if self.published is None and self.day is None:
            return PageInfo(url=url) if url else info
        return PageInfo(url=url, published=self.published, day=self.day, source="the page's HTML")


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._inside = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").lower()
        if tag == "script" and "ld+json" in kind:
            self._inside, self._parts = True, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inside:
            self.blocks.append("".join(self._parts))
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self._parts.append(data)


def json_ld(markup: str) -> list[dict[str, Any]]:
    """Every JSON-LD object of a page, @graph and lists flattened; bad JSON skipped."""
    parser = _Scripts()
    parser.feed(markup)
    parser.close()
    found: list[dict[str, Any]] = []
    for block in parser.blocks:
        text = block.strip().removeprefix("<![CDATA[").removesuffix("]]>").strip()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            continue
        found.extend(_objects(data))
    return found


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _objects(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"])


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type") or []
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        instant, day = parse_published(value.strip().replace(".000", ""))
    except ValueError:
        return None
    if instant is None and day is not None:
        return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return instant


def _authors(value: Any) -> str:
    people = value if isinstance(value, list) else [value]
    names = [p.get("name", "") if isinstance(p, dict) else str(p) for p in people if p]
    return ", ".join(name.strip() for name in names if name and name.strip())


def _text(value: Any) -> str:
    """articleBody as text: some pages put markup in it."""
    if not isinstance(value, str):
        return ""
    if "<" in value and ">" in value:
        value = html_to_text(value)
    paragraphs = [re.sub(r"\s+", " ", part).strip() for part in re.split(r"\n\s*\n|\n", value)]
    return "\n\n".join(part for part in paragraphs if part)


def _entries(live: dict[str, Any]) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(posts, rejects) of a LiveBlogPosting: an entry without a readable date is a
    reject, its line the entry's number in liveBlogUpdate."""
    updates = live.get("liveBlogUpdate") or []
    updates = updates if isinstance(updates, list) else [updates]
    records: list[dict[str, object]] = []
    rejects: list[dict[str, object]] = []
    for number, update in enumerate(updates, start=1):
        if not isinstance(update, dict):
            continue
        stamp = update.get("datePublished") or update.get("dateCreated")
        when = _moment(stamp)
        if when is None:
            rejects.append(
                {
                    "line": number,
                    "text": str(update.get("headline") or "").strip(),
                    "reason": f"liveBlogUpdate entry {number}: "
                    + (f"datePublished {stamp!r} is not a date" if stamp else "no datePublished"),
                }
            )
            continue
        records.append(
            {
                "post_time": when,
                "time_text": str(update.get("datePublished") or update.get("dateCreated")),
                "headline": str(update.get("headline") or update.get("name") or "").strip(),
                "byline": _authors(update.get("author")),
                "body": _text(update.get("articleBody") or update.get("text")),
                "source_format": "json_ld_live",
                "is_head": False,
                "line": number,
            }
        )
    return records, rejects


def read_html(markup: str) -> HtmlReading:
    """Read a saved page: structured posts if it lists them, else its text and date."""
    objects = json_ld(markup)
    reading = HtmlReading(text=html_to_text(markup))
    for item in objects:
        kinds = _types(item)
        if kinds & LIVE_TYPES:
            posts, rejects = _entries(item)
            if posts:
                reading.posts, reading.rejects, reading.layout = posts, rejects, "json_ld_live"
                reading.url = _url(item)
                return reading
    for item in objects:
        if _types(item) & ARTICLE_TYPES and item.get("datePublished"):
            reading.published = _moment(item.get("datePublished"))
            reading.url = _url(item)
            reading.headline = str(item.get("headline") or "").strip()
            body = _text(item.get("articleBody"))
            if body:
                reading.main_text = "\n".join(filter(None, [reading.headline, body]))
            break
    if reading.main_text is None or reading.published is None:
        _library_reading(markup, reading)
    return reading


def _url(item: dict[str, Any]) -> str | None:
    value = item.get("url") or item.get("mainEntityOfPage")
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    return str(value) if isinstance(value, str) and value.startswith("http") else None


def _library_reading(markup: str, reading: HtmlReading) -> None:
    """Main text (trafilatura) and date (htmldate) of a page its JSON-LD does not give."""
    import trafilatura
    from htmldate import find_date

    if reading.main_text is None:
        main = trafilatura.extract(
            markup, include_comments=False, include_tables=False, favor_precision=True
        )
        if main:
            title = trafilatura.extract_metadata(markup)
            heading = title.title if title is not None and title.title else ""
            reading.headline = reading.headline or heading
            reading.main_text = "\n".join(filter(None, [heading, main]))
    if reading.published is None:
        found = find_date(
            markup,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
        )
        if found and found[11:19] == "00:00:00":
            reading.day = date.fromisoformat(found[:10])  # a date with no time given
        elif found:
            reading.published = _moment(found)
