"""One post, sentence by sentence: mentions -> speakers -> statement rows.

Besides the constructions of `speech` and `coreference`, the layout of a post speaks:

- the headline: "Title - X", "X says ...", "X: ...", and "X:" alone, which makes the
  post a transcript of X (its unattributed paragraphs are X's);
- "Who's saying what" blocks: a line naming a speaker, then bullets;
- a quote paragraph continues the speaker before it, or is claimed by the attribution
  that follows it ('"We will not wait." That was the message from X.');
- interviews: "Q:" lines are questions (nobody is attributed), "A:" lines answer.

A question the copy asks ("Will X send troops?") attributes nobody.
"""

from __future__ import annotations

import re

from tracker.attribute.coreference import (
    PRONOUN_SPEECH,
    Discourse,
    definite_mentions,
    institution_speaker,
    pronoun_speaker,
)
from tracker.attribute.lexicon import VERB_AFTER_SUBJECT
from tracker.attribute.mentions import AliasIndex, find_mentions
from tracker.attribute.model import Mention, PageState, Speaker
from tracker.attribute.speech import QUOTES, find_speakers, has_quote, inside_quotation
from tracker.attribute.text import fold, split_sentences

# A speech verb with a subject that names no tracked actor: "Larsen says", "officials
# said", '"...," the source added'.
OTHER_SPEAKER = re.compile(
    r"(?:^|[,;:\"']\s*|\b(?:and|but|while)\s+)(?:[Tt]he\s+|[Aa]n?\s+)?(?:[A-Za-z][\w'-]*\s+){1,3}"
    r"(?:says|said|told|tells|adds|added|notes|noted|explains|explained|writes|wrote|argues|"
    r"argued|warns|warned|insists|insisted)\b"
)
HEADLINE_DASH = re.compile(r"\s-\s(?P<speaker>[^-]{2,60})$")
TRANSCRIPT_HEADLINE = re.compile(r":\s*$")
BULLET = ("-", "*", "\u2022")
QUESTION_LINE = re.compile(r"^(?:Q|Question)\s*[:.]\s")
ANSWER_LINE = re.compile(r"^(?:A|Answer)\s*[:.]\s")


def attribute_post(
    post: dict[str, object], index: AliasIndex, state: PageState
) -> list[dict[str, object]]:
    """The statement rows of one post (without the ids the caller adds)."""
    raw_body = str(post["body"])
    body = fold(raw_body)
    rows: list[dict[str, object]] = []

    def add(speaker: Mention, cue: str, start: int, end: int) -> None:
        text = raw_body[start:end]
        start += len(text) - len(text.lstrip())
        end -= len(text) - len(text.rstrip())
        rows.append(_row(speaker, cue, raw_body[start:end], start, end))

    raw_headline = str(post["headline"])
    headline = fold(raw_headline)
    transcript = _transcript_speaker(headline, index, state)

    discourse = Discourse()
    block_speaker: Mention | None = None
    previous_attributed = False
    pending_quote: tuple[int, int] | None = None
    for start, end in split_sentences(body):
        sentence = body[start:end]
        stripped = sentence.strip()
        mentions = find_mentions(sentence, index, state, raw_body[start:end])
        mentions = definite_mentions(sentence, mentions, discourse, index)
        line_start = body.rfind("\n", 0, start) + 1 == start
        is_line = line_start and (end == len(body) or body[end : end + 1] == "\n")
        if is_line and _is_speaker_heading(sentence, mentions):
            block_speaker = mentions[0]
            discourse.remember(sentence, mentions)
            previous_attributed = False
            continue
        if block_speaker and is_line and not stripped.startswith(BULLET):
            block_speaker = None
        if QUESTION_LINE.match(stripped) or (stripped.endswith("?") and not has_quote(stripped)):
            discourse.remember(sentence, mentions)
            previous_attributed = False
            pending_quote = None
            continue
        found = find_speakers(sentence, mentions, line_start)
        if found and all(s.quoted or s.cue == "nominal" for s in found):
            # Named only inside a quotation or by a noun: the sentence's own speaker
            # (a pronoun, an office, the quote's continuation) comes first.
            voice = _fallback(
                sentence, stripped, mentions, discourse, index, block_speaker, transcript
            )
            if not voice and stripped[:1] in QUOTES:
                voice = _quote_speaker(body, end, index, state, discourse, previous_attributed)
            found = voice or found
        if found:
            found = _pronoun_first(sentence, mentions, discourse, found)
        else:
            found = _fallback(
                sentence, stripped, mentions, discourse, index, block_speaker, transcript
            )
            if not found and stripped[:1] in QUOTES:
                found = _quote_speaker(body, end, index, state, discourse, previous_attributed)
            paragraph = body.rfind("\n", 0, start) + 1
            last = discourse.last_speaker
            if (
                not found
                and previous_attributed
                and last
                and inside_quotation(body[paragraph:start])
            ):
                # The middle of a quotation its speaker opened earlier in the paragraph.
                found = [Speaker(last, "quote", 0)]
        for speaker in found:
            add(speaker.mention, speaker.cue, start + speaker.start, end)
        if found and pending_quote and found[0].cue in {"reported", "quote", "nominal"}:
            add(found[0].mention, "quote", *pending_quote)
        pending_quote = (start, end) if not found and stripped[:1] in QUOTES else None
        if found:
            discourse.last_speaker = found[0].mention
            discourse.untracked = False
        elif OTHER_SPEAKER.search(sentence):
            # Someone not tracked speaks ("Larsen says", "officials said"): a pronoun or
            # a quote after this is theirs, not the last tracked speaker's.
            discourse.last_speaker = None
            discourse.untracked = True
            previous_attributed = False
            pending_quote = None
            discourse.remember(sentence, mentions)
            continue
        previous_attributed = bool(found) or (stripped[:1] in QUOTES and previous_attributed)
        discourse.remember(sentence, mentions)

    heading = _headline_speaker(headline, index, state)
    if heading is None and transcript is not None:
        heading = transcript
    if heading:
        rows.insert(0, _row(heading, "heading", raw_headline.strip(), -1, -1))
    return rows


def _quote_speaker(
    body: str,
    end: int,
    index: AliasIndex,
    state: PageState,
    discourse: Discourse,
    continues: bool,
) -> list[Speaker]:
    """Who speaks a quote that opens a paragraph without naming its speaker: the one the
    rest of the paragraph names ('"We are ready. We will not wait," Berg said.'), else the
    speaker it continues."""
    line_start = body.rfind("\n", 0, end) + 1
    line_end = body.find("\n", end)
    rest = body[end : len(body) if line_end < 0 else line_end]
    for start, stop in _sentences(rest):
        # Read from the paragraph's start, so that what is inside the quote shows.
        text = body[line_start : end + stop]
        mentions = find_mentions(text, index, state)
        named = [
            s
            for s in find_speakers(text, mentions, False)
            if not s.quoted
            and s.cue in {"quote", "reported"}
            and s.mention.start >= end + start - line_start
        ]
        if named:
            return [Speaker(named[0].mention, "quote", 0)]
    if continues and discourse.last_speaker:
        return [Speaker(discourse.last_speaker, "quote", 0)]
    return []


def _sentences(text: str) -> list[tuple[int, int]]:
    return list(split_sentences(text))


def _fallback(
    sentence: str,
    stripped: str,
    mentions: list[Mention],
    discourse: Discourse,
    index: AliasIndex,
    block_speaker: Mention | None,
    transcript: Mention | None,
) -> list[Speaker]:
    """Speakers not named as the subject of the sentence itself."""
    office = institution_speaker(sentence, mentions, discourse, index)
    if office:
        return [Speaker(office, "office", 0)]
    referent = pronoun_speaker(sentence, mentions, discourse)
    if referent:
        return [Speaker(referent, "pronoun", 0)]
    if block_speaker and stripped.startswith(BULLET):
        return [Speaker(block_speaker, "summary", 0)]
    if ANSWER_LINE.match(stripped):
        answerer = transcript or discourse.last_speaker
        if answerer:
            return [Speaker(answerer, "answer", 0)]
    if transcript and not mentions:
        return [Speaker(transcript, "transcript", 0)]
    return []


def _pronoun_first(
    sentence: str, mentions: list[Mention], discourse: Discourse, found: list[Speaker]
) -> list[Speaker]:
    """ "He hit back at X, who said ...": the pronoun is the main clause's speaker."""
    match = PRONOUN_SPEECH.search(sentence)
    if match is None or match.start("pronoun") > found[0].mention.start:
        return found
    if inside_quotation(sentence[: match.start("pronoun")]):
        return found  # '"... and he thought ...," Berg said': the quote's words
    referent = pronoun_speaker(sentence, mentions, discourse)
    if referent is None or any(s.mention.actor == referent.actor for s in found):
        return found
    return [Speaker(referent, "pronoun", 0), *found]


def _row(speaker: Mention, cue: str, text: str, start: int, end: int) -> dict[str, object]:
    return {
        "actor": speaker.actor,
        "actor_known": speaker.known,
        "actor_role": speaker.role,
        "text": text,
        "cue": cue,
        "start": start,
        "end": end,
    }


def _is_speaker_heading(line: str, mentions: list[Mention]) -> bool:
    words = line.split()
    return (
        len(mentions) == 1
        and 1 <= len(words) <= 8
        and not line.rstrip().endswith((".", "!", "?", ":", '"'))
        and not line.lstrip().startswith(BULLET)
        and VERB_AFTER_SUBJECT.search(line) is None
    )


def _transcript_speaker(headline: str, index: AliasIndex, state: PageState) -> Mention | None:
    """The speaker of a headline that is only a name and a colon ("... Jens Stoltenberg:")."""
    if not TRANSCRIPT_HEADLINE.search(headline):
        return None
    mentions = find_mentions(headline, index, state)
    if mentions and not headline[mentions[-1].end :].strip(" :"):
        return mentions[-1]
    return None


def _headline_speaker(headline: str, index: AliasIndex, state: PageState) -> Mention | None:
    if not headline:
        return None
    dash = HEADLINE_DASH.search(headline)
    if dash:
        tail = dash["speaker"]
        mentions = find_mentions(tail, index, state)
        if mentions and len(tail.split()) <= 5 and " on " not in f" {tail} ":
            return mentions[0]
    mentions = find_mentions(headline, index, state)
    found = find_speakers(headline, mentions, line_start=True)
    return found[0].mention if found else None
