"""The look shared by every chart: palette, chart furniture, reader language, time axis.

Furniture follows the newsroom convention (Datawrapper, the FT): a title that says what
the chart shows, a description under it, then the chart, then a one-line key, notes,
the source line (outlets and period) and the byline. Text is wrapped in Python so that
it fits the width drawn at; a stance has the same colour everywhere: its place on the
issue's scale decides it (Okabe-Ito, safe for the common colour-vision deficiencies).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from urllib.parse import urlparse

import altair as alt
import polars as pl

from tracker.config import Issue, PositionsConfig
from tracker.errors import TrackerError

WIDTH = 640  # article width, px
FONT = "Helvetica, Arial, sans-serif"
INK, MUTED, FAINT = "#222222", "#555555", "#dddddd"
# Blue for the top of a scale (support, ceasefire now), vermillion for the bottom
# (oppose, reject), grey between; half-way scores get the lighter Okabe-Ito hue.
SCORE_COLOURS = {1.0: "#0072B2", 0.5: "#56B4E9", 0.0: "#999999", -0.5: "#E69F00", -1.0: "#D55E00"}
MODEL_NAME = "stance-tracker"
# Outlets named from their web address; anything else is named by its host.
OUTLETS = {
    "bbc.co.uk": "BBC",
    "bbc.com": "BBC",
    "independent.co.uk": "The Independent",
    "theguardian.com": "The Guardian",
    "reuters.com": "Reuters",
    "apnews.com": "AP",
    "ft.com": "Financial Times",
    "nytimes.com": "The New York Times",
    "politico.eu": "Politico Europe",
    "kyivindependent.com": "The Kyiv Independent",
}
# Page layouts the ingest recognises, for pages whose URL is unknown.
LAYOUT_OUTLETS = {
    "bbc": "BBC",
    "bbc_classic": "BBC",
    "bbc_new": "BBC",
    "independent": "The Independent",
}


class ExportError(TrackerError):
    """A chart cannot be made or saved as asked."""


@dataclass(frozen=True)
class Furniture:
    """The text around a chart. Empty fields get the chart's defaults."""

    title: str = ""
    subtitle: str = ""
    note: str = ""
    source: str = ""
    byline: str = ""

    def over(self, defaults: Furniture) -> Furniture:
        """These fields where given, `defaults` elsewhere."""
        return replace(
            defaults,
            **{name: value for name, value in vars(self).items() if value and value.strip()},
        )


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


def stance_label(issue: Issue, stance_id: str) -> str:
    """The reader's words for a stance ("Ceasefire now"), from positions.yaml."""
    stance = next((s for s in issue.stances if s.id == stance_id), None)
    if stance is None:
        return stance_id.replace("_", " ").capitalize()
    return stance.label or stance.id.replace("_", " ").capitalize()


def label_scale(config: PositionsConfig, issue_ids: Iterable[str]) -> alt.Scale:
    """Colour scale over stance labels of `issue_ids`, in scale order: every stance of
    those issues is in the legend, drawn or not."""
    domain: list[str] = []
    colours: list[str] = []
    for issue_id in issue_ids:
        issue = config.issue_by_id[issue_id]
        for stance in issue.stances:
            label = stance_label(issue, stance.id)
            if label not in domain:
                domain.append(label)
                colours.append(stance_colour(stance.score))
    return alt.Scale(domain=domain, range=colours)


def stance_labels(config: PositionsConfig) -> pl.DataFrame:
    """(issue, stance, label, colour) for every stance of positions.yaml."""
    return pl.DataFrame(
        [
            (issue.id, stance.id, stance_label(issue, stance.id), stance_colour(stance.score))
            for issue in config.issues
            for stance in issue.stances
        ],
        schema={"issue": pl.String, "stance": pl.String, "label": pl.String, "colour": pl.String},
        orient="row",
    )


def display_names(config: PositionsConfig) -> dict[str, str]:
    return {actor.id: actor.name for actor in config.actors}


def speaker(config: PositionsConfig, column: str = "actor") -> pl.Expr:
    """Display name; discovered speakers (not in positions.yaml) from their id."""
    return (
        pl.col(column)
        .replace_strict(display_names(config), default=None, return_dtype=pl.String)
        .fill_null(pl.col(column).str.replace_all("_", " ").str.to_titlecase())
    )


def origin_words(source: pl.Expr, confidence: pl.Expr) -> pl.Expr:
    """Where an observation came from, as a reader would say it."""
    return (
        pl.when(source == "editor")
        .then(pl.lit("Entered by an editor"))
        .otherwise(pl.format("Read from the report (confidence {})", confidence.round(2)))
    )


def outlet_of(url: str) -> str:
    host = (urlparse(url).hostname or "").lower().removeprefix("www.")
    for domain, name in OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host


def outlets(docs: Iterable[str], pages: pl.DataFrame | None) -> list[str]:
    """The outlets behind `docs`: from page URLs, else the page layout, else the file
    names. `pages`: (doc, url, source_format) rows, or None."""
    wanted = sorted({doc for doc in docs if doc})
    chosen = set(wanted)  # tested once per page: a list would cost pages x docs
    known: dict[str, str] = {}
    if pages is not None and not pages.is_empty():
        for doc, url, layout in pages.select("doc", "url", "source_format").unique().rows():
            if doc in chosen and doc not in known:
                name = outlet_of(url) if url else LAYOUT_OUTLETS.get(layout or "", "")
                if name:
                    known[doc] = name
    named = sorted(set(known.values()))
    unnamed = [doc for doc in wanted if doc not in known]
    if len(unnamed) > 2:
        named.append(f"{len(unnamed)} other pages" if named else f"{len(unnamed)} pages")
    else:
        named.extend(unnamed)
    return named


def join_names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def period_text(first: date, last: date) -> str:
    if first == last:
        return f"{last:%-d %B %Y}"
    return f"{first:%-d %b %Y} to {last:%-d %b %Y}"


def default_source(docs: Iterable[str], pages: pl.DataFrame | None, first: date, last: date) -> str:
    names = outlets(docs, pages)
    where = join_names(names) if names else "positions entered by editors"
    return f"Source: {where}, {period_text(first, last)}. Positions read by {MODEL_NAME}."


def wrap(text: str, width_px: int, font_px: float) -> list[str]:
    """Lines of `text` that fit `width_px` at `font_px` (average glyph ~0.55 em)."""
    if not text.strip():
        return []
    per_line = max(20, int(width_px / (font_px * 0.55)))
    lines: list[str] = []
    for paragraph in text.splitlines():
        lines.extend(textwrap.wrap(paragraph, per_line) or [""])
    return lines


def time_axis(first: datetime, last: datetime, width: int) -> alt.Axis:
    """An x-axis whose labels always carry the four-digit year."""
    span = last - first
    ticks = max(2, width // 110)
    if span >= timedelta(days=2 * 365):
        return alt.Axis(title=None, format="%Y", tickCount="year", grid=False, labelFlush=True)
    if span >= timedelta(days=60):
        return alt.Axis(title=None, format="%b %Y", tickCount=ticks, grid=False, labelFlush=True)
    return alt.Axis(title=None, format="%-d %b %Y", tickCount=ticks, grid=False, labelFlush=True)


def theme(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_title(
            fontSize=20,
            fontWeight="bold",
            anchor="start",
            color=INK,
            subtitleFontSize=13,
            subtitleColor=MUTED,
            offset=10,
            subtitlePadding=6,
        )
        .configure_axis(labelFontSize=11, labelColor=MUTED, titleFontSize=12, grid=False)
        .configure_axisY(domain=False, ticks=False, labelPadding=6, labelColor=INK)
        .configure_legend(
            labelFontSize=11, titleFontSize=11, symbolType="square", labelColor=INK, padding=4
        )
        .configure_view(stroke=None)
    )


def furnished(
    body: alt.LayerChart,
    furniture: Furniture,
    key: str,
    width: int,
    indent: int,
) -> alt.TopLevelMixin:
    """`body` with the title and description above it, and the key, note, source and
    byline below it, each wrapped to `width`. `indent`: how far the body's labels reach
    left of its plot, so that the text lines up with the chart's left edge."""
    footer_lines = [
        *((line, "key") for line in wrap(key, width, 11)),
        *((line, "note") for line in wrap(furniture.note, width, 11)),
        *((line, "source") for line in wrap(furniture.source, width, 11)),
        *((line, "byline") for line in wrap(furniture.byline, width, 11)),
    ]
    footer = (
        alt.Chart(
            pl.DataFrame(
                {
                    "i": list(range(len(footer_lines))),
                    "line": [line for line, _ in footer_lines],
                    "kind": [kind for _, kind in footer_lines],
                }
            )
        )
        .mark_text(align="left", baseline="top", fontSize=11, dx=-indent)
        .encode(
            x=alt.value(0),
            y=alt.Y("i:O", axis=None),
            text="line:N",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=["key", "note", "source", "byline"], range=[INK, INK, MUTED, MUTED]
                ),
                legend=None,
            ),
        )
        .properties(height=15 * max(1, len(footer_lines)), width=max(10, width - indent))
    )
    title = alt.TitleParams(
        text=wrap(furniture.title, width, 20) or [""],
        subtitle=wrap(furniture.subtitle, width, 13),
        anchor="start",
        frame="bounds",
    )
    chart = alt.vconcat(body, footer, spacing=14).resolve_scale(color="independent")
    chart = chart.properties(
        title=title,
        usermeta={"furniture": vars(furniture), "key": key},
    )
    return theme(chart)


def label_width(names: Iterable[str], font_px: float = 11) -> int:
    """Pixels the longest of `names` takes as an axis label (capped)."""
    longest = max((len(name) for name in names), default=8)
    return min(150, int(longest * font_px * 0.58) + 12)
