"""Issue timeline: who stood where on one issue, a row per actor; filters in the URL."""

from __future__ import annotations

import streamlit as st

from dashboards.common import (
    MAX_POINTS,
    a_day,
    actor_label,
    context,
    day_text,
    furniture_inputs,
    one_of,
    remember,
    share,
    show_chart,
    some_of,
)
from tracker.errors import TrackerError
from tracker.export import as_of, issue_timeline_chart
from tracker.views import most_quoted, pages_of

KEYS = ("timeline_actors", "timeline_from", "timeline_to")


def _reset() -> None:
    """A new issue: its own actors and dates."""
    for name in KEYS:
        st.session_state.pop(name, None)
    for name in ("actors", "from", "to"):  # else the URL would bring them back
        if name in st.query_params:
            del st.query_params[name]


def main() -> None:
    st.header("Issue timeline")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    observations = data.series.observations
    issues = [i.id for i in config.issues]
    with_data = set(observations.get_column("issue").unique().to_list())
    remember(
        "timeline_issue",
        "issue",
        one_of(issues),
        next((i for i in issues if i in with_data), issues[0]),
    )
    issue = st.selectbox(
        "Issue",
        issues,
        key="timeline_issue",
        format_func=lambda i: config.issue_by_id[i].label,
        on_change=_reset,
    )
    present = observations.filter(observations["issue"] == issue)
    actors = sorted(
        present.get_column("actor").unique().to_list(), key=lambda a: actor_label(config, a)
    )
    remember("timeline_actors", "actors", some_of(actors), most_quoted(data.series, issue, 6))
    chosen = st.multiselect(
        "Actors (the most quoted first chosen)",
        actors,
        key="timeline_actors",
        format_func=lambda a: actor_label(config, a),
    )
    first, last = present.get_column("day").min(), as_of(data.series)
    left, right = st.columns(2)
    remember("timeline_from", "from", a_day, first)
    remember("timeline_to", "to", a_day, last)
    start = left.date_input("From", key="timeline_from")
    end = right.date_input("To", key="timeline_to")
    share(
        {
            "issue": issue,
            "actors": ",".join(chosen),
            "from": day_text(start) if start != first else "",
            "to": day_text(end) if end != last else "",
        }
    )
    if not chosen:
        st.info("Choose at least one actor.")
        return
    options = {
        "actors": chosen,
        "start": start if day_text(start) else None,
        "end": end if day_text(end) else None,
        "max_points": MAX_POINTS,
    }
    try:
        fields = furniture_inputs(f"timeline-{issue}")
        article = issue_timeline_chart(
            data.series, config, issue, furniture=fields, pages=pages_of(data.posts), **options
        )
        screen = issue_timeline_chart(
            data.series, config, issue, furnish=False, width="container", **options
        )
    except TrackerError as error:
        st.info(str(error))
        return
    show_chart(screen, article, f"timeline-{issue}")


main()
