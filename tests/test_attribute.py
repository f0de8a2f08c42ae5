"""Attribution: each reporting pattern, each do-not-attribute case, and the seeds."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest
from click.testing import CliRunner

from tracker.attribute import actor_id_for, attribute_statements
from tracker.cli import main
from tracker.config import load_positions
from tracker.schemas import POSTS, STATEMENTS

CONFIG = load_positions(
    """
actors:
  - id: anna_berg
    name: Anna Berg
    country: SE
    role: Prime Minister of Sweden
    aliases:
      - Berg
      - {text: the Swedish prime minister, from: 2024-01-01}
  - id: tomas_kral
    name: Tomas Kral
    country: CZ
    role: President of Czechia
    aliases:
      - Kral
      - {text: the Czech president, from: 2020-01-01, until: 2024-12-31}
  - id: ivan_petrov
    name: Ivan Petrov
    country: RU
    role: Kremlin spokesman
    aliases:
      - Petrov
      - {text: Kremlin spokesman, from: 2010-01-01}
issues:
  - id: troops_on_ground
    label: Troops on the ground
    question: Should troops be sent?
    stances:
      - {id: support, score: 1, description: for}
      - {id: oppose, score: -1, description: against}
""",
    "test.yaml",
)


def posts_frame(*bodies: str, headline: str = "Update", day: int = 3) -> pl.DataFrame:
    rows = [
        {
            "doc": "page.txt",
            "doc_hash": "f" * 64,
            "post_id": f"ffffffffffff-{index:04d}",
            "post_index": index,
            "post_time": datetime(2025, 3, day, 10, index, tzinfo=UTC),
            "time_text": "",
            "headline": headline,
            "byline": "",
            "body": body,
            "source_format": "bbc",
            "is_head": False,
            "line": index + 1,
        }
        for index, body in enumerate(bodies)
    ]
    return pl.DataFrame(rows, schema=POSTS)


def speakers(*bodies: str, headline: str = "Update", day: int = 3) -> list[tuple[str, str]]:
    frame = attribute_statements(posts_frame(*bodies, headline=headline, day=day), CONFIG)
    return list(zip(frame.statements["actor"], frame.statements["cue"], strict=True))


@pytest.mark.parametrize(
    "body",
    [
        "Berg says Sweden is ready to help.",
        "Anna Berg said on Monday that Sweden was ready to help.",
        "Berg has said Sweden is ready.",
        "Berg, speaking after the summit in Oslo, told reporters Sweden was ready.",
        "The Swedish prime minister warned that time was short.",
        "Berg's office says Sweden will take part.",
        "Sweden is ready to help, according to Berg.",
        '"We are ready," Berg said.',
        '"We are ready," said Anna Berg.',
        "Berg rules out any delay.",
        "Berg calls for a new plan.",
        "We are hearing now from Anna Berg, who says that the plan is sound.",
        "We are hearing from Swedish leader Berg who said Sweden was ready.",
        "Berg begins by saying that Sweden is ready.",
    ],
)
def test_reported_speech_and_quotes(body: str) -> None:
    assert [actor for actor, _ in speakers(body)] == ["anna_berg"]


def test_pronoun_follows_the_last_speaker() -> None:
    body = "Berg says the talks went well.\n\nShe added that more work was needed."
    assert speakers(body) == [("anna_berg", "reported"), ("anna_berg", "pronoun")]


def test_a_quote_continued_by_a_pronoun() -> None:
    body = (
        'Berg says the talks went well.\n\n"The plan is sound," she continues, "and we are ready."'
    )
    assert speakers(body) == [("anna_berg", "reported"), ("anna_berg", "pronoun")]
    # "continues to" is an action of the subject, not speech about anything.
    assert speakers("Berg says talks went well.\n\nKral continues to delay the vote.") == [
        ("anna_berg", "reported")
    ]


def test_quote_paragraph_continues_the_speaker() -> None:
    body = 'Kral told reporters the plan was sound.\n\n"We will not wait for others."'
    assert speakers(body) == [("tomas_kral", "reported"), ("tomas_kral", "quote")]


def test_headline_attributions() -> None:
    assert speakers("No speaker in the body.", headline="We are ready to help - Berg") == [
        ("anna_berg", "heading")
    ]
    assert speakers("Nothing here.", headline="Too early for troops, says Kral") == [
        ("tomas_kral", "heading")
    ]


def test_whos_saying_what_block() -> None:
    body = (
        "Here is what the leaders said:\n\n"
        "Swedish Prime Minister Anna Berg\n\n"
        "- Wants a plan within a month\n\n"
        "- Will send engineers\n\n"
        "Czech President Tomas Kral\n\n"
        "- Prefers to wait"
    )
    assert speakers(body) == [
        ("anna_berg", "summary"),
        ("anna_berg", "summary"),
        ("tomas_kral", "summary"),
    ]


def test_role_phrase_only_counts_while_the_role_is_held() -> None:
    body = "The Czech president said the plan was sound."
    assert [a for a, _ in speakers(body, day=3)] == []  # role ended in 2024
    assert actor_id_for("Zoë Lindqvist-Ek") == "zoe_lindqvist_ek"


def test_the_object_of_a_speech_verb_is_not_the_speaker() -> None:
    assert [a for a, _ in speakers("Berg criticised Kral over the delay.")] == ["anna_berg"]
    assert [a for a, _ in speakers("Kral has been accused by Berg of stalling.")] == ["anna_berg"]


@pytest.mark.parametrize(
    "body",
    [
        "Will Berg send troops to the region?",  # a question put to someone
        "Analysts believe the talks are stalling.",  # no named speaker
        "European allies say the plan needs work.",  # an unnamed collective
        "Officials in Stockholm said the plan was sound.",
        "A former Swedish prime minister said it was a mistake.",  # not the role holder
        "Petrov's aide said the talks were over.",  # the aide speaks, not Petrov
        "The plan was drawn up by Berg last year.",  # mentioned, not speaking
    ],
)
def test_do_not_attribute(body: str) -> None:
    assert speakers(body) == []


def test_new_speakers_are_discovered_and_followed_in_the_page() -> None:
    bodies = (
        "Norwegian Prime Minister Lars Holm said Norway would join.",
        "Holm added that details would follow.",
    )
    result = attribute_statements(posts_frame(*bodies), CONFIG)
    assert result.statements.select("actor", "actor_known").rows() == [
        ("lars_holm", False),
        ("lars_holm", False),
    ]
    new = result.new_actors.row(0, named=True)
    assert (new["actor"], new["role"], new["statements"]) == (
        "lars_holm",
        "Norwegian Prime Minister",
        2,
    )


def test_a_full_name_with_a_title_in_apposition_is_a_new_speaker() -> None:
    bodies = (
        "Konstantin Kosachev, a senior Russian senator, said the plan was dead.",
        "Kosachev added that Moscow would not move.",
    )
    assert speakers(*bodies) == [
        ("konstantin_kosachev", "reported"),
        ("konstantin_kosachev", "reported"),
    ]
    result = attribute_statements(posts_frame(*bodies), CONFIG)
    assert result.new_actors.row(0, named=True)["role"] == "a senior Russian senator"


@pytest.mark.parametrize(
    "body",
    [
        "Last Friday, the Danish prime minister said the plan was sound.",
        "Lars Holm, a defence analyst in Oslo, said the plan was weak.",
        "Lars Holm, a correspondent for a Norwegian paper, says the talks stalled.",
    ],
)
def test_no_speaker_from_a_role_phrase_nobody_holds_or_a_commentator(body: str) -> None:
    assert speakers(body) == []


def test_a_named_person_speaks_whatever_their_role() -> None:
    # The guidelines count any named person whose words are reported: a former office
    # holder or a person with no title is discovered, with the role the copy gives.
    result = attribute_statements(
        posts_frame("Lars Holm, a former Norwegian prime minister, said it was a mistake."),
        CONFIG,
    )
    row = result.new_actors.row(0, named=True)
    assert (row["actor"], row["role"]) == ("lars_holm", "a former Norwegian prime minister")
    untitled = attribute_statements(posts_frame("Lars Holm said the harbour was full."), CONFIG)
    assert untitled.new_actors.row(0, named=True)["role"] == ""
    assert untitled.new_actors["confidence"][0] < row["confidence"]


def test_offsets_point_at_the_evidence() -> None:
    body = "Intro line.\n\nBerg says Sweden is ready."
    statements = attribute_statements(posts_frame(body), CONFIG).statements
    row = statements.row(0, named=True)
    assert body[row["start"] : row["end"]] == row["text"] == "Berg says Sweden is ready."
    assert dict(statements.schema) == STATEMENTS


def test_statements_command_help() -> None:
    result = CliRunner().invoke(main, ["statements", "--help"])
    assert result.exit_code == 0
    assert "attribute each to its speaker" in result.output


def test_a_role_qualified_by_another_country_is_someone_else() -> None:
    # "the Czech president" names Kral; "Slovak Czech president" does not.
    assert speakers("Slovak Czech president said no.", day=3) == []
    assert speakers("Nothing.", headline="Swedish prime minister warns about delays") == [
        ("anna_berg", "heading")
    ]


def test_the_statement_starts_at_the_speakers_clause() -> None:
    body = "Sweden has long insisted on a deal, while Kral said the talks should pause."
    statements = attribute_statements(posts_frame(body), CONFIG).statements
    row = statements.row(0, named=True)
    assert (row["actor"], row["text"]) == ("tomas_kral", "Kral said the talks should pause.")
    assert body[row["start"] : row["end"]] == row["text"]
