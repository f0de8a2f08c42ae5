"""New speakers: people not in positions.yaml who speak or declare a position in a page.

A capitalised run of two or three name words counts as a person when the copy marks it
as one, in order of strength:

- a title in front ("Lithuanian President A B", "Sen. A B", "spokesman A B");
- a party tag behind ("A B (R-Idaho)"), or an apposition holding a title
  ("A B, a senior senator,");
- a speech or act verb with the bare name as subject ("A B said", "wrote A B").

Commentators (analysts, correspondents, professors) give their own view, not a leader's
position, and are never discovered. Once found, the full name and the surname name the
person for the rest of the page ("Mr B", "Senator B"). `new_actor_table` then lists each
new speaker with a confidence built from how they were found and how often they spoke.
"""

from __future__ import annotations

import re

import polars as pl

from tracker.attribute.lexicon import (
    COMMENTATOR,
    FULL_NAME,
    HONORIFIC,
    INVERTED_AFTER,
    NAME_WORD,
    NOT_NAME_WORDS,
    SPEECH_VERB,
    TITLE,
    VERB_AFTER_SUBJECT,
    VERB_BEFORE_SUBJECT,
    looks_like_person,
)
from tracker.attribute.model import Discovered, Mention, PageState
from tracker.attribute.text import ascii_name, fold

_PREFIX_WORD = (
    r"(?:[A-Z][\w.'-]*|government|presidential|foreign|defence|defense|deputy|senior|top|"
    r"special|security|national|policy|affairs|trade|finance|economy|interior|justice)"
)
TITLED_NAME = re.compile(
    rf"(?<![\w-])(?P<title>(?:{_PREFIX_WORD}\s+){{0,4}}?(?i:{TITLE})"
    rf"(?:\s+(?:of|for|to|on)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,3}})?),?\s+"
    rf"(?P<name>{FULL_NAME})(?![\w-])"
)
APPOSITION_NAME = re.compile(
    rf"(?<![\w'-])(?P<name>{FULL_NAME}),\s+(?P<role>(?:(?:the|a|an|[A-Z][\w'-]*'s)\s+)?"
    rf"(?:[\w'-]+\s+){{0,4}}?(?i:{TITLE})\b[^,;\"]{{0,60}}?)(?=[,.;]|$)"
)
PARTY_NAME = re.compile(
    rf"(?<![\w'-])(?P<name>{FULL_NAME})\s*\((?P<party>(?:R|D|I|Rep|Dem)\.?-\s*[A-Z][\w.]*"
    rf"(?:\s[A-Z][\w.]*)?)\)"
)
BARE_NAME = re.compile(rf"(?<![\w'-])(?P<name>{FULL_NAME})(?![\w'-])")
HONORIFIC_SURNAME = re.compile(rf"\b{HONORIFIC}\s+(?P<surname>{NAME_WORD})\b")
_BYLINE_VERB = re.compile(r"(?:writes|wrote|written|asks|asked|reports|reported)$")
_NOT_SUBJECT_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|of|for|from|by|in|at|on|to|with|about|against|between|into|than)|'s?)\s+$",
    re.I,
)

# How much one statement says that a new name is a speaker: with a role recorded (a
# title, party tag or apposition) or from a bare name.
ROLE_WEIGHT = 0.6
BARE_WEIGHT = 0.3


def actor_id_for(name: str) -> str:
    """The id convention of positions.yaml: ascii lower-case full name, underscores."""
    return re.sub(r"[^a-z0-9]+", "_", ascii_name(name).lower()).strip("_")


def _overlaps(start: int, end: int, taken: list[tuple[int, int]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def find_new_people(
    text: str, original: str, known_words: set[str], taken: list[tuple[int, int]], state: PageState
) -> list[Mention]:
    """Mentions of people not in positions.yaml in `text` (folded), registering them.

    `original` is the unfolded text (names keep their accents); `known_words` holds every
    word of a known actor's names (a new full name may not contain one); `taken` lists the
    spans already claimed by known actors."""
    found: list[Mention] = []

    def register(start: int, end: int, role: str, evidence: str) -> None:
        start, end = _trimmed(text, start, end)
        name = text[start:end]
        words = name.split()
        if len(words) < 2 or _overlaps(start, end, taken) or not looks_like_person(name):
            return
        if words[-1] in known_words or " ".join(words[1:]) in state.discovered:
            return  # a known actor's variant, or a discovered person's surname
        apposition = re.match(r",[^,;\"]{1,80}", text[end:])
        context = (role, text[max(0, start - 40) : start], apposition[0] if apposition else "")
        if any(COMMENTATOR.search(part) for part in context):
            return
        person = state.discovered.get(name)
        if person is None:
            shown = original[start:end] if len(original) == len(text) else name
            person = Discovered(actor_id_for(name), shown, role, evidence)
            state.discovered[name] = person
            # Later mentions by surname: "Risch", "De Croo".
            state.discovered.setdefault(words[-1], person)
            state.discovered.setdefault(" ".join(words[1:]), person)
        taken.append((start, end))
        found.append(Mention(start, end, person.actor, False, role or person.role))

    for match in PARTY_NAME.finditer(text):
        register(*match.span("name"), f"({match['party']})", "party")
    for match in TITLED_NAME.finditer(text):
        register(*match.span("name"), match["title"].strip(" ,"), "titled")
    for match in APPOSITION_NAME.finditer(text):
        # "A B, deputy mayor said." : the role stops before the verb.
        role = re.split(rf"\s+(?:{SPEECH_VERB})\b", match["role"])[0].strip()
        register(*match.span("name"), role, "apposition")
    for match in BARE_NAME.finditer(text):
        start, end = _trimmed(text, *match.span("name"))
        if len(text[start:end].split()) < 2:
            continue
        state.full_names.setdefault(text[start:end].split()[-1], text[start:end])
        if _speaks_bare(text, start, end):
            register(start, end, "", "speech")
    return found


def _speaks_bare(text: str, start: int, end: int) -> bool:
    """A bare name as the subject of a speech verb, in a subject's place: not after a
    preposition or article ("the Old Town", "the son of A B says"), not a byline
    ("writes A B", "A B writes:"), not a source ("according to A B" needs a title)."""
    before = text[:start]
    inverted = VERB_BEFORE_SUBJECT.search(before)
    if inverted and INVERTED_AFTER.match(text[end:]):
        return bool(inverted["verb"]) and not _BYLINE_VERB.match(inverted["verb"])
    verb = VERB_AFTER_SUBJECT.match(text[end:])
    if verb is None or not verb["speech"] or _BYLINE_VERB.match(verb["speech"]):
        return False
    return not _NOT_SUBJECT_BEFORE.search(before)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading words that start no name ("Meanwhile", "President")."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for word in words:
        if word.group() not in NOT_NAME_WORDS and not re.fullmatch(TITLE, word.group(), re.I):
            return start + word.start(), end
    return end, end


def honorific_people(text: str, taken: list[tuple[int, int]], state: PageState) -> list[Mention]:
    """An honorific and surname ("Mr B") where the page has named an "A B" before."""
    found: list[Mention] = []
    for match in HONORIFIC_SURNAME.finditer(text):
        surname = match["surname"]
        start, end = match.span("surname")
        if _overlaps(start, end, taken) or surname in state.discovered:
            continue
        full = state.full_names.get(surname)
        if full is None or not looks_like_person(full):
            continue
        person = Discovered(actor_id_for(full), full, "", "honorific")
        state.discovered.setdefault(full, person)
        state.discovered[surname] = person
        taken.append((start, end))
        found.append(Mention(start, end, person.actor, False, ""))
    return found


def page_mentions(text: str, taken: list[tuple[int, int]], state: PageState) -> list[Mention]:
    """Later mentions of people discovered earlier in the page (full name or surname)."""
    found: list[Mention] = []
    for phrase, person in state.discovered.items():
        for match in re.finditer(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text):
            if _overlaps(match.start(), match.end(), taken):
                continue
            taken.append(match.span())
            found.append(Mention(match.start(), match.end(), person.actor, False, person.role))
    return found


_CUE_WEIGHT = {"reported": 1.0, "quote": 1.0, "heading": 1.0, "colon": 1.0, "pronoun": 0.8}


def new_actor_table(statements: pl.DataFrame) -> pl.DataFrame:
    """Speakers not in positions.yaml, for the editor to adopt, each with its evidence
    (the statement that shows it best) and a confidence in [0, 1].

    A statement found through a title, a party tag or an apposition (a role is recorded)
    weighs more than one from a bare name; a speech cue more than an act or a noun
    ("X's plan"). Each statement adds independent evidence: 1 - prod(1 - w)."""
    source = (
        pl.when(pl.col("actor_role") != "").then(pl.lit(ROLE_WEIGHT)).otherwise(pl.lit(BARE_WEIGHT))
    )
    cue = pl.col("cue").replace_strict(_CUE_WEIGHT, default=0.6, return_dtype=pl.Float64)
    weight = source * cue
    table = (
        statements.lazy()
        .filter(~pl.col("actor_known"))
        .with_columns(weight.alias("_weight"))
        .sort("_weight", "post_time", descending=[True, False], maintain_order=True)
        .group_by("actor", maintain_order=True)
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
            pl.col("cue").first().alias("cue"),
            (1 - (1 - pl.col("_weight")).product()).round(2).alias("confidence"),
            pl.col("text").alias("_texts"),
        )
        .sort("confidence", "statements", "actor", descending=[True, True, False])
        .collect()
    )
    names = [
        _name_as_written(actor, texts)
        for actor, texts in zip(table["actor"], table["_texts"], strict=True)
    ]
    return table.drop("_texts").insert_column(1, pl.Series("name", names, dtype=pl.String))


def _name_as_written(actor: str, texts: list[str]) -> str:
    """The person's name as the copy spells it (accents kept), else from the id."""
    for text in texts:
        words = list(re.finditer(r"[\w'-]+", fold(text)))
        for first, word in enumerate(words):
            for last in range(first + 1, min(first + 5, len(words))):
                span = text[word.start() : words[last].end()]
                if actor_id_for(span) == actor:
                    return span
    return actor.replace("_", " ").title()
