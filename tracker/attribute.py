"""Attribution: who said it. Posts -> statements, each with its speaker and evidence span.

Speakers are found from the structure of reporting, not from any page's wording:

- reported speech with the actor as subject: "X says/said/told/warned/rules out ...",
  "X has said", "X's office says", allowing an apposition ("X, the Y of Z, said");
- inverted speech: '"...", says X', "according to X";
- headlines: "Title - X", "X says ...", "..., says Finnish president";
- pronouns ("he says", "she added") -> the last speaker (or person named) in the post;
- quotes standing alone next to an attributed sentence continue it;
- "Who's saying what" blocks: a line naming a speaker, then bullets.

Actors come from positions.yaml (names, surnames, role phrases valid on the post's day).
A titled person who speaks but is not in positions.yaml ("Danish Prime Minister Mette
Frederiksen said") is discovered with an id by the same convention, and later mentions
of their surname in the same page resolve to them.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from tracker.config import PositionsConfig
from tracker.schemas import POSTS, STATEMENTS, check_frame

_AUX = (
    r"(?:(?:has|have|had|will|would|could|did|does|do|also|again|previously|repeatedly|"
    r"reportedly|later|earlier|then|once|already|is|was|has been|had been|been|so far|"
    r"similarly|now|today|yesterday|publicly|recently|firmly|explicitly|further|not|"
    r"on \w+|in \w+ \w+|(?:begins|began|starts|started|ends|ended|opens|opened) by|,)\s+){0,4}"
)
_VERB = (
    r"(?:say|says|said|saying|tell|tells|told|telling|warn|warns|warned|warning|insist|insists|"
    r"insisted|insisting|add|adds|added|adding|argue|argues|argued|rules? out|ruled out|"
    r"ruling out|calls? for|called for|calling for|calls? on|called on|urge|urges|urged|"
    r"urging|stress|stresses|stressed|claim|claims|claimed|declare|declares|declared|vow|vows|"
    r"vowed|suggest|suggests|suggested|wrote|writes|posted|posts|confirm|confirms|confirmed|"
    r"deny|denies|denied|reject|rejects|rejected|accuse|accuses|accused|describe|describes|"
    r"described|believe|believes|believed|want|wants|wanted|propose|proposes|proposed|offer|"
    r"offers|offered|pledge|pledges|pledged|agree|agrees|agreed|note|notes|noted|explain|"
    r"explains|explained|acknowledge|acknowledges|acknowledged|admit|admits|admitted|announce|"
    r"announces|announced|reiterate|reiterates|reiterated|repeat|repeats|repeated|press|"
    r"presses|pressed|pressing|push|pushes|pushed|pushing|demand|demands|demanded|dismiss|"
    r"dismisses|dismissed|casts? doubt|expressed|expresses|signalled|signals|signaled|hinted|"
    r"hints|threaten|threatens|threatened|promise|promises|promised|welcome|welcomes|"
    r"welcomed|criticised|criticises|criticized|condemned|condemns|backs|backed|supports|"
    r"supported|opposes|opposed|refuse|refuses|refused|emphasised|emphasises|emphasized|"
    r"made clear|makes clear|replied|replies|responded|responds|answered|thinks|thought|"
    r"positioned|spoke|speaks|speaking|cautioned|cautions|predicted|predicts|questioned|"
    r"expects|expected|hopes|hoped|is working|was working|seeks|sought|is seeking|asks|"
    r"asked|appealed|appeals|proposed|favours|favoured|floated|floats|outlined|outlines|"
    r"set out|sets out|raised|raises|rebuffed|ruled|insists|maintains|maintained|reaffirmed|"
    r"reaffirms|assured|assures|announced|tweeted|commented|remarked|conceded|concedes|"
    # "continues to delay" is an action, "he continues" (after a quote) is speech
    r"continues(?!\s+to\b)|continued(?!\s+to\b)|concludes|concluded|goes on(?!\s+to\b)|"
    r"went on(?!\s+to\b))"
)
VERB_AFTER_SUBJECT = re.compile(
    rf"^(?:'s? (?P<owner>office|government|team|camp))?\s*"
    rf"(?:,[^,\"“”]{{1,80}},\s*)?(?:,?\s*who\s+)?{_AUX}(?P<verb>{_VERB})\b"
)
# '"...," said X' / "..., says the Finnish president" / "according to X"
VERB_BEFORE_SUBJECT = re.compile(
    r"(?:[,\"”’'—–-]\s*(?:says|said|adds|added|warns|warned|insists|insisted|argues|argued|"
    r"writes|wrote|told|tells)|\baccording to)\s+(?:the\s+)?$"
)
# A pronoun that is the subject of its clause: at the start, after a quote or a comma.
PRONOUN_SPEECH = re.compile(
    rf"(?:^|[,;:\"”’'-]\s*|\b(?:but|and|as|while|where)\s+)[\"“‘']?(?P<pronoun>[Hh]e|[Ss]he)"
    rf"\s+{_AUX}(?P<verb>{_VERB})\b"
)
PASSIVE = re.compile(r"\b(?:been|was|were|is|are|being)\s+(?:\w+\s+)?$")
BY_AGENT = re.compile(r"^\s*by\s+(?:the\s+)?$")
POSSESSIVE_AGENT = re.compile(r"^'s? (?:spokesman|spokeswoman|spokesperson|aide|adviser|envoy)")
HEADLINE_DASH = re.compile(r"\s[-–—]\s(?P<speaker>[^-–—]{2,60})$")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'A-Z0-9(\[-])|(?<=[.!?][\"”’'])\s+")
QUOTE_OPEN = "\"“‘'"
CLAUSE_BOUNDARY = re.compile(r"(?:,\s+(?:while|but|whereas|as|and)\s+|;\s+|\s[–—-]\s+|:\s+)")
NOT_A_ROLE_BEFORE = re.compile(
    r"\b(?:former|ex|a|an|another|previous|late|future|then|next|whichever)[\s-]+$", re.I
)
OTHER_QUALIFIER = re.compile(r"(?:\b[A-Z][\w'’-]*|'s|’s)\s+$")
TITLE_WORDS = (
    r"(?:President|Prime Minister|Deputy Prime Minister|Foreign Minister|Defence Minister|"
    r"Defense Secretary|Defence Secretary|Foreign Secretary|Home Secretary|Secretary of State|"
    r"Chancellor|Minister|Secretary|Secretary General|Secretary-General|Commissioner|"
    r"spokesman|spokeswoman|spokesperson|Senator|Ambassador|envoy|King|Queen|Pope|General|"
    r"Governor|Mayor|leader|chief|head|MP|MEP|president|prime minister|foreign minister|"
    r"defence minister|minister|secretary|chancellor|commissioner|ambassador|governor)"
)
_NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z][a-zà-ÿ]+)?"
TITLED_NAME = re.compile(
    rf"\b(?:[A-Z][a-z]+(?:'s)? ){{0,2}}{TITLE_WORDS},? "
    rf"(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,2}})\b"
)
# "Konstantin Kosachev, a senior Russian senator, said": a full name whose apposition
# holds a title is a person, even without a title in front.
APPOSITION_NAME = re.compile(
    rf"(?<![\w'’-])(?P<name>{_NAME_WORD}(?: {_NAME_WORD}){{1,2}}),\s+"
    rf"(?P<role>(?:the|a|an|[A-Z][\w'’-]*'s)\s+(?:[\w'’-]+\s+){{0,4}}?(?i:{TITLE_WORDS})\b"
    rf"[^,;\"“”]{{0,50}}),"
)
NOT_NAMES = frozenset(
    {"The", "A", "An", "In", "On", "At", "Of", "For", "And", "But", "If", "As", "It"}
    | {"Ukraine", "Russia", "Europe", "Nato", "Kyiv", "Moscow", "Washington", "London"}
    | {"Paris", "Brussels", "EU", "UK", "US", "Ukrainian", "Russian", "European"}
    | {day for day in calendar.day_name}
    | {month for month in calendar.month_name if month}
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actor: str
    known: bool
    role: str


@dataclass
class _PageState:
    """What a page has taught us so far: speakers discovered in earlier posts."""

    discovered: dict[str, tuple[str, str]] = field(default_factory=dict)  # phrase -> (id, role)


@dataclass(frozen=True)
class Attribution:
    statements: pl.DataFrame
    new_actors: pl.DataFrame  # actor, name, role, doc, first_seen, statements


def actor_id_for(name: str) -> str:
    """The id convention of positions.yaml: ascii lower-case full name, underscores."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")


class AliasIndex:
    """Every phrase that names a known actor on one day, as two regexes."""

    def __init__(self, config: PositionsConfig, day: date | None) -> None:
        self.roles: dict[str, str] = {}
        names: dict[str, str] = {}
        for actor in config.actors:
            names.setdefault(actor.name, actor.id)
            for alias in actor.aliases:
                if isinstance(alias, str) and not alias.startswith(("the ", "The ")):
                    names.setdefault(alias, actor.id)
                    continue
                text = alias if isinstance(alias, str) else alias.text
                if isinstance(alias, str) or alias.valid_on(day) or day is None:
                    core = re.sub(r"^the\s+", "", text, flags=re.I)
                    self.roles.setdefault(core.lower(), actor.id)
        self.names = names
        self.name_pattern = _alternation(names) if names else None
        self.role_pattern = (
            re.compile(rf"\b(?:the\s+)?({'|'.join(map(re.escape, _longest(self.roles)))})\b", re.I)
            if self.roles
            else None
        )


def _longest(phrases: Sequence[str] | dict[str, str]) -> list[str]:
    return sorted(phrases, key=len, reverse=True)


def _alternation(phrases: dict[str, str]) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])({'|'.join(map(re.escape, _longest(phrases)))})(?![\w-])")


def find_mentions(text: str, index: AliasIndex, state: _PageState) -> list[Mention]:
    """Non-overlapping mentions of actors in `text`, longest first, in text order."""
    found: list[Mention] = []
    if index.name_pattern:
        for match in index.name_pattern.finditer(text):
            found.append(Mention(match.start(), match.end(), index.names[match[1]], True, ""))
    if index.role_pattern:
        for match in index.role_pattern.finditer(text):
            if NOT_A_ROLE_BEFORE.search(text[: match.start()]):
                continue
            if not match[0].lower().startswith("the") and OTHER_QUALIFIER.search(
                text[: match.start()]
            ):
                continue  # "Belgian prime minister", "Italy's prime minister": someone else
            actor = index.roles[match[1].lower()]
            found.append(Mention(match.start(), match.end(), actor, True, match[1]))
    titled = [(m, m["name"], "") for m in TITLED_NAME.finditer(text)]
    titled += [(m, m["name"], m["role"]) for m in APPOSITION_NAME.finditer(text)]
    for match, name, apposition in titled:
        if name.split()[0] in NOT_NAMES or name in index.names:
            continue
        if apposition and (
            any(part in NOT_NAMES for part in name.split())
            or re.search(r"\b(?:former|ex|late)\b", apposition, re.I)
        ):
            continue
        if any(part in index.names for part in name.split()):
            continue
        if NOT_A_ROLE_BEFORE.search(text[: match.start()]):
            continue
        role = apposition or text[match.start() : match.start("name")].strip(" ,")
        if re.match(r"(?:former|ex|late)\b", role, re.I):
            continue
        new_id = actor_id_for(name)
        state.discovered.setdefault(name, (new_id, role))
        state.discovered.setdefault(name.split()[-1], (new_id, role))
        found.append(Mention(match.start("name"), match.end("name"), new_id, False, role))
    for phrase, (new_id, role) in state.discovered.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text):
            found.append(Mention(match.start(), match.end(), new_id, False, role))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
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
    return bool(first.role) and not second.role and text[first.end : second.start] == " "


def _speaker_of(sentence: str, mentions: list[Mention]) -> tuple[Mention, str] | None:
    """The mention that is the subject of a speech verb in `sentence`, with the cue."""
    for mention in mentions:
        if VERB_BEFORE_SUBJECT.search(sentence[: mention.start]):
            return mention, "quote" if any(q in sentence for q in QUOTE_OPEN) else "reported"
    for mention in mentions:
        after = sentence[mention.end :]
        if POSSESSIVE_AGENT.match(after):
            continue
        verb = VERB_AFTER_SUBJECT.match(after)
        if verb:
            if PASSIVE.search(after[: verb.start("verb")]) and not verb["verb"].endswith("ing"):
                # "X has been accused by Y": Y is speaking, not X.
                agents = [m for m in mentions if m.start >= mention.end + verb.end()]
                if agents and BY_AGENT.match(sentence[mention.end + verb.end() : agents[0].start]):
                    return agents[0], "reported"
                continue
            return mention, "reported"
    return None


def split_sentences(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the sentences of a post body, paragraph by paragraph."""
    for paragraph in re.finditer(r"[^\n]+", body):
        text = paragraph.group(0)
        cursor = 0
        for boundary in SENTENCE_END.finditer(text):
            if _is_abbreviation(text[: boundary.start()]):
                continue
            yield paragraph.start() + cursor, paragraph.start() + boundary.start()
            cursor = boundary.end()
        if text[cursor:].strip():
            yield paragraph.start() + cursor, paragraph.end()


def _is_abbreviation(before: str) -> bool:
    return bool(
        re.search(r"\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Prof|No|vs|U\.S|e\.g|i\.e)\.$", before)
    )


def _is_speaker_heading(line: str, mentions: list[Mention]) -> bool:
    words = line.split()
    return (
        len(mentions) == 1
        and 1 <= len(words) <= 8
        and not line.rstrip().endswith((".", "!", "?", ":", '"', "”"))
        and not line.lstrip().startswith(("-", "•", "*"))
        and VERB_AFTER_SUBJECT.search(line) is None
    )


def _attribute_post(
    post: dict[str, object], index: AliasIndex, state: _PageState
) -> list[dict[str, object]]:
    body = str(post["body"])
    headline = str(post["headline"])
    rows: list[dict[str, object]] = []

    def add(actor: Mention, text: str, cue: str, start: int, end: int) -> None:
        rows.append(
            {
                "actor": actor.actor,
                "actor_known": actor.known,
                "actor_role": actor.role,
                "text": text.strip(),
                "cue": cue,
                "start": start,
                "end": end,
            }
        )

    heading_speaker = _headline_speaker(headline, index, state)
    if heading_speaker:
        add(heading_speaker, headline, "heading", -1, -1)

    last_speaker: Mention | None = None
    last_mentioned: Mention | None = None
    block_speaker: Mention | None = None
    previous_attributed = False
    for start, end in split_sentences(body):
        sentence = body[start:end]
        stripped = sentence.strip()
        mentions = find_mentions(sentence, index, state)
        line_start = body.rfind("\n", 0, start) + 1
        is_line = line_start == start and (end == len(body) or body[end : end + 1] == "\n")
        if is_line and _is_speaker_heading(sentence, mentions):
            block_speaker = mentions[0]
            last_mentioned = mentions[0]
            previous_attributed = False
            continue
        if block_speaker and not stripped.startswith(("-", "•", "*")) and is_line:
            block_speaker = None
        found = _speaker_of(sentence, mentions)
        cue = found[1] if found else ""
        speaker = found[0] if found else None
        if speaker is None:
            pronoun = PRONOUN_SPEECH.search(sentence)
            before = [m for m in mentions if m.end <= (pronoun.start() if pronoun else 0)]
            referent = last_speaker or (before[-1] if before else last_mentioned)
            if pronoun and referent:
                speaker, cue = referent, "pronoun"
        if speaker is None and block_speaker and stripped.startswith(("-", "•", "*")):
            speaker, cue = block_speaker, "summary"
        if speaker is None and stripped[:1] in QUOTE_OPEN and previous_attributed and last_speaker:
            speaker, cue = last_speaker, "quote"
        if speaker is None and stripped.endswith("?"):
            speaker = None
        if speaker is not None:
            offset = _clause_start(sentence, speaker) if cue == "reported" else 0
            add(speaker, sentence[offset:], cue, start + offset, end)
            last_speaker = speaker
            previous_attributed = True
        else:
            previous_attributed = stripped[:1] in QUOTE_OPEN and previous_attributed
        if mentions:
            last_mentioned = mentions[-1]
    return rows


def _clause_start(sentence: str, speaker: Mention) -> int:
    """Where the speaker's clause begins: "Ukraine has insisted on X, while Y said Z" is
    Y's statement from "Y said" on; a clause before a quote is kept whole."""
    head = sentence[: speaker.start]
    if any(q in head for q in QUOTE_OPEN) or speaker.start > len(sentence):
        return 0
    cut = 0
    for boundary in CLAUSE_BOUNDARY.finditer(head):
        cut = boundary.end()
    return cut


def _headline_speaker(headline: str, index: AliasIndex, state: _PageState) -> Mention | None:
    if not headline:
        return None
    dash = HEADLINE_DASH.search(headline)
    if dash:
        tail = dash["speaker"]
        mentions = find_mentions(tail, index, state)
        if mentions and len(tail.split()) <= 5 and " on " not in f" {tail} ":
            return mentions[0]
    mentions = find_mentions(headline, index, state)
    found = _speaker_of(headline, mentions)
    if found:
        return found[0]
    return None


def attribute_statements(posts: pl.DataFrame, config: PositionsConfig) -> Attribution:
    """Statements of every timed post (page order kept; head records are skipped)."""
    check_frame(posts, POSTS, "posts")
    records: list[dict[str, object]] = []
    states: dict[str, _PageState] = {}
    indexes: dict[date, AliasIndex] = {}
    # Pages are told apart by content hash: two files of one name are two pages.
    timed = posts.filter(~pl.col("is_head")).sort(
        "doc", "doc_hash", "post_index", maintain_order=True
    )
    for post in timed.iter_rows(named=True):
        state = states.setdefault(str(post["doc_hash"]), _PageState())
        day = post["post_time"].date()
        if day not in indexes:
            indexes[day] = AliasIndex(config, day)
        for number, row in enumerate(_attribute_post(post, indexes[day], state)):
            row.update(
                statement_id=f"{post['post_id']}-{number:03d}",
                doc=post["doc"],
                post_id=post["post_id"],
                post_time=post["post_time"],
                headline=post["headline"],
            )
            records.append(row)
    statements = pl.DataFrame(records, schema=STATEMENTS).select(list(STATEMENTS))
    check_frame(statements, STATEMENTS, "statements")
    return Attribution(statements=statements, new_actors=new_actor_table(statements))


def new_actor_table(statements: pl.DataFrame) -> pl.DataFrame:
    """Speakers not in positions.yaml, for the editor to adopt."""
    return (
        statements.lazy()
        .filter(~pl.col("actor_known"))
        .group_by("actor")
        .agg(
            pl.col("actor_role")
            .filter(pl.col("actor_role") != "")
            .first()
            .fill_null("")
            .alias("role"),
            pl.col("doc").unique().sort().str.join("; ").alias("docs"),
            pl.col("post_time").min().alias("first_seen"),
            pl.len().alias("statements"),
            pl.col("text").first().alias("example"),
        )
        .sort("statements", "actor", descending=[True, False])
        .collect()
    )


def statement_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
