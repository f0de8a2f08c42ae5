"""Actor profile: one actor on every issue they spoke on, with their shifts."""

from __future__ import annotations

import streamlit as st

from dashboards.cards import shift_cards
from dashboards.common import (
    MAX_POINTS,
    actor_label,
    context,
    furniture_inputs,
    one_of,
    remember,
    share,
    show_chart,
)
from tracker.export import actor_profile_chart
from tracker.views import pages_of, shift_log, summary_table


def main() -> None:
    st.header("Actor profile")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    actors = sorted(
        data.series.summary.get_column("actor").unique().to_list(),
        key=lambda a: actor_label(config, a),
    )
    if not actors:
        st.info("No positions yet.")
        return
    remember("profile_actor", "actor", one_of(actors), actors[0])
    actor = st.selectbox(
        "Actor", actors, key="profile_actor", format_func=lambda a: actor_label(config, a)
    )
    share({"actor": actor})
    st.dataframe(summary_table(data.series, config, actor), width="stretch", hide_index=True)
    fields = furniture_inputs(f"profile-{actor}")
    article = actor_profile_chart(
        data.series,
        config,
        actor,
        max_points=MAX_POINTS,
        furniture=fields,
        pages=pages_of(data.posts),
    )
    screen = actor_profile_chart(
        data.series, config, actor, max_points=MAX_POINTS, furnish=False, width="container"
    )
    show_chart(screen, article, f"profile-{actor}")
    st.subheader("Shifts")
    shift_cards(shift_log(data.series, actor=actor), config)


main()
