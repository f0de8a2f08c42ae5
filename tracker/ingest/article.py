"""Articles: a page without entry stamps is one post at its publication time.

The time comes, in this order, from:

1. a date line of the page with a clock and a zone ("Published - January 05, 2023
   07:54 pm IST", "# 21 May 2022 11:50 (UTC +04:00)"), when it agrees with the manifest
   within a day and a half (or there is no manifest);
2. the manifest's ``published``;
3. a date line with a clock but no zone, read as UK time;
4. the manifest's date or ``--date`` alone, or a date line with no clock, stored at
   12:00 UTC (a time of day the page does not give);
5. otherwise the page is a reject that says how to supply its date.

Date lines that say "Published", "Posted", "Created" or "date" rank before unlabelled
ones, and those before "Updated" ones.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta

from tracker.errors import DateUnknownError
from tracker.ingest.boilerplate import clean_body, is_boilerplate, is_decoration
from tracker.ingest.grammar import DATE_ONLY, Reading, check_date, find_dates, month_number
from tracker.ingest.manifest import PageInfo
from tracker.ingest.zones import DEFAULT_ZONE, zone_info

# A scraper's page-date header glued before the first line of text: " date 2023-06-03 ...".
PAGE_DATE_PREFIX = re.compile(r"^\s*date\s+(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b\s*")
TOP_LINES = 40  # date lines are searched for among an article's first lines
AGREEMENT = timedelta(hours=36)
NOON = time(12, 0)


def _candidates(
    lines: Sequence[str], dated_lines: Sequence[tuple[int, Reading]], skip: Collection[int]
) -> list[tuple[int, Reading]]:
    found: list[tuple[int, Reading]] = list(dated_lines)
    content = 0
    for index, line in enumerate(lines):
        if content >= TOP_LINES:
            break
        if not line.strip() or index in skip:
            continue
        content += 1
        if any(index == seen for seen, _ in dated_lines):
            continue
        found.extend((index, item.reading) for item in find_dates(line, index))
    return sorted(found, key=_rank)


def _rank(item: tuple[int, Reading]) -> tuple[int, int, int]:
    index, reading = item
    label = 2 if reading.is_update else (0 if reading.label else 1)
    return (label, 0 if reading.hour is not None else 1, index)


def _when(reading: Reading, year: int | None, fallback: date | None) -> datetime | None:
    """The UTC moment of a date line, its date taken from `fallback` when it has none."""
    if reading.day is not None and reading.month is not None:
        the_year = reading.year or year or (fallback.year if fallback else None)
        if the_year is None or check_date(reading.day, reading.month, the_year):
            return None
        day = date(the_year, reading.month, reading.day)
    elif fallback is not None and reading.hour is not None:
        day = fallback
    else:
        return None
    if reading.hour is None:
        return datetime.combine(day, NOON, UTC)
    zone = zone_info(reading.zone or DEFAULT_ZONE)
    local = datetime(day.year, day.month, day.day, reading.hour, reading.minute or 0)
    return local.replace(tzinfo=zone).astimezone(UTC)


def page_day(lines: Sequence[str], dated_lines: Sequence[tuple[int, Reading]]) -> date | None:
    """The page's own date: a " date 2024-07-10" header, a labelled date line, or a line
    that is only a date ("February 4, 2023"), the first one found."""
    for index, line in enumerate(lines):
        prefix = PAGE_DATE_PREFIX.match(line)
        if prefix:
            try:
                return date(int(prefix["year"]), int(prefix["month"]), int(prefix["day"]))
            except ValueError:
                continue
        reading = next((r for i, r in dated_lines if i == index), None)
        if (
            reading is not None
            and reading.day
            and reading.month
            and reading.year
            and check_date(reading.day, reading.month, reading.year) is None
        ):
            return date(reading.year, reading.month, reading.day)
        only = DATE_ONLY.match(line)
        if only:
            day = _date_of(only)
            if day is not None:
                return day
    return None


def _date_of(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups.get("iso_year"):
            return date(int(groups["iso_year"]), int(groups["iso_month"]), int(groups["iso_day"]))
        month = month_number(groups.get("month") or groups.get("month2"))
        day = groups.get("day") or groups.get("day2")
        year = groups.get("year") or groups.get("year2")
        if month and day and year:
            return date(int(year), month, int(day))
    except ValueError:
        return None
    return None


def article_time(
    lines: Sequence[str],
    dated_lines: Sequence[tuple[int, Reading]],
    skip: Collection[int],
    info: PageInfo | None,
    year: int | None,
) -> tuple[datetime, str] | None:
    """(UTC publication time, the text it was read from), or None when nothing dates it."""
    instant = info.published if info else None
    info_day = info.day if info else None
    fallback = instant.date() if instant else info_day
    own_day = page_day(lines[:TOP_LINES], dated_lines)
    candidates = _candidates(lines, dated_lines, skip)
    timed = [(r, _when(r, year, fallback or own_day)) for _, r in candidates]
    for reading, moment in timed:
        if moment is None or reading.hour is None or reading.zone is None:
            continue
        reference = instant or (datetime.combine(info_day, NOON, UTC) if info_day else None)
        if reference is None or abs(moment - reference) <= AGREEMENT:
            return moment, reading.text
    if instant is not None:
        return instant, f"manifest: {instant:%Y-%m-%dT%H:%MZ}"
    for reading, moment in timed:
        same_day = info_day is None or (moment is not None and moment.date() == info_day)
        if moment is not None and reading.hour is not None and same_day:
            return moment, reading.text
    if info_day is not None:
        return datetime.combine(info_day, NOON, UTC), f"{info.source if info else ''}: {info_day}"
    for reading, moment in timed:
        if moment is not None:
            return moment, reading.text
    if own_day is not None:
        return datetime.combine(own_day, NOON, UTC), f"page date: {own_day}"
    return None


def article_post(
    lines: Sequence[str],
    dated_lines: Sequence[tuple[int, Reading]],
    skip: Collection[int],
    doc: str,
    info: PageInfo | None,
    year: int | None,
    body_lines: Sequence[str] | None = None,
) -> dict[str, object]:
    """The one post of an article page (raises DateUnknownError when nothing dates it).

    `body_lines`: the article's main text where a boilerplate remover found it (HTML)."""
    found = article_time(lines, dated_lines, skip, info, year)
    if found is None:
        raise DateUnknownError(
            f"{doc}: no entry stamps and no date found on this page; pass its date with "
            "--date YYYY-MM-DD or give it a row in a --manifest file (file,url,published)"
        )
    moment, time_text = found
    dated = {index for index, _ in dated_lines}
    if body_lines is not None:
        lines, skip, dated = body_lines, set(), set()
    text_lines: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if index in skip or index in dated:
            continue
        stripped = PAGE_DATE_PREFIX.sub("", line).strip()
        if not stripped or is_boilerplate(stripped) or is_decoration(stripped):
            continue
        if find_dates(stripped, index) and len(stripped) <= 80:
            continue  # a date line, already read
        text_lines.append((index, stripped))
    # The title is the first line that reads as one among the first few: navigation
    # labels ("World", "All news") and numbers are not titles.
    headline, start = "", 0
    for position, (_, line) in enumerate(text_lines[:4]):
        if _headline_like(line):
            headline, start = line, position + 1
            break
        if len(line) > 200:
            break
    kept = [line for _, line in text_lines[:start] if line != headline and len(line) > 200]
    rest = [line for _, line in text_lines[start:] if line != headline]
    body, byline = clean_body(kept + rest)
    return {
        "doc": doc,
        "post_time": moment,
        "time_text": time_text,
        "headline": headline,
        "byline": byline,
        "body": body,
        "source_format": "article",
        "is_head": False,
        "line": (text_lines[0][0] + 1) if text_lines else 1,
    }


def _headline_like(text: str) -> bool:
    return 20 <= len(text) <= 200 and len(text.split()) >= 4 and text[-1:] not in ".:,;"
