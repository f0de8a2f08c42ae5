"""The timestamp grammar: what a date, a clock and a zone look like on a news page.

One grammar serves every outlet. A timestamp is built from a few parts:

- a clock: ``17:52``, ``10.58am``, ``05:56 PM``, ``12:14:00``, or ``2220`` when a zone
  follows (``2220 GMT``);
- a zone (see ``zones``): ``GMT``, ``British Summer Time``, ``EDT``, ``Kyiv time``,
  ``UTC +04:00``, ``+0300``, ``, UK``;
- a date: ``24 April [2025]``, ``April 24, 2025``, ``Oct 22 2024``, ``2025-04-24``,
  ``24.04.2025``, ``24-10-2022``, ``03/12/2022``, optionally after a weekday;
- decorations around them: a label (``published at``, ``Updated at``, ``First
  Published:``, ``Posted on``, ``date``), a relative age (``3d ago``, ``2h ago``), a
  bullet, an author glued before the date (``Andy Gregory8 November 2024 16:27``) or after a
  comma (``12:14 , Andy Gregory``), a headline glued before ``published at`` or after a
  dash (``2220 GMT — Talks open``), a metadata tail after ``|``.

``read_stamp`` reads a whole line as an entry stamp (or a labelled date line);
``looks_timed`` says whether a line looks like one, so that a line that looks timed but
cannot be read becomes a reject with its reason, never body text. ``find_dates`` reads the
date lines of an article ("Published - January 05, 2023 07:54 pm IST").
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from tracker.ingest.zones import ZONE_PATTERN, known_zone, zone_key

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = [name.lower() for name in calendar.day_name]
_WEEKDAY_ABBR = {name[:3]: index for index, name in enumerate(WEEKDAYS)}
_WEEKDAY_ABBR.update({"tues": 1, "thur": 3, "thurs": 3})
# Unix seconds from 2000 to 2040: a ten-digit number alone on a line is an entry stamp.
EPOCH_RANGE = (946_684_800, 2_208_988_800)

_STRICT_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_ZONE = rf"(?P<zone>{ZONE_PATTERN})"
_CLOCK = (
    r"(?:(?P<hour>\d{1,2})(?P<sep>[:.])(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"(?:\s?(?P<ampm>[ap]\.?m\.?)(?![a-z]))?"
    rf"|(?P<hhmm>\d{{4}})(?=\s?{ZONE_PATTERN}\b))"
)
# Dates: named month either side of the day, ISO, or all-numeric.
_DATE = (
    rf"(?:(?P<weekday>{_WEEKDAY}),?\s+)?"
    rf"(?:(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<month>{_STRICT_MONTH}),?(?:\s+(?P<year>\d{{4}}))?"
    rf"|(?P<month2>{_STRICT_MONTH})\s+(?P<day2>\d{{1,2}}){_ORD}(?:,?\s+(?P<year2>\d{{4}}))?"
    r"|(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})"
    r"|(?P<n1>\d{1,2})(?P<nsep>[./-])(?P<n2>\d{1,2})(?P=nsep)(?P<ny>\d{4}|\d{2}))"
)
# The date that may follow a clock: a permissive month word, so that "3 Smarch" is read
# as a stamp with an unknown month (a reject with that reason), not as body text.
_TRAILING_DATE = (
    rf"(?:(?P<tday>\d{{1,2}}){_ORD}\s+(?P<tmonth>[a-z]{{3,9}})\.?(?:,?\s+(?P<tyear>\d{{4}}))?"
    r"|(?P<tn1>\d{1,2})(?P<tnsep>[./-])(?P<tn2>\d{1,2})(?P=tnsep)(?P<tny>\d{4}|\d{2}))"
)
_LABEL = (
    r"(?P<label>(?:first\s+|last\s+)?(?:published|updated|posted|created|modified)"
    r"(?:\s+(?:at|on))?|date)\s*[:\-–—]?\s*"
)
_RELATIVE = r"(?:\d+\s?(?:s|m|h|d|mins?|hrs?|hours?|days?)\s?ago|just now)\s*"
# A bullet, a dash, or a script value leaked by a scraper before the stamp ("false,").
_BULLET = r"(?:[•#*·▪►]+|[-–—]+(?=\s)|(?:true|false|null),)\s*"
_PREFIX = rf"^\s*(?:{_BULLET})?(?:{_RELATIVE})?(?:{_LABEL})?"
_AUTHOR_GLUED = r"(?P<glued>[A-Z][\w'’.\-]+(?:\s[A-Z][\w'’.\-]+){0,3})(?=\d)"
_TAIL = (
    r"(?:\s*,\s*(?P<author>[^\d,|][^|]{0,80}?)"
    r"|\s+[—–-]\s+(?P<title>\S.*?)"
    r"|\s*\|.*?"
    r"|\s*\((?P<pzone>(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?)\))?\s*$"
)

# Clock first: "17:52", "2220 GMT — Headline", "Headlinepublished at 10:31 GMT 24 April",
# "23:24 , Author", "3d ago06.37EDT", "09:36 14.11.2025".
CLOCK_FIRST = re.compile(
    rf"{_PREFIX}(?:(?P<headline>.*?\S)\s*published at\s+|published at\s+)?"
    rf"{_CLOCK}(?:\s*{_ZONE}\b)?(?:,?\s+{_TRAILING_DATE})?{_TAIL}",
    re.IGNORECASE,
)
# Date first: "Sunday 16 March 2025 14:57, UK", "Andy Gregory8 November 2024 16:27",
# "Published: AUGUST 7, 2023 21:04", "date 2022-03-29 10.58am BST", "# 21 May 2022 11:50
# (UTC +04:00)", "Thu, 09 Oct 2025 12:14:00 +0300", "03/12/2022 | 08:42am EST".
DATE_FIRST = re.compile(
    rf"{_PREFIX}(?:{_AUTHOR_GLUED})?(?:,\s*)?{_DATE}(?:\s*(?:,|\||at|-|–)?\s*)"
    rf"{_CLOCK}(?:\s*,?\s*{_ZONE}\b)?{_TAIL}",
    re.IGNORECASE,
)
# Epoch seconds, alone or glued to a label ("Liveupdated1675868110").
EPOCH_LINE = re.compile(r"^\s*(?P<label>[A-Za-z ]{0,20}?)(?P<epoch>1\d{9}|2[01]\d{8})\s*$")
# A date with no clock, alone on its line: a page's date, never an entry stamp.
DATE_ONLY = re.compile(rf"{_PREFIX}{_DATE}\s*$", re.IGNORECASE)
# Anything that starts like a stamp, even malformed, must become a post or a reject.
_LOOKS = re.compile(
    rf"{_PREFIX}(?:{_AUTHOR_GLUED})?(?:{_WEEKDAY},?\s+)?"
    rf"(?:\d{{1,2}}:\d{{2}}(?!\d)|\d{{1,2}}\.\d{{2}}\s?(?:[ap]\.?m\b|{ZONE_PATTERN}\b)"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+(?:\s+\d{4})?,?\s+\d{1,2}:\d{2}"
    r"|\d{4}\s?(?:GMT|UTC)\b)",
    re.IGNORECASE,
)
_PUBLISHED_AT = re.compile(r"published at\s+\d{1,2}[:.]\d{2}", re.IGNORECASE)
_PREFILTER = re.compile(r"\d[:.]\d\d|\d{4}\s?(?:GMT|UTC)|\d{10}", re.IGNORECASE)
UPDATE_LABELS = ("updated", "last updated", "modified", "updated at", "updated on")


@dataclass(frozen=True)
class Reading:
    """What one timestamp line says, before its date is resolved."""

    text: str  # the timestamp as printed (decorations stripped)
    hour: int | None
    minute: int | None
    zone: str | None  # canonical zone key; None: none printed
    day: int | None
    month: int | None
    year: int | None
    weekday: int | None
    epoch: int | None
    label: str  # "published", "updated", "date", ... ("" when none)
    headline: str  # glued before "published at" or after a dash
    author: str
    shape: str  # clock_first, date_first, epoch
    problem: str | None  # why it cannot be a time (a reject), or None

    @property
    def is_update(self) -> bool:
        return self.label in UPDATE_LABELS


def month_number(name: str | None) -> int | None:
    return MONTHS.get(name.lower().rstrip(".")) if name else None


def weekday_number(name: str | None) -> int | None:
    if not name:
        return None
    word = name.lower().rstrip(".")
    if word in WEEKDAYS:
        return WEEKDAYS.index(word)
    return _WEEKDAY_ABBR.get(word)


def looks_timed(line: str) -> bool:
    """True when a line starts like a timestamp (a post or a reject, never body text)."""
    return shallow_timed(line) or read_stamp(line) is not None


def shallow_timed(line: str) -> bool:
    """looks_timed without reading the line: its start has a clock's shape."""
    if not _PREFILTER.search(line):
        return False
    return bool(_PUBLISHED_AT.search(line) or _LOOKS.match(line))


def read_stamp(line: str) -> Reading | None:
    """The timestamp a whole line consists of, or None when it is not one."""
    if not _PREFILTER.search(line):
        return None
    epoch = EPOCH_LINE.match(line)
    if epoch:
        value = int(epoch["epoch"])
        if not EPOCH_RANGE[0] <= value < EPOCH_RANGE[1]:
            return None
        label = " ".join(epoch["label"].lower().split())
        return Reading(
            epoch["epoch"], None, None, "UTC", None, None, None, None, value,
            "updated" if "updated" in label else label, "", "", "epoch", None,
        )  # fmt: skip
    for shape, pattern in (("clock_first", CLOCK_FIRST), ("date_first", DATE_FIRST)):
        match = pattern.match(line)
        if match:
            reading = _reading(match, shape, line)
            if reading is not None:
                return reading
    return None


def _reading(match: re.Match[str], shape: str, line: str) -> Reading | None:
    groups = match.groupdict()
    zone_text = groups.get("zone") or groups.get("pzone")
    zone = zone_key(zone_text) if zone_text else None
    if groups.get("author") and zone is None and groups["author"].strip().upper() == "UK":
        zone, groups["author"] = "UK", None
    if zone is not None and not known_zone(zone):
        return None
    hour: int | None = None
    minute: int | None = None
    problem: str | None = None
    if groups.get("hour") is not None or groups.get("hhmm"):
        hour, minute, problem = _clock(groups, zone)
        if hour is None and problem is None:
            return None  # "10.58" with neither am/pm nor a zone: a number, not a clock
    day, month, year, weekday, date_problem = _date(groups, zone)
    problem = problem or date_problem
    text = line.strip()
    if "published at" in text.lower():
        text = text[text.lower().find("published at") + len("published at") :].strip()
    elif groups.get("title"):
        text = text[: text.find(groups["title"])].rstrip(" —–-")
    label = " ".join((groups.get("label") or "").lower().split())
    author = (groups.get("author") or groups.get("glued") or "").strip()
    if author and (len(author.split()) > 6 or author[-1:] in ".!?"):
        return None  # a sentence after the comma: body text that starts with a time
    headline = (groups.get("headline") or groups.get("title") or "").strip()
    return Reading(
        text, hour, minute, zone, day, month, year, weekday, None,
        label, headline, author, shape, problem,
    )  # fmt: skip


def _clock(
    groups: dict[str, str | None], zone: str | None
) -> tuple[int | None, int | None, str | None]:
    if groups.get("hhmm"):
        value = groups["hhmm"] or ""
        hour, minute = int(value[:2]), int(value[2:])
    else:
        hour, minute = int(groups["hour"] or 0), int(groups["minute"] or 0)
        if groups.get("sep") == "." and not groups.get("ampm") and zone is None:
            return None, None, None
    ampm = (groups.get("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return hour, minute, f"{hour}:{minute:02d} {ampm} is not a time of day"
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return hour, minute, f"{hour:02d}:{minute:02d} is not a time of day"
    return hour, minute, None


def _date(
    groups: dict[str, str | None], zone: str | None
) -> tuple[int | None, int | None, int | None, int | None, str | None]:
    weekday = weekday_number(groups.get("weekday"))
    if groups.get("day") or groups.get("day2"):
        day = int(groups.get("day") or groups.get("day2") or 0)
        month = month_number(groups.get("month") or groups.get("month2"))
        year_text = groups.get("year") or groups.get("year2")
    elif groups.get("tday"):
        day, month, year_text = (
            int(groups["tday"] or 0),
            month_number(groups["tmonth"]),
            groups["tyear"],
        )
        if month is None:
            return day, None, None, weekday, "unknown month"
    elif groups.get("iso_year"):
        day, month = int(groups["iso_day"] or 0), int(groups["iso_month"] or 0)
        year_text = groups["iso_year"]
    elif groups.get("n1") or groups.get("tn1"):
        first = int(groups.get("n1") or groups.get("tn1") or 0)
        second = int(groups.get("n2") or groups.get("tn2") or 0)
        year_text = groups.get("ny") or groups.get("tny")
        day, month = _numeric_day_month(
            first, second, groups.get("nsep") or groups.get("tnsep"), zone
        )
    else:
        return None, None, None, weekday, None
    year = int(year_text) if year_text else None
    if year is not None and year < 100:
        year += 2000
    return day, month, year, weekday, check_date(day, month, year)


def _numeric_day_month(
    first: int, second: int, sep: str | None, zone: str | None
) -> tuple[int, int]:
    """Day first, as outside the US; month first when the day cannot be first or the
    zone is American and the slash is the separator ("03/12/2022 | 08:42am EST")."""
    american = zone in {"EST", "EDT", "ET", "CST", "CDT", "PST", "PDT"} and sep == "/"
    if first > 12 or (not american and second <= 12):
        return first, second
    return second, first


def check_date(day: int | None, month: int | None, year: int | None) -> str | None:
    if day is None:
        return None
    if month is None or not 1 <= month <= 12:
        return "unknown month"
    longest = 29 if month == 2 else calendar.monthrange(2001, month)[1]
    if year is not None:
        longest = calendar.monthrange(year, month)[1]
    if not 1 <= day <= longest:
        return f"day {day} does not exist in that month"
    return None


@dataclass(frozen=True)
class DateLine:
    """A date found on a page's own line (an article's date, or a page's date)."""

    line: int
    reading: Reading


_DATELINE_SEARCH = re.compile(
    rf"(?:(?P<label>(?:first\s+|last\s+)?(?:published|updated|posted|created|modified)"
    rf"(?:\s+(?:at|on))?|date)\s*[:\-–—]?\s*)?"
    rf"{_DATE}(?:(?:\s*(?:,|\||at|-|–)?\s*){_CLOCK}(?:\s*,?\s*{_ZONE}\b)?"
    r"(?:\s*\((?P<pzone>(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?)\))?)?",
    re.IGNORECASE,
)
_CLOCK_THEN_DATE = re.compile(
    rf"(?<![\d:.]){_CLOCK}(?:\s*{_ZONE}\b)?\s+{_TRAILING_DATE}", re.IGNORECASE
)


def find_dates(line: str, index: int) -> list[DateLine]:
    """Dates a short line gives (at most a few words besides them), each with its label.

    A sentence that mentions a date is not a date line: the words around the dates must
    be few (a source name, "min read", a city)."""
    if len(line) > 160 or not re.search(r"\d", line):
        return []
    found: list[DateLine] = []
    spans: list[tuple[int, int]] = []
    for pattern, shape in ((_DATELINE_SEARCH, "date_first"), (_CLOCK_THEN_DATE, "clock_first")):
        for match in pattern.finditer(line):
            if any(start < match.end() and match.start() < end for start, end in spans):
                continue
            reading = _reading(match, shape, match.group(0))
            if reading is None or reading.day is None:
                continue
            spans.append((match.start(), match.end()))
            found.append(DateLine(index, reading))
    rest = line
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    if len(re.findall(r"[A-Za-z]{2,}", rest)) > 6:
        return []
    return sorted(found, key=lambda item: line.find(item.reading.text))
