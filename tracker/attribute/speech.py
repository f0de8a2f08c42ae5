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
    AS_SAYING,
    COLON_AFTER,
    COLON_BEFORE,
    FOR_SAYING,
    INVERTED_AFTER,
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
CONDITIONAL_BEFORE = re.compile(r"\b(?:if|unless|whether|until|lest)\s+(?:\S+\s+){0,3}$")
MODAL = re.compile(r"\b(?:would|could|might|may|will|should|shall)\b")
OPEN_SINGLE = re.compile(r"(?:^|[\s(\[])'(?=[A-Za-z0-9])")
CLOSE_SINGLE = re.compile(r"(?<=[\w.,!?])'(?=[\s.,;:!?)]|$)")
FINITE_SPEECH = re.compile(
    r"\b(?:says|said|tells|told|reports|reported|claims|claimed|argues|argued|warns|warned|"
    r"insists|insisted|adds|added|writes|wrote|according\s+to)\b"
)
# Outlets relay what others say; their "says" leaves a position noun its owner's.
MEDIA_BEFORE = re.compile(
    r"(?:\b(?:Times|Post|Journal|Telegraph|Guardian|News|Reuters|AFP|AP|Bloomberg|Tass|TASS|"
    r"Interfax|Politico|Axios|newspaper|paper|agency|media|outlet|broadcaster|website|"
    r"report|reports|sources)|\baccording\s+to\s+\S+)\s+(?:\w+\s+)?$"
)
CLAUSE_BOUNDARY = re.compile(r"(?:,\s+(?:while|but|whereas|as|and)\s+|;\s+|\s-\s+|:\s+)")
QUOTES = "\"'"
# A quotation mark: a double quote, or a single one not inside a word ("Berg's").
QUOTE_MARK = re.compile(r"\"|(?<![A-Za-z])'|'(?![A-Za-z])")


def has_quote(text: str) -> bool:
    return QUOTE_MARK.search(text) is not None


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
            quoted = inside_quotation(sentence[: mention.start])
            speakers.append(Speaker(mention, cue, start, quoted))

    has_quotes = has_quote(sentence)
    nominals: list[Speaker] = []
    # '"...", warns X': the verb belongs to X, not to a name before it.
    inverted = {}
    for mention in mentions:
        match = VERB_BEFORE_SUBJECT.search(sentence[: mention.start])
        if match and INVERTED_AFTER.match(sentence[mention.end :]):
            inverted[mention.start] = match.start()
    for number, mention in enumerate(mentions):
        before, after = sentence[: mention.start], sentence[mention.end :]
        if mention.start in inverted:
            add(mention, "quote" if has_quotes else "reported", 0)
            continue
        if PASSIVE_AGENT.search(before):
            add(mention, "passive", 0)
            continue
        nominal = NOMINAL_BEFORE.search(before)
        if nominal or NOMINAL_AFTER.match(after):
            if not (
                ASKED.search(before) or inside_quotation(before) or _other_voice(sentence, mention)
            ):
                start = nominal.start("noun") if nominal else mention.start
                nominals.append(Speaker(mention, "nominal", _noun_phrase_start(sentence, start)))
            continue
        if (line_start or number == 0) and COLON_BEFORE.match(before) and COLON_AFTER.match(after):
            add(mention, "colon", 0)
            continue
        if FOR_SAYING.match(after) or AS_SAYING.match(after):
            add(mention, "reported", _noun_phrase_start(sentence, mention.start))
            continue
        if POSSESSIVE_AIDE.match(after) or CONDITIONAL_BEFORE.search(before):
            continue  # "X's aide said", "if X refuses": X is not speaking
        verb = VERB_AFTER_SUBJECT.match(after)
        if verb is None:
            continue
        verb_at = verb.start("speech" if verb["speech"] else "act")
        if any(at >= mention.end and at <= mention.end + verb.end() for at in inverted.values()):
            continue  # "..., warns Berg": the verb introduces the next name
        word = verb["speech"] or verb["act"] or ""
        if PASSIVE.search(after[:verb_at]) and not word.endswith("ing"):
            continue  # "X was accused (by Y)": X is not speaking.
        if speakers and not in_subject_slot(before):
            continue  # an object: "Berg criticised Kral said ..." is not Kral's clause.
        if speakers and MODAL.search(after[:verb_at]):
            continue  # "X warned that Y would demand ...": a prediction, not Y's words
        cue = "office" if verb["owner"] else ("reported" if verb["speech"] else "act")
        start = _clause_start(sentence, mention)
        for partner in _coordinated(sentence, mentions, number):
            add(partner, cue, start)
        add(mention, cue, start)
    # A name inside a quotation that someone outside it speaks is part of their words:
    # '"Sokol wants war," Berg said' is Berg's statement only.
    if any(not s.quoted for s in speakers):
        speakers = [s for s in speakers if not s.quoted]
    # "X's plan" is X's position only where nobody named speaks in the sentence: in
    # "Y said X's plan was dead" the words are Y's.
    if not speakers:
        for candidate in nominals:
            add(candidate.mention, candidate.cue, candidate.start)
    return sorted(speakers, key=lambda s: s.mention.start)


def inside_quotation(before: str) -> bool:
    """Whether a quotation is open at the end of `before` (double quotes, or an opening
    single quote not closed since)."""
    if before.count('"') % 2:
        return True
    opening = list(OPEN_SINGLE.finditer(before))
    return bool(opening) and not CLOSE_SINGLE.search(before, opening[-1].end())


def _other_voice(sentence: str, mention: Mention) -> bool:
    """Whether someone other than a news outlet speaks in the sentence."""
    for verb in FINITE_SPEECH.finditer(sentence):
        if mention.start <= verb.start() <= mention.end + 60:
            continue  # the mention's own clause ("X's plan, which X announced")
        if not MEDIA_BEFORE.search(sentence[: verb.start()]):
            return True
    return False


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
    if has_quote(head):
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
    return cut if not has_quote(head) else 0
