"""Timestamp lines of live-blog layouts: what a stamp looks like and what it says."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

PAGE_SUFFIXES = (".txt", ".html", ".htm")
LONDON = ZoneInfo("Europe/London")
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
WEEKDAYS = [name.lower() for name in calendar.day_name]
_MONTH = r"(?P<month>[A-Z][a-z]{2,8})"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_ZONE = r"(?P<zone>Greenwich Mean Time|British Summer Time|GMT|BST|UTC)"
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})"

# "...published at 12:39 Greenwich Mean Time 25 February 2025"
BBC_PUBLISHED = re.compile(
    rf"^\s*(?:(?P<number>\d{{1,3}})\.\s+)?(?P<headline>.*?)\s*published at\s+{_CLOCK}\s+"
    rf"{_ZONE}\s+(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}}))?\s*$"
)
# "17:03 GMT 15 March" on its own line
BBC_TIME_LINE = re.compile(
    rf"^\s*{_CLOCK}\s+{_ZONE}(?:\s+(?P<day>\d{{1,2}})\s+{_MONTH}(?:\s+(?P<year>\d{{4}}))?)?\s*$"
)
# "12:14 , Andy Gregory" or "Tuesday 21 January 2025 23:02 , Alex Croft"
INDEPENDENT_TIME_LINE = re.compile(
    rf"^\s*(?:{_WEEKDAY}\s+(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\s+)?"
    rf"{_CLOCK}\s*,\s*(?P<author>\S.{{0,80}})$"
)
# Anything that looks like one of the above, even if malformed: it must become a post or
# a reject, never vanish into a body.
LOOKS_TIMED = re.compile(
    r"published at\s+\d{1,2}:\d{2}"
    r"|^\s*\d{1,2}:\d{2}\s+(?:GMT|BST|UTC|Greenwich Mean Time|British Summer Time)\b"
    r"|^\s*(?:[A-Z][a-z]+day\s+\d{1,2}\s+[A-Z][a-z]+\s+\d{4}\s+)?\d{1,2}:\d{2}\s*,\s*\S"
)
# A numbered label line ("3. Analysis", "7. BBC Verify") standing before a headline.
LABEL_LINE = re.compile(r"^\s*\d{1,3}\.\s+(?P<label>[^.?!]{1,30})\s*$")
IMAGE_SOURCE = re.compile(r"Image source, .*$")
JOURNALIST_ROLE = re.compile(
    r"^(?P<role>(?:[A-Z][a-z]+ )?(?:[a-z]+ ){0,3}"
    r"(?:reporter|correspondent|editor|producer|journalist|presenter|analyst))"
    r"(?=[A-Z\"“‘']|$)"
)
YEAR_MENTION = re.compile(r"\b(20[0-4]\d|19[5-9]\d)\b")
DATE_MENTION = re.compile(
    rf"\b{_WEEKDAY},?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\b(?:\s+(?P<year>\d{{4}}))?"
)
DERIVED_COLUMNS = ("post_id", "post_index")
FORMATS_TRIED = (
    "BBC classic ('Headlinepublished at 12:39 Greenwich Mean Time 25 February'), "
    "BBC newer (a headline line, then '17:03 GMT 15 March'), "
    "The Independent (a headline line, then '12:14 , Author' or "
    "'Tuesday 21 January 2025 23:02 , Author')"
)


@dataclass
class Stamp:
    """One timestamp line, before dates are resolved."""

    line: int  # 0-based index of the line that starts the post (its headline)
    stamp_line: int  # 0-based index of the timestamp line
    body_start: int
    headline: str
    time_text: str
    hour: int
    minute: int
    zone: str  # "UTC", "BST" or "LONDON" (UK local time)
    day: int | None
    month: int | None
    year: int | None
    weekday: int | None
    byline: str
    layout: str
    labels: list[str] = field(default_factory=list)


def month_number(name: str) -> int | None:
    return MONTHS.get(name.lower())


def previous_content_line(lines: Sequence[str], index: int, floor: int) -> int | None:
    for candidate in range(index - 1, floor - 1, -1):
        if lines[candidate].strip():
            return candidate
    return None


def find_stamps(lines: Sequence[str]) -> tuple[list[Stamp], list[tuple[int, str]]]:
    """Timestamp lines -> stamps; timestamp-like lines that fail -> (line, reason)."""
    stamps: list[Stamp] = []
    bad: list[tuple[int, str]] = []
    floor = 0  # lines before this belong to the previous post's header
    for index, line in enumerate(lines):
        if not LOOKS_TIMED.search(line):
            continue
        published = BBC_PUBLISHED.match(line)
        if published:
            stamps.append(_stamp(published, index, index, index + 1, published["headline"], "bbc"))
            floor = index + 1
            continue
        timed = BBC_TIME_LINE.match(line)
        if timed:
            last = stamps[-1] if stamps else None
            if last and last.stamp_line == previous_content_line(lines, index, 0):
                # The "published at" line above already opened this post.
                last.body_start = index + 1
                last.layout = "bbc_new"
                floor = index + 1
                continue
            stamps.append(_headed_stamp(timed, lines, index, floor, "bbc_new"))
            floor = index + 1
            continue
        independent = INDEPENDENT_TIME_LINE.match(line)
        if independent:
            stamps.append(_headed_stamp(independent, lines, index, floor, "independent"))
            floor = index + 1
            continue
        bad.append((index, "timestamp not understood: expected one of " + FORMATS_TRIED))
    return stamps, bad


def _headed_stamp(
    match: re.Match[str], lines: Sequence[str], index: int, floor: int, layout: str
) -> Stamp:
    """A stamp on its own line: the post's headline is the content line above it."""
    head = previous_content_line(lines, index, floor)
    headline = lines[head].strip() if head is not None else ""
    start = head if head is not None else index
    return _stamp(match, start, index, index + 1, headline, layout)


def _stamp(
    match: re.Match[str], start: int, stamp_line: int, body: int, headline: str, layout: str
) -> Stamp:
    groups = match.groupdict()
    zone = groups.get("zone") or ""
    zone_key = "BST" if zone in {"BST", "British Summer Time"} else "UTC"
    if layout == "independent":
        zone_key = "LONDON"
    month = month_number(groups["month"]) if groups.get("month") else None
    weekday = WEEKDAYS.index(groups["weekday"].lower()) if groups.get("weekday") else None
    text = match.group(0).strip()
    if layout == "bbc":
        text = text[text.find("published at") + len("published at") :].strip()
    return Stamp(
        line=start,
        stamp_line=stamp_line,
        body_start=body,
        headline=headline.strip(),
        time_text=text,
        hour=int(groups["hour"]),
        minute=int(groups["minute"]),
        zone=zone_key,
        day=int(groups["day"]) if groups.get("day") else None,
        month=month if groups.get("month") else None,
        year=int(groups["year"]) if groups.get("year") else None,
        weekday=weekday,
        byline=(groups.get("author") or "").strip(),
        layout=layout,
    )


def check_stamp(stamp: Stamp) -> str | None:
    """Why a stamp cannot be a time, or None."""
    if stamp.hour > 23 or stamp.minute > 59:
        return f"{stamp.time_text!r}: {stamp.hour:02d}:{stamp.minute:02d} is not a time of day"
    if stamp.day is not None and stamp.month is None:
        return f"{stamp.time_text!r}: unknown month"
    if stamp.day is not None and stamp.month is not None:
        longest = 29 if stamp.month == 2 else calendar.monthrange(2001, stamp.month)[1]
        if stamp.year is not None:
            longest = calendar.monthrange(stamp.year, stamp.month)[1]
        if not 1 <= stamp.day <= longest:
            return f"{stamp.time_text!r}: day {stamp.day} does not exist in that month"
    return None
