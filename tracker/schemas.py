"""Declared schemas of the frames the pipeline stages exchange, checked at each boundary."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from tracker.errors import SchemaError

UTC_TIME = pl.Datetime("us", "UTC")

# One row per post of a page. The untimed head of a page (summary, key points) is
# kept as its own record with is_head=True and a null post_time.
POSTS: dict[str, pl.DataType] = {
    "doc": pl.String(),  # file name of the page
    "doc_hash": pl.String(),  # sha256 of the page bytes (pages are keyed by content)
    "post_id": pl.String(),  # f"{doc_hash[:12]}-{post_index:04d}", stable across runs
    "post_index": pl.Int32(),  # position in page order, 0 = first record
    "post_time": UTC_TIME,
    "time_text": pl.String(),  # the timestamp as printed on the page
    "headline": pl.String(),
    "byline": pl.String(),
    "body": pl.String(),
    "source_format": pl.String(),  # bbc_classic, bbc_new, independent, ...
    "is_head": pl.Boolean(),
    "line": pl.Int32(),  # 1-based line of the post's first line in the page
    "url": pl.String(),  # the page's URL (manifest or the page's own), null if unknown
}

# Material that carries a timestamp but could not be turned into a post.
REJECTS: dict[str, pl.DataType] = {
    "doc": pl.String(),
    "line": pl.Int32(),
    "text": pl.String(),
    "reason": pl.String(),
}

# One row per attributed statement; offsets index the post body.
STATEMENTS: dict[str, pl.DataType] = {
    "statement_id": pl.String(),  # f"{post_id}-{n:03d}"
    "doc": pl.String(),
    "post_id": pl.String(),
    "post_time": UTC_TIME,
    "headline": pl.String(),
    "actor": pl.String(),
    "actor_known": pl.Boolean(),  # False: discovered speaker not (yet) in positions.yaml
    "actor_role": pl.String(),  # role phrase seen for the speaker, "" if none
    "text": pl.String(),
    "cue": pl.String(),  # quote, reported, heading, summary, pronoun, ...
    "start": pl.Int32(),  # evidence span in the post body (headline cues: -1)
    "end": pl.Int32(),
    "url": pl.String(),  # the page's URL (POSTS.url), null if unknown
}

# One row per (post, actor, issue) from the classifier.
POSITIONS: dict[str, pl.DataType] = {
    "position_id": pl.String(),  # stable id an editor can mark wrong in positions.yaml
    "doc": pl.String(),
    "post_id": pl.String(),
    "post_time": UTC_TIME,
    "headline": pl.String(),
    "actor": pl.String(),
    "issue": pl.String(),
    "stance": pl.String(),
    "score": pl.Float64(),  # the stance's place on the scale, -1..+1
    "confidence": pl.Float64(),
    "evidence": pl.String(),  # the statement text the label rests on
    "statement_id": pl.String(),
    "start": pl.Int32(),
    "end": pl.Int32(),
    "url": pl.String(),  # the page's URL (POSTS.url), null if unknown
}


def check_frame(
    frame: pl.DataFrame | pl.LazyFrame, schema: Mapping[str, pl.DataType], stage: str
) -> None:
    """Raise SchemaError unless `frame` has exactly the columns and dtypes of `schema`."""
    actual = frame.collect_schema() if isinstance(frame, pl.LazyFrame) else frame.schema
    missing = [name for name in schema if name not in actual]
    extra = [name for name in actual if name not in schema]
    wrong = [
        f"{name} is {actual[name]}, expected {dtype}"
        for name, dtype in schema.items()
        if name in actual and actual[name] != dtype
    ]
    problems = []
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if extra:
        problems.append("unexpected columns: " + ", ".join(extra))
    problems.extend(wrong)
    if problems:
        raise SchemaError(f"{stage} frame does not match its schema: " + "; ".join(problems))


def empty_frame(schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=dict(schema))


# ---- series stage (tracker/series.py) -------------------------------------------------

# Every observation of an actor's stance on an issue: model output and curated entries.
OBSERVATIONS: dict[str, pl.DataType] = {
    "position_id": pl.String(),  # model: POSITIONS.position_id; editor: "editor-<hash>"
    "actor": pl.String(),
    "issue": pl.String(),
    "time": UTC_TIME,
    "day": pl.Date(),
    "stance": pl.String(),
    "score": pl.Float64(),
    "confidence": pl.Float64(),  # editor entries: 1.0
    "source": pl.String(),  # "model" or "editor"
    "doc": pl.String(),  # editor entries: ""
    "post_id": pl.String(),
    "headline": pl.String(),
    "evidence": pl.String(),  # the quote (editor: the quote or note)
    "url": pl.String(),  # editor: source URL; model: "" unless the page has one
    "superseded": pl.Boolean(),  # a curated entry overrides it for the same day
    # counted (on the held line), superseded, low_confidence or unconfirmed (a change of
    # stance that nothing corroborates); charts draw the last three hollow.
    "status": pl.String(),
    "status_note": pl.String(),  # why it does not count, in reader language ("" if it does)
}

# The position an actor holds on each day: the latest stance carried forward.
DAILY: dict[str, pl.DataType] = {
    "actor": pl.String(),
    "issue": pl.String(),
    "day": pl.Date(),
    "stance": pl.String(),
    "score": pl.Float64(),
    "confidence": pl.Float64(),
    "source": pl.String(),
    "position_id": pl.String(),  # the observation the held stance rests on
    "since": pl.Date(),  # day of that observation
    "stale_days": pl.Int32(),  # day - since, never above the stale_after_days
}

# A change of held stance between two observations, with evidence on both sides.
SHIFTS: dict[str, pl.DataType] = {
    "actor": pl.String(),
    "issue": pl.String(),
    "from_stance": pl.String(),
    "to_stance": pl.String(),
    "from_score": pl.Float64(),
    "to_score": pl.Float64(),
    "size": pl.Float64(),  # to_score - from_score
    "from_time": UTC_TIME,
    "to_time": UTC_TIME,
    "from_confidence": pl.Float64(),
    "to_confidence": pl.Float64(),
    "from_evidence": pl.String(),
    "to_evidence": pl.String(),
    "from_position_id": pl.String(),
    "to_position_id": pl.String(),
    "from_doc": pl.String(),
    "to_doc": pl.String(),
    "is_reversal": pl.Boolean(),  # returns to the stance held before the previous shift
    "from_headline": pl.String(),
    "to_headline": pl.String(),
    "from_url": pl.String(),  # the page's URL where known, else ""
    "to_url": pl.String(),
    "from_source": pl.String(),  # what a reader can check: URL, else page file, else the
    "to_source": pl.String(),  # curated entry's note
    # full flop, half flip or no flip: the share of the scale the stance moved
    "grade": pl.String(),
    "corroboration": pl.String(),  # why the shift counts, in reader language
    "n_statements": pl.UInt32(),  # statements of the new stance until it next changes
    "gap_days": pl.Int32(),  # days between the last statement before and the first after
}

# One row per actor x issue.
SUMMARY: dict[str, pl.DataType] = {
    "actor": pl.String(),
    "issue": pl.String(),
    "n_observations": pl.UInt32(),
    "first_seen": UTC_TIME,
    "last_seen": UTC_TIME,
    "latest_stance": pl.String(),
    "latest_score": pl.Float64(),
    "latest_position_id": pl.String(),
    "n_shifts": pl.UInt32(),
    "held_until": pl.Date(),  # last day the latest stance is held (null: none counted)
    "held_now": pl.Boolean(),  # still held on the series' last day; else it is last known
}
