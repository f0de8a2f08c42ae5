"""Attribution: who said it. Posts -> statements, each with its speaker and evidence span.

Speakers are found from the grammar and layout of reporting, never from any page's
wording; one module per concern:

- `text`: accent folding that keeps offsets ("Erdoğan" matches "Erdogan"), sentences;
- `lexicon`: speech and act verbs with all their forms, position nouns, titles, names;
- `mentions`: known actors (names, variants, dated names and role phrases);
- `discovery`: people not in positions.yaml, found with their evidence;
- `speech`: who in a sentence speaks or declares a position (verbs, passives, nouns);
- `coreference`: pronouns, "the ambassador", "the host", institutions' voices;
- `post`: one post, with its headline, blocks, quotes and interviews.

Who counts as the actor follows the annotation guidelines: a named person whose words
or declared position the text reports (or an office speaking for a named person); not a
journalist's or analyst's view, not an unnamed collective, not a question put to someone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import polars as pl

from tracker.attribute.discovery import actor_id_for, new_actor_table
from tracker.attribute.mentions import AliasIndex, find_mentions
from tracker.attribute.model import Mention, PageState
from tracker.attribute.post import attribute_post
from tracker.attribute.text import split_sentences
from tracker.config import PositionsConfig
from tracker.schemas import POSTS, STATEMENTS, check_frame

__all__ = [
    "AliasIndex",
    "Attribution",
    "Mention",
    "PageState",
    "actor_id_for",
    "attribute_statements",
    "find_mentions",
    "new_actor_table",
    "split_sentences",
    "statement_digest",
]


@dataclass(frozen=True)
class Attribution:
    statements: pl.DataFrame
    new_actors: pl.DataFrame  # actor, role, docs, first_seen, statements, example, ...


def attribute_statements(posts: pl.DataFrame, config: PositionsConfig) -> Attribution:
    """Statements of every timed post (page order kept; head records are skipped)."""
    check_frame(posts, POSTS, "posts")
    records: list[dict[str, object]] = []
    states: dict[str, PageState] = {}
    indexes: dict[date, AliasIndex] = {}
    # Pages are told apart by content hash: two files of one name are two pages.
    timed = posts.filter(~pl.col("is_head")).sort(
        "doc", "doc_hash", "post_index", maintain_order=True
    )
    for post in timed.iter_rows(named=True):
        state = states.setdefault(str(post["doc_hash"]), PageState())
        day = post["post_time"].date()
        if day not in indexes:
            indexes[day] = AliasIndex(config, day)
        for number, row in enumerate(attribute_post(post, indexes[day], state)):
            row["statement_id"] = f"{post['post_id']}-{number:03d}"
            # doc, post_id, post_time, headline and any column the two schemas share.
            row.update({name: post[name] for name in STATEMENTS if name in post})
            records.append(row)
    statements = pl.DataFrame(records, schema=STATEMENTS).select(list(STATEMENTS))
    check_frame(statements, STATEMENTS, "statements")
    return Attribution(statements=statements, new_actors=new_actor_table(statements))


def statement_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
