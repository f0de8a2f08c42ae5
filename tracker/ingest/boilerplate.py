"""Page furniture in text pages: lines that are not body text.

Navigation strips, reader appeals, share and comment buttons, player notices, cookie
notes, image credits and captions, "Watch:" video lines and related-story lists are
dropped from post bodies. Decorations ("2h ago", "Key event", "Copy link") sit next to
entry stamps; they are neither headlines nor body text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

IMAGE_SOURCE = re.compile(r"Image source, .*$")
JOURNALIST_ROLE = re.compile(
    r"^(?P<role>(?:[A-Z][a-z]+ )?(?:[a-z]+ ){0,3}"
    r"(?:reporter|correspondent|editor|producer|journalist|presenter|analyst))"
    r"(?=[A-Z\"“‘']|$)"
)
_EXACT = {
    "advertisement",
    "comments",
    "copy link",
    "facebook",
    "follow",
    "jump to content",
    "live",
    "read more",
    "share",
    "share and follow",
    "skip to content",
    "skip to main menu",
    "sort by:",
    "support now",
    "twitter",
    "whatsapp",
    "email",
    "image caption,",
    "image caption",
    "media caption,",
    "media caption",
    "hide caption",
    "toggle caption",
}
_PATTERNS = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            # reader appeals, script and player notices, in any outlet's words
            r"^your support\b|\b(?:support|donate|subscribe) now\b",
            r"\bjavascript\b.{0,40}\b(?:enable|turn on|feature|required)\b",
            r"^(?:please |to )?(?:turn on|enable) javascript\b",
            r"\bbrowser\b.{0,50}\b(?:video|player)\b|\b(?:video|player)\b.{0,50}\bbrowser\b",
            r"^(?:this|the) (?:video|content) (?:is not available|can ?not be played)",
            r"\bcookies?\b.*\b(?:accept|consent|settings|we use|policy)\b",
            r"\b(?:accept|consent|manage)\b.*\bcookies?\b",
            r"^(?:get|sign up for|sign up now|subscribe to) .{0,60}\bnewsletters?\b",
            r"\bnotifications?\b.{0,50}\b(?:browser|enable|allow|manage|settings|preferences)\b",
            r"^sort by\b|\bsort by (?:latest|oldest|newest)\b",
            r"^live (?:reporting|updates|coverage) (?:by|from|edited by)\b",
            r"\bview post$",
            r"^(?:listen|watch) (?:to|on)\b.{0,60}\b(?:podcast|live|here)\b",
            r"^(?:image|photo|picture) (?:source|credit)s?[:,]",
            r"\b(?:photograph|photo|image|picture): [\w .,&/'’-]{2,60}$",
            r"^(?:skip|jump) to\b",
            r"^\d+ min read$",
            r"^(?:tags|topics):",
            r"^©",
            r"^(?:[a-z]{2} ){1,4}[a-z]{2}$",  # a language switcher ("ua en ru")
        )
    ),
    re.IGNORECASE,
)
_DECORATION = re.compile(
    r"^(?:\d+\s?(?:s|m|h|d|mins?|hrs?|hours?|days?)\s?ago|just now|key event|pinned(?: post)?"
    r"|breaking|copy link|share|view post|live|updated)$",
    re.IGNORECASE,
)
# A heading that opens a list of other stories: what follows is not this page's text.
_RELATED = re.compile(
    r"^(?:more about|more on this(?: story)?|related(?: (?:articles|stories|news|topics))?"
    r"|read more|read also|see also|you may also like|most read|most popular"
    r"|recommended|top stories|latest news|more from \w+)\s*:?$",
    re.IGNORECASE,
)


_NUMBERED = re.compile(r"^\d{1,2}\.\s+")
_VIDEO = re.compile(r"^watch(?: live)?:\s", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    """Furniture, or a "Watch:" video line (a headline when a stamp follows it)."""
    return is_furniture(line) or bool(_VIDEO.match(line.strip()))


def is_furniture(line: str) -> bool:
    text = _NUMBERED.sub("", line.strip())
    if not text:
        return False
    if text.lower() in _EXACT:
        return True
    return bool(_PATTERNS.search(text))


def is_decoration(line: str) -> bool:
    return bool(_DECORATION.match(line.strip()))


def related_lines(lines: Sequence[str]) -> set[int]:
    """Lines of related-story lists: a heading ("MORE ABOUT", "Related") and the short
    lines that follow it (headlines, their dates), up to the next paragraph of text."""
    found: set[int] = set()
    for index, line in enumerate(lines):
        if not _RELATED.match(line.strip()):
            continue
        found.add(index)
        for position in range(index + 1, len(lines)):
            text = lines[position].strip()
            if len(text) > 200 or (text.endswith(".") and len(text.split()) > 12):
                break
            found.add(position)
    return found


def clean_body(lines: Sequence[str]) -> tuple[str, str]:
    """Body text and byline of a post: captions, credits and page furniture are not body."""
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
        if is_boilerplate(line) or is_decoration(line):
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
