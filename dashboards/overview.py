"""Overview: where every tracked leader stands now, and the way into the other pages."""

from __future__ import annotations

import streamlit as st

from dashboards.common import as_of_caption, context, furniture_inputs, show_chart
from tracker.export import overview_chart
from tracker.views import latest_matrix, pages_of


def main() -> None:
    st.header("Overview")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    if data.series.summary.filter(data.series.summary["latest_stance"].is_not_null()).is_empty():
        st.info("No positions yet. Run `tracker run PAGES --out DIR` first.")
        return
    as_of_caption(data)
    pages = pages_of(data.posts)
    fields = furniture_inputs("overview")
    article = overview_chart(data.series, config, furniture=fields, pages=pages)
    screen = overview_chart(data.series, config, furnish=False, width="container")
    show_chart(screen, article, "overview")
    st.subheader("Latest stance, statements and last date")
    st.dataframe(latest_matrix(data.series, config), width="stretch", hide_index=True)
    st.subheader("Drill in")
    left, right = st.columns(2)
    actors = sorted(
        data.series.summary.get_column("actor").unique().to_list(),
        key=lambda a: config.actor_by_id[a].name if a in config.actor_by_id else a,
    )
    actor = left.selectbox(
        "Actor",
        actors,
        key="overview_actor",
        format_func=lambda a: config.actor_by_id[a].name if a in config.actor_by_id else a,
    )
    if left.button("Open actor profile"):
        st.session_state.pop("profile_actor", None)
        st.switch_page("profile.py", query_params={"actor": actor})
    issue = right.selectbox(
        "Issue",
        [i.id for i in config.issues],
        key="overview_issue",
        format_func=lambda i: config.issue_by_id[i].label,
    )
    if right.button("Open issue timeline"):
        for name in ("timeline_issue", "timeline_actors", "timeline_from", "timeline_to"):
            st.session_state.pop(name, None)
        st.switch_page("timeline.py", query_params={"issue": issue})


main()
