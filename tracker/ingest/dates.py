"""Dates and years: page years from dated role phrases and weekdays, local times to UTC."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from tracker.config import PositionsConfig
from tracker.ingest.stamps import DATE_MENTION, LONDON, WEEKDAYS, YEAR_MENTION, Stamp, month_number


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


def resolve_times(
    stamps: list[Stamp], year: int | None
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


def _fill_bare_times(stamps: list[Stamp], local: list[datetime | None]) -> None:
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
