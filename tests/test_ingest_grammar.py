"""The timestamp grammar: zones, 12/24-hour clocks, date orders, decorations (hypothesis)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.ingest import parse_live_blog
from tracker.ingest.grammar import looks_timed, read_stamp
from tracker.ingest.zones import zone_info, zone_key

# zone as printed -> hours east of UTC (None: a place, offset from the zone database)
ZONES: dict[str, float | None] = {
    "GMT": 0,
    "UTC": 0,
    "Greenwich Mean Time": 0,
    "BST": 1,
    "British Summer Time": 1,
    "CET": 1,
    "CEST": 2,
    "EST": -5,
    "EDT": -4,
    "IST": 5.5,
    "+0300": 3,
    "UTC +04:00": 4,
    "GMT-3": -3,
    "Kyiv time": None,
    "Moscow time": None,
    "UK": None,
}
PLACES = {"Kyiv time": "Europe/Kyiv", "Moscow time": "Europe/Moscow", "UK": "Europe/London"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("published at 10:31 Greenwich Mean Time", (10, 31, "GMT", None, None, None)),
        ("published at 17:54 British Summer Time 24 April", (17, 54, "BST", 24, 4, None)),
        ("date 2022-03-29 10.58am BST", (10, 58, "BST", 29, 3, 2022)),
        ("Updated at 07.26 EST", (7, 26, "EST", None, None, None)),
        ("3d ago06.37EDT", (6, 37, "EDT", None, None, None)),
        ("Sunday 16 March 2025 14:57, UK", (14, 57, "UK", 16, 3, 2025)),
        ("17:52", (17, 52, None, None, None, None)),
        ("23:24 , Kim Writer", (23, 24, None, None, None, None)),
        ("Kim Writer8 November 2024 16:27", (16, 27, None, 8, 11, 2024)),
        ("05:56 PM", (17, 56, None, None, None, None)),
        ("12:10 AM", (0, 10, None, None, None, None)),
        ("2220 GMT — Talks open", (22, 20, "GMT", None, None, None)),
        ("8:26 AM UTC", (8, 26, "UTC", None, None, None)),
        ("Published - January 05, 2023 07:54 pm IST", (19, 54, "IST", 5, 1, 2023)),
        ("03/12/2022 | 08:42am EST", (8, 42, "EST", 12, 3, 2022)),
        ("Thu, 09 Oct 2025 12:14:00 +0300", (12, 14, "+03:00", 9, 10, 2025)),
        ("20 March 2025, 15:23", (15, 23, None, 20, 3, 2025)),
        ("09:36 14.11.2025", (9, 36, None, 14, 11, 2025)),
        ("# 21 May 2022 11:50 (UTC +04:00)", (11, 50, "+04:00", 21, 5, 2022)),
        ("12:00 Kyiv time", (12, 0, "KYIV", None, None, None)),
        ("09:00 Moscow time", (9, 0, "MOSCOW", None, None, None)),
        ("14:00 CEST 2 June", (14, 0, "CEST", 2, 6, None)),
    ],
)
def test_stamp_shapes(line: str, expected: tuple[object, ...]) -> None:
    reading = read_stamp(line)
    assert reading is not None
    got = (reading.hour, reading.minute, reading.zone, reading.day, reading.month, reading.year)
    assert got == expected
    assert looks_timed(line)


def test_epoch_stamps() -> None:
    reading = read_stamp("Liveupdated1675868110")
    assert reading is not None and reading.epoch == 1675868110 and reading.is_update
    assert read_stamp("1675867515") is not None
    assert read_stamp("9999999999") is None  # past 2040: a number, not a stamp


@pytest.mark.parametrize(
    "line",
    [
        "2.45 per cent of the budget",
        "The talks began at 10:30 and ended late.",
        "He'll be speaking at around 12:30 GMT, and we'll be covering it.",
        "Score: 3-1",
        "1,675,867,515 people",
    ],
)
def test_sentences_with_times_are_not_stamps(line: str) -> None:
    assert read_stamp(line) is None
    assert not looks_timed(line)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("25:10 GMT 3 March 2025", "25:10 is not a time of day"),
        ("13:10 PM", "13:10 pm is not a time of day"),
        ("10:00 GMT 30 February 2025", "day 30 does not exist in that month"),
        ("10:00 GMT 3 Smarch 2025", "unknown month"),
    ],
)
def test_impossible_stamps_carry_their_reason(line: str, problem: str) -> None:
    reading = read_stamp(line)
    assert reading is not None and reading.problem == problem


# ---- generated stamps ------------------------------------------------------------------


@st.composite
def stamp_lines(draw: st.DrawFn) -> tuple[str, datetime, str]:
    """(line, local time it says, zone as printed): every shape the grammar reads."""
    year = draw(st.integers(2015, 2030))
    month = draw(st.integers(1, 12))
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    zone = draw(st.sampled_from(sorted(ZONES)))
    moment = datetime(year, month, day, hour, minute)
    twelve = draw(st.booleans())
    sep = draw(st.sampled_from([":", "."]))
    if twelve:
        suffix = "pm" if hour >= 12 else "am"
        suffix = draw(st.sampled_from([suffix, f" {suffix.upper()}", f" {suffix}"]))
        clock = f"{(hour % 12) or 12}{sep}{minute:02d}{suffix}"
    else:
        clock = f"{hour:02d}{sep}{minute:02d}"
    name, abbr = calendar.month_name[month], calendar.month_abbr[month]
    weekday = calendar.day_name[moment.weekday()]
    written_zone = f", {zone}" if zone == "UK" else f" {zone}"
    shapes = [
        f"{clock} {zone} {day} {name} {year}",
        f"{weekday} {day} {name} {year} {clock}{written_zone}",
        f"{name} {day}, {year} {clock}{written_zone}",
        f"{day:02d} {abbr} {year}, {clock}{written_zone}",
        f"{year}-{month:02d}-{day:02d} {clock}{written_zone}",
        f"{day:02d}.{month:02d}.{year} {clock}{written_zone}",
        f"published at {clock} {zone} {day} {name} {year}",
        f"• {day} {name} {year} {clock}{written_zone}",
    ]
    return draw(st.sampled_from(shapes)), moment, zone


def utc_of(local: datetime, zone: str) -> datetime:
    offset = ZONES[zone]
    if offset is None:
        return local.replace(tzinfo=ZoneInfo(PLACES[zone])).astimezone(UTC)
    return (local - timedelta(hours=offset)).replace(tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(stamp_lines())
def test_every_generated_stamp_is_read_exactly(case: tuple[str, datetime, str]) -> None:
    line, moment, zone = case
    reading = read_stamp(line)
    assert reading is not None, line
    assert reading.problem is None
    assert (reading.year, reading.month, reading.day) == (moment.year, moment.month, moment.day)
    assert (reading.hour, reading.minute) == (moment.hour, moment.minute)
    assert reading.zone == zone_key(zone)
    assert zone_info(reading.zone).utcoffset(moment) is not None
    assert looks_timed(line)


sentences = st.lists(
    st.text(alphabet="abcdefghij klmnop", min_size=12, max_size=60).map(
        lambda words: words.strip().capitalize() + "."
    ),
    min_size=0,
    max_size=3,
)


@st.composite
def live_pages(draw: st.DrawFn) -> tuple[str, list[datetime], int]:
    """A live page: entry stamps (dated, zoned), bodies, and malformed stamp lines."""
    lines = draw(sentences)
    expected: list[datetime] = []
    bad = 0
    for n in range(draw(st.integers(1, 6))):
        if draw(st.integers(0, 5)) == 0:
            lines.append(
                f"{draw(st.integers(24, 39))}:{draw(st.integers(0, 59)):02d} GMT 3 March 2024"
            )
            bad += 1
        line, moment, zone = draw(stamp_lines())
        lines.append(f"Headline number {n} of the day")
        lines.append(line)
        lines.extend(draw(sentences))
        expected.append(utc_of(moment, zone))
    return "\n".join(lines), expected, bad


@settings(max_examples=250, deadline=None)
@given(live_pages())
def test_every_timestamped_line_of_a_page_is_a_post_or_a_reject(
    case: tuple[str, list[datetime], int],
) -> None:
    text, expected, bad = case
    parsed = parse_live_blog(text, "gen.txt")
    timed = parsed.posts.filter(~pl.col("is_head"))
    assert timed.get_column("post_time").to_list() == expected
    assert parsed.rejects.height == bad
    stamp_count = sum(1 for line in text.split("\n") if looks_timed(line))
    assert timed.height + parsed.rejects.height == stamp_count


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789:. apmGTBSUCEDkyivtimeAMP,|-—", max_size=40))
def test_reading_never_fails_on_stamp_like_noise(line: str) -> None:
    reading = read_stamp(line)
    if reading is not None:
        assert looks_timed(line)
        if reading.problem is None and reading.hour is not None:
            assert 0 <= reading.hour <= 23 and 0 <= (reading.minute or 0) <= 59
