"""The timeline charts: an issue's timeline (one compact row per actor) and an actor's
profile (one row per issue), each for the dashboard (fits its container) or furnished
for an article (640 px, title to byline; tracker/chart_style.py). The overview matrix
is in tracker/chart_overview.py.

A row shows the stance held as a bar in its colour, for as long as it is held (the bar
stops where the stance goes stale or the term in office ends), and each statement as a
dot: filled when it counts, hollow when it does not (the tooltip says why), a diamond
when an editor entered it. Every dot carries its quote, its post and its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import cast

import altair as alt
import polars as pl

from tracker.chart_style import (
    MODEL_NAME,
    WIDTH,
    ExportError,
    Furniture,
    default_source,
    furnished,
    label_scale,
    label_width,
    origin_words,
    speaker,
    stance_colour,
    stance_labels,
    theme,
    time_axis,
)
from tracker.config import Issue, PositionsConfig
from tracker.series import Series

ISO = "%Y-%m-%dT%H:%M:%SZ"
ROW = 26  # px per row
Width = int | str  # px, or "container" (the dashboard)
# On screen: the width fits the container, the height stays what the rows need; drawn as
# SVG so that its text is text (for readers' tools and for the browser tests).
SCREEN = {
    "autosize": alt.AutoSizeParams(type="fit-x", contains="padding"),
    "usermeta": {"embedOptions": {"renderer": "svg"}},
}


def _issue(config: PositionsConfig, issue_id: str) -> Issue:
    issue = config.issue_by_id.get(issue_id)
    if issue is None:
        raise ExportError(
            f"unknown issue {issue_id!r}: use one of {', '.join(sorted(config.issue_by_id))}"
        )
    return issue


def as_of(series: Series) -> date | None:
    """The data's last day: charts end there, never at today's date."""
    days = [
        value
        for value in (
            series.daily.get_column("day").max(),
            series.observations.get_column("day").max(),
        )
        if isinstance(value, date)
    ]
    return max(days) if days else None


def _between(
    frame: pl.DataFrame, column: str, start: date | None, end: date | None
) -> pl.DataFrame:
    if start:
        frame = frame.filter(pl.col(column).cast(pl.Date) >= start)
    if end:
        frame = frame.filter(pl.col(column).cast(pl.Date) <= end)
    return frame


def _capped(
    observations: pl.DataFrame, daily: pl.DataFrame, max_points: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """At most `max_points` observations, the newest, and the held days of the same
    window: the browser stays responsive and the spec small."""
    observations = observations.sort("time")
    if observations.height <= max_points:
        return observations, daily
    observations = observations.tail(max_points)
    first = observations.get_column("time").min()
    assert isinstance(first, datetime)
    return observations, daily.filter(pl.col("day") >= first.date())


def _segments(daily: pl.DataFrame, lane: pl.Expr, config: PositionsConfig) -> pl.DataFrame:
    """Runs of consecutive held days with one stance: a bar each, to the end of its
    last day."""
    if daily.is_empty():
        return pl.DataFrame()
    breaks = (
        (pl.col("stance") != pl.col("stance").shift(1))
        | (pl.col("day") != pl.col("day").shift(1) + timedelta(days=1))
    ).fill_null(True)
    labelled = daily.join(stance_labels(config), on=["issue", "stance"], how="left")
    return (
        labelled.sort("actor", "issue", "day")
        .with_columns(breaks.cum_sum().over("actor", "issue").alias("_segment"), lane.alias("lane"))
        .group_by("actor", "issue", "_segment", maintain_order=True)
        .agg(
            pl.col("lane").first(),
            pl.col("label").first(),
            pl.col("day").min().alias("first"),
            pl.col("day").max().alias("last"),
        )
        .select(
            "lane",
            "label",
            pl.col("first").cast(pl.Datetime("us")).dt.strftime(ISO).alias("start"),
            (pl.col("last").cast(pl.Datetime("us")) + timedelta(days=1))
            .dt.strftime(ISO)
            .alias("end"),
            pl.format(
                "{} to {}",
                pl.col("first").dt.strftime("%-d %b %Y"),
                pl.col("last").dt.strftime("%-d %b %Y"),
            ).alias("held"),
            pl.lit("held").alias("kind"),
        )
    )


def _points(observations: pl.DataFrame, lane: pl.Expr, config: PositionsConfig) -> pl.DataFrame:
    where = (
        pl.when(pl.col("url") != "")
        .then(pl.col("url"))
        .when(pl.col("doc") != "")
        .then(pl.col("doc"))
        .otherwise(pl.lit("positions.yaml"))
    )
    return observations.join(stance_labels(config), on=["issue", "stance"], how="left").select(
        lane.alias("lane"),
        "label",
        pl.col("time").dt.strftime(ISO).alias("time"),
        pl.col("time").dt.strftime("%-d %b %Y, %H:%M UTC").alias("when"),
        pl.col("evidence").str.slice(0, 240).alias("quote"),
        "headline",
        where.alias("page"),
        origin_words(pl.col("source"), pl.col("confidence")).alias("origin"),
        (pl.col("status") == "counted").alias("counted"),
        pl.when(pl.col("status") == "counted")
        .then(pl.lit("Counted"))
        .otherwise(pl.col("status_note"))
        .alias("why"),
        (pl.col("source") == "editor").alias("editor"),
        "position_id",
        pl.lit("said").alias("kind"),
    )


def _extent(
    observations: pl.DataFrame,
    daily: pl.DataFrame,
    start: date | None,
    end: date | None,
    last_day: date | None,
) -> tuple[datetime, datetime]:
    days = [
        value
        for frame, column in ((observations, "day"), (daily, "day"))
        for value in (frame.get_column(column).min(), frame.get_column(column).max())
        if isinstance(value, date)
    ]
    first = start or min(days)
    last = min(end, last_day) if end and last_day else (end or last_day or max(days))
    low = datetime.combine(first, time(), UTC)
    high = datetime.combine(last, time(), UTC) + timedelta(days=1)
    pad = max((high - low) * 0.02, timedelta(hours=12))
    return low - pad, high + pad


def _lanes(
    table: pl.DataFrame,
    lanes: Sequence[str],
    colour: alt.Scale,
    extent: tuple[datetime, datetime],
    width: Width,
    plot_width: int,
    legend_columns: int,
    indent: int,
) -> alt.LayerChart:
    """Track, held bars and statement dots of each lane, one compact row per lane."""
    domain = [moment.strftime(ISO) for moment in extent]
    x_scale = alt.Scale(type="utc", domain=domain)
    axis = time_axis(extent[0], extent[1], plot_width)
    y = alt.Y(
        "lane:N",
        sort=list(lanes),
        title=None,
        scale=alt.Scale(domain=list(lanes), paddingInner=0.3, paddingOuter=0.2),
        # A fixed label column: the text below the chart lines up with its left edge.
        axis=alt.Axis(labelLimit=indent - 8, labelFontSize=11, minExtent=indent, maxExtent=indent),
    )
    legend = alt.Legend(
        title=None, orient="top", direction="horizontal", columns=legend_columns, labelLimit=220
    )
    base = alt.Chart()
    track = (
        base.transform_filter(alt.datum.kind == "track")
        .mark_rule(color="#e6e6e6", strokeWidth=1)
        .encode(x=alt.X("start:T", scale=x_scale, axis=axis), x2="end:T", y=y)
    )
    bars = (
        base.transform_filter(alt.datum.kind == "held")
        .mark_bar(height=7, cornerRadius=2, opacity=0.9)
        .encode(
            x=alt.X("start:T", scale=x_scale, axis=axis),
            x2="end:T",
            y=y,
            color=alt.Color("label:N", scale=colour, legend=legend),
            tooltip=[
                alt.Tooltip("lane:N", title="Row"),
                alt.Tooltip("label:N", title="Stance held"),
                alt.Tooltip("held:N", title="Held"),
            ],
        )
    )
    tooltip = [
        alt.Tooltip("lane:N", title="Row"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("label:N", title="Stance"),
        alt.Tooltip("quote:N", title="Quote"),
        alt.Tooltip("headline:N", title="Post"),
        alt.Tooltip("page:N", title="Source"),
        alt.Tooltip("origin:N", title="How"),
        alt.Tooltip("why:N", title="Counted?"),
    ]
    shape = alt.Shape(
        "editor:N", scale=alt.Scale(domain=[False, True], range=["circle", "diamond"]), legend=None
    )
    said = base.transform_filter(alt.datum.kind == "said")
    counted = (
        said.transform_filter(alt.datum.counted)
        .mark_point(filled=True, size=46, stroke="white", strokeWidth=0.8, opacity=1)
        .encode(
            x=alt.X("time:T", scale=x_scale, axis=axis),
            y=y,
            color=alt.Color("label:N", scale=colour, legend=legend),
            shape=shape,
            tooltip=tooltip,
        )
    )
    hollow = (
        said.transform_filter(~alt.datum.counted)
        .mark_point(filled=False, size=40, strokeWidth=1.6, fill="white", opacity=1)
        .encode(
            x=alt.X("time:T", scale=x_scale, axis=axis),
            y=y,
            stroke=alt.Stroke("label:N", scale=colour, legend=None),
            shape=shape,
            tooltip=tooltip,
        )
    )
    height = ROW * max(1, len(lanes))
    layered = alt.layer(track, bars, hollow, counted, data=table)
    return cast(alt.LayerChart, layered.properties(width=width, height=height))


def _table(
    segments: pl.DataFrame, points: pl.DataFrame, lanes: Sequence[str], extent: tuple
) -> pl.DataFrame:
    tracks = pl.DataFrame(
        {
            "lane": list(lanes),
            "start": extent[0].strftime(ISO),
            "end": extent[1].strftime(ISO),
            "kind": "track",
        }
    )
    frames = [frame for frame in (tracks, segments, points) if not frame.is_empty()]
    return pl.concat(frames, how="diagonal_relaxed")


def _latest_first(daily: pl.DataFrame, observations: pl.DataFrame, lane: str) -> list[str]:
    """Lanes ordered by the stance held last (top of the scale first), then by how
    often the actor was quoted, then by name."""
    latest = daily.sort("day").group_by(lane).agg(pl.col("score").last().alias("score"))
    counts = observations.group_by(lane).agg(pl.len().alias("n"))
    order = (
        counts.join(latest, on=lane, how="full", coalesce=True)
        .with_columns(pl.col("score").fill_null(-9.0), pl.col("n").fill_null(0))
        .sort(["score", "n", lane], descending=[True, True, False])
    )
    return order.get_column(lane).to_list()


def _view(
    observations: pl.DataFrame, daily: pl.DataFrame, config: PositionsConfig
) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (
        observations.with_columns(speaker(config).alias("who")),
        daily.with_columns(speaker(config).alias("who")),
    )


def issue_timeline_chart(
    series: Series,
    config: PositionsConfig,
    issue_id: str,
    *,
    actors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    max_points: int = 1500,
    furniture: Furniture | None = None,
    pages: pl.DataFrame | None = None,
    furnish: bool = True,
    width: Width = WIDTH,
) -> alt.TopLevelMixin:
    """Who stood where on one issue over time: a row per actor. `pages`: (doc, url,
    source_format) for the source line; `furnish=False` draws the chart alone, to fit
    its container (the dashboard shows the text around it)."""
    issue = _issue(config, issue_id)
    chosen = pl.col("issue") == issue_id
    if actors:
        chosen = chosen & pl.col("actor").is_in(list(actors))
    observations, daily = _capped(
        _between(series.observations.filter(chosen), "time", start, end),
        _between(series.daily.filter(chosen), "day", start, end),
        max_points,
    )
    if observations.is_empty() and daily.is_empty():
        raise ExportError(f"no positions on {issue_id} for the actors and dates chosen")
    observations, daily = _view(observations, daily, config)
    lanes = _latest_first(daily, observations, "who")
    extent = _extent(observations, daily, start, end, as_of(series))
    table = _table(
        _segments(daily, pl.col("who"), config),
        _points(observations, pl.col("who"), config),
        lanes,
        extent,
    )
    key = (
        f"Bar: stance held, up to {issue.stale_after_days} days after a statement · "
        "● statement · ○ not counted · ◆ editor's entry"
    )
    defaults = Furniture(
        title=f"{issue.label}: who stands where",
        subtitle=issue.question,
        source=_source(observations, pages, extent),
        byline=f"Chart: {MODEL_NAME}",
    )
    return _finish(
        table,
        lanes,
        label_scale(config, [issue_id]),
        extent,
        furniture,
        defaults,
        key,
        furnish,
        width,
    )


def _source(observations: pl.DataFrame, pages: pl.DataFrame | None, extent: tuple) -> str:
    pad = (extent[1] - extent[0]) * 0.02 / 1.04
    first, last = (extent[0] + pad).date(), (extent[1] - pad - timedelta(days=1)).date()
    return default_source(observations.get_column("doc").to_list(), pages, first, last)


def _finish(
    table: pl.DataFrame,
    lanes: Sequence[str],
    colour: alt.Scale,
    extent: tuple[datetime, datetime],
    furniture: Furniture | None,
    defaults: Furniture,
    key: str,
    furnish: bool,
    width: Width,
) -> alt.TopLevelMixin:
    indent = label_width(lanes)
    entries = len(colour.domain) if isinstance(colour.domain, list) else 3
    if not furnish:
        body = _lanes(table, lanes, colour, extent, width, 360, 1, indent)
        return theme(body.properties(**SCREEN))
    total = width if isinstance(width, int) else WIDTH
    plot = total - indent - 10
    body = _lanes(table, lanes, colour, extent, plot, plot, min(entries, 3), indent)
    return furnished(body, (furniture or Furniture()).over(defaults), key, total, indent)


def stance_timeline_chart(
    series: Series,
    issue: str,
    actors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    config: PositionsConfig | None = None,
) -> alt.TopLevelMixin:
    """The issue timeline, with positions.yaml read from its default place unless given."""
    from tracker.config import DEFAULT_POSITIONS, read_positions

    return issue_timeline_chart(
        series,
        config or read_positions(DEFAULT_POSITIONS),
        issue,
        actors=actors,
        start=start,
        end=end,
    )


def actor_profile_chart(
    series: Series,
    config: PositionsConfig,
    actor_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    max_points: int = 1500,
    furniture: Furniture | None = None,
    pages: pl.DataFrame | None = None,
    furnish: bool = True,
    width: Width = WIDTH,
) -> alt.TopLevelMixin:
    """One actor on every issue they spoke on: a row per issue, one shared time axis."""
    chosen = pl.col("actor") == actor_id
    observations, daily = _capped(
        _between(series.observations.filter(chosen), "time", start, end),
        _between(series.daily.filter(chosen), "day", start, end),
        max_points,
    )
    seen = set(observations.get_column("issue")) | set(daily.get_column("issue"))
    issue_ids = [issue.id for issue in config.issues if issue.id in seen]
    if not issue_ids:
        raise ExportError(f"no positions of {actor_id} for the dates chosen")
    labels = {issue.id: issue.label for issue in config.issues}
    lane = pl.col("issue").replace_strict(labels, return_dtype=pl.String)
    lanes = [labels[issue_id] for issue_id in issue_ids]
    extent = _extent(observations, daily, start, end, as_of(series))
    table = _table(
        _segments(daily, lane, config), _points(observations, lane, config), lanes, extent
    )
    limits = sorted({config.issue_by_id[i].stale_after_days for i in issue_ids})
    days = f"{limits[0]}" if len(limits) == 1 else f"{limits[0]}-{limits[-1]}"
    key = (
        f"Bar: stance held, up to {days} days after a statement · ● statement · "
        "○ not counted · ◆ editor's entry"
    )
    name = (
        config.actor_by_id[actor_id].name
        if actor_id in config.actor_by_id
        else (actor_id.replace("_", " ").title())
    )
    defaults = Furniture(
        title=f"{name}: positions on the tracked issues",
        subtitle="Each row is one question; the bar is the stance held at the time.",
        source=_source(observations, pages, extent),
        byline=f"Chart: {MODEL_NAME}",
    )
    return _finish(
        table,
        lanes,
        label_scale(config, issue_ids),
        extent,
        furniture,
        defaults,
        key,
        furnish,
        width,
    )


__all__ = [
    "actor_profile_chart",
    "as_of",
    "issue_timeline_chart",
    "stance_colour",
    "stance_timeline_chart",
]
