"""Charts for the dashboard and for articles (PNG, SVG, standalone HTML), one style.

Publication style: a title, a subtitle, a source line and a date stamp on every chart,
readable at article width (640 px), and a colour-blind-safe palette (Okabe-Ito) where
a stance has the same colour everywhere: its place on the issue's scale decides it.
Every point carries its evidence in the tooltip: quote, post headline, time, page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

import altair as alt
import polars as pl

from tracker.config import DEFAULT_POSITIONS, Issue, PositionsConfig, read_positions
from tracker.errors import TrackerError
from tracker.series import Series
from tracker.storage import atomic_write

WIDTH = 640
FONT = "Helvetica, Arial, sans-serif"
# Okabe-Ito colours, told apart with the common colour-vision deficiencies: blue for the
# top of a scale (support, unconditional), vermillion for the bottom (oppose, reject),
# grey between (undecided, conditional); half-way scores get the lighter Okabe-Ito hue.
SCORE_COLOURS = {1.0: "#0072B2", 0.5: "#56B4E9", 0.0: "#999999", -0.5: "#E69F00", -1.0: "#D55E00"}
OTHER_COLOUR = "#999999"
MODEL_NAME = "stance-tracker"


class ExportError(TrackerError):
    """A chart cannot be made or saved as asked."""


def stance_colour(score: float) -> str:
    """The colour of a place on a stance scale: the nearest of SCORE_COLOURS."""
    nearest = min(SCORE_COLOURS, key=lambda known: abs(known - score))
    return SCORE_COLOURS[nearest]


def stance_scale(config: PositionsConfig, issue_ids: Sequence[str] | None = None) -> alt.Scale:
    """Colour scale over stance ids: the same stance, the same colour, in every chart."""
    domain: list[str] = []
    colours: list[str] = []
    for issue in config.issues:
        if issue_ids is not None and issue.id not in issue_ids:
            continue
        for stance in issue.stances:
            if stance.id not in domain:
                domain.append(stance.id)
                colours.append(stance_colour(stance.score))
    return alt.Scale(domain=domain, range=colours)


def _theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_title(
            fontSize=18, anchor="start", subtitleFontSize=12, subtitleColor="#444444", offset=12
        )
        .configure_axis(labelFontSize=11, titleFontSize=12, grid=False)
        .configure_legend(labelFontSize=11, titleFontSize=12, orient="bottom")
        .configure_view(stroke=None)
    )


def _title(title: str, subtitle: str, docs: Sequence[str], stamp: date | None) -> alt.TitleParams:
    pages = sorted(set(docs))
    sources = (
        ", ".join(pages) if len(pages) <= 2 else f"{len(pages)} live-blog pages"
    ) or "curated positions"
    lines = [
        subtitle,
        f"Source: {sources}, positions classified by {MODEL_NAME}.",
        f"As of {(stamp or date.today()).isoformat()}.",
    ]
    return alt.TitleParams(text=title, subtitle=[line for line in lines if line])


def display_names(config: PositionsConfig) -> dict[str, str]:
    return {actor.id: actor.name for actor in config.actors}


def _speaker(config: PositionsConfig) -> pl.Expr:
    """Display name; discovered speakers (not in positions.yaml) from their id."""
    return (
        pl.col("actor")
        .replace_strict(display_names(config), default=None)
        .fill_null(pl.col("actor").str.replace_all("_", " ").str.to_titlecase())
        .alias("speaker")
    )


def _filter_time(
    frame: pl.DataFrame, column: str, start: date | None, end: date | None
) -> pl.DataFrame:
    if start:
        frame = frame.filter(pl.col(column).cast(pl.Date) >= start)
    if end:
        frame = frame.filter(pl.col(column).cast(pl.Date) <= end)
    return frame


def _issue(config: PositionsConfig, issue_id: str) -> Issue:
    issue = config.issue_by_id.get(issue_id)
    if issue is None:
        raise ExportError(
            f"unknown issue {issue_id!r}: use one of {', '.join(sorted(config.issue_by_id))}"
        )
    return issue


def _stance_axis(issue: Issue) -> alt.Y:
    """Score on y, labelled with the issue's own stance names."""
    labels = {stance.score: stance.id for stance in issue.stances}
    label_expr = " : ".join(
        f"datum.value == {score:g} ? '{name}'" for score, name in labels.items()
    )
    return alt.Y(
        "score:Q",
        title=None,
        scale=alt.Scale(domain=[-1.2, 1.2]),
        axis=alt.Axis(values=sorted(labels), labelExpr=f"{label_expr} : ''"),
    )


def _timeline_table(
    observations: pl.DataFrame,
    daily: pl.DataFrame,
    shifts: pl.DataFrame,
    config: PositionsConfig,
    group: str,
) -> pl.DataFrame:
    """One table for every layer (a faceted layer chart needs its data at the top):
    kind "held" rows draw the step line, "observed" the points, "shift" the rules."""
    as_text = "%Y-%m-%dT%H:%M:%SZ"
    seen = observations.with_columns(
        _speaker(config),
        pl.col("time").dt.strftime("%Y-%m-%d %H:%M UTC").alias("when"),
        pl.col("evidence").str.slice(0, 240).alias("quote"),
        pl.when(pl.col("source") == "editor")
        .then(pl.lit("curated"))
        .otherwise(pl.lit("model"))
        .alias("origin"),
    ).select(
        group,
        "when",
        "score",
        "stance",
        "confidence",
        "quote",
        "headline",
        "doc",
        "origin",
        "position_id",
        pl.col("time").dt.strftime(as_text),
        pl.lit("observed").alias("kind"),
    )
    # The step line needs only the days the held stance changes, and the last day.
    held = (
        daily.with_columns(_speaker(config))
        .sort(group, "day")
        .filter(
            (pl.col("score") != pl.col("score").shift(1).over(group)).fill_null(True)
            | (pl.col("day") == pl.col("day").max().over(group))
        )
        .select(
            group,
            pl.col("day").cast(pl.Datetime("us")).dt.strftime(as_text).alias("time"),
            "score",
            pl.lit("held").alias("kind"),
        )
    )
    moved = shifts.with_columns(_speaker(config)).select(
        group,
        pl.col("to_time").dt.strftime(as_text).alias("time"),
        pl.col("to_time").dt.strftime("%Y-%m-%d %H:%M UTC").alias("when"),
        pl.format("{} -> {}", "from_stance", "to_stance").alias("change"),
        pl.lit("shift").alias("kind"),
    )
    return pl.concat([held, seen, moved], how="diagonal")


def _timeline_layers(
    config: PositionsConfig, issue: Issue, legend: Sequence[str]
) -> list[alt.Chart]:
    """Shift rules, the held-stance step line and the observation points of one issue;
    `legend` lists the issues whose stances the colour legend shows."""
    who = "speaker"
    base = alt.Chart()  # the data sits on the layer chart (a facet needs it there)
    y = _stance_axis(issue)
    x = alt.X("time:T", title=None)
    shift_rules = (
        base.transform_filter(alt.datum.kind == "shift")
        .mark_rule(color="#222222", strokeDash=[3, 3], strokeWidth=1)
        .encode(
            x=x,
            tooltip=[
                alt.Tooltip(f"{who}:N", title="Who"),
                alt.Tooltip("when:N", title="Shift on"),
                alt.Tooltip("change:N", title="Change"),
            ],
        )
    )
    line = (
        base.transform_filter(alt.datum.kind == "held")
        .mark_line(interpolate="step-after", color="#555555", strokeWidth=1.5)
        .encode(x=x, y=y)
    )
    points = (
        base.transform_filter(alt.datum.kind == "observed")
        .mark_point(filled=True, size=70, opacity=0.9, stroke="#333333", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            color=alt.Color("stance:N", scale=stance_scale(config, legend), title="Stance"),
            shape=alt.Shape(
                "origin:N",
                scale=alt.Scale(domain=["model", "curated"], range=["circle", "diamond"]),
                title="Position",
            ),
            tooltip=[
                alt.Tooltip(f"{who}:N", title="Who"),
                alt.Tooltip("when:N", title="When"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("confidence:Q", title="Confidence", format=".2f"),
                alt.Tooltip("quote:N", title="Quote"),
                alt.Tooltip("headline:N", title="Post"),
                alt.Tooltip("doc:N", title="Page"),
                alt.Tooltip("origin:N", title="Source"),
                alt.Tooltip("position_id:N", title="Id"),
            ],
        )
    )
    return [shift_rules, line, points]


def _docs(observations: pl.DataFrame) -> list[str]:
    return observations.filter(pl.col("doc") != "").get_column("doc").unique().to_list()


def issue_timeline_chart(
    series: Series,
    config: PositionsConfig,
    issue_id: str,
    *,
    actors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    max_points: int = 1500,
    stamp: date | None = None,
) -> alt.TopLevelMixin:
    """Each actor's held position on one issue over time (a step line), with a point per
    observation (curated ones as diamonds) carrying the quote and its source, and a
    dashed rule at each shift."""
    issue = _issue(config, issue_id)
    observations = series.observations.filter((pl.col("issue") == issue_id) & ~pl.col("superseded"))
    daily = series.daily.filter(pl.col("issue") == issue_id)
    shifts = series.shifts.filter(pl.col("issue") == issue_id)
    if actors:
        observations = observations.filter(pl.col("actor").is_in(list(actors)))
        daily = daily.filter(pl.col("actor").is_in(list(actors)))
        shifts = shifts.filter(pl.col("actor").is_in(list(actors)))
    observations, daily, shifts = _capped(
        _filter_time(observations, "time", start, end),
        _filter_time(daily, "day", start, end),
        _filter_time(shifts, "to_time", start, end),
        max_points,
    )
    if observations.is_empty() and daily.is_empty():
        raise ExportError(f"no positions on {issue_id} for the actors and dates chosen")
    n_actors = max(1, daily.get_column("actor").n_unique(), observations["actor"].n_unique())
    height = max(60, min(140, 420 // n_actors))
    table = _timeline_table(observations, daily, shifts, config, "speaker")
    chart = (
        alt.layer(*_timeline_layers(config, issue, [issue_id]), data=table)
        .properties(width=WIDTH - 140, height=height)
        .facet(
            row=alt.Row("speaker:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left"))
        )
        .properties(
            title=_title(
                f"{issue.label}: who stands where",
                issue.question,
                _docs(observations),
                stamp,
            )
        )
    )
    return _theme(chart)


def stance_timeline_chart(
    series: Series,
    issue: str,
    actors: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    config: PositionsConfig | None = None,
    *,
    stamp: date | None = None,
) -> alt.TopLevelMixin:
    """The issue timeline, with positions.yaml read from its default place unless given."""
    return issue_timeline_chart(
        series,
        config or read_positions(DEFAULT_POSITIONS),
        issue,
        actors=actors,
        start=start,
        end=end,
        stamp=stamp,
    )


def actor_profile_chart(
    series: Series,
    config: PositionsConfig,
    actor_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    max_points: int = 1500,
    stamp: date | None = None,
) -> alt.TopLevelMixin:
    """One actor on every issue they spoke on: a panel per issue, each on its own scale,
    with the actor's shifts as dashed rules."""
    observations = series.observations.filter((pl.col("actor") == actor_id) & ~pl.col("superseded"))
    observations, daily, shifts = _capped(
        _filter_time(observations, "time", start, end),
        _filter_time(series.daily.filter(pl.col("actor") == actor_id), "day", start, end),
        _filter_time(series.shifts.filter(pl.col("actor") == actor_id), "to_time", start, end),
        max_points,
    )
    issue_ids = [
        issue.id
        for issue in config.issues
        if issue.id in set(daily.get_column("issue").to_list())
        or issue.id in set(observations.get_column("issue").to_list())
    ]
    if not issue_ids:
        raise ExportError(f"no positions of {actor_id} for the dates chosen")
    # One shared time axis, so that panels line up and a shift reads across issues.
    first, last = _time_extent(observations, daily)
    panels = []
    for issue_id in issue_ids:
        issue = config.issue_by_id[issue_id]
        table = _timeline_table(
            observations.filter(pl.col("issue") == issue_id),
            daily.filter(pl.col("issue") == issue_id),
            shifts.filter(pl.col("issue") == issue_id),
            config,
            "speaker",
        )
        x = alt.X("time:T", title=None, scale=alt.Scale(domain=[first, last]))
        layers = [layer.encode(x=x) for layer in _timeline_layers(config, issue, issue_ids)]
        panels.append(
            alt.layer(*layers, data=table).properties(
                width=WIDTH - 140,
                height=90,
                title=alt.TitleParams(issue.label, fontSize=13, anchor="start"),
            )
        )
    name = display_names(config).get(actor_id, actor_id.replace("_", " ").title())
    chart = alt.vconcat(*panels, spacing=18).properties(
        title=_title(
            f"{name}: positions on the tracked issues",
            "Held position (line), statements (points), shifts (dashed rules).",
            _docs(observations),
            stamp,
        )
    )
    return _theme(chart)


def _capped(
    observations: pl.DataFrame, daily: pl.DataFrame, shifts: pl.DataFrame, max_points: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """At most `max_points` observations, the newest, and the line and shifts of the same
    window: the browser stays responsive and the spec stays under Altair's row limit."""
    observations = observations.sort("time")
    if observations.height <= max_points:
        return observations, daily, shifts
    observations = observations.tail(max_points)
    first = observations.get_column("time").min()
    assert isinstance(first, datetime)
    return (
        observations,
        daily.filter(pl.col("day") >= first.date()),
        shifts.filter(pl.col("to_time") >= first),
    )


def _time_extent(observations: pl.DataFrame, daily: pl.DataFrame) -> tuple[str, str]:
    times = pl.concat(
        [
            observations.select(pl.col("time").dt.replace_time_zone(None)),
            daily.select(pl.col("day").cast(pl.Datetime("us")).alias("time")),
        ]
    ).get_column("time")
    first, last = times.min(), times.max()
    assert isinstance(first, datetime) and isinstance(last, datetime)  # both frames non-empty
    pad = max((last - first) * 0.03, timedelta(hours=12))
    return (
        (first - pad).strftime("%Y-%m-%dT%H:%M:%SZ"),
        (last + pad).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def overview_chart(
    series: Series, config: PositionsConfig, *, stamp: date | None = None
) -> alt.TopLevelMixin:
    """Actors x issues: each actor's latest held stance, with the count and last date."""
    summary = series.summary
    if summary.is_empty():
        raise ExportError("no positions yet: run `tracker run` on some pages first")
    labels = {issue.id: issue.id.replace("_", " ") for issue in config.issues}
    frame = summary.with_columns(
        _speaker(config),
        pl.col("issue").replace_strict(labels, default=pl.col("issue")).alias("question"),
        pl.col("last_seen").dt.strftime("%Y-%m-%d").alias("last"),
        pl.col("first_seen").dt.strftime("%Y-%m-%d").alias("first"),
    ).select("speaker", "question", "latest_stance", "n_observations", "n_shifts", "last", "first")
    base = alt.Chart(frame).encode(
        x=alt.X(
            "question:N",
            title=None,
            axis=alt.Axis(labelAngle=-25, labelAlign="left", orient="top", labelLimit=150),
        ),
        y=alt.Y("speaker:N", title=None, sort="ascending"),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("latest_stance:N", scale=stance_scale(config), title="Latest stance"),
        tooltip=[
            alt.Tooltip("speaker:N", title="Who"),
            alt.Tooltip("question:N", title="Issue"),
            alt.Tooltip("latest_stance:N", title="Latest stance"),
            alt.Tooltip("n_observations:Q", title="Statements"),
            alt.Tooltip("n_shifts:Q", title="Shifts"),
            alt.Tooltip("first:N", title="First seen"),
            alt.Tooltip("last:N", title="Last seen"),
        ],
    )
    text = base.mark_text(fontSize=10, color="white").encode(text="n_observations:Q")
    rows = frame.get_column("speaker").n_unique()
    chart = alt.layer(cells, text).properties(
        width=WIDTH - 200,
        height=max(120, 22 * rows),
        title=_title(
            "Where leaders stand",
            "Latest held stance per actor and issue; the number is how many statements.",
            series.observations.filter(pl.col("doc") != "").get_column("doc").to_list(),
            stamp,
        ),
    )
    return _theme(chart)


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """The chart as PNG, SVG or standalone HTML (vega scripts inlined: works offline)."""
    if fmt == "html":
        import json

        class ScriptSafeJSON(json.JSONEncoder):
            """The spec sits inside a <script>: a quote's "</script>" or "<!--" must not
            end it. <, > and & only occur inside JSON strings, where \\u escapes mean
            the same characters to the script."""

            def encode(self, o: object) -> str:
                text = super().encode(o)
                return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

        buffer = io.StringIO()
        chart.save(buffer, format="html", inline=True, json_kwds={"cls": ScriptSafeJSON})
        return buffer.getvalue().encode("utf-8")
    import vl_convert

    spec = chart.to_json()
    if fmt == "png":
        return bytes(vl_convert.vegalite_to_png(spec, scale=2))
    if fmt == "svg":
        return str(vl_convert.vegalite_to_svg(spec)).encode("utf-8")
    raise ExportError(f"unknown chart format {fmt!r}: use png, svg or html")


def save_chart(chart: alt.TopLevelMixin, path: Path) -> Path:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"png", "svg", "html"}:
        raise ExportError(f"{path}: the file name must end in .png, .svg or .html")
    data = chart_bytes(chart, fmt)
    return atomic_write(path, lambda stream: stream.write(data))
