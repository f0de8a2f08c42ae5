"""Ingest: live-blog pages (text or saved HTML) -> posts, with times in UTC.

Three layouts are read, each from its timestamp lines:

- BBC classic: ``N. Headlinepublished at 12:39 Greenwich Mean Time 25 February[ 2025]``
- BBC newer: a headline line, then ``17:03 GMT 15 March`` (often after a "published at"
  line carrying the same time, which is then the headline line);
- The Independent: a headline line, then ``12:14 , Author`` or
  ``Tuesday 21 January 2025 23:02 , Author``, newest first, across midnight.

Every line that looks like a timestamp becomes a post or, when it cannot be read (a
date that cannot exist, an hour past 23), a reject with the reason: nothing timestamped
is dropped. The untimed head of a page (summary, key points) is kept as its own record.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from tracker.errors import IngestError, UnknownFormatError, YearUnknownError
from tracker.ingest.dates import YearClue, infer_year, resolve_times
from tracker.ingest.decode import decode_page, html_to_text, looks_like_html
from tracker.ingest.stamps import (
    DERIVED_COLUMNS,
    FORMATS_TRIED,
    IMAGE_SOURCE,
    JOURNALIST_ROLE,
    LABEL_LINE,
    PAGE_SUFFIXES,
    Stamp,
    check_stamp,
    find_stamps,
    previous_content_line,
)
from tracker.schemas import POSTS, REJECTS, check_frame


@dataclass(frozen=True)
class ParsedPage:
    posts: pl.DataFrame
    rejects: pl.DataFrame
    source_format: str
    year: int | None


def _clean_body(lines: Sequence[str]) -> tuple[str, str]:
    """Body text and byline of a post: image credits and captions are not body text."""
    kept: list[str] = []
    byline: list[str] = []
    caption_next = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if caption_next:
            caption_next = False
            continue
        if line in {"Image caption,", "Image caption", "Media caption,", "Media caption"}:
            caption_next = True
            continue
        role = JOURNALIST_ROLE.match(line)
        if role and not kept and len(byline) <= 1:
            byline.append(role["role"])
            line = IMAGE_SOURCE.sub("", line[role.end() :]).strip()
            if not line:
                continue
        elif IMAGE_SOURCE.search(line):
            continue  # a photo description glued to its credit
        if not kept and not byline and _looks_like_name(line):
            byline.append(line)
            continue
        kept.append(line)
    return "\n\n".join(kept), ", ".join(byline)


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return (
        1 < len(words) <= 4
        and all(word[:1].isupper() for word in words)
        and not any(char in line for char in ".,:;!?\"“”'’")
    )


def parse_live_blog(
    text: str,
    doc: str,
    *,
    year: int | None = None,
    doc_hash: str | None = None,
    clues: Sequence[YearClue] = (),
    today: date | None = None,
) -> ParsedPage:
    """Parse the text (or saved HTML) of one live-blog page into posts and rejects."""
    if looks_like_html(text):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc_hash = doc_hash or hashlib.sha256(text.encode("utf-8")).hexdigest()
    lines = text.split("\n")
    stamps, bad = find_stamps(lines)
    if not stamps and not bad:
        raise UnknownFormatError(
            f"{doc}: no timestamped posts found; formats tried: {FORMATS_TRIED}"
        )

    rejects: list[dict[str, object]] = [
        {"doc": doc, "line": index + 1, "text": lines[index].strip(), "reason": reason}
        for index, reason in bad
    ]
    valid: list[Stamp] = []
    for stamp in stamps:
        problem = check_stamp(stamp)
        if problem:
            rejects.append(
                {
                    "doc": doc,
                    "line": stamp.stamp_line + 1,
                    "text": lines[stamp.stamp_line].strip(),
                    "reason": problem,
                }
            )
        else:
            valid.append(stamp)
    needs_year = any(stamp.day is not None and stamp.year is None for stamp in valid)
    page_year = year
    if needs_year and page_year is None:
        years = {stamp.year for stamp in valid if stamp.year}
        page_year = max(years) if years else None
        if page_year is None:
            month_days = [(s.month, s.day) for s in valid if s.month and s.day]
            page_year = infer_year(text, month_days, clues, today)
        if page_year is None:
            raise YearUnknownError(
                f"{doc}: the dates on this page have no year and none could be inferred "
                "from it; pass it with --year (e.g. --year 2025)"
            )
    times, reasons = resolve_times(valid, page_year)

    # Labels ("3. Analysis") written above a headline belong to the next post.
    for position, stamp in enumerate(valid):
        previous = previous_content_line(lines, stamp.line, 0)
        label = LABEL_LINE.match(lines[previous]) if previous is not None else None
        after_previous_post = position == 0 or (
            previous is not None and previous >= valid[position - 1].body_start
        )
        if label and previous is not None and after_previous_post:
            stamp.labels.append(label["label"].strip())
            stamp.line = previous

    records: list[dict[str, object]] = []
    first_line = valid[0].line if valid else len(lines)
    head_lines = lines[:first_line]
    if any(line.strip() for line in head_lines):
        body, _ = _clean_body(head_lines)
        records.append(_record(doc, doc_hash, None, "", "", "", body, "head", True, 1))
    for position, stamp in enumerate(valid):
        end = valid[position + 1].line if position + 1 < len(valid) else len(lines)
        body, found_byline = _clean_body(lines[stamp.body_start : end])
        if times[position] is None:
            rejects.append(
                {
                    "doc": doc,
                    "line": stamp.stamp_line + 1,
                    "text": "\n".join([stamp.headline, body]).strip(),
                    "reason": reasons[position] or "undated",
                }
            )
            continue
        byline = ", ".join(part for part in (stamp.byline, found_byline) if part)
        records.append(
            _record(
                doc,
                doc_hash,
                times[position],
                stamp.time_text,
                stamp.headline,
                byline,
                body,
                stamp.layout,
                False,
                stamp.line + 1,
            )
        )
    record_schema = {name: dtype for name, dtype in POSTS.items() if name not in DERIVED_COLUMNS}
    posts = (
        pl.DataFrame(records, schema=record_schema)
        .with_row_index("post_index")
        .with_columns(
            pl.col("post_index").cast(pl.Int32()),
            pl.format(
                "{}-{}",
                pl.col("doc_hash").str.slice(0, 12),
                pl.col("post_index").cast(pl.String).str.zfill(4),
            ).alias("post_id"),
        )
        .select(list(POSTS))
    )
    layouts = [s.layout for s in valid]
    source_format = max(set(layouts), key=layouts.count) if layouts else "unknown"
    posts = posts.with_columns(
        pl.when(pl.col("is_head"))
        .then(pl.lit(source_format))
        .otherwise(pl.col("source_format"))
        .alias("source_format")
    )
    reject_frame = pl.DataFrame(rejects, schema=REJECTS).sort("line")
    check_frame(posts, POSTS, "posts")
    check_frame(reject_frame, REJECTS, "rejects")
    return ParsedPage(
        posts=posts, rejects=reject_frame, source_format=source_format, year=page_year
    )


def _record(
    doc: str,
    doc_hash: str,
    time: datetime | None,
    time_text: str,
    headline: str,
    byline: str,
    body: str,
    layout: str,
    is_head: bool,
    line: int,
) -> dict[str, object]:
    return {
        "doc": doc,
        "doc_hash": doc_hash,
        "post_time": time,
        "time_text": time_text,
        "headline": html.unescape(headline) if "&" in headline else headline,
        "byline": byline,
        "body": body,
        "source_format": layout,
        "is_head": is_head,
        "line": line,
    }


def parse_page_bytes(
    data: bytes, doc: str, *, year: int | None = None, clues: Sequence[YearClue] = ()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(posts, rejects) of one page's bytes; a page that cannot be read at all is kept
    as a reject at line 0 with the reason, never dropped."""
    try:
        page = parse_live_blog(
            decode_page(data, doc),
            doc,
            year=year,
            doc_hash=hashlib.sha256(data).hexdigest(),
            clues=clues,
        )
    except IngestError as error:
        reject = {"doc": [doc], "line": [0], "text": [""], "reason": [str(error)]}
        return pl.DataFrame(schema=POSTS), pl.DataFrame(reject, schema=REJECTS)
    return page.posts, page.rejects


def parse_pages(
    paths: Sequence[Path], *, year: int | None = None, clues: Sequence[YearClue] = ()
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read and parse page files (see parse_page_bytes)."""
    posts: list[pl.DataFrame] = [pl.DataFrame(schema=POSTS)]
    rejects: list[pl.DataFrame] = [pl.DataFrame(schema=REJECTS)]
    for path in paths:
        page_posts, page_rejects = parse_page_bytes(
            path.read_bytes(), path.name, year=year, clues=clues
        )
        posts.append(page_posts)
        rejects.append(page_rejects)
    return pl.concat(posts), pl.concat(rejects)


def expand_pages(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a directory stands for its pages, sorted by name."""
    pages: list[Path] = []
    for path in paths:
        if path.is_dir():
            pages.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in PAGE_SUFFIXES))
        elif path.exists():
            pages.append(path)
        else:
            raise IngestError(f"{path}: no such file or directory")
    if not pages:
        raise IngestError("no pages given: pass live-blog files (.txt, .html) or folders")
    return pages
