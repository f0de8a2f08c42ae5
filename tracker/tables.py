"""The dashboard's tables in reader language: human names and stance labels, dates
without time-zone suffixes (every time is UTC, and the column says so), blank cells
where there is no data, and each row's source as a link where the page URL is known."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import polars as pl

from tracker.chart_style import speaker, stance_labels
from tracker.config import PositionsConfig
from tracker.errors import TrackerError
from tracker.schemas import POSTS
from tracker.series import Series
from tracker.storage import generation_dir, read_stage

WHEN = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"


def safe_link(url: object) -> str | None:
    """`url` when a browser may open it as a page (http or https), else None: a page's
    own URL is third-party text, and javascript: or data: must never become a link."""
    if not isinstance(url, str) or not url.strip():
        return None
    parsed = urlparse(url.strip())
    if parsed.scheme in {"http", "https"} and parsed.netloc:
        return url.strip()
    return None


def _link(column: str) -> pl.Expr:
    ok = pl.col(column).fill_null("").str.contains(r"^https?://[^\s/]+", literal=False)
    return pl.when(ok).then(pl.col(column)).otherwise(None)


def issue_label(config: PositionsConfig, column: str = "issue") -> pl.Expr:
    labels = {issue.id: issue.label for issue in config.issues}
    return pl.col(column).replace_strict(labels, default=pl.col(column), return_dtype=pl.String)


def with_stance_labels(
    frame: pl.DataFrame, config: PositionsConfig, stance: str, alias: str
) -> pl.DataFrame:
    """`frame` with `alias`: the label of its `stance` column on its issue's scale."""
    labels = stance_labels(config).select(
        "issue", pl.col("stance").alias(stance), pl.col("label").alias(alias)
    )
    return frame.join(labels, on=["issue", stance], how="left", maintain_order="left").with_columns(
        pl.col(alias).fill_null(pl.col(stance))
    )


def page_sources(data_dir: str | Path) -> pl.DataFrame | None:
    """(doc, url, source_format) of every page in the data directory, for source lines;
    None where it holds no posts table."""
    try:
        posts = read_stage(data_dir, "posts", POSTS, "posts", generation_dir(data_dir))
        return pages_of(posts.collect())
    except TrackerError:
        return None


def pages_of(posts: pl.DataFrame) -> pl.DataFrame:
    return posts.select("doc", "url", "source_format").unique(subset="doc", keep="first")


def evidence_table(rows: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
    """Positions (newest first) as the evidence explorer shows them."""
    labelled = with_stance_labels(rows, config, "stance", "stance_label")
    return labelled.select(
        pl.col("post_time").dt.strftime(WHEN).alias("When (UTC)"),
        speaker(config).alias("Who"),
        issue_label(config).alias("Issue"),
        pl.col("stance_label").alias("Stance"),
        pl.col("confidence").round(2).alias("Confidence"),
        pl.col("evidence").alias("Quote"),
        pl.col("headline").alias("Post"),
        pl.col("doc").alias("Page"),
        _link("url").alias("Link"),
        pl.col("position_id").alias("Id"),
    )


def statements_table(said: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
    return said.select(
        pl.col("post_time").dt.strftime(WHEN).alias("When (UTC)"),
        speaker(config).alias("Who"),
        pl.when(pl.col("actor_known")).then(pl.lit("")).otherwise(pl.lit("new")).alias("Known?"),
        pl.col("cue").alias("How it was said"),
        pl.col("text").alias("Statement"),
        pl.col("headline").alias("Post"),
        pl.col("doc").alias("Page"),
        _link("url").alias("Link"),
    )


def shift_log(
    series: Series, actor: str | None = None, issue: str | None = None, limit: int = 1000
) -> pl.DataFrame:
    """Shifts newest first, with both statements, their times and sources, the grade
    and why each counts."""
    frame = series.shifts.lazy()
    if actor:
        frame = frame.filter(pl.col("actor") == actor)
    if issue:
        frame = frame.filter(pl.col("issue") == issue)
    return (
        frame.sort("to_time", descending=True)
        .with_columns(
            pl.col("to_time").dt.strftime(WHEN).alias("when"),
            pl.col("from_time").dt.strftime(WHEN).alias("from_when"),
            pl.col("to_time").dt.date().alias("to_day"),
            pl.col("from_time").dt.date().alias("from_day"),
        )
        .head(limit)
        .collect()
    )


def shift_table(log: pl.DataFrame, config: PositionsConfig) -> pl.DataFrame:
    """The shift log as a table: who, what moved, how far, why it counts, both sources."""
    labelled = with_stance_labels(
        with_stance_labels(log, config, "from_stance", "from_label"),
        config,
        "to_stance",
        "to_label",
    )
    return labelled.select(
        pl.col("when").alias("When (UTC)"),
        speaker(config).alias("Who"),
        issue_label(config).alias("Issue"),
        pl.col("from_label").alias("From"),
        pl.col("to_label").alias("To"),
        pl.col("grade").alias("Grade"),
        pl.when(pl.col("is_reversal")).then(pl.lit("yes")).otherwise(pl.lit("")).alias("Reversal"),
        pl.col("corroboration").alias("Why it counts"),
        pl.col("from_when").alias("Before (UTC)"),
        pl.col("from_source").alias("Before: source"),
        pl.col("to_source").alias("After: source"),
    )


def latest_matrix(series: Series, config: PositionsConfig | None = None) -> pl.DataFrame:
    """Who rows x issue columns: the latest stance, its statement count and last date,
    "last known" where it no longer holds; blank where there is no data. Names and
    labels from `config` (default: the shipped positions.yaml)."""
    if config is None:
        from tracker.config import DEFAULT_POSITIONS, read_positions

        config = read_positions(DEFAULT_POSITIONS)
    summary = series.summary.filter(pl.col("latest_stance").is_not_null())
    columns = [issue.label for issue in config.issues]
    if summary.is_empty():
        return pl.DataFrame(schema={"Who": pl.String, **dict.fromkeys(columns, pl.String)})
    labelled = with_stance_labels(summary, config, "latest_stance", "label")
    cells = labelled.select(
        speaker(config).alias("Who"),
        issue_label(config).alias("issue"),
        pl.format(
            "{}{} ({} statements, last {})",
            "label",
            pl.when(pl.col("held_now")).then(pl.lit("")).otherwise(pl.lit(", last known")),
            "n_observations",
            pl.col("last_seen").dt.strftime(DAY),
        ).alias("cell"),
    )
    wide = cells.pivot(on="issue", index="Who", values="cell").sort("Who")
    for column in columns:
        if column not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return wide.select("Who", *columns)


def summary_table(series: Series, config: PositionsConfig, actor: str) -> pl.DataFrame:
    """One actor's line per issue: latest stance, until when it holds, counts, dates."""
    rows = series.summary.filter(pl.col("actor") == actor)
    labelled = with_stance_labels(rows, config, "latest_stance", "label")
    return labelled.select(
        issue_label(config).alias("Issue"),
        pl.col("label").alias("Latest stance"),
        pl.col("held_until").dt.strftime(DAY).alias("Held until"),
        pl.when(pl.col("held_now"))
        .then(pl.lit("yes"))
        .when(pl.col("latest_stance").is_not_null())
        .then(pl.lit("last known"))
        .otherwise(pl.lit(""))
        .alias("Current?"),
        pl.col("n_observations").alias("Statements"),
        pl.col("n_shifts").alias("Shifts"),
        pl.col("first_seen").dt.strftime(DAY).alias("First statement"),
        pl.col("last_seen").dt.strftime(DAY).alias("Last statement"),
    )


def most_quoted(series: Series, issue: str, n: int = 6) -> list[str]:
    """The actors with the most statements on `issue`, most first (ties by id)."""
    counts = (
        series.observations.filter(pl.col("issue") == issue)
        .group_by("actor")
        .agg(pl.len().alias("n"))
        .sort(["n", "actor"], descending=[True, False])
    )
    return counts.get_column("actor").head(n).to_list()
