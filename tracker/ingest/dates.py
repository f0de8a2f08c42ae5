"""Dates and years: page years from dated role phrases and weekdays, local times to UTC."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from tracker.config import PositionsConfig
from tracker.ingest.grammar import WEEKDAYS, month_number
from tracker.ingest.stamps import Stamp
from tracker.ingest.zones import DEFAULT_ZONE, zone_info

YEAR_MENTION = re.compile(r"\b(20[0-4]\d|19[5-9]\d)\b")
DATE_MENTION = re.compile(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Z][a-z]{2,8})\b(?:\s+(?P<year>\d{4}))?"
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
        if (month := month_number(m["month"])) and not m["year"]
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


@dataclass(frozen=True)
class Anchor:
    """A date for a page's undated stamps, from outside the stamps themselves.

    `instant` (a manifest's publication time) dates the stamp whose clock is closest
    to it; `day` alone (``--date``, the page's own date line) dates the page's first
    stamp. `source` names where it came from, for messages."""

    source: str
    instant: datetime | None = None
    day: date | None = None

    @property
    def year(self) -> int | None:
        if self.instant is not None:
            return self.instant.year
        return self.day.year if self.day else None

    def on_or_before(self) -> date | None:
        if self.instant is not None:
            return (self.instant + timedelta(days=2)).date()
        return self.day + timedelta(days=2) if self.day else None


def stamp_zone(stamp: Stamp) -> tzinfo:
    return zone_info(stamp.reading.zone or DEFAULT_ZONE)


def anchored_year(month_days: Sequence[tuple[int, int]], anchor: Anchor | None) -> int | None:
    """The year of day-month stamps from an anchor: its year, or the one before when the
    first date would fall after the anchor (a page read in January about December)."""
    if anchor is None or anchor.year is None:
        return None
    limit = anchor.on_or_before()
    if month_days and limit is not None:
        month, day = month_days[0]
        candidate = _safe_date(anchor.year, month, day)
        if candidate is not None and candidate > limit:
            return anchor.year - 1
    return anchor.year


def resolve_times(
    stamps: list[Stamp], year: int | None, anchor: Anchor | None = None
) -> tuple[list[datetime | None], list[str | None]]:
    """UTC time of every stamp (None with a reason when it cannot be dated)."""
    reasons: list[str | None] = [None] * len(stamps)
    moments: list[datetime | None] = [None] * len(stamps)
    for index, stamp in enumerate(stamps):
        reading = stamp.reading
        if reading.epoch is not None:
            moments[index] = datetime.fromtimestamp(reading.epoch, UTC).replace(second=0)
            continue
        the_year = reading.year or year
        if reading.day is None or reading.month is None or the_year is None:
            continue
        moments[index] = _local(stamp, date(the_year, reading.month, reading.day))
    if not any(moments) and anchor is not None and stamps:
        _anchor_one(stamps, moments, anchor)
    _fill_bare_times(stamps, moments)
    for index, stamp in enumerate(stamps):
        if moments[index] is None:
            reasons[index] = (
                f"{stamp.time_text!r}: no date on this post or any post near it; "
                "pass the page's date with --date YYYY-MM-DD or a manifest row"
            )
    times = [moment.astimezone(UTC) if moment else None for moment in moments]
    return times, reasons


def _local(stamp: Stamp, day: date) -> datetime:
    reading = stamp.reading
    naive = datetime(day.year, day.month, day.day, reading.hour or 0, reading.minute or 0)
    return naive.replace(tzinfo=stamp_zone(stamp))


def _anchor_one(stamps: list[Stamp], moments: list[datetime | None], anchor: Anchor) -> None:
    if anchor.instant is None:
        if anchor.day is not None:
            moments[0] = _local(stamps[0], anchor.day)
        return
    best: tuple[timedelta, int, datetime] | None = None
    for index, stamp in enumerate(stamps):
        local_day = anchor.instant.astimezone(stamp_zone(stamp)).date()
        for shift in (-1, 0, 1):
            moment = _local(stamp, local_day + timedelta(days=shift))
            distance = abs(moment - anchor.instant)
            if best is None or distance < best[0]:
                best = (distance, index, moment)
    if best is not None:
        moments[best[1]] = best[2]


def _fill_bare_times(stamps: list[Stamp], moments: list[datetime | None]) -> None:
    """Date bare times ("12:14") from the nearest dated post, counting midnight wraps.

    Pages run newest first or oldest first; walking away from a dated post in time
    order, a clock that goes backwards has passed midnight.
    """
    dated = [index for index, moment in enumerate(moments) if moment is not None]
    if not dated:
        return
    newest_first = _newest_first(stamps, moments)
    for index in range(len(stamps)):
        if moments[index] is not None:
            continue
        anchor = min(dated, key=lambda d: (abs(d - index), d < index))
        step = 1 if anchor < index else -1
        start = moments[anchor]
        assert start is not None
        current: datetime = start
        for position in range(anchor + step, index + step, step):
            known = moments[position]
            if known is not None:
                current = known
                continue
            stamp = stamps[position]
            zone = stamp_zone(stamp)
            candidate = _local(stamp, current.astimezone(zone).date())
            if newest_first is None:  # no clear order: the clock nearest its neighbour
                options = [_local(stamp, candidate.date() + timedelta(days=d)) for d in (-1, 0, 1)]
                candidate = min(options, key=_distance_to(current))
            elif ((step == -1) == newest_first) and candidate < current:
                candidate = _local(stamp, candidate.date() + timedelta(days=1))
            elif ((step == -1) != newest_first) and candidate > current:
                candidate = _local(stamp, candidate.date() - timedelta(days=1))
            current = candidate
            moments[position] = candidate


def _distance_to(reference: datetime) -> Callable[[datetime], timedelta]:
    return lambda moment: abs(moment - reference)


def _newest_first(stamps: Sequence[Stamp], moments: Sequence[datetime | None]) -> bool | None:
    """Whether the page runs newest first; None when its clocks go both ways equally."""
    known = [moment for moment in moments if moment is not None]
    if len(known) >= 2:
        return known[0] >= known[-1]
    # Each step down the page goes the short way round the clock: 00:20 then 23:45 is
    # 35 minutes back across midnight, not 23 hours forward.
    clocks = [(s.reading.hour or 0) * 60 + (s.reading.minute or 0) for s in stamps]
    forward = [(b - a) % 1440 for a, b in itertools.pairwise(clocks) if a != b]
    rising = sum(1 for step in forward if step < 720)
    falling = len(forward) - rising
    if not forward:
        return True  # live blogs put the latest post on top
    return None if rising == falling else falling > rising


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
