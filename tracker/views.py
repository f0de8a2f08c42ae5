"""The queries behind the dashboard: plain functions over polars frames, tested alone.

The dashboard (dashboards/) only loads through here and draws; its tables in reader
language come from tracker/tables.py, re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from tracker.errors import TrackerError
from tracker.schemas import POSITIONS, POSTS, STATEMENTS
from tracker.series import Series, load_series
from tracker.storage import generation_dir, read_stage
from tracker.tables import (
    evidence_table,
    latest_matrix,
    most_quoted,
    page_sources,
    pages_of,
    safe_link,
    shift_log,
    shift_table,
    statements_table,
    summary_table,
)

__all__ = [
    "DashboardData",
    "EvidenceFilter",
    "UnknownPositionError",
    "check_position_id",
    "count_evidence",
    "data_version",
    "evidence_table",
    "filter_evidence",
    "filter_statements",
    "highlighted_body",
    "latest_matrix",
    "load_dashboard_data",
    "markdown_literal",
    "most_quoted",
    "page_sources",
    "pages_of",
    "post_of",
    "safe_link",
    "shift_log",
    "shift_table",
    "statements_table",
    "summary_table",
]

DATA_FILES = ("posts", "statements", "positions", "observations", "series", "shifts", "summary")


@dataclass(frozen=True)
class DashboardData:
    posts: pl.DataFrame
    statements: pl.DataFrame
    positions: pl.DataFrame
    series: Series


def data_version(data_dir: Path) -> tuple[str, tuple[float, ...]]:
    """The published generation and its files' modification times: a new run or a
    review changes the key."""
    folder = generation_dir(data_dir)
    return folder.name, tuple(
        (folder / f"{name}.parquet").stat().st_mtime
        if (folder / f"{name}.parquet").exists()
        else 0.0
        for name in DATA_FILES
    )


def load_dashboard_data(data_dir: Path) -> DashboardData:
    """Every table from one generation: never one run's posts with another's positions."""
    folder = generation_dir(data_dir)
    return DashboardData(
        posts=read_stage(data_dir, "posts", POSTS, "posts", folder).collect(),
        statements=read_stage(data_dir, "statements", STATEMENTS, "statements", folder).collect(),
        positions=read_stage(data_dir, "positions", POSITIONS, "positions", folder).collect(),
        series=load_series(data_dir, folder),
    )


@dataclass(frozen=True)
class EvidenceFilter:
    actors: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    min_confidence: float = 0.0
    text: str = ""


def filter_evidence(
    positions: pl.DataFrame, chosen: EvidenceFilter, limit: int = 500
) -> pl.DataFrame:
    """Positions matching every filter, newest first (at most `limit` rows drawn)."""
    frame = _actor_date_text(positions.lazy(), chosen, "evidence")
    if chosen.issues:
        frame = frame.filter(pl.col("issue").is_in(list(chosen.issues)))
    if chosen.stances:
        frame = frame.filter(pl.col("stance").is_in(list(chosen.stances)))
    if chosen.min_confidence:
        frame = frame.filter(pl.col("confidence") >= chosen.min_confidence)
    return frame.sort("post_time", descending=True).head(limit).collect()


def _actor_date_text(frame: pl.LazyFrame, chosen: EvidenceFilter, text_column: str) -> pl.LazyFrame:
    """The filters positions and statements share: actor, date range, text search."""
    if chosen.actors:
        frame = frame.filter(pl.col("actor").is_in(list(chosen.actors)))
    if chosen.start:
        frame = frame.filter(pl.col("post_time").dt.date() >= chosen.start)
    if chosen.end:
        frame = frame.filter(pl.col("post_time").dt.date() <= chosen.end)
    if chosen.text.strip():
        frame = frame.filter(
            _contains(text_column, chosen.text) | _contains("headline", chosen.text)
        )
    return frame


def _contains(column: str, text: str) -> pl.Expr:
    """Case-insensitive literal search (the needle is escaped, never a pattern)."""
    return pl.col(column).str.to_lowercase().str.contains(text.strip().lower(), literal=True)


def count_evidence(positions: pl.DataFrame, chosen: EvidenceFilter) -> int:
    """How many positions match, before the cap on rows drawn."""
    return filter_evidence(positions, chosen, limit=positions.height).height


def filter_statements(
    statements: pl.DataFrame, chosen: EvidenceFilter, limit: int = 500
) -> pl.DataFrame:
    """Attributed statements (classified or not) matching the actor, date and text filters."""
    frame = _actor_date_text(statements.lazy(), chosen, "text")
    return frame.sort("post_time", descending=True).head(limit).collect()


class UnknownPositionError(TrackerError):
    """An editor named a position id that the data directory does not hold."""


def check_position_id(positions: pl.DataFrame, position_id: str) -> str:
    wanted = position_id.strip()
    if not wanted or positions.filter(pl.col("position_id") == wanted).is_empty():
        raise UnknownPositionError(
            f"no position {wanted!r} in this data directory: copy the id from the evidence explorer"
        )
    return wanted


# ASCII punctuation that markdown (CommonMark, GFM, Streamlit's :directives: and $math$)
# can read as syntax; ".", ",", ";", "?", "/" and "%" read as syntax only in the spots
# _MARKDOWN_DOTS names.
_MARKDOWN_PUNCTUATION = re.compile(r"[\\`*_{}\[\]()#+\-!|~:@$=^<>&\"']")
_MARKDOWN_DOTS = re.compile(r"(?im)(www|^\s*\d{1,9})\.")  # a web address; an ordered list
_HTML_NAMES = {"<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&#x27;"}
# GFM turns web and mail addresses in decoded text into links; an empty <wbr> element
# before "www.", ":" and "@" splits the text so that none of them reads as an address.
_AUTOLINK_BREAKS = re.compile(r"&#58;|&#64;|(?<=www)&#46;")


def markdown_literal(text: str) -> str:
    """Third-party text for st.markdown that shows as the same text: HTML escaped, each
    character markdown could read as syntax written as a character reference (which
    CommonMark never reads as syntax), and addresses split so that GFM links none.
    No link, image, emphasis or markup survives.
    """
    text = _MARKDOWN_PUNCTUATION.sub(
        lambda found: _HTML_NAMES.get(found.group(), f"&#{ord(found.group())};"), text.lstrip()
    )
    text = _MARKDOWN_DOTS.sub(r"\1&#46;", text)
    return _AUTOLINK_BREAKS.sub(lambda found: "<wbr>" + found.group(), text)


def highlighted_body(body: str, start: int, end: int) -> str:
    """The post body as safe markdown with the evidence span marked.

    Everything is escaped first (markdown_literal): a quote containing HTML, a script,
    a markdown image or a link shows as text.
    """
    if start < 0 or end <= start or end > len(body):
        return markdown_literal(body).replace("\n", "<br>")
    return (
        markdown_literal(body[:start])
        + "<mark>"
        + markdown_literal(body[start:end])
        + "</mark>"
        + markdown_literal(body[end:])
    ).replace("\n", "<br>")


def post_of(posts: pl.DataFrame, post_id: str) -> dict[str, object] | None:
    rows = posts.filter(pl.col("post_id") == post_id)
    return rows.row(0, named=True) if rows.height else None
