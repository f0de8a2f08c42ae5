"""What the dashboard's pages share: the data and positions.yaml, filters kept in the URL,
chart text and downloads, and the review actions on an evidence row or a shift card.

It only imports from `tracker` and draws. Third-party text (quotes, headlines, page
names, URLs) is shown with st.text, in tables, or through markdown_literal: never as
markdown of its own.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.errors import TrackerError
from tracker.export import Furniture, as_of, chart_bytes
from tracker.review import add_curated_position, mark_wrong
from tracker.series import series_from_data_dir
from tracker.views import DashboardData, data_version, load_dashboard_data, safe_link

MAX_POINTS = 1500  # points drawn per chart; the newest win
MAX_ROWS = 500  # table rows handed to the browser


def data_dir() -> Path:
    """The data directory (read on each run: `tracker dashboard` sets it)."""
    return Path(os.environ.get("TRACKER_DATA", "data"))


def positions_path() -> Path:
    return Path(os.environ.get("TRACKER_POSITIONS", str(DEFAULT_POSITIONS)))


T = TypeVar("T")


# cache_resource, not cache_data: the frames are shared as they are (polars frames are
# never changed in place), where cache_data would unpickle a copy of every row on each
# rerun (bench/bench_dashboard.py). A new run or a review changes `version`.
@st.cache_resource(show_spinner="Loading the data directory...", max_entries=2)
def load(folder: str, version: object) -> DashboardData:
    return load_dashboard_data(Path(folder))


def context() -> tuple[DashboardData, PositionsConfig] | None:
    """The data directory and positions.yaml, or None after showing why not."""
    try:
        config = read_positions(positions_path())
        data = load(str(data_dir()), data_version(data_dir()))
    except TrackerError as error:
        st.error(str(error))
        return None
    return data, config


def as_of_caption(data: DashboardData) -> None:
    last = as_of(data.series)
    pages = data.posts.get_column("doc").n_unique()
    if last:
        st.caption(f"Data up to {last:%-d %B %Y} (the last post), from {pages} pages.")


# ---- names ------------------------------------------------------------------------


def actor_label(config: PositionsConfig, actor_id: str) -> str:
    actor = config.actor_by_id.get(actor_id)
    return actor.name if actor else f"{actor_id.replace('_', ' ').title()} (new)"


def issue_label(config: PositionsConfig, issue_id: str) -> str:
    issue = config.issue_by_id.get(issue_id)
    return issue.label if issue else issue_id


def stance_text(config: PositionsConfig, issue_id: str, stance_id: str) -> str:
    issue = config.issue_by_id.get(issue_id)
    if issue is None:
        return stance_id
    stance = next((s for s in issue.stances if s.id == stance_id), None)
    return (stance.label or stance.id) if stance else stance_id


# ---- filters in the URL -----------------------------------------------------------


def remember(state_key: str, url_name: str, decode: Callable[[str], T | None], default: T) -> None:
    """Before a widget keyed `state_key` is drawn: its value from the URL's `url_name`
    when the page opens (a shared link reproduces the view), else `default`. The widget
    is then drawn without a default of its own."""
    if state_key in st.session_state:
        return
    raw = st.query_params.get(url_name)
    value = decode(raw) if raw is not None else None
    st.session_state[state_key] = default if value is None else value


def share(values: dict[str, str]) -> None:
    """After the widgets: write each filter into the URL ("" removes it)."""
    for name, text in values.items():
        if text:
            if st.query_params.get(name) != text:
                st.query_params[name] = text
        elif name in st.query_params:
            del st.query_params[name]


def one_of(options: Sequence[str]) -> Callable[[str], str | None]:
    return lambda raw: raw if raw in options else None


def some_of(options: Sequence[str]) -> Callable[[str], list[str] | None]:
    def decode(raw: str) -> list[str] | None:
        chosen = [item for item in raw.split(",") if item in options]
        return chosen or None

    return decode


def a_day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def day_text(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else ""


# ---- charts -----------------------------------------------------------------------


@st.cache_data(show_spinner=False)
def export(spec: str, fmt: str) -> bytes:
    import altair as alt

    return chart_bytes(alt.Chart.from_json(spec), fmt)


def furniture_inputs(key: str) -> Furniture:
    """The text of the downloaded chart; an empty field keeps the default."""
    with st.expander("Chart text for the downloads (title, description, note, source, byline)"):
        st.caption("Leave a field empty to keep the text shown.")
        fields = {
            name: st.text_input(name.capitalize(), key=f"{key}_{name}")
            for name in ("title", "subtitle", "note", "source", "byline")
        }
    return Furniture(**fields)


def chart_text(article: Any) -> dict[str, str]:
    """The furniture a furnished chart was drawn with (title ... byline, and key)."""
    meta = getattr(article, "usermeta", None) or {}
    return {**meta.get("furniture", {}), "key": meta.get("key", "")}


def show_chart(screen: Any, article: Any, name: str) -> None:
    """The chart as it fits the screen, its text around it, and the article version's
    downloads (PNG, SVG, HTML)."""
    text = chart_text(article)
    st.subheader(text.get("title", ""))
    if text.get("subtitle"):
        st.text(text["subtitle"])
    st.altair_chart(screen, width="stretch", theme=None)
    for line in ("key", "note", "source", "byline"):
        if text.get(line):
            st.text(text[line])
    downloads(article, name)


def downloads(chart: Any, name: str) -> None:
    spec = chart.to_json()
    columns = st.columns(3)
    for column, fmt, mime in zip(
        columns, ("png", "svg", "html"), ("image/png", "image/svg+xml", "text/html"), strict=True
    ):
        # Made on click, not on every render: a PNG of a large chart takes seconds.
        column.download_button(
            f"Download {fmt.upper()}",
            data=partial(export, spec, fmt),
            on_click="ignore",
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{name}-{fmt}",
        )


def source_link(url: object, doc: str, key: str) -> None:
    """The page: a link where its URL is known, its file name (as text) otherwise."""
    link = safe_link(url)
    if link:
        st.link_button("Open the source page", link, key=key)
    elif doc:
        st.text(f"Page: {doc}")
    else:
        st.text("Source: entered by an editor")


# ---- review -----------------------------------------------------------------------


def save_decision(write: Callable[[], PositionsConfig], message: Callable[[], str]) -> None:
    """Write one editor decision to positions.yaml, rebuild the series from it and say
    so; a refusal (invalid entry, concurrent edit) is shown instead."""
    try:
        series_from_data_dir(data_dir(), write())
    except TrackerError as error:
        st.error(str(error))
        return
    load.clear()
    st.success(message())


def review_actions(
    config: PositionsConfig,
    *,
    key: str,
    actor: str,
    issue: str,
    position_id: str,
    evidence: str,
    day: date,
    url: str = "",
) -> None:
    """ "Mark wrong" and "Curate" for one statement: the issue's own stances only, the
    statement's date by default; written to positions.yaml (comments kept, backup,
    validated) and the series rebuilt."""
    model = bool(position_id) and not position_id.startswith("editor-")
    left, right = st.columns(2)
    if model:
        with left.popover("Mark wrong", key=f"{key}-wrong-pop"), st.form(f"{key}-wrong"):
            note = st.text_input("Why is it wrong?", key=f"{key}-wrong-note")
            if st.form_submit_button("Mark this label wrong"):
                save_decision(
                    lambda: mark_wrong(
                        positions_path(), position_id, note, issue=issue, evidence=evidence
                    ),
                    lambda: f"Marked {position_id} wrong; it no longer counts.",
                )
    stance_ids = config.issue_by_id[issue].stance_ids if issue in config.issue_by_id else []
    with right.popover("Curate", key=f"{key}-curate-pop"), st.form(f"{key}-curate"):
        stance = st.selectbox(
            "Stance",
            stance_ids,
            format_func=lambda s: stance_text(config, issue, s),
            key=f"{key}-curate-stance",
        )
        when = st.date_input("Date", value=day, key=f"{key}-curate-day")
        source = st.text_input("Source URL", value=safe_link(url) or "", key=f"{key}-curate-url")
        quote = st.text_input("Quote", value=evidence[:500], key=f"{key}-curate-quote")
        note = st.text_input("Note", key=f"{key}-curate-note")
        if st.form_submit_button("Save curated position"):
            save_decision(
                lambda: add_curated_position(
                    positions_path(),
                    actor=actor,
                    issue=issue,
                    day=when if isinstance(when, date) else day,
                    stance=str(stance),
                    source=source,
                    quote=quote,
                    note=note,
                ),
                lambda: (
                    f"Saved: {actor_label(config, actor)}, "
                    f"{stance_text(config, issue, str(stance))}."
                ),
            )
