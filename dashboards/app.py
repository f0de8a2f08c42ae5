"""The stance tracker dashboard. It only loads through `tracker` and draws.

Started by `tracker dashboard --data DIR`; the data directory and the positions file
come from the environment (TRACKER_DATA, TRACKER_POSITIONS).
"""

from __future__ import annotations

import os
from datetime import date
from functools import partial
from pathlib import Path

import streamlit as st

from tracker.config import DEFAULT_POSITIONS, PositionsConfig, read_positions
from tracker.errors import TrackerError
from tracker.export import actor_profile_chart, chart_bytes, issue_timeline_chart, overview_chart
from tracker.review import add_curated_position, mark_wrong
from tracker.series import series_from_data_dir
from tracker.views import (
    DashboardData,
    EvidenceFilter,
    check_position_id,
    count_evidence,
    data_version,
    filter_evidence,
    filter_statements,
    highlighted_body,
    latest_matrix,
    load_dashboard_data,
    markdown_literal,
    post_of,
    shift_log,
)

PAGES = ["Overview", "Issue timeline", "Actor profile", "Shift log", "Evidence explorer", "Review"]
MAX_POINTS = 1500  # points drawn per chart; the newest win
MAX_ROWS = 500  # table rows handed to the browser
DATA_DIR = Path(os.environ.get("TRACKER_DATA", "data"))
POSITIONS_PATH = Path(os.environ.get("TRACKER_POSITIONS", str(DEFAULT_POSITIONS)))

st.set_page_config(page_title="Stance tracker", layout="wide")


# cache_resource, not cache_data: the frames are shared as they are (polars frames are
# never changed in place), where cache_data would unpickle a copy of every row on each
# rerun (bench/bench_dashboard.py). A new run or a review changes `version`.
@st.cache_resource(show_spinner="Loading the data directory...", max_entries=2)
def load(data_dir: str, version: object) -> DashboardData:
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
        # Made on click, not on every render: a PNG of a large chart takes seconds.
        column.download_button(
            f"Download {fmt.upper()}",
            data=partial(export, spec, fmt),
            on_click="ignore",
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"{name}-{fmt}",
        )


def actor_label(config: PositionsConfig, actor_id: str) -> str:
    actor = config.actor_by_id.get(actor_id)
    return actor.name if actor else f"{actor_id} (new)"


def go_to(page: str, target: str, chosen: str) -> None:
    """Button callback: open another page with its selector set to what is chosen now
    (callbacks run before the rerun, when widget state may still be written)."""
    st.session_state["page"] = page
    st.session_state[target] = st.session_state[chosen]


def overview(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Where leaders stand")
    if data.series.summary.is_empty():
        st.info("No positions yet. Run `tracker run PAGES --out DIR` first.")
        return
    chart = overview_chart(data.series, config)
    st.altair_chart(chart, width="content", theme=None)
    downloads(chart, "overview")
    st.subheader("Latest stance, statements and last date")
    st.dataframe(latest_matrix(data.series), width="stretch", hide_index=True)
    st.subheader("Drill in")
    left, right = st.columns(2)
    actors = sorted(data.series.summary.get_column("actor").unique().to_list())
    left.selectbox(
        "Actor", actors, key="overview_actor", format_func=lambda a: actor_label(config, a)
    )
    left.button(
        "Open actor profile",
        on_click=go_to,
        args=("Actor profile", "profile_actor", "overview_actor"),
    )
    issues = [i.id for i in config.issues]
    right.selectbox(
        "Issue",
        issues,
        key="overview_issue",
        format_func=lambda i: config.issue_by_id[i].label,
    )
    right.button(
        "Open issue timeline",
        on_click=go_to,
        args=("Issue timeline", "timeline_issue", "overview_issue"),
    )


def issue_timeline(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Issue timeline")
    issues = [i.id for i in config.issues]
    with_data = set(data.series.observations.get_column("issue").unique().to_list())
    if "timeline_issue" not in st.session_state:
        st.session_state["timeline_issue"] = next((i for i in issues if i in with_data), issues[0])
    issue = st.selectbox(
        "Issue",
        issues,
        key="timeline_issue",
        format_func=lambda i: config.issue_by_id[i].label,
    )
    present = data.series.observations.filter(data.series.observations["issue"] == issue)
    actors = sorted(present.get_column("actor").unique().to_list())
    chosen = st.multiselect(
        "Actors", actors, default=actors[:6], format_func=lambda a: actor_label(config, a)
    )
    start, end = date_range(present.get_column("time"), "timeline")
    if not chosen:
        st.info("Choose at least one actor.")
        return
    try:
        chart = issue_timeline_chart(
            data.series, config, issue, actors=chosen, start=start, end=end, max_points=MAX_POINTS
        )
    except TrackerError as error:
        st.info(str(error))
        return
    st.altair_chart(chart, width="content", theme=None)
    downloads(chart, f"timeline-{issue}")


def date_range(times: object, key: str) -> tuple[date | None, date | None]:
    """From/To inputs over the span of `times` (a polars datetime Series)."""
    first = times.min()  # type: ignore[attr-defined]
    last = times.max()  # type: ignore[attr-defined]
    left, right = st.columns(2)
    start = left.date_input(
        "From", value=first.date() if first else date(2022, 1, 1), key=f"{key}_from"
    )
    end = right.date_input("To", value=last.date() if last else date.today(), key=f"{key}_to")
    return (
        start if isinstance(start, date) else None,
        end if isinstance(end, date) else None,
    )


def actor_profile(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Actor profile")
    actors = sorted(data.series.summary.get_column("actor").unique().to_list())
    if not actors:
        st.info("No positions yet.")
        return
    if st.session_state.get("profile_actor") not in actors:
        st.session_state["profile_actor"] = actors[0]
    actor = st.selectbox(
        "Actor", actors, key="profile_actor", format_func=lambda a: actor_label(config, a)
    )
    summary = data.series.summary.filter(data.series.summary["actor"] == actor)
    st.dataframe(summary, width="stretch", hide_index=True)
    chart = actor_profile_chart(data.series, config, actor, max_points=MAX_POINTS)
    st.altair_chart(chart, width="content", theme=None)
    downloads(chart, f"profile-{actor}")
    st.subheader("Shifts")
    shift_cards(shift_log(data.series, actor=actor), config)


def shift_cards(log: object, config: PositionsConfig, shown: int = 20) -> None:
    """The newest shifts, each with the quote before and the quote after (as text)."""
    import polars as pl

    assert isinstance(log, pl.DataFrame)
    if log.is_empty():
        st.caption("No shifts.")
        return
    for row in log.head(shown).iter_rows(named=True):
        turn = "reversal" if row["is_reversal"] else "shift"
        with st.expander(
            f"{row['when']} - {actor_label(config, row['actor'])} on {row['issue']}: "
            f"{row['from_stance']} -> {row['to_stance']} ({turn})"
        ):
            before, after = st.columns(2)
            # Page names are third-party text: markdown_literal shows them as written.
            from_doc = markdown_literal(row["from_doc"] or "curated")
            to_doc = markdown_literal(row["to_doc"] or "curated")
            before.markdown(f"**Before** ({row['from_when']}, {from_doc})")
            before.text(row["from_evidence"])
            after.markdown(f"**After** ({row['when']}, {to_doc})")
            after.text(row["to_evidence"])


def shifts_page(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Shift log")
    left, right = st.columns(2)
    actors = sorted(data.series.shifts.get_column("actor").unique().to_list())
    actor = left.selectbox(
        "Actor", ["", *actors], format_func=lambda a: actor_label(config, a) if a else "Everyone"
    )
    issue = right.selectbox(
        "Issue",
        ["", *(i.id for i in config.issues)],
        format_func=lambda i: config.issue_by_id[i].label if i else "Every issue",
    )
    log = shift_log(data.series, actor=actor or None, issue=issue or None)
    st.caption(f"{log.height} shifts, newest first. A reversal returns to an earlier stance.")
    st.dataframe(
        log.select("when", "actor", "issue", "from_stance", "to_stance", "size", "is_reversal"),
        width="stretch",
        hide_index=True,
    )
    st.subheader("Before and after")
    shift_cards(log, config)


def evidence(data: DashboardData, config: PositionsConfig) -> None:
    st.header("Evidence explorer")
    positions = data.positions
    left, middle, right = st.columns(3)
    actors = left.multiselect("Actor", sorted(positions.get_column("actor").unique().to_list()))
    issues = middle.multiselect("Issue", [i.id for i in config.issues])
    stances = right.multiselect("Stance", sorted({s.id for i in config.issues for s in i.stances}))
    start, end = date_range(positions.get_column("post_time"), "evidence")
    min_confidence = st.slider("Minimum confidence", 0.0, 1.0, 0.0, 0.05)
    text = st.text_input("Search quotes and headlines")
    chosen = EvidenceFilter(
        actors=tuple(actors),
        issues=tuple(issues),
        stances=tuple(stances),
        start=start,
        end=end,
        min_confidence=min_confidence,
        text=text,
    )
    positions_tab, statements_tab = st.tabs(["Positions", "All attributed statements"])
    with positions_tab:
        rows = filter_evidence(positions, chosen, limit=MAX_ROWS)
        matched = count_evidence(positions, chosen) if rows.height == MAX_ROWS else rows.height
        shown = f" (newest {MAX_ROWS} shown)" if matched > rows.height else ""
        st.caption(f"{matched} positions match{shown}.")
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
            width="stretch",
            hide_index=True,
        )
        if rows.height:
            picked = st.selectbox("Show the post of", rows.get_column("position_id").to_list())
            row = rows.filter(rows["position_id"] == picked).row(0, named=True)
            post = post_of(data.posts, row["post_id"])
            if post:
                st.markdown(
                    f"**{markdown_literal(str(post['headline']))}** "
                    f"({markdown_literal(str(post['doc']))}, "
                    f"{post['post_time']:%Y-%m-%d %H:%M} UTC)",
                    unsafe_allow_html=True,  # escaped: a headline never renders as markup
                )
                st.markdown(
                    highlighted_body(str(post["body"]), row["start"], row["end"]),
                    unsafe_allow_html=True,  # escaped by highlighted_body: only <mark> is markup
                )
    with statements_tab:
        said = filter_statements(data.statements, chosen, limit=MAX_ROWS)
        st.caption(
            f"{said.height} statements shown (actor, date and text filters apply; "
            "new speakers not yet in positions.yaml have actor_known false)."
        )
        st.dataframe(
            said.select("post_time", "actor", "actor_known", "cue", "text", "headline", "doc"),
            width="stretch",
            hide_index=True,
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
        typed_id = st.text_input("Position id (from the evidence explorer)")
        note = st.text_input("Why is it wrong?")
        if st.form_submit_button("Mark wrong"):
            try:
                position_id = check_position_id(data.positions, typed_id)
                updated = mark_wrong(POSITIONS_PATH, position_id, note)
                series_from_data_dir(DATA_DIR, updated)
                st.cache_data.clear()
                st.success(f"Marked {position_id} wrong; it no longer counts in the series.")
            except TrackerError as error:
                st.error(str(error))


def main() -> None:
    st.title("Stance tracker")
    # ?page=Shift+log opens a page directly (links from articles, browser tests).
    if "page" not in st.session_state:
        wanted = st.query_params.get("page", PAGES[0])
        st.session_state["page"] = wanted if wanted in PAGES else PAGES[0]
    page = st.sidebar.radio("Page", PAGES, key="page")
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
