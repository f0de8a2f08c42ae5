"""Review: record a curated position, or mark a model label wrong by its id."""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboards.common import (
    actor_label,
    context,
    positions_path,
    save_decision,
    stance_text,
)
from tracker.errors import TrackerError
from tracker.export import as_of
from tracker.review import add_curated_position, mark_wrong
from tracker.views import check_position_id


def main() -> None:
    st.header("Review")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    st.caption(
        f"Decisions are written to {positions_path()} (comments kept, backup beside it) "
        "and the series are rebuilt."
    )
    st.subheader("Record a curated position")
    actor = st.selectbox(
        "Actor",
        sorted((a.id for a in config.actors), key=lambda a: actor_label(config, a)),
        format_func=lambda a: actor_label(config, a),
        key="review_actor",
    )
    # Outside the form, so that the stances offered follow the issue chosen.
    issue = st.selectbox(
        "Issue",
        [i.id for i in config.issues],
        format_func=lambda i: config.issue_by_id[i].label,
        key="review_issue",
    )
    last = as_of(data.series) or date.today()
    with st.form("curate"):
        stance = st.selectbox(
            "Stance",
            config.issue_by_id[issue].stance_ids,
            format_func=lambda s: stance_text(config, issue, s),
        )
        day = st.date_input("Date it was said", value=last)
        source = st.text_input("Source URL")
        quote = st.text_input("Quote")
        note = st.text_input("Note")
        if st.form_submit_button("Save curated position"):
            save_decision(
                lambda: add_curated_position(
                    positions_path(),
                    actor=actor,
                    issue=issue,
                    day=day if isinstance(day, date) else last,
                    stance=str(stance),
                    source=source,
                    quote=quote,
                    note=note,
                ),
                lambda: (
                    f"Saved: {actor_label(config, actor)}, "
                    f"{stance_text(config, issue, str(stance))} on {day}."
                ),
            )
    with st.form("wrong"):
        st.subheader("Mark a model label wrong")
        typed_id = st.text_input("Position id (from the evidence explorer)")
        note = st.text_input("Why is it wrong?")
        if st.form_submit_button("Mark wrong"):
            try:
                position_id = check_position_id(data.positions, typed_id)
            except TrackerError as error:
                st.error(str(error))
                return
            row = data.positions.filter(data.positions["position_id"] == position_id).row(
                0, named=True
            )
            save_decision(
                lambda: mark_wrong(
                    positions_path(),
                    position_id,
                    note,
                    issue=row["issue"],
                    evidence=row["evidence"],
                ),
                lambda: f"Marked {position_id} wrong; it no longer counts in the series.",
            )


main()
