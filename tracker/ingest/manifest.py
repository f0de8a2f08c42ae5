"""The scraper's manifest: a CSV beside the pages with each file's URL and date.

Columns ``file,url,published`` (others are ignored). ``file`` is the page's file name
(a path is matched by its last part); ``published`` is ISO 8601, in UTC when it carries
no offset ("2024-12-19T10:31Z", "2024-12-19T12:31+02:00", "2024-12-19"). A date alone
dates the page but says no time of day.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePath

from tracker.errors import ManifestError

REQUIRED = ("file", "url", "published")


@dataclass(frozen=True)
class PageInfo:
    """What the manifest (or ``--date``) says about one page."""

    url: str | None = None
    published: datetime | None = None  # aware, UTC
    day: date | None = None  # a date with no time of day
    source: str = "manifest"


def parse_published(text: str) -> tuple[datetime | None, date | None]:
    """(instant, None) for a date and time, (None, day) for a date alone."""
    value = text.strip()
    if not value:
        return None, None
    if len(value) == 10:
        return None, date.fromisoformat(value)
    moment = datetime.fromisoformat(value.replace(" ", "T"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC), None


def read_manifest(path: Path) -> dict[str, PageInfo]:
    """File name -> PageInfo. Raises ManifestError naming the file, row and problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ManifestError(f"{path}: cannot read the manifest ({error})") from error
    rows = csv.DictReader(text.splitlines())
    columns = [name.strip().lower() for name in rows.fieldnames or []]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ManifestError(
            f"{path}: the manifest needs the columns file,url,published; "
            f"missing: {', '.join(missing)}"
        )
    pages: dict[str, PageInfo] = {}
    for number, raw in enumerate(rows, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in raw.items()}
        name = PurePath(row["file"].replace("\\", "/")).name
        if not name:
            continue
        try:
            instant, day = parse_published(row["published"])
        except ValueError as error:
            raise ManifestError(
                f"{path}:{number}: published {row['published']!r} is not an ISO 8601 date "
                "(e.g. 2025-03-16T14:57Z)"
            ) from error
        pages[name] = PageInfo(url=row["url"] or None, published=instant, day=day)
    return pages


def page_info(
    manifest: Mapping[str, PageInfo] | None, doc: str, page_date: date | None
) -> PageInfo | None:
    """The manifest row of `doc`, else the ``--date`` given for every page, else None."""
    row = (manifest or {}).get(PurePath(doc).name)
    if row is not None and (row.published or row.day):
        return row
    if page_date is not None:
        return PageInfo(url=row.url if row else None, day=page_date, source="--date")
    return row
