"""The overview chart: actors x issues, each actor's latest stance named in its cell,
faded where it is only the last known one (gone stale, or the term in office ended)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from datetime import date
from typing import cast

import altair as alt
import polars as pl

from tracker.chart_style import (
    INK,
    MODEL_NAME,
    WIDTH,
    ExportError,
    Furniture,
    default_source,
    furnished,
    label_width,
    speaker,
    stance_labels,
    theme,
)
from tracker.charts import SCREEN, Width, as_of
from tracker.config import PositionsConfig
from tracker.series import Series


def overview_chart(
    series: Series,
    config: PositionsConfig,
    *,
    furniture: Furniture | None = None,
    pages: pl.DataFrame | None = None,
    furnish: bool = True,
    width: Width = WIDTH,
) -> alt.TopLevelMixin:
    """Actors x issues: each actor's latest stance, named in its cell; faded where it
    is only the last known one (gone stale, or the term in office ended)."""
    summary = series.summary.filter(pl.col("latest_stance").is_not_null())
    if summary.is_empty():
        raise ExportError("no positions yet: run `tracker run` on some pages first")
    issue_labels = {issue.id: issue.label for issue in config.issues}
    columns = [issue_labels[i.id] for i in config.issues]
    frame = (
        summary.join(
            stance_labels(config),
            left_on=["issue", "latest_stance"],
            right_on=["issue", "stance"],
            how="left",
        )
        .with_columns(
            speaker(config).alias("who"),
            pl.col("issue").replace_strict(issue_labels, return_dtype=pl.String).alias("question"),
            pl.col("last_seen").dt.strftime("%-d %b %Y").alias("last"),
            pl.when(pl.col("held_now"))
            .then(pl.lit("Current"))
            .otherwise(
                pl.format(
                    "Last known: not repeated since {} (stale, or out of office)",
                    pl.col("last_seen").dt.strftime("%-d %b %Y"),
                )
            )
            .alias("standing"),
        )
        .select(
            "who", "question", "label", "colour", "held_now", "n_observations", "last", "standing"
        )
    )
    rows = sorted(frame.get_column("who").unique().to_list())
    indent = label_width(rows)
    total = width if isinstance(width, int) else WIDTH
    # On a phone the columns are narrow: short lines; in an article, two lines.
    label_expr, depth = _wrapped_labels(columns, None if furnish else 11)
    cell = alt.Chart(frame).encode(
        x=alt.X(
            "question:N",
            sort=columns,
            scale=alt.Scale(domain=columns, paddingInner=0.06),
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelLimit=0,
                labelPadding=5 + 13 * (depth - 1),
                domain=False,
                ticks=False,
                labelExpr=label_expr,
            ),
        ),
        y=alt.Y(
            "who:N",
            sort=rows,
            title=None,
            scale=alt.Scale(paddingInner=0.12),
            axis=alt.Axis(labelLimit=indent - 8, minExtent=indent, maxExtent=indent),
        ),
    )
    rects = cell.mark_rect(cornerRadius=2).encode(
        color=alt.Color("colour:N", scale=None),
        opacity=alt.condition(alt.datum.held_now, alt.value(1.0), alt.value(0.35)),
        tooltip=[
            alt.Tooltip("who:N", title="Who"),
            alt.Tooltip("question:N", title="Issue"),
            alt.Tooltip("label:N", title="Latest stance"),
            alt.Tooltip("standing:N", title="Standing"),
            alt.Tooltip("n_observations:Q", title="Statements"),
            alt.Tooltip("last:N", title="Last statement"),
        ],
    )
    text = cell.mark_text(fontSize=10, limit=alt.expr("bandwidth('x') - 6")).encode(
        text="label:N",
        color=alt.condition(alt.datum.held_now, alt.value("white"), alt.value(INK)),
    )
    plot = total - indent - 10
    body = cast(
        alt.LayerChart,
        alt.layer(rects, text).properties(
            width=width if not furnish else plot, height=24 * len(rows)
        ),
    )
    if not furnish:
        return theme(body.properties(**SCREEN))
    last_day, first_day = as_of(series), series.observations.get_column("day").min()
    assert isinstance(last_day, date) and isinstance(first_day, date)  # the summary has rows
    defaults = Furniture(
        title="Where leaders stand",
        subtitle="Each leader's latest stance on the tracked questions, "
        f"as of {last_day:%-d %B %Y}.",
        source=default_source(
            series.observations.get_column("doc").to_list(), pages, first_day, last_day
        ),
        byline=f"Chart: {MODEL_NAME}",
    )
    key = "Faded: the last known stance, no longer current (stale, or out of office)."
    return furnished(body, (furniture or Furniture()).over(defaults), key, total, indent)


def _wrapped_labels(labels: Sequence[str], per_line: int | None) -> tuple[str, int]:
    """An axis labelExpr putting long labels on several lines (split in Python), and the
    most lines any label takes. `per_line` None: two lines of about half the label."""
    lines: dict[str, list[str]] = {
        label: textwrap.wrap(label, per_line or max(10, len(label) // 2 + 3)) for label in labels
    }
    deepest = max((len(parts) for parts in lines.values()), default=1)
    return f"{json.dumps(lines)}[datum.label] || datum.label", deepest
