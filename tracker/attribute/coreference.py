"""Coreference: speakers named before the sentence that quotes them.

- pronouns ("he said", "she added", "his office said") -> the last speaker, else the
  last person named;
- definite role descriptions ("the ambassador stressed", "the chancellor urged") -> the
  person last named with that title in the post, before any dated role alias;
- "the host" -> the person who hosted, convened or chaired what the post reports;
- an institution's voice ("the Kremlin said", "a Downing Street statement") -> the
  person it speaks for on the post's day (the role alias in positions.yaml), but only
  when the post names that person in the same or the previous sentence; otherwise it is
  an unnamed collective and nobody is attributed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.attribute.lexicon import (
    ANY_VERB,
    AUX,
    INVERTED_VERB,
    SPEECH_VERB,
    TITLEISH,
    in_subject_slot,
)
from tracker.attribute.mentions import AliasIndex
from tracker.attribute.model import Mention

PRONOUN_SPEECH = re.compile(
    rf"(?:^|[,;:\"'-]\s*|\b(?:but|and|as|while|where|when|that)\s+)[\"']?"
    rf"(?P<pronoun>[Hh]e|[Ss]he)(?:\s+(?:also|then|later))?"
    rf"(?:(?:,[^,\"]{{1,80}},)?\s+{AUX}(?:{ANY_VERB})\b)"
)
PRONOUN_OFFICE = re.compile(
    rf"(?:^|[,;:\"'-]\s*|\b(?:but|and|as|while)\s+)(?P<pronoun>[Hh]is|[Hh]er)\s+"
    rf"(?:press\s+)?(?:office|spokesman|spokeswoman|spokesperson|press\s+secretary|"
    rf"press\s+service)\s+{AUX}(?:{SPEECH_VERB})\b"
)
# Title nouns a definite description can use, most specific first.
DEFINITE = re.compile(
    r"\b[Tt]he\s+(?P<adjective>[A-Z][a-z]+\s+)?(?P<noun>prime minister|foreign minister|"
    r"defence minister|defense minister|foreign secretary|defence secretary|secretary of "
    r"state|secretary general|secretary-general|vice-president|vice president|president|"
    r"premier|chancellor|minister|ambassador|envoy|spokesman|spokeswoman|spokesperson|"
    r"senator|congressman|congresswoman|commissioner|adviser|advisor|governor|mayor)"
    r"(?![\w-])(?!\s+(?:of\s+)?[A-Z])"
)
HOST_NOUN = re.compile(r"\b[Tt]he\s+(?:summit\s+|meeting\s+|conference\s+)?host\b")
_HOST_VERB = r"(?:hosted|hosts|hosting|convened|convenes|organised|organized)"
HOST_BEFORE = re.compile(rf"\b{_HOST_VERB}\s+by\s+{TITLEISH}$")
HOST_AFTER = re.compile(rf"^\s+(?:,\s*who\s+)?{AUX}{_HOST_VERB}\b")
# Institutions that speak for one office holder, and the role phrase naming them.
INSTITUTIONS = {
    "kremlin": "the russian president",
    "downing street": "the uk prime minister",
    "no 10": "the uk prime minister",
    "number 10": "the uk prime minister",
    "elysee": "the french president",
    "white house": "the us president",
    "bankova": "the ukrainian president",
}
INSTITUTION = re.compile(
    r"\b(?:[Tt]he\s+|[Aa]\s+)?(?P<name>Kremlin|Downing\s+Street|No\.?\s?10|Number\s+10|"
    r"Elysee(?:\s+Palace)?|White\s+House|Bankova)(?:'s)?(?:\s+(?:statement|readout|read-out|"
    r"press\s+office|press\s+service|said\s+in\s+a\s+statement))?"
)


@dataclass
class Discourse:
    """What one post has said so far: who was named, who spoke, who hosted."""

    history: list[Mention] = field(default_factory=list)
    last_speaker: Mention | None = None
    host: Mention | None = None
    untracked: bool = False  # the last voice was someone not tracked ("Larsen says")
    subjects: list[Mention] = field(default_factory=list)  # named where a subject stands
    previous_actors: set[str] = field(default_factory=set)  # named in the last sentence

    def remember(self, sentence: str, mentions: list[Mention]) -> None:
        for mention in mentions:
            if HOST_BEFORE.search(sentence[: mention.start]) or HOST_AFTER.match(
                sentence[mention.end :]
            ):
                self.host = mention
        self.history.extend(mentions)
        self.subjects.extend(m for m in mentions if _subject_like(sentence, m))
        self.previous_actors = {m.actor for m in mentions}


def definite_mentions(
    sentence: str, mentions: list[Mention], discourse: Discourse, index: AliasIndex
) -> list[Mention]:
    """`mentions` plus definite descriptions resolved in the post, which win over a dated
    role alias for the same words ("the chancellor" after "Chancellor Olaf Scholz")."""
    extra: list[Mention] = []
    for match in DEFINITE.finditer(sentence):
        actor = _last_titled(match["noun"], match["adjective"], discourse, index)
        if actor is None:
            continue
        extra.append(Mention(match.start(), match.end(), actor.actor, actor.known, actor.role))
    if discourse.host:
        for match in HOST_NOUN.finditer(sentence):
            host = discourse.host
            extra.append(Mention(match.start(), match.end(), host.actor, host.known, host.role))
    if not extra:
        return mentions
    kept = [
        m
        for m in mentions
        if not any(m.start < e.end and e.start < m.end for e in extra) or m.kind != "role"
    ]
    extra = [e for e in extra if not any(m.start < e.end and e.start < m.end for m in kept)]
    return sorted(kept + extra, key=lambda m: m.start)


def _last_titled(
    noun: str, adjective: str | None, discourse: Discourse, index: AliasIndex
) -> Mention | None:
    wanted = f"{adjective.strip().lower()} {noun}" if adjective else noun
    # The last speaker first: "Berg added that ... Kral backed it. The prime minister
    # also said ..." continues Berg.
    candidates = [discourse.last_speaker] if discourse.last_speaker else []
    for mention in [*candidates, *reversed(discourse.history)]:
        role = f"{mention.role.lower()} {index.actor_roles.get(mention.actor, '')}"
        if re.search(rf"(?<![\w-]){re.escape(wanted)}(?![\w-])", role):
            return mention
    return None


def pronoun_speaker(sentence: str, mentions: list[Mention], discourse: Discourse) -> Mention | None:
    """The referent of a speaking pronoun ("he said", "his office said"), if any."""
    match = PRONOUN_SPEECH.search(sentence) or PRONOUN_OFFICE.search(sentence)
    if match is None:
        return None
    before = [m for m in mentions if m.end <= match.start("pronoun")]
    if discourse.last_speaker:
        return discourse.last_speaker
    if before:
        return before[-1]
    if discourse.untracked:
        return None
    # "X praised Y for the result. She warned ...": the subject, not the object.
    if discourse.subjects:
        return discourse.subjects[-1]
    return discourse.history[-1] if discourse.history else None


def _subject_like(sentence: str, mention: Mention) -> bool:
    before = sentence[: mention.start]
    return not before.strip(" \"'") or in_subject_slot(before)


def institution_speaker(
    sentence: str, mentions: list[Mention], discourse: Discourse, index: AliasIndex
) -> Mention | None:
    """The person an institution speaks for, when the post has just named them."""
    for match in INSTITUTION.finditer(sentence):
        after, before = sentence[match.end() :], sentence[: match.start()]
        if re.search(r"\b(?:on|at|of|to|by|with|from|about|against|over|into)\s+$", before):
            continue  # "pushed back on Kremlin claims": the institution is an object
        speaking = re.match(rf"\s+{AUX}(?:{SPEECH_VERB})\b", after) or re.search(
            rf"(?:^|[,\"'-])\s*{INVERTED_VERB}\s+$", before
        )
        if not speaking:
            continue
        key = re.sub(r"\s+", " ", match["name"].lower()).replace(".", "").replace(" palace", "")
        actor = index.role_holder(INSTITUTIONS.get(key, ""))
        named_now = {m.actor for m in mentions}
        if actor and (actor in named_now or actor in discourse.previous_actors):
            return Mention(match.start(), match.end(), actor, True, match["name"], "office")
    return None
