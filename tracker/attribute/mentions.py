"""Mentions: the spans of a sentence that name an actor.

Known actors come from positions.yaml: names and name variants (matched on folded text,
so "Erdoğan" and "Erdogan" are one), names valid only in a date range ("Johnson" is a
different person in 2022 and 2024), and role phrases valid on the post's day ("the Nato
secretary general"). A name glued to the word before it by a copy ("agoZelensky") still
counts. People not in positions.yaml are found by `discovery`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from tracker.attribute.discovery import find_new_people, honorific_people, page_mentions
from tracker.attribute.model import Mention, PageState
from tracker.attribute.text import fold
from tracker.config import PositionsConfig, RoleAlias

NOT_A_ROLE_BEFORE = re.compile(
    r"\b(?:former|ex|a|an|another|previous|late|future|then|next|whichever|deputy|vice|"
    r"acting|first|assistant|junior|shadow|interim)[\s-]+$",
    re.I,
)
# "Belgian prime minister", "Italy's prime minister": someone else's role.
OTHER_QUALIFIER = re.compile(r"(?:\b[A-Z][\w'-]*|'s)\s+$")


class AliasIndex:
    """Every phrase that names a known actor on one day, as two regexes."""

    def __init__(self, config: PositionsConfig, day: date | None) -> None:
        self.roles: dict[str, str] = {}
        names: dict[str, str] = {}
        self.actor_roles: dict[str, str] = {}
        for actor in config.actors:
            self.actor_roles[actor.id] = actor.role.lower()
            names.setdefault(fold(actor.name), actor.id)
            for alias in actor.aliases:
                text = fold(alias if isinstance(alias, str) else alias.text)
                valid = isinstance(alias, str) or day is None or alias.valid_on(day)
                if not valid:
                    continue
                # A name ("Johnson" from a date on) is matched as written; a phrase with a
                # lower-case word ("Ukraine's president") is a role, in any case.
                if _is_name(text) if isinstance(alias, RoleAlias) else not _is_role(text):
                    names.setdefault(text, actor.id)
                else:
                    core = re.sub(r"^the\s+", "", text, flags=re.I)
                    self.roles.setdefault(core.lower(), actor.id)
        self.names = names
        # Surnames of known actors: a "new" full name ending in one is a variant spelling.
        self.known_words = {name.split()[-1] for name in names}
        self.name_pattern = _alternation(names) if names else None
        self.role_pattern = (
            re.compile(rf"\b(?:the\s+)?({'|'.join(map(re.escape, _longest(self.roles)))})\b", re.I)
            if self.roles
            else None
        )

    def role_holder(self, phrase: str) -> str | None:
        """The actor a role phrase ("the Russian president") names on this day."""
        return self.roles.get(re.sub(r"^the\s+", "", phrase.strip(), flags=re.I).lower())


def _is_name(text: str) -> bool:
    return all(word[:1].isupper() for word in text.split()) and not text.startswith("The ")


def _is_role(text: str) -> bool:
    return text.lower().startswith("the ")


def _longest(phrases: Sequence[str] | dict[str, str]) -> list[str]:
    return sorted(phrases, key=len, reverse=True)


def _alternation(phrases: dict[str, str]) -> re.Pattern[str]:
    # A name may be glued to a lower-case word before it or a capital after it.
    # The first letters, checked first, spare the alternation at most positions.
    initials = "".join(sorted({re.escape(phrase[0]) for phrase in phrases}))
    return re.compile(
        rf"(?=[{initials}])(?:(?<![\w-])|(?<=[a-z]))"
        rf"({'|'.join(map(re.escape, _longest(phrases)))})(?:(?![\w-])|(?=[A-Z]))"
    )


def find_mentions(
    text: str, index: AliasIndex, state: PageState, original: str | None = None
) -> list[Mention]:
    """Non-overlapping mentions of actors in (folded) `text`, longest first, in order."""
    found: list[Mention] = []
    if index.name_pattern:
        for match in index.name_pattern.finditer(text):
            found.append(Mention(match.start(1), match.end(1), index.names[match[1]], True, ""))
    if index.role_pattern:
        for match in index.role_pattern.finditer(text):
            if NOT_A_ROLE_BEFORE.search(text[: match.start()]):
                continue
            if not match[0].lower().startswith("the") and OTHER_QUALIFIER.search(
                text[: match.start()]
            ):
                continue
            actor = index.roles[match[1].lower()]
            found.append(Mention(match.start(), match.end(), actor, True, match[1], "role"))
    taken = [(m.start, m.end) for m in found]
    found += find_new_people(text, original or text, index.known_words, taken, state)
    found += honorific_people(text, taken, state)
    found += page_mentions(text, taken, state)
    return merge_mentions(text, found)


def merge_mentions(text: str, found: list[Mention]) -> list[Mention]:
    """Drop overlaps (earliest, then longest, wins); join a role to the name after it."""
    found = sorted(found, key=lambda m: (m.start, -(m.end - m.start)))
    merged: list[Mention] = []
    for mention in found:
        if merged and mention.start < merged[-1].end:
            continue
        if merged and _adjacent(text, merged[-1], mention):
            # "US President Donald Trump": the role and the name are one mention.
            previous = merged.pop()
            mention = Mention(
                previous.start,
                mention.end,
                mention.actor,
                mention.known,
                previous.role or mention.role,
            )
        merged.append(mention)
    return merged


def _adjacent(text: str, first: Mention, second: Mention) -> bool:
    return first.kind == "role" and second.kind == "name" and text[first.end : second.start] == " "
