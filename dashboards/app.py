"""The stance tracker dashboard. It only loads through `tracker` and draws.

Started by `tracker dashboard --data DIR`; the data directory and the positions file
come from the environment (TRACKER_DATA, TRACKER_POSITIONS).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import streamlit as st

from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.errors import TrackerError
from tracker.export import chart_bytes, issue_timeline_chart, overview_chart
from tracker.review import add_curated_position, mark_wrong
from tracker.series import series_from_data_dir
from tracker.views import (
    DashboardData,
    EvidenceFilter,
    data_version,
    filter_evidence,
    highlighted_body,
    latest_matrix,
    load_dashboard_data,
    post_of,
    shift_log,
)

PAGES = ["Overview", "Issue timeline", "Actor profile", "Shift log", "Evidence explorer", "Review"]
DATA_DIR = Path(os.environ.get("TRACKER_DATA", "data/demo"))
POSITIONS_PATH = Path(os.environ.get("TRACKER_POSITIONS", str(DEFAULT_POSITIONS)))

st.set_page_config(page_title="Stance tracker", layout="wide")


@st.cache_data(show_spinner="Loading the data directory...")
def load(data_dir: str, version: tuple[float, ...]) -> DashboardData:
    return load_dashboard_data(Path(data_dir))


@st.cache_data(show_spinner=False)
def export(spec: str, fmt: str) -> bytes:
    import altair as alt

    return chart_bytes(alt.Chart.from_json(spec), fmt)


def downloads(chart: object, name: str) -> None:
    spec = chart.to_json()  # type: ignore[attr-defined]
    columns = st.columns(3)
    for column, fmt, mime in zip(
        columns, ("png", "svg", "html"), ("image/png", "image/svg+xml", "text/html"), strict=True
    ):
        column.download_button(
            f"Download {fmt.upper()}",
            data=export(spec, fmt),
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{name}-{fmt}",
        )


def actor_label(config: PositionsConfig, actor_id: str) -> str:
    actor = config.actor_by_id.get(actor_id)
    return actor.name if actor else f"{actor_id} (new)"


def overview(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Where leaders stand")
    if data.series.summary.is_empty():
        st.info("No positions yet. Run `tracker run PAGES --out DIR` first.")
        return
    chart = overview_chart(data.series, config)
    st.altair_chart(chart, use_container_width=False, theme=None)
    downloads(chart, "overview")
    st.subheader("Latest stance, statements and last date")
    st.dataframe(latest_matrix(data.series), use_container_width=True, hide_index=True)


def issue_timeline(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Issue timeline")
    issues = [i.id for i in config.issues]
    with_data = set(data.series.observations.get_column("issue").unique().to_list())
    first = next((n for n, i in enumerate(issues) if i in with_data), 0)
    issue = st.selectbox(
        "Issue", issues, index=first, format_func=lambda i: config.issue_by_id[i].label
    )
    present = data.series.observations.filter(data.series.observations["issue"] == issue)
    actors = sorted(present.get_column("actor").unique().to_list())
    chosen = st.multiselect(
        "Actors", actors, default=actors[:6], format_func=lambda a: actor_label(config, a)
    )
    if not chosen:
        st.info("Choose at least one actor.")
        return
    chart = issue_timeline_chart(data.series, config, issue, actors=chosen)
    st.altair_chart(chart, use_container_width=False, theme=None)
    downloads(chart, f"timeline-{issue}")


def actor_profile(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Actor profile")
    actors = sorted(data.series.summary.get_column("actor").unique().to_list())
    if not actors:
        st.info("No positions yet.")
        return
    actor = st.selectbox("Actor", actors, format_func=lambda a: actor_label(config, a))
    summary = data.series.summary.filter(data.series.summary["actor"] == actor)
    st.dataframe(summary, use_container_width=True, hide_index=True)
    for issue in summary.get_column("issue").to_list():
        chart = issue_timeline_chart(data.series, config, issue, actors=[actor])
        st.altair_chart(chart, use_container_width=False, theme=None)
    st.subheader("Shifts")
    st.dataframe(shift_log(data.series, actor=actor), use_container_width=True, hide_index=True)


def shifts_page(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Shift log")
    log = shift_log(data.series)
    st.caption(f"{log.height} shifts, newest first. A reversal returns to an earlier stance.")
    st.dataframe(log, use_container_width=True, hide_index=True)


def evidence(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Evidence explorer")
    positions = data.positions
    left, middle, right = st.columns(3)
    actors = left.multiselect("Actor", sorted(positions.get_column("actor").unique().to_list()))
    issues = middle.multiselect("Issue", [i.id for i in config.issues])
    stances = right.multiselect("Stance", sorted({s.id for i in config.issues for s in i.stances}))
    left, middle, right = st.columns(3)
    first = positions.get_column("post_time").min()
    last = positions.get_column("post_time").max()
    start = left.date_input("From", value=first.date() if first else date(2022, 1, 1))
    end = middle.date_input("To", value=last.date() if last else date.today())
    min_confidence = right.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05)
    text = st.text_input("Search quotes and headlines")
    chosen = EvidenceFilter(
        actors=tuple(actors),
        issues=tuple(issues),
        stances=tuple(stances),
        start=start if isinstance(start, date) else None,
        end=end if isinstance(end, date) else None,
        min_confidence=min_confidence,
        text=text,
    )
    rows = filter_evidence(positions, chosen)
    st.caption(f"{rows.height} positions match.")
    st.dataframe(
        rows.select(
            "position_id",
            "post_time",
            "actor",
            "issue",
            "stance",
            "confidence",
            "evidence",
            "headline",
            "doc",
        ),
        use_container_width=True,
        hide_index=True,
    )
    if rows.height:
        picked = st.selectbox("Show the post of", rows.get_column("position_id").to_list())
        row = rows.filter(rows["position_id"] == picked).row(0, named=True)
        post = post_of(data.posts, row["post_id"])
        if post:
            st.markdown(
                f"**{post['headline']}** ({post['doc']}, {post['post_time']:%Y-%m-%d %H:%M} UTC)"
            )
            st.markdown(
                highlighted_body(str(post["body"]), row["start"], row["end"]),
                unsafe_allow_html=True,  # escaped by highlighted_body: only <mark> is markup
            )


def review(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Review")
    st.caption(
        f"Decisions are written to {POSITIONS_PATH} (comments kept, backup beside it) "
        "and the series are rebuilt."
    )
    with st.form("curate"):
        st.subheader("Record a curated position")
        actor = st.selectbox(
            "Actor", [a.id for a in config.actors], format_func=lambda a: actor_label(config, a)
        )
        issue = st.selectbox("Issue", [i.id for i in config.issues])
        stance = st.selectbox("Stance", sorted({s.id for i in config.issues for s in i.stances}))
        day = st.date_input("Date", value=date.today())
        source = st.text_input("Source URL")
        quote = st.text_input("Quote")
        note = st.text_input("Note")
        if st.form_submit_button("Save curated position"):
            try:
                updated = add_curated_position(
                    POSITIONS_PATH,
                    actor=actor,
                    issue=issue,
                    day=day,
                    stance=stance,
                    source=source,
                    quote=quote,
                    note=note,
                )
                series_from_data_dir(DATA_DIR, updated)
                st.cache_data.clear()
                st.success(f"Saved: {actor} {issue} {stance} on {day}.")
            except TrackerError as error:
                st.error(str(error))
    with st.form("wrong"):
        st.subheader("Mark a model label wrong")
        ids = data.positions.get_column("position_id").to_list()
        position_id = st.selectbox("Position id", ids)
        note = st.text_input("Why is it wrong?")
        if st.form_submit_button("Mark wrong"):
            try:
                updated = mark_wrong(POSITIONS_PATH, str(position_id), note)
                series_from_data_dir(DATA_DIR, updated)
                st.cache_data.clear()
                st.success(f"Marked {position_id} wrong; it no longer counts in the series.")
            except TrackerError as error:
                st.error(str(error))


def main() -> None:
    st.title("Stance tracker")
    # ?page=Shift+log opens a page directly (links from articles, browser tests).
    wanted = st.query_params.get("page", PAGES[0])
    page = st.sidebar.radio("Page", PAGES, index=PAGES.index(wanted) if wanted in PAGES else 0)
    st.sidebar.caption(f"Data: {DATA_DIR}")
    try:
        config = read_positions(POSITIONS_PATH)
        data = load(str(DATA_DIR), data_version(DATA_DIR))
    except TrackerError as error:
        st.error(str(error))
        return
    pages = {
        "Overview": overview,
        "Issue timeline": issue_timeline,
        "Actor profile": actor_profile,
        "Shift log": shifts_page,
        "Evidence explorer": evidence,
        "Review": review,
    }
    pages[page](data, config)


main()
