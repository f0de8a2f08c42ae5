"""positions.yaml: the repo's file loads; each mistake gets one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.cli import main
from tracker.config import DEFAULT_POSITIONS, load_positions, read_positions
from tracker.errors import ConfigError

BASE = """actors:
  - id: anna_berg
    name: Anna Berg
issues:
  - id: troops
    label: Troops
    question: Send troops?
    stances:
      - {id: support, score: 1, description: for}
      - {id: oppose, score: -1, description: against}
"""
CURATED = "positions:\n  - {actor: anna_berg, issue: troops, date: 2025-01-02, stance: support}\n"


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_positions(text, "p.yaml")
    return error.value.problems


def test_the_repository_file_loads() -> None:
    config = read_positions(DEFAULT_POSITIONS)
    assert {issue.id for issue in config.issues} == {
        "nato_membership",
        "troops_on_ground",
        "asset_seizure",
        "ceasefire_terms",
    }
    assert config.actor_by_id["keir_starmer"].name == "Keir Starmer"
    assert all(len(stance.examples) >= 3 for issue in config.issues for stance in issue.stances)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            BASE.replace("    name: Anna Berg\n", ""),
            "p.yaml:2: actors[0].name: required key is missing",
        ),
        (
            BASE.replace("    name: Anna Berg\n", "    name: Anna Berg\n    nickname: AB\n"),
            "p.yaml:4: actors[0].nickname: unknown key (check its spelling)",
        ),
        (
            BASE.replace("id: anna_berg", "id: Anna Berg"),
            "p.yaml:2: actors[0].id: 'Anna Berg' is not a valid id: use ascii lower-case words "
            "joined by underscores, e.g. keir_starmer",
        ),
        (
            BASE.replace("issues:", "  - id: anna_berg\n    name: Other\nissues:"),
            "p.yaml:4: actors[1].id: duplicate id 'anna_berg'",
        ),
        (
            BASE + CURATED.replace("stance: support", "stance: maybe"),
            "p.yaml:12: positions[0].stance: unknown stance 'maybe' for troops: use one of "
            "support, oppose",
        ),
        (
            BASE + CURATED.replace("actor: anna_berg", "actor: bob"),
            "p.yaml:12: positions[0].actor: unknown actor 'bob': add it under actors first",
        ),
        (
            BASE + CURATED.replace("issue: troops", "issue: tanks"),
            "p.yaml:12: positions[0].issue: unknown issue 'tanks': use one of troops",
        ),
        (
            BASE + CURATED.replace("2025-01-02", "2025-02-30"),
            "p.yaml:12: positions[0].date: '2025-02-30' is not a valid date: write YYYY-MM-DD",
        ),
        (
            BASE + CURATED.replace("2025-01-02", "last week"),
            "p.yaml:12: positions[0].date: 'last week' is not a valid date: write YYYY-MM-DD",
        ),
        (
            BASE.replace("    name: Anna Berg", "    name: [Anna"),
            "p.yaml:4: YAML syntax error: expected ',' or ']', but got ':' "
            "(check indentation and quotes)",
        ),
        (
            BASE.replace("    name: Anna Berg\n", "    name: Anna Berg\n    name: Anna B\n"),
            "p.yaml:4: actors[0].name: duplicate key 'name'",
        ),
        (
            BASE.replace("score: 1,", "score: -1,", 1).replace(
                "score: -1, description: ag", "score: 1, description: ag"
            ),
            "p.yaml:8: issues[0].stances: not in scale order: list the highest score first; "
            "got scores -1, 1",
        ),
        (
            BASE.replace("score: 1,", "score: 2,"),
            "p.yaml:9: issues[0].stances[0].score: 2: Input should be less than or equal to 1",
        ),
        (
            BASE.replace("{id: oppose", "{id: support"),
            "p.yaml:8: issues[0].stances: duplicate stance id 'support'",
        ),
        (
            BASE.replace(
                "    name: Anna Berg\n",
                "    name: Anna Berg\n    aliases:\n"
                "      - {text: the PM, from: 2025-01-01, until: 2024-01-01}\n",
            ),
            "p.yaml:5: actors[0].aliases[0]: from 2025-01-01 is after until 2024-01-01",
        ),
        ("", "p.yaml: (top level): expected a mapping with actors and issues"),
        ("- just\n- a list\n", "p.yaml: (top level): expected a mapping with actors and issues"),
    ],
    ids=[
        "missing-key",
        "unknown-key",
        "bad-id",
        "duplicate-id",
        "unknown-stance",
        "unknown-actor",
        "unknown-issue",
        "impossible-date",
        "not-a-date",
        "syntax-error",
        "duplicate-key",
        "scale-order",
        "score-range",
        "duplicate-stance",
        "alias-dates",
        "empty",
        "not-a-mapping",
    ],
)
def test_each_mistake_gets_one_clear_message(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        read_positions(tmp_path / "nope.yaml")
    assert error.value.problems == [f"{tmp_path / 'nope.yaml'}: file not found"]


def test_role_alias_is_valid_only_in_its_dates() -> None:
    config = load_positions(
        BASE.replace(
            "    name: Anna Berg\n",
            "    name: Anna Berg\n    aliases:\n      - Berg\n"
            "      - {text: the prime minister, from: 2024-07-05}\n",
        )
    )
    actor = config.actor_by_id["anna_berg"]
    from datetime import date

    assert "the prime minister" in actor.alias_phrases(date(2025, 1, 1))
    assert "the prime minister" not in actor.alias_phrases(date(2023, 1, 1))


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "name", "actors", "issues", "stances", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(yaml_values)
def test_random_structures_raise_only_config_errors(value: object) -> None:
    text = yaml.safe_dump(value)
    try:
        load_positions(text, "random.yaml")
    except ConfigError as error:
        assert error.problems and all(p.startswith("random.yaml") for p in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_random_text_raises_only_config_errors(text: str) -> None:
    try:
        load_positions(text, "random.yaml")
    except ConfigError as error:
        assert error.problems


# Fragments of YAML syntax, so that random text reaches the composer and the validator
# (anchors, aliases, tags, flow collections, tabs, bad dates) rather than failing at once.
YAML_PIECES = [
    "actors:",
    "issues:",
    "positions:",
    "stances:",
    "\n",
    "  ",
    "- ",
    "id: ",
    "name: ",
    "score: ",
    "anna_berg",
    "Anna",
    "1",
    "-1.5",
    "2025-02-30",
    "2025-01-02",
    "{",
    "}",
    "[",
    "]",
    ", ",
    ": ",
    "'",
    '"',
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!binary ",
    "? ",
    "|",
    "\t",
    "# note",
    "---",
    "...",
    "%YAML 1.1",
    "<<: ",
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["", BASE]), st.lists(st.sampled_from(YAML_PIECES), max_size=40))
def test_random_yaml_like_text_raises_only_config_errors(prefix: str, pieces: list[str]) -> None:
    try:
        config = load_positions(prefix + "".join(pieces), "random.yaml")
    except ConfigError as error:
        assert error.problems and all(p.startswith("random.yaml") for p in error.problems)
    else:
        assert config.actors and config.issues


def test_check_config_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check-config", "--help"])
    assert result.exit_code == 0 and "Validate positions.yaml" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    result = runner.invoke(main, ["check-config", "--positions", str(good)])
    assert result.exit_code == 0
    assert (
        result.output == f"{good}: ok - 1 actors, 1 issues, 0 curated positions, 0 marked wrong\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(BASE + CURATED.replace("stance: support", "stance: maybe"), encoding="utf-8")
    result = runner.invoke(main, ["check-config", "--positions", str(bad)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {bad} is invalid:\n"
        f"  {bad}:12: positions[0].stance: unknown stance 'maybe' for troops: "
        "use one of support, oppose\n"
    )
