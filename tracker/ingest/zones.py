"""Time zones as pages print them: names, abbreviations, places and numeric offsets.

A zone written as an abbreviation is taken at its stated offset ("EST" is UTC-5 even in
July, as the page says); a place ("UK", "Kyiv time") follows that place's clocks through
summer time. A clock printed with no zone is UK local time: the outlets whose live blogs
omit the zone (The Independent, Sky, The Telegraph) print UK time.
"""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "UK"

_FIXED_HOURS = {
    "GMT": 0.0,
    "UTC": 0.0,
    "Z": 0.0,
    "BST": 1.0,
    "CET": 1.0,
    "CEST": 2.0,
    "EET": 2.0,
    "EEST": 3.0,
    "MSK": 3.0,
    "EST": -5.0,
    "EDT": -4.0,
    "CST": -6.0,
    "CDT": -5.0,
    "PST": -8.0,
    "PDT": -7.0,
    "IST": 5.5,  # India Standard Time: the Indian outlets that print IST
}
_PLACES = {
    "UK": "Europe/London",
    "LONDON": "Europe/London",
    "KYIV": "Europe/Kyiv",
    "MOSCOW": "Europe/Moscow",
    "ET": "America/New_York",
    "EASTERN": "America/New_York",
    "PARIS": "Europe/Paris",
    "BRUSSELS": "Europe/Brussels",
}
_NAMES = {
    "greenwich mean time": "GMT",
    "british summer time": "BST",
    "coordinated universal time": "UTC",
    "central european summer time": "CEST",
    "central european time": "CET",
    "eastern european summer time": "EEST",
    "eastern european time": "EET",
    "eastern standard time": "EST",
    "eastern daylight time": "EDT",
    "eastern time": "ET",
    "india standard time": "IST",
    "moscow time": "MOSCOW",
    "kyiv time": "KYIV",
    "kiev time": "KYIV",
    "uk time": "UK",
    "london time": "UK",
    "uk": "UK",
}
# Longest first, so "British Summer Time" wins over "BST"-like prefixes.
ZONE_PATTERN = (
    r"(?:"
    + "|".join(re.escape(name) for name in sorted(_NAMES, key=len, reverse=True))
    + r"|(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?"
    + r"|[+\-−]\d{2}:?\d{2}"
    + r"|"
    + "|".join(sorted(_FIXED_HOURS, key=len, reverse=True))
    + r"|ET)"
)
_OFFSET = re.compile(
    r"^(?:UTC|GMT)?\s?(?P<sign>[+\-−])\s?(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?$"
)


def zone_key(text: str) -> str:
    """The canonical key of a zone as printed: "GMT", "UK", "KYIV", "+03:00", ..."""
    cleaned = " ".join(text.strip().strip("()").split())
    named = _NAMES.get(cleaned.lower())
    if named:
        return named
    offset = _OFFSET.match(cleaned.upper())
    if offset:
        sign = "-" if offset["sign"] in "-−" else "+"
        return f"{sign}{int(offset['hours']):02d}:{offset['minutes'] or '00'}"
    return cleaned.upper()


def zone_info(key: str) -> tzinfo:
    """The tzinfo of a canonical zone key (unknown keys raise KeyError)."""
    if key in _PLACES:
        return ZoneInfo(_PLACES[key])
    if key in _FIXED_HOURS:
        return timezone(timedelta(hours=_FIXED_HOURS[key]), key)
    offset = _OFFSET.match(key)
    if offset:
        sign = -1 if offset["sign"] in "-−" else 1
        delta = timedelta(hours=int(offset["hours"]), minutes=int(offset["minutes"] or 0))
        return timezone(sign * delta)
    raise KeyError(key)


def known_zone(key: str) -> bool:
    try:
        zone_info(key)
    except KeyError:
        return False
    return True
