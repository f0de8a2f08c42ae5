"""positions.yaml, the editor's file: actors, issues with stance scales, curated positions.

Validated once, here at the edge. Every problem is reported with the file, the line and
the key path, e.g. ``positions.yaml:14: actors[2].id: 'Keir Starmer' is not ...``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker.errors import ConfigError, UnknownActorError

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
ID_HINT = "use ascii lower-case words joined by underscores, e.g. keir_starmer"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"{value!r} is not a valid id: {ID_HINT}")
    return value


Identifier = Annotated[str, Field(min_length=1)]


class RoleAlias(_Strict):
    """A phrase that names the actor only while they hold a role ("the prime minister")."""

    text: str = Field(min_length=1)
    start: date | None = Field(default=None, alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> RoleAlias:
        if self.start and self.until and self.start > self.until:
            raise ValueError(f"from {self.start} is after until {self.until}")
        return self

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return self.start is None and self.until is None
        return (self.start is None or self.start <= day) and (
            self.until is None or day <= self.until
        )


class Role(_Strict):
    """An office the actor held, with its dates: a position stated in office is not
    carried past the end of it (tracker/holding.py)."""

    title: str = Field(min_length=1)
    start: date | None = Field(default=None, alias="from")
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Role:
        if self.start and self.until and self.start > self.until:
            raise ValueError(f"from {self.start} is after until {self.until}")
        return self


class Actor(_Strict):
    id: Identifier
    name: str = Field(min_length=1)
    country: str = ""
    role: str = ""
    roles: list[Role] = Field(default_factory=list)
    aliases: list[str | RoleAlias] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)

    def alias_phrases(self, day: date | None = None) -> list[str]:
        """Every phrase naming this actor on `day` (all dated ones when day is None)."""
        phrases = [self.name]
        for alias in self.aliases:
            if isinstance(alias, str):
                phrases.append(alias)
            elif day is None or alias.valid_on(day):
                phrases.append(alias.text)
        return phrases


class Stance(_Strict):
    id: Identifier
    score: float = Field(ge=-1.0, le=1.0)
    label: str = ""
    description: str = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)

    _id = field_validator("id")(_check_id)


class Issue(_Strict):
    id: Identifier
    label: str = Field(min_length=1)
    question: str = Field(min_length=1)
    stances: list[Stance] = Field(min_length=2)
    # Statements that mention the issue but take no position on it (hard negatives).
    off_topic_examples: list[str] = Field(default_factory=list)
    # Words showing that a statement is about the issue (matched whole, any case, with
    # plural/verb endings); a statement with none of them takes no position on it.
    # Empty: every statement is considered.
    keywords: list[str] = Field(default_factory=list)
    # A held position is carried forward at most this many days after the statement it
    # rests on; after that the series shows a gap, not a stance.
    stale_after_days: int = Field(default=90, ge=1, le=3650)

    _id = field_validator("id")(_check_id)

    # A field validator, not a model one: the error then points at the `stances:` line.
    @field_validator("stances")
    @classmethod
    def _scale(cls, stances: list[Stance]) -> list[Stance]:
        ids = [stance.id for stance in stances]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate stance id {duplicates[0]!r}")
        scores = [stance.score for stance in stances]
        if scores != sorted(scores, reverse=True):
            raise ValueError(
                "not in scale order: list the highest score first; got scores "
                + ", ".join(f"{s:g}" for s in scores)
            )
        return stances

    def stance(self, stance_id: str) -> Stance:
        for stance in self.stances:
            if stance.id == stance_id:
                return stance
        raise KeyError(stance_id)

    @property
    def stance_ids(self) -> list[str]:
        return [stance.id for stance in self.stances]

    @cached_property
    def keyword_pattern(self) -> re.Pattern[str] | None:
        if not self.keywords:
            return None
        words = sorted((re.escape(word) for word in self.keywords), key=len, reverse=True)
        return re.compile(rf"\b(?:{'|'.join(words)})(?:s|es|ed|d|ing)?\b", re.IGNORECASE)

    def is_about(self, text: str) -> bool:
        pattern = self.keyword_pattern
        return pattern is None or pattern.search(text) is not None


class CuratedPosition(_Strict):
    """A position an editor adds by hand; it wins over model output for its day."""

    actor: Identifier
    issue: Identifier
    date: date
    stance: Identifier
    source: str = ""
    quote: str = ""
    note: str = ""


class WrongLabel(_Strict):
    """A model observation an editor marked wrong, by its position_id."""

    id: str = Field(min_length=1)
    note: str = ""
    # What was marked, so that `tracker train` learns from it: the issue whose label
    # was wrong and the statement's text.
    issue: Identifier | None = None
    evidence: str = ""


class PositionsConfig(_Strict):
    actors: list[Actor] = Field(min_length=1)
    issues: list[Issue] = Field(min_length=1)
    positions: list[CuratedPosition] = Field(default_factory=list)
    wrong: list[WrongLabel] = Field(default_factory=list)
    # Where the file came from and the line of each key path, for later checks
    # (e.g. `wrong:` ids against a data directory) to name the line.
    _source: str = PrivateAttr(default="positions.yaml")
    _lines: dict[tuple[str | int, ...], int] = PrivateAttr(default_factory=dict)

    @cached_property
    def actor_by_id(self) -> dict[str, Actor]:
        return {actor.id: actor for actor in self.actors}

    @cached_property
    def issue_by_id(self) -> dict[str, Issue]:
        return {issue.id: issue for issue in self.issues}

    def stance_score(self, issue_id: str, stance_id: str) -> float:
        return self.issue_by_id[issue_id].stance(stance_id).score


# ---------------------------------------------------------------------------------------
# Loading: YAML -> line map + plain data -> pydantic -> cross-reference checks


class _NoDatesLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text, so pydantic reports a bad date by key path."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_Path = tuple[str | int, ...]


def _walk(node: yaml.Node, path: _Path) -> Iterator[tuple[_Path, int, str | None]]:
    """Yield (key path, 1-based line, duplicate-key message or None) for every node."""
    yield path, node.start_mark.line + 1, None
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                yield (*path, key), key_node.start_mark.line + 1, f"duplicate key {key!r}"
            seen.add(key)
            yield (*path, key), key_node.start_mark.line + 1, None
            yield from _walk(value_node, (*path, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, (*path, index))


def _format_path(path: _Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"


class _Reporter:
    def __init__(self, source: str, lines: dict[_Path, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[str] = []

    def line_of(self, path: _Path) -> int | None:
        # Fall back to the nearest enclosing key that exists (a missing key has no line).
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def add(self, path: _Path, message: str, line: int | None = None) -> None:
        line = line or self.line_of(path)
        where = f"{self.source}:{line}" if line else self.source
        self.problems.append(f"{where}: {_format_path(path)}: {message}")


def _pydantic_message(error: Any) -> str:
    kind, message = error["type"], error["msg"]
    value = error.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key (check its spelling)"
    if kind.startswith("date"):
        return f"{value!r} is not a valid date: write YYYY-MM-DD"
    if kind == "value_error":
        return str(message).removeprefix("Value error, ")
    if isinstance(value, dict | list):
        return message
    return f"{value!r}: {message}"


def _clean_loc(loc: tuple[Any, ...]) -> _Path:
    # Union members add tags such as "str", "constrained-str" or "function-after[...]"
    # to the location: drop them.
    return tuple(
        part
        for part in loc
        if isinstance(part, int)
        or not (part in {"str", "RoleAlias"} or part.endswith("-str") or "[" in part)
    )


def _is_union_noise(error: Any) -> bool:
    """The plain-text branch of `str | RoleAlias` failing on a mapping says nothing useful."""
    return error["type"] == "string_type" and isinstance(error.get("input"), dict)


def _refuse_anchors_and_tags(text: str, source: str) -> None:
    """The file is plain data: anchors, aliases and tags are refused before composing.

    An alias is expanded wherever it is read, so a few hundred bytes of nested aliases
    make a document of billions of nodes; the event stream is read without expanding.
    A tag such as !!python/object asks for code to run.
    """
    for event in yaml.parse(text, Loader=_NoDatesLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            problem = f"alias *{event.anchor}"
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            problem = f"anchor &{event.anchor}"
        else:
            tag = getattr(event, "tag", None)
            if tag is not None and isinstance(event, yaml.NodeEvent):
                written = str(tag).replace("tag:yaml.org,2002:", "!!", 1)
                raise ConfigError(
                    source,
                    [
                        f"{source}:{line}: YAML tags such as {written} are not allowed in this "
                        "file: write plain values (text, numbers, dates, lists and mappings)"
                    ],
                )
            continue
        raise ConfigError(
            source,
            [
                f"{source}:{line}: YAML anchors and aliases ({problem}) are not allowed in "
                "this file: write each entry out in full"
            ],
        )


def load_positions(text: str, source: str = "positions.yaml") -> PositionsConfig:
    """Parse and validate the text of a positions file; raise ConfigError listing problems."""
    try:
        _refuse_anchors_and_tags(text, source)
        root = yaml.compose(text, Loader=_NoDatesLoader)
        data = yaml.load(text, Loader=_NoDatesLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(
            source, [f"{where}: YAML syntax error: {problem} (check indentation and quotes)"]
        ) from None
    if root is None or not isinstance(data, dict):
        raise ConfigError(
            source, [f"{source}: (top level): expected a mapping with actors and issues"]
        )
    lines: dict[_Path, int] = {}
    reporter = _Reporter(source, lines)
    for path, line, duplicate in _walk(root, ()):
        lines.setdefault(path, line)
        if duplicate:
            reporter.add(path, duplicate, line)
    try:
        config = PositionsConfig.model_validate(data)
    except ValidationError as error:
        seen: set[tuple[_Path, str]] = set()
        for item in error.errors():
            if _is_union_noise(item):
                continue
            path, message = _clean_loc(item["loc"]), _pydantic_message(item)
            if (path, message) not in seen:
                seen.add((path, message))
                reporter.add(path, message)
        raise ConfigError(source, reporter.problems) from None
    _cross_check(config, reporter)
    if reporter.problems:
        raise ConfigError(source, reporter.problems)
    config._source = source
    config._lines = lines
    return config


def _today() -> date:
    return datetime.now(UTC).date()


def _cross_check(config: PositionsConfig, reporter: _Reporter) -> None:
    sections = (
        ("actors", [actor.id for actor in config.actors]),
        ("issues", [issue.id for issue in config.issues]),
    )
    for section, ids in sections:
        seen: set[str] = set()
        for index, item_id in enumerate(ids):
            if item_id in seen:
                reporter.add((section, index, "id"), f"duplicate id {item_id!r}")
            seen.add(item_id)
    for index, actor in enumerate(config.actors):
        for number, alias in enumerate(actor.aliases):
            if isinstance(alias, str) and not alias:
                reporter.add(
                    ("actors", index, "aliases", number),
                    "an alias must not be blank: it would match other people's words",
                )
    # A day ahead of UTC is allowed: an editor east of Greenwich may already be there.
    latest = _today() + timedelta(days=1)
    for index, position in enumerate(config.positions):
        if position.date > latest:
            reporter.add(
                ("positions", index, "date"),
                f"{position.date} is in the future: a curated position records what "
                "was said on a day that has come",
            )
        if position.actor not in config.actor_by_id:
            reporter.add(
                ("positions", index, "actor"),
                f"unknown actor {position.actor!r}: add it under actors first",
            )
        issue = config.issue_by_id.get(position.issue)
        if issue is None:
            known = ", ".join(sorted(config.issue_by_id))
            reporter.add(
                ("positions", index, "issue"),
                f"unknown issue {position.issue!r}: use one of {known}",
            )
        elif position.stance not in issue.stance_ids:
            reporter.add(
                ("positions", index, "stance"),
                f"unknown stance {position.stance!r} for {issue.id}: "
                f"use one of {', '.join(issue.stance_ids)}",
            )


def _suggestions(wanted: str, config: PositionsConfig, known: Collection[str]) -> list[str]:
    """Actor ids that `wanted` probably meant: a word of the id, the name or an alias,
    else the closest spelling."""
    needle = wanted.strip().lower().replace(" ", "_")
    words = needle.replace("_", " ")
    hits = [
        actor.id
        for actor in config.actors
        if needle in actor.id.split("_")
        or words in actor.name.lower()
        or words in (phrase.lower() for phrase in actor.alias_phrases())
    ]
    hits += [item for item in sorted(known) if needle in item.split("_") and item not in hits]
    if hits:
        return hits
    # Misspelt: the closest id, or the id of the closest word of an id, name or alias.
    owner: dict[str, str] = {}
    for actor in config.actors:
        for phrase in (actor.id, *actor.id.split("_"), *actor.alias_phrases()):
            owner.setdefault(phrase.lower(), actor.id)
    for item in sorted(known):
        for phrase in (item, *item.split("_")):
            owner.setdefault(phrase, item)
    close = difflib.get_close_matches(needle, list(owner), n=3, cutoff=0.75)
    return list(dict.fromkeys(owner[phrase] for phrase in close))


def check_actors(
    wanted: Iterable[str], config: PositionsConfig, known: Collection[str] = ()
) -> None:
    """Refuse an actor id that neither positions.yaml nor the data (`known`) has,
    suggesting the id the user probably meant."""
    for actor_id in wanted:
        if actor_id in config.actor_by_id or actor_id in known:
            continue
        found = _suggestions(actor_id, config, known)
        if not found:
            raise UnknownActorError(
                f"unknown actor {actor_id!r}: not in {config._source} nor in the data "
                "(`tracker actors DATA` lists the speakers found)"
            )
        options = found[0] if len(found) == 1 else ", ".join(found[:-1]) + f" or {found[-1]}"
        raise UnknownActorError(f"unknown actor {actor_id!r}: did you mean {options}?")


def unknown_wrong_ids(config: PositionsConfig, position_ids: Collection[str]) -> list[str]:
    """One problem per `wrong:` entry whose id no position in the data has (a typo would
    otherwise leave the wrong label counting, in silence)."""
    reporter = _Reporter(config._source, config._lines)
    for index, label in enumerate(config.wrong):
        if label.id not in position_ids:
            reporter.add(
                ("wrong", index, "id"),
                f"{label.id!r} is not a position id in the data: check it for a typo "
                "(copy ids from the evidence explorer or positions.csv)",
            )
    return reporter.problems


def read_positions(path: str | Path) -> PositionsConfig:
    """Read and validate a positions file from disk."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(str(path), [f"{path}: file not found"]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [f"{path}: not UTF-8 text: save it as UTF-8"]) from None
    return load_positions(text, source=str(path))


# The tracked actors and issues as shipped (the starter of `tracker init`).
DEFAULT_POSITIONS = Path(__file__).resolve().parent / "data" / "positions.yaml"
