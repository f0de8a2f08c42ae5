"""Ingest: pages (text or saved HTML) -> posts, with times in UTC, and rejects.

A page is a live blog when it has entry stamps (see ``stamps``): each stamp opens a post.
A page without entry stamps is an article: one post at its publication time, from a
date line in the text ("Published - January 05, 2023 07:54 pm IST") or from the manifest.
Saved HTML is read from its structured data first (see ``html``).

Every line that looks like a timestamp becomes a post or, when it cannot be read (a
date that cannot exist, an hour past 23, a stamp in a related-stories list), a reject
with the reason: nothing timestamped is dropped. Labelled date lines ("Updated at ...",
"Published: ...") date the page or an entry; they open no post. The untimed head of a
live blog (summary, key points) is kept as its own record. Two stamps of the same minute
with only a headline or byline between them are one entry; a post repeated on a page
(same time, headline and text) is kept once and the repeat listed as a reject.
"""

from __future__ import annotations

import hashlib
import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from tracker.errors import IngestError, TrackerWarning, YearUnknownError
from tracker.ingest.article import article_post, page_day
from tracker.ingest.boilerplate import clean_body, is_boilerplate, is_decoration, related_lines
from tracker.ingest.dates import Anchor, YearClue, anchored_year, infer_year, resolve_times
from tracker.ingest.decode import decode_page, looks_like_html
from tracker.ingest.grammar import Reading, looks_timed
from tracker.ingest.html import read_html
from tracker.ingest.manifest import PageInfo, page_info
from tracker.ingest.stamps import (
    DERIVED_COLUMNS,
    LABEL_LINE,
    PAGE_SUFFIXES,
    Stamp,
    find_stamps,
    previous_content_line,
)
from tracker.schemas import POSTS, REJECTS, check_frame

RECORD_SCHEMA = {name: dtype for name, dtype in POSTS.items() if name not in DERIVED_COLUMNS}


@dataclass(frozen=True)
class ParsedPage:
    posts: pl.DataFrame
    rejects: pl.DataFrame
    source_format: str
    year: int | None


def post_ids(doc: str, doc_hash: str) -> str:
    """The id prefix of a page's posts: its name and its content both count, so the same
    bytes under two names keep two sets of posts."""
    return hashlib.sha256(f"{doc}\0{doc_hash}".encode()).hexdigest()[:12]


def parse_live_blog(
    text: str,
    doc: str,
    *,
    year: int | None = None,
    doc_hash: str | None = None,
    clues: Sequence[YearClue] = (),
    today: date | None = None,
    info: PageInfo | None = None,
) -> ParsedPage:
    """Parse the text (or saved HTML) of one page into posts and rejects."""
    doc_hash = doc_hash or hashlib.sha256(text.encode("utf-8")).hexdigest()
    url = info.url if info else None
    main_text: str | None = None
    if looks_like_html(text):
        reading = read_html(text)
        if reading.posts:
            html_rejects = [{"doc": doc, **reject} for reject in reading.rejects]
            return _finish(
                doc, doc_hash, url or reading.url, reading.posts, html_rejects, reading.layout
            )
        text, main_text = reading.text, reading.main_text
        info = reading.page_info(info)
        url = url or reading.url
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    related = related_lines(lines)
    scan = find_stamps(lines, related)
    rejects: list[dict[str, object]] = [
        _reject(doc, index, lines[index], reason) for index, reason in scan.bad
    ]
    rejects.extend(
        _reject(doc, index, lines[index], "in a related-stories list: not a post of this page")
        for index in sorted(related)
        if lines[index].strip() and looks_timed(lines[index])
    )
    valid: list[Stamp] = []
    for stamp in scan.stamps:
        if stamp.reading.problem:
            reason = f"{stamp.time_text!r}: {stamp.reading.problem}"
            rejects.append(_reject(doc, stamp.stamp_line, lines[stamp.stamp_line], reason))
        else:
            valid.append(stamp)
    if not scan.stamps:
        body_lines = main_text.split("\n") if main_text else None
        post = article_post(lines, scan.dated_lines, related, doc, info, year, body_lines)
        return _finish(doc, doc_hash, url, [post], rejects, "article")

    anchor = _anchor(info, lines, scan.dated_lines, valid)
    page_year = _page_year(doc, text, valid, year, anchor, clues, today)
    times, reasons = resolve_times(valid, page_year, anchor)
    _attach_labels(lines, valid)

    records: list[dict[str, object]] = []
    first_line = valid[0].line if valid else len(lines)
    head_lines = [
        line
        for i, line in enumerate(lines[:first_line])
        if i not in related and i not in scan.dated_indexes
    ]
    if any(line.strip() for line in head_lines):
        body, _ = clean_body(head_lines)
        records.append(_record(doc, None, "", "", "", body, "head", True, 1))
    absorbed = _merge_same_minute(lines, valid, times)
    dated_indexes = scan.dated_indexes
    for position, stamp in enumerate(valid):
        if position in absorbed:
            continue
        group = [position, *(p for p, leader in absorbed.items() if leader == position)]
        end = next(
            (valid[p].line for p in range(position + 1, len(valid)) if p not in absorbed),
            len(lines),
        )
        dropped = related | dated_indexes | _stamp_lines(valid, group)
        section = [
            line
            for i, line in enumerate(lines[stamp.body_start : end], start=stamp.body_start)
            if i not in dropped
        ]
        body, found_byline = clean_body(section)
        headline = next((valid[p].headline for p in group if valid[p].headline), "")
        if times[position] is None:
            rejects.append(
                {
                    "doc": doc,
                    "line": stamp.stamp_line + 1,
                    "text": "\n".join([headline, body]).strip(),
                    "reason": reasons[position] or "undated",
                }
            )
            continue
        bylines = [*(valid[p].byline for p in group), found_byline]
        byline = ", ".join(dict.fromkeys(part for part in bylines if part))
        records.append(
            _record(
                doc,
                times[position],
                stamp.time_text,
                headline,
                byline,
                body,
                stamp.layout,
                False,
                stamp.line + 1,
            )
        )
    layouts = [s.layout for s in valid]
    source_format = max(set(layouts), key=layouts.count) if layouts else "unknown"
    return _finish(doc, doc_hash, url, records, rejects, source_format, page_year)


def _stamp_lines(valid: Sequence[Stamp], group: Sequence[int]) -> set[int]:
    """The stamp and headline lines of the entries merged into one post."""
    lines: set[int] = set()
    for position in group[1:]:
        lines.update(range(valid[position].line, valid[position].body_start))
    return lines


def _merge_same_minute(
    lines: Sequence[str], valid: Sequence[Stamp], times: Sequence[datetime | None]
) -> dict[int, int]:
    """Stamps that restate the entry above them: same minute, with at most a headline or
    byline between (an epoch line, then "Author 8 February 2023 14:45"). Absorbed
    position -> the position of the post it belongs to."""
    absorbed: dict[int, int] = {}
    for position in range(1, len(valid)):
        before, current = times[position - 1], times[position]
        if before is None or current is None or before != current:
            continue
        if valid[position - 1].headline and valid[position].headline:
            continue  # two entries of the same minute, each with its headline
        between = [
            line.strip()
            for line in lines[valid[position - 1].body_start : valid[position].line]
            if line.strip() and not is_boilerplate(line) and not is_decoration(line)
        ]
        if len(between) <= 2 and all(len(line) <= 160 for line in between):
            absorbed[position] = absorbed.get(position - 1, position - 1)
    return absorbed


def _record(
    doc: str,
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
        "post_time": time,
        "time_text": time_text,
        "headline": html.unescape(headline) if "&" in headline else headline,
        "byline": byline,
        "body": body,
        "source_format": layout,
        "is_head": is_head,
        "line": line,
    }


def _finish(
    doc: str,
    doc_hash: str,
    url: str | None,
    records: list[dict[str, object]],
    rejects: list[dict[str, object]],
    source_format: str,
    year: int | None = None,
) -> ParsedPage:
    """Frames of a page's records: repeats dropped (and listed), ids, url, checks."""
    kept: list[dict[str, object]] = []
    seen: dict[tuple[object, ...], object] = {}
    for record in records:
        record = {**record, "doc": doc, "doc_hash": doc_hash, "url": url}
        key = (record["post_time"], record["headline"], record["body"], record["is_head"])
        if key in seen and not record["is_head"]:
            rejects.append(
                {
                    "doc": doc,
                    "line": record["line"],
                    "text": str(record["headline"]),
                    "reason": f"repeats the post at line {seen[key]} (same time, headline "
                    "and text): counted once",
                }
            )
            continue
        seen.setdefault(key, record["line"])
        kept.append(record)
    prefix = post_ids(doc, doc_hash)
    posts = (
        pl.DataFrame(kept, schema=RECORD_SCHEMA)
        .with_row_index("post_index")
        .with_columns(
            pl.col("post_index").cast(pl.Int32()),
            pl.format(
                "{}-{}", pl.lit(prefix), pl.col("post_index").cast(pl.String).str.zfill(4)
            ).alias("post_id"),
            pl.when(pl.col("is_head"))
            .then(pl.lit(source_format))
            .otherwise(pl.col("source_format"))
            .alias("source_format"),
        )
        .select(list(POSTS))
    )
    reject_frame = pl.DataFrame(rejects, schema=REJECTS).sort("line")
    check_frame(posts, POSTS, "posts")
    check_frame(reject_frame, REJECTS, "rejects")
    return ParsedPage(posts=posts, rejects=reject_frame, source_format=source_format, year=year)


def parse_page_bytes(
    data: bytes,
    doc: str,
    *,
    year: int | None = None,
    clues: Sequence[YearClue] = (),
    info: PageInfo | None = None,
    duplicate_of: str | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(posts, rejects) of one page's bytes; a page that cannot be read at all is kept
    as a reject at line 0 with the reason, never dropped. A page whose bytes repeat an
    earlier page of the same run (`duplicate_of`) is read once, under the first name."""
    try:
        if duplicate_of is not None:
            raise IngestError(
                f"{doc}: the same bytes as {duplicate_of}: read once, under {duplicate_of}"
            )
        page = parse_live_blog(
            decode_page(data, doc),
            doc,
            year=year,
            doc_hash=hashlib.sha256(data).hexdigest(),
            clues=clues,
            info=info,
        )
    except IngestError as error:
        reject = {"doc": [doc], "line": [0], "text": [""], "reason": [str(error)]}
        return pl.DataFrame(schema=POSTS), pl.DataFrame(reject, schema=REJECTS)
    return page.posts, page.rejects


def parse_pages(
    paths: Sequence[Path],
    *,
    year: int | None = None,
    clues: Sequence[YearClue] = (),
    manifest: dict[str, PageInfo] | None = None,
    page_date: date | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read and parse page files (see parse_page_bytes); repeated bytes are read once."""
    posts: list[pl.DataFrame] = [pl.DataFrame(schema=POSTS)]
    rejects: list[pl.DataFrame] = [pl.DataFrame(schema=REJECTS)]
    first_names: dict[str, str] = {}
    for path in paths:
        data = path.read_bytes()
        first = first_names.setdefault(hashlib.sha256(data).hexdigest(), path.name)
        page_posts, page_rejects = parse_page_bytes(
            data,
            path.name,
            year=year,
            clues=clues,
            info=page_info(manifest, path.name, page_date),
            duplicate_of=first if first != path.name else None,
        )
        posts.append(page_posts)
        rejects.append(page_rejects)
    return pl.concat(posts), pl.concat(rejects)


def _pages_in(folder: Path) -> list[Path]:
    """The pages of a folder, sorted; what is skipped is named in a warning."""
    pages: list[Path] = []
    skipped: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() not in PAGE_SUFFIXES:
            skipped.append(f"{entry.name} (not {', '.join(PAGE_SUFFIXES)})")
        elif entry.is_file():
            pages.append(entry)
        elif entry.is_dir():
            skipped.append(f"{entry.name} (a folder)")
        elif entry.is_symlink():
            skipped.append(f"{entry.name} (a link to a missing file)")
        else:
            skipped.append(f"{entry.name} (not a regular file)")
    if skipped:
        warnings.warn(
            TrackerWarning(f"{folder}: skipped {len(skipped)}: {', '.join(skipped)}"),
            stacklevel=3,
        )
    return pages


def expand_pages(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a directory stands for its pages, sorted by name."""
    pages: list[Path] = []
    for path in paths:
        if path.is_dir():
            pages.extend(_pages_in(path))
        elif path.exists():
            pages.append(path)
        elif path.is_symlink():
            raise IngestError(f"{path}: a link to {path.readlink()}, which does not exist")
        else:
            raise IngestError(f"{path}: no such file or directory")
    if not pages:
        raise IngestError("no pages given: pass live-blog files (.txt, .html) or folders")
    return pages


def _reject(doc: str, index: int, line: str, reason: str) -> dict[str, object]:
    return {"doc": doc, "line": index + 1, "text": line.strip(), "reason": reason}


def _anchor(
    info: PageInfo | None,
    lines: Sequence[str],
    dated_lines: Sequence[tuple[int, Reading]],
    stamps: Sequence[Stamp],
) -> Anchor | None:
    """Where undated stamps take their date: the manifest or --date, else the page's own
    date (a date line before its first entry)."""
    if info is not None and (info.published or info.day):
        return Anchor(info.source, instant=info.published, day=info.day)
    first = stamps[0].line if stamps else len(lines)
    day = page_day(lines[:first], dated_lines)
    return Anchor("page", day=day) if day else None


def _page_year(
    doc: str,
    text: str,
    valid: Sequence[Stamp],
    year: int | None,
    anchor: Anchor | None,
    clues: Sequence[YearClue],
    today: date | None,
) -> int | None:
    needs_year = any(s.reading.day is not None and s.reading.year is None for s in valid)
    if not needs_year or year is not None:
        return year
    years = {s.reading.year for s in valid if s.reading.year}
    if years:
        return max(years)
    month_days = [
        (s.reading.month, s.reading.day) for s in valid if s.reading.month and s.reading.day
    ]
    found = anchored_year(month_days, anchor) or infer_year(text, month_days, clues, today)
    if found is None:
        raise YearUnknownError(
            f"{doc}: the dates on this page have no year and none could be inferred "
            "from it; pass it with --year (e.g. --year 2025)"
        )
    return found


def _attach_labels(lines: Sequence[str], valid: list[Stamp]) -> None:
    """Labels ("3. Analysis") written above a headline belong to the next post."""
    for position, stamp in enumerate(valid):
        previous = previous_content_line(lines, stamp.line, 0)
        label = LABEL_LINE.match(lines[previous]) if previous is not None else None
        after_previous_post = position == 0 or (
            previous is not None and previous >= valid[position - 1].body_start
        )
        if label and previous is not None and after_previous_post:
            stamp.labels.append(label["label"].strip())
            stamp.line = previous
