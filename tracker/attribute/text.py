"""Text plumbing for attribution: accent folding that keeps offsets, and sentences.

Every rule runs on a folded copy of the text (same length, same offsets): accents come
off letters ("Nausėda" -> "Nauseda", "Støre" -> "Store"), typographic quotes become
straight ones. Statement text is then cut from the original at the same offsets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Letters NFKD does not decompose, mapped to one ASCII letter so the length holds.
_SPECIAL = {
    "ø": "o",
    "Ø": "O",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ð": "d",
    "ı": "i",
    "ħ": "h",
    "ŧ": "t",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "`": "'",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "–": "-",
    "—": "-",
}


class _FoldTable(dict[int, str]):
    """str.translate table computed per character on first sight."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _SPECIAL.get(char)
        if folded is None:
            parts = unicodedata.normalize("NFKD", char)
            base = parts[:1]
            if (
                base.isascii()
                and base.isalpha()
                and all(unicodedata.combining(c) for c in parts[1:])
            ):
                folded = base
            else:
                folded = char
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """`text` with accents and typographic quotes folded; same length, same offsets."""
    if text.isascii():
        return text
    folded = text.translate(_TABLE)
    assert len(folded) == len(text)
    return folded


def ascii_name(name: str) -> str:
    """A name as plain ASCII (for ids): folding, then anything left dropped."""
    return unicodedata.normalize("NFKD", fold(name)).encode("ascii", "ignore").decode()


SENTENCE_END = re.compile(r"(?<=[.!?])[\"']?\s+(?=[\"'A-Z0-9(\[-])|(?<=[.!?][\"'])\s+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|Adm|Sec|Amb|Prof|No|vs|Jr|Sr|Rev|Capt|"
    r"Maj|Sgt|Cmdr|e\.g|i\.e|approx|Inc|Ltd|Co|Corp|Dept)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z])\.$"
)
# A line that is only a title ("Ukraine's foreign minister") joins the name on the next.
_TITLE_LINE_END = re.compile(
    r"(?i:\b(?:president|minister|secretary|chancellor|spokesman|spokeswoman|spokesperson|"
    r"ambassador|envoy|commissioner|adviser|advisor|chief|leader|senator|general))\s*$"
)


def split_sentences(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of a (folded) post body, line by line."""
    lines = list(re.finditer(r"[^\n]+", body))
    index = 0
    while index < len(lines):
        start, end = lines[index].start(), lines[index].end()
        # A short title line with no full stop runs on into the next line.
        while (
            index + 1 < len(lines)
            and len(body[start:end].split()) <= 8
            and _TITLE_LINE_END.search(body[start:end])
            and body[lines[index + 1].start() : lines[index + 1].start() + 1].isupper()
        ):
            index += 1
            end = lines[index].end()
        yield from _sentences_of(body, start, end)
        index += 1


def _sentences_of(body: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    text = body[start:end]
    cursor = 0
    for boundary in SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[: boundary.start()]):
            continue
        yield start + cursor, start + boundary.start()
        cursor = boundary.end()
    if text[cursor:].strip():
        yield start + cursor, end
