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
