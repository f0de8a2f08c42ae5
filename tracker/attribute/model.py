"""The small records attribution passes between its modules."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    """A span of a sentence that names an actor (offsets into the folded sentence)."""

    start: int
    end: int
    actor: str
    known: bool  # in positions.yaml
    role: str  # the role phrase or title seen with the name, "" if none
    kind: str = "name"  # name | role | definite | office | pronoun


@dataclass(frozen=True)
class Speaker:
    """A mention found speaking (or declaring a position) in a sentence."""

    mention: Mention
    cue: str  # quote, reported, act, passive, nominal, colon, office, ...
    start: int  # where the speaker's statement begins in the sentence
    quoted: bool = False  # named inside a quotation (maybe someone else's words)


@dataclass(frozen=True)
class Discovered:
    """A person not in positions.yaml, seen speaking in a page."""

    actor: str
    name: str
    role: str
    evidence: str  # titled | apposition | party | speech | honorific


@dataclass
class PageState:
    """What a page has taught us so far: speakers discovered in earlier posts."""

    discovered: dict[str, Discovered] = field(default_factory=dict)  # phrase -> person
    full_names: dict[str, str] = field(default_factory=dict)  # surname -> full name seen
