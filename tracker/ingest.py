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

import calendar
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from tracker.config import PositionsConfig
from tracker.errors import IngestError, UnknownFormatError, YearUnknownError
from tracker.schemas import POSTS, REJECTS, check_frame

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
_DERIVED = ("post_id", "post_index")
FORMATS_TRIED = (
    "BBC classic ('Headlinepublished at 12:39 Greenwich Mean Time 25 February'), "
    "BBC newer (a headline line, then '17:03 GMT 15 March'), "
    "The Independent (a headline line, then '12:14 , Author' or "
    "'Tuesday 21 January 2025 23:02 , Author')"
)


@dataclass(frozen=True)
class YearClue:
    """A role phrase naming someone only between two dates ("US President Donald Trump").

    A page that omits the year is dated to the year in which its role phrases were true.
    """

    phrase: str
    start: date | None
    until: date | None

    def valid_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.until is None or day <= self.until
        )


@dataclass(frozen=True)
class ParsedPage:
    posts: pl.DataFrame
    rejects: pl.DataFrame
    source_format: str
    year: int | None


@dataclass
class _Stamp:
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


# ---- decoding --------------------------------------------------------------------------


def decode_page(data: bytes, doc: str) -> str:
    """Bytes -> text: BOMs, UTF-16 without BOM, UTF-8, then cp1252; binary is refused."""
    if not data.strip():
        raise IngestError(f"{doc}: the file is empty")
    text: str | None = None
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    if text is None and len(data) >= 4 and data.count(b"\x00") > len(data) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        encoding = (
            "utf-16-le" if data[1::2].count(b"\x00") > data[0::2].count(b"\x00") else ("utf-16-be")
        )
        text = data.decode(encoding, errors="replace")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    controls = sum(1 for char in text[:65536] if ord(char) < 32 and char not in "\t\n\r\f")
    if "\x00" in text or controls > max(8, len(text[:65536]) // 100):
        raise IngestError(
            f"{doc}: looks like a binary file, not a live-blog page: "
            "pass the page saved as text or HTML"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "time", "article"}
        | {"section", "header", "footer", "tr", "ul", "ol", "blockquote", "figcaption"}
    )
    SKIP = frozenset({"script", "style", "noscript", "svg", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Text of a saved HTML page, one block element per line (scripts and styles dropped)."""
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = (
        re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")
    )
    return "\n".join(line for line in lines if line)


def looks_like_html(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


# ---- finding posts ----------------------------------------------------------------------


def _month(name: str) -> int | None:
    return MONTHS.get(name.lower())


def _previous_content_line(lines: Sequence[str], index: int, floor: int) -> int | None:
    for candidate in range(index - 1, floor - 1, -1):
        if lines[candidate].strip():
            return candidate
    return None


def _find_stamps(lines: Sequence[str]) -> tuple[list[_Stamp], list[tuple[int, str]]]:
    """Timestamp lines -> stamps; timestamp-like lines that fail -> (line, reason)."""
    stamps: list[_Stamp] = []
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
            if last and last.stamp_line == _previous_content_line(lines, index, 0):
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
) -> _Stamp:
    """A stamp on its own line: the post's headline is the content line above it."""
    head = _previous_content_line(lines, index, floor)
    headline = lines[head].strip() if head is not None else ""
    start = head if head is not None else index
    return _stamp(match, start, index, index + 1, headline, layout)


def _stamp(
    match: re.Match[str], start: int, stamp_line: int, body: int, headline: str, layout: str
) -> _Stamp:
    groups = match.groupdict()
    zone = groups.get("zone") or ""
    zone_key = "BST" if zone in {"BST", "British Summer Time"} else "UTC"
    if layout == "independent":
        zone_key = "LONDON"
    month = _month(groups["month"]) if groups.get("month") else None
    weekday = WEEKDAYS.index(groups["weekday"].lower()) if groups.get("weekday") else None
    text = match.group(0).strip()
    if layout == "bbc":
        text = text[text.find("published at") + len("published at") :].strip()
    return _Stamp(
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


def _check_stamp(stamp: _Stamp) -> str | None:
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


# ---- dates and years --------------------------------------------------------------------


def infer_year(
    text: str,
    month_days: Sequence[tuple[int, int]],
    clues: Sequence[YearClue] = (),
    today: date | None = None,
) -> int | None:
    """The year of a page whose dates omit it, from the page's own context.

    Weighs, per candidate year: dates printed with a weekday ("Tuesday 25 February") that
    only fit some years, role phrases ("US President Donald Trump") that were true only
    in some years, and closeness to the latest year the page mentions. None: no clue.
    """
    today = today or date.today()
    lowered = text.lower()
    mentioned = [int(y) for y in YEAR_MENTION.findall(text) if int(y) <= today.year]
    weekday_dates = [
        (WEEKDAYS.index(m["weekday"].lower()), int(m["day"]), month)
        for m in DATE_MENTION.finditer(text)
        if (month := _month(m["month"])) and not m["year"]
    ]
    found_clues = [clue for clue in clues if clue.phrase.lower() in lowered]
    if not (mentioned or weekday_dates or found_clues):
        return None
    starts = [clue.start.year for clue in found_clues if clue.start]
    anchor = max(mentioned) if mentioned else (min(starts) if starts else today.year)
    best: tuple[float, int] | None = None
    for year in range(today.year, 1990, -1):
        days = [_safe_date(year, month, day) for month, day in month_days]
        valid_days = [day for day in days if day is not None]
        if not valid_days or valid_days[0] > today:
            continue
        score = 0.0
        for weekday, day_number, month in weekday_dates:
            day = _safe_date(year, month, day_number)
            score += 2.0 if day is not None and day.weekday() == weekday else -2.0
        for clue in found_clues:
            score += 1.0 if clue.valid_on(valid_days[0]) else -1.0
        score -= 0.1 * abs(year - anchor - 0.4)  # ties: the year after the latest mention
        if best is None or score > best[0]:
            best = (score, year)
    return best[1] if best else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _resolve_times(
    stamps: list[_Stamp], year: int | None
) -> tuple[list[datetime | None], list[str | None]]:
    """UTC time of every stamp (None with a reason when it cannot be dated)."""
    times: list[datetime | None] = [None] * len(stamps)
    reasons: list[str | None] = [None] * len(stamps)
    local: list[datetime | None] = [None] * len(stamps)
    for index, stamp in enumerate(stamps):
        if stamp.day is None:
            continue
        the_year = stamp.year or year
        if the_year is None or stamp.month is None:
            continue
        local[index] = datetime(the_year, stamp.month, stamp.day, stamp.hour, stamp.minute)
    _fill_bare_times(stamps, local)
    for index, stamp in enumerate(stamps):
        moment = local[index]
        if moment is None:
            reasons[index] = (
                f"{stamp.time_text!r}: no date on this post or any post near it; "
                "pass the page's date with --year or a dated post"
            )
            continue
        if stamp.zone == "LONDON":
            times[index] = moment.replace(tzinfo=LONDON).astimezone(UTC)
        else:
            offset = timedelta(hours=1) if stamp.zone == "BST" else timedelta(0)
            times[index] = (moment - offset).replace(tzinfo=UTC)
    return times, reasons


def _fill_bare_times(stamps: list[_Stamp], local: list[datetime | None]) -> None:
    """Date bare times ("12:14") from the nearest dated post, counting midnight wraps.

    Pages run newest first or oldest first; walking away from a dated post in time
    order, a clock that goes backwards has passed midnight.
    """
    dated = [index for index, moment in enumerate(local) if moment is not None]
    if not dated:
        return
    newest_first = _newest_first(local)
    for index in range(len(stamps)):
        if local[index] is not None:
            continue
        anchor = min(dated, key=lambda d: (abs(d - index), d < index))
        step = 1 if anchor < index else -1
        current = local[anchor]
        assert current is not None
        for position in range(anchor + step, index + step, step):
            stamp = stamps[position]
            clock = (stamp.hour, stamp.minute)
            later_in_time = (step == -1) == newest_first
            candidate = current.replace(hour=stamp.hour, minute=stamp.minute)
            if later_in_time and clock < (current.hour, current.minute):
                candidate += timedelta(days=1)
            elif not later_in_time and clock > (current.hour, current.minute):
                candidate -= timedelta(days=1)
            current = candidate
            if local[position] is None:
                local[position] = candidate


def _newest_first(local: Sequence[datetime | None]) -> bool:
    known = [moment for moment in local if moment is not None]
    if len(known) >= 2:
        return known[0] >= known[-1]
    return True  # live blogs put the latest post on top


# ---- the parse -------------------------------------------------------------------------


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
    stamps, bad = _find_stamps(lines)
    if not stamps and not bad:
        raise UnknownFormatError(
            f"{doc}: no timestamped posts found; formats tried: {FORMATS_TRIED}"
        )

    rejects: list[dict[str, object]] = [
        {"doc": doc, "line": index + 1, "text": lines[index].strip(), "reason": reason}
        for index, reason in bad
    ]
    valid: list[_Stamp] = []
    for stamp in stamps:
        problem = _check_stamp(stamp)
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
    times, reasons = _resolve_times(valid, page_year)

    # Labels ("3. Analysis") written above a headline belong to the next post.
    for position, stamp in enumerate(valid):
        previous = _previous_content_line(lines, stamp.line, 0)
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
    record_schema = {name: dtype for name, dtype in POSTS.items() if name not in _DERIVED}
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


def year_clues(config: PositionsConfig) -> list[YearClue]:
    """Dated role phrases of positions.yaml joined to the names they precede.

    "the US president" valid from 2025-01-20 gives "US president Donald Trump" and
    "US president Trump": a page that says so is dated on or after that day.
    """
    clues: list[YearClue] = []
    for actor in config.actors:
        names = {actor.name, actor.name.split()[-1]}
        for alias in actor.aliases:
            if isinstance(alias, str) or (alias.start is None and alias.until is None):
                continue
            core = re.sub(r"^the\s+", "", alias.text, flags=re.IGNORECASE)
            clues.extend(YearClue(f"{core} {name}", alias.start, alias.until) for name in names)
    return clues


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
