"""Page bytes to text: encodings and saved HTML."""

from __future__ import annotations

import re
import warnings
from html.parser import HTMLParser

from tracker.errors import IngestError, TrackerWarning


def decode_page(data: bytes, doc: str) -> str:
    """Bytes -> text: BOMs, UTF-16 without BOM, UTF-8 (a stray bad byte is replaced and
    warned about), then cp1252; binary is refused."""
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
            text = _utf8_with_stray_bytes(data, doc)
    controls = sum(1 for char in text[:65536] if ord(char) < 32 and char not in "\t\n\r\f")
    if "\x00" in text or controls > max(8, len(text[:65536]) // 100):
        raise IngestError(
            f"{doc}: looks like a binary file, not a live-blog page: "
            "pass the page saved as text or HTML"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf8_with_stray_bytes(data: bytes, doc: str) -> str:
    """A page that is UTF-8 but for a few bytes keeps its UTF-8 text (the bad bytes
    become U+FFFD, named in a warning with their lines); one with no UTF-8 sequence at
    all, or more bad bytes than good sequences, is cp1252, as older Windows tools save."""
    text = data.decode("utf-8", errors="replace")
    bad: list[str] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        position = 0
        while True:
            try:
                line[position:].decode("utf-8")
                break
            except UnicodeDecodeError as error:
                found = line[position + error.start : position + error.end]
                bad.append(f"line {number} ({' '.join(f'0x{byte:02x}' for byte in found)})")
                position += error.end
    multibyte = sum(1 for char in text if ord(char) > 127 and char != "\ufffd")
    if multibyte < len(bad):
        return data.decode("cp1252", errors="replace")
    shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    warnings.warn(
        TrackerWarning(f"{doc}: bytes that are not UTF-8, read as \ufffd: {shown}"),
        stacklevel=3,
    )
    return text


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
