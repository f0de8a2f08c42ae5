"""Entry stamps of a live blog: which lines open a post, and where its headline is.

The grammar (``grammar``) says what a timestamp line says; this module places each one
in its page. A stamp opens a post. Its headline is glued to it ("Headlinepublished at
..."; "2220 GMT — Headline"), or stands on the content line above it (BBC newer, The
Independent's "12:14 , Author"), or on the line below it. For stamps with no fixed side
(a bare "17:52", "05:56 PM", a date-first stamp, an epoch) the page decides: the side
whose neighbouring lines read as headlines for most of its stamps.

Labelled date lines ("Updated at 07.26 EST", "Published: ...", "date 2022-03-29 ...")
never open a post in a live blog; they date the page or update an entry.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from tracker.ingest.boilerplate import is_decoration, is_furniture
from tracker.ingest.grammar import Reading, looks_timed, read_stamp, shallow_timed

PAGE_SUFFIXES = (".txt", ".html", ".htm")
# A numbered label line ("3. Analysis", "7. BBC Verify") standing before a headline.
LABEL_LINE = re.compile(r"^\s*\d{1,3}\.\s+(?P<label>[^.?!]{1,30})\s*$")
NUMBER_PREFIX = re.compile(r"^\s*\d{1,3}\.\s+")
DERIVED_COLUMNS = ("post_id", "post_index")
FORMATS_TRIED = (
    "entry stamps such as 'Headlinepublished at 12:39 GMT 25 February', '17:03 GMT 15 March', "
    "'12:14 , Author', 'Tuesday 21 January 2025 23:02 , Author', '10.58am BST', "
    "'3d ago06.37EDT', '05:56 PM', '2220 GMT — Headline', a Unix epoch; or a date line"
)
FIXED_ABOVE = ("bbc_new", "independent")


@dataclass
class Stamp:
    """One entry stamp placed in its page, before its date is resolved."""

    line: int  # 0-based index of the post's first line (its headline or the stamp)
    stamp_line: int  # 0-based index of the timestamp line
    body_start: int
    headline: str
    reading: Reading
    byline: str
    layout: str
    labels: list[str] = field(default_factory=list)

    @property
    def time_text(self) -> str:
        return self.reading.text


@dataclass(frozen=True)
class StampScan:
    stamps: list[Stamp]
    bad: list[tuple[int, str]]  # (line, reason): looks timed, cannot be read
    dated_lines: list[tuple[int, Reading]]  # labelled date lines (page dates, updates)

    @property
    def dated_indexes(self) -> set[int]:
        return {index for index, _ in self.dated_lines}


def previous_content_line(lines: Sequence[str], index: int, floor: int) -> int | None:
    for candidate in range(index - 1, floor - 1, -1):
        if lines[candidate].strip():
            return candidate
    return None


def _neighbour(
    lines: Sequence[str], index: int, step: int, floor: int, stamp_lines: Collection[int]
) -> int | None:
    """The nearest content line above (step -1) or below (+1), past decorations."""
    position = index + step
    while floor <= position < len(lines):
        text = lines[position].strip()
        if position in stamp_lines:
            return None
        if text and not is_decoration(text) and not is_furniture(text):
            return position
        position += step
    return None


def looks_like_headline(text: str) -> bool:
    text = text.strip()
    return (
        3 <= len(text) <= 160
        and len(text.split()) <= 25
        and text[-1:] not in ".:,;"
        and not looks_timed(text)
    )


def _layout(reading: Reading) -> str:
    if reading.shape == "epoch":
        return "epoch"
    if reading.author and reading.shape == "clock_first":
        return "independent"
    if reading.author and reading.shape == "date_first" and reading.weekday is not None:
        return "independent"
    if reading.shape == "clock_first" and reading.zone in {"GMT", "BST", "UTC"}:
        return "bbc_new" if reading.day is not None else "clock"
    return "dated" if reading.day is not None else "clock"


def find_stamps(lines: Sequence[str], skip: Collection[int] = ()) -> StampScan:
    """Timestamp lines -> stamps; lines that look timed but cannot be read -> (line, reason).

    Lines in `skip` (related-story lists) are read but open no post: the caller rejects
    them with their reason."""
    entries: list[tuple[int, Reading]] = []
    dated: list[tuple[int, Reading]] = []
    bad: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if index in skip:
            continue
        reading = read_stamp(line)
        if reading is None and not shallow_timed(line):
            continue
        if reading is None:
            bad.append((index, "timestamp not understood: expected " + FORMATS_TRIED))
        elif reading.label and reading.label != "published at" and reading.problem is None:
            dated.append((index, reading))
        else:
            entries.append((index, reading))
    stamp_lines = {index for index, _ in entries}
    side = _page_side(lines, entries, stamp_lines)
    stamps: list[Stamp] = []
    floor = 0  # lines before this belong to the previous post
    for index, reading in entries:
        stamp = _place(lines, index, reading, floor, side, stamps, stamp_lines)
        if stamp is not None:
            stamps.append(stamp)
        floor = (stamps[-1].body_start if stamps else index + 1) if stamp else index + 1
    return StampScan(stamps, bad, dated)


def _page_side(
    lines: Sequence[str], entries: Sequence[tuple[int, Reading]], stamp_lines: Collection[int]
) -> str:
    above = below = 0
    floor = 0
    for index, reading in entries:
        if reading.headline or _layout(reading) in FIXED_ABOVE:
            floor = index + 1
            continue
        up = _neighbour(lines, index, -1, floor, stamp_lines)
        down = _neighbour(lines, index, 1, 0, stamp_lines)
        above += up is not None and looks_like_headline(lines[up])
        below += down is not None and looks_like_headline(lines[down])
        floor = index + 1
    return "above" if above > below else "below"


def _place(
    lines: Sequence[str],
    index: int,
    reading: Reading,
    floor: int,
    side: str,
    stamps: list[Stamp],
    stamp_lines: Collection[int],
) -> Stamp | None:
    layout = _layout(reading)
    if reading.headline and "published at" in lines[index].lower():
        headline = NUMBER_PREFIX.sub("", reading.headline)
        return Stamp(index, index, index + 1, headline, reading, "", "bbc")
    if reading.headline:
        return Stamp(index, index, index + 1, reading.headline, reading, "", "dash")
    last = stamps[-1] if stamps else None
    if (
        layout in {"bbc_new", "clock"}
        and last is not None
        and last.layout == "bbc"
        and last.stamp_line == previous_content_line(lines, index, 0)
    ):
        # The "published at" line above already opened this post.
        last.body_start = index + 1
        last.layout = "bbc_new"
        return None
    if layout in FIXED_ABOVE or side == "above":
        head = _neighbour(lines, index, -1, floor, stamp_lines)
        if head is None or (layout not in FIXED_ABOVE and not looks_like_headline(lines[head])):
            return Stamp(index, index, index + 1, "", reading, reading.author, layout)
        return Stamp(head, index, index + 1, lines[head].strip(), reading, reading.author, layout)
    down = _neighbour(lines, index, 1, 0, stamp_lines)
    if down is not None and looks_like_headline(lines[down]):
        return Stamp(index, index, down + 1, lines[down].strip(), reading, reading.author, layout)
    return Stamp(index, index, index + 1, "", reading, reading.author, layout)
