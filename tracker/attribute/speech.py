"""Speech: which mentions of a sentence are speaking or declaring a position, and how.

The constructions, each from the grammar of reporting (the word classes are in
`lexicon`):

- subject + speech verb: "X says", "X has repeatedly warned", "X, who this week
  raised the prospect", "with X reiterating", "X's office says";
- subject + act verb: "X ordered", "X has promoted a plan", "X ruled out";
- inverted: '"...," said X', "argued X", "according to X";
- passive agent: "a ceasefire was urged by X", "remarks made by X";
- nominal: "X's plan", "a proposal by X", "calls from X";
- "criticised X for saying ...": X said it;
- "X: ..." and "X on <topic>: ..." at the start of a line;
- coordinated subjects: "A and B said", "A, with B, introduced".

A mention that is only the object of someone else's verb ("Berg criticised Kral over
the delay"), an aide or a government of the person ("Petrov's aide said"), or the
subject of a passive ("Kral was accused") is not speaking.
"""

from __future__ import annotations

import re

from tracker.attribute.lexicon import (
    COLON_AFTER,
    COLON_BEFORE,
    FOR_SAYING,
    NOMINAL_AFTER,
    NOMINAL_BEFORE,
    PASSIVE,
    PASSIVE_AGENT,
    POSSESSIVE_AIDE,
    TITLEISH,
    VERB_AFTER_SUBJECT,
    VERB_BEFORE_SUBJECT,
    in_subject_slot,
)
from tracker.attribute.model import Mention, Speaker

ASKED = re.compile(r"\b[Aa]sked\s+(?:about|if|whether|why|how|what|when)\b[^,;:]*$")
CLAUSE_BOUNDARY = re.compile(r"(?:,\s+(?:while|but|whereas|as|and)\s+|;\s+|\s-\s+|:\s+)")
QUOTES = "\"'"
_CLAUSE_END = re.compile(r"[;,.!?]\s|[;.!?]$")
_COORDINATION = re.compile(
    rf"^\s*(?:\([^()]{{1,40}}\))?\s*(?:,\s*[^,\"]{{1,100}}?,)?\s*,?\s*"
    rf"(?:and|&|as\s+well\s+as|along\s+with|together\s+with|in\s+conjunction\s+with|"
    rf"alongside|with)?\s*{TITLEISH}$"
)


def find_speakers(sentence: str, mentions: list[Mention], line_start: bool) -> list[Speaker]:
    """The speakers of a (folded) sentence, in text order, each once."""
    speakers: list[Speaker] = []
    seen: set[str] = set()

    def add(mention: Mention, cue: str, start: int) -> None:
        if mention.actor not in seen:
            seen.add(mention.actor)
            speakers.append(Speaker(mention, cue, start))

    quoted = any(q in sentence for q in QUOTES)
    nominals: list[Speaker] = []
    for number, mention in enumerate(mentions):
        before, after = sentence[: mention.start], sentence[mention.end :]
        if VERB_BEFORE_SUBJECT.search(before):
            add(mention, "quote" if quoted else "reported", 0)
            continue
        if PASSIVE_AGENT.search(before):
            add(mention, "passive", 0)
            continue
        nominal = NOMINAL_BEFORE.search(before)
        if nominal or NOMINAL_AFTER.match(after):
            if _may_carry_position(before):
                start = nominal.start("noun") if nominal else mention.start
                nominals.append(Speaker(mention, "nominal", _noun_phrase_start(sentence, start)))
            continue
        if (line_start or number == 0) and COLON_BEFORE.match(before) and COLON_AFTER.match(after):
            add(mention, "colon", 0)
            continue
        if FOR_SAYING.match(after):
            add(mention, "reported", _noun_phrase_start(sentence, mention.start))
            continue
        if POSSESSIVE_AIDE.match(after):
            continue
        verb = VERB_AFTER_SUBJECT.match(after)
        if verb is None:
            continue
        word = verb["speech"] or verb["act"] or ""
        if PASSIVE.search(after[: verb.start("speech" if verb["speech"] else "act")]) and (
            not word.endswith("ing")
        ):
            continue  # "X was accused (by Y)": X is not speaking.
        if speakers and not in_subject_slot(before):
            continue  # an object: "Berg criticised Kral said ..." is not Kral's clause.
        cue = "office" if verb["owner"] else ("reported" if verb["speech"] else "act")
        start = _clause_start(sentence, mention)
        for partner in _coordinated(sentence, mentions, number):
            add(partner, cue, start)
        add(mention, cue, start)
    # "X's plan" is X's position only where nobody named speaks in the sentence: in
    # "Y said X's plan was dead" the words are Y's.
    if not speakers:
        for candidate in nominals:
            add(candidate.mention, candidate.cue, candidate.start)
    return sorted(speakers, key=lambda s: s.mention.start)


def _may_carry_position(before: str) -> bool:
    """A position noun outside a quotation and outside a question put to someone."""
    quotes = sum(before.count(q) for q in '"')
    return quotes % 2 == 0 and not ASKED.search(before)


def _coordinated(sentence: str, mentions: list[Mention], number: int) -> list[Mention]:
    """Earlier mentions joined to mention `number` as one subject ("A and B said")."""
    partners: list[Mention] = []
    index = number
    while index > 0:
        gap = sentence[mentions[index - 1].end : mentions[index].start]
        if not _COORDINATION.match(gap) or not gap.strip(" ,"):
            break
        if not re.search(r"\b(?:and|with|alongside)\b|&|,", gap):
            break
        partners.insert(0, mentions[index - 1])
        index -= 1
    if partners and not in_subject_slot(sentence[: partners[0].start]):
        return []
    return partners


def _clause_start(sentence: str, speaker: Mention) -> int:
    """Where the speaker's clause begins: "Ukraine has insisted on X, while Y said Z" is
    Y's statement from "Y said" on; a clause before a quote is kept whole."""
    head = sentence[: speaker.start]
    if any(q in head for q in QUOTES):
        return 0
    cut = 0
    for boundary in CLAUSE_BOUNDARY.finditer(head):
        cut = boundary.end()
    return cut


def _noun_phrase_start(sentence: str, start: int) -> int:
    """The start of the clause holding a position noun: back to the last clause break."""
    head = sentence[:start]
    cut = 0
    for boundary in re.finditer(r"[,;:]\s+|\s-\s+", head):
        cut = boundary.end()
    return cut if not any(q in head for q in QUOTES) else 0
