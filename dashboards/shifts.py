"""Shift log: every shift that counts, graded, with why it counts and both sources."""

from __future__ import annotations

import streamlit as st

from dashboards.cards import shift_cards
from dashboards.common import actor_label, context, one_of, remember, share
from tracker.views import shift_log, shift_table

GRADES = (
    "Grades: full flop, from one end of the scale to the other; half flip, to or from the "
    "middle. A reversal returns to the stance held before the previous shift."
)


def main() -> None:
    st.header("Shift log")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    left, right = st.columns(2)
    actors = [
        "",
        *sorted(
            data.series.shifts.get_column("actor").unique().to_list(),
            key=lambda a: actor_label(config, a),
        ),
    ]
    issues = ["", *(i.id for i in config.issues)]
    remember("shifts_actor", "actor", one_of(actors), "")
    remember("shifts_issue", "issue", one_of(issues), "")
    actor = left.selectbox(
        "Actor",
        actors,
        key="shifts_actor",
        format_func=lambda a: actor_label(config, a) if a else "Everyone",
    )
    issue = right.selectbox(
        "Issue",
        issues,
        key="shifts_issue",
        format_func=lambda i: config.issue_by_id[i].label if i else "Every issue",
    )
    share({"actor": actor, "issue": issue})
    log = shift_log(data.series, actor=actor or None, issue=issue or None)
    st.caption(f"{log.height} shifts, newest first. {GRADES}")
    st.dataframe(shift_table(log, config), width="stretch", hide_index=True)
    st.subheader("Before and after")
    shift_cards(log, config)


main()
