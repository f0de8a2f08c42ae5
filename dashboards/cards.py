"""Shift cards: each shift with both statements, their times and sources, the quotes
marked, why it counts, and the review actions. Third-party text is shown as text."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from dashboards.common import actor_label, issue_label, review_actions, source_link, stance_text
from tracker.config import PositionsConfig
from tracker.views import markdown_literal


def _quote(text: str) -> None:
    # markdown_literal escapes every character markdown or HTML could read as syntax:
    # only the <mark> around it is markup.
    st.markdown(f"<mark>{markdown_literal(text)}</mark>", unsafe_allow_html=True)


def _side(config: PositionsConfig, row: dict[str, Any], side: str, key: str) -> None:
    prefix = "from_" if side == "before" else "to_"
    when = row["from_when"] if side == "before" else row["when"]
    stance = stance_text(config, row["issue"], row[f"{prefix}stance"])
    st.markdown(f"**{'Before' if side == 'before' else 'After'}**: {stance}, {when} UTC")
    _quote(row[f"{prefix}evidence"] or "")
    if row[f"{prefix}headline"]:
        st.text(f"Post: {row[f'{prefix}headline']}")
    source_link(row[f"{prefix}url"], row[f"{prefix}doc"], key=f"{key}-{side}-link")
    review_actions(
        config,
        key=f"{key}-{side}",
        actor=row["actor"],
        issue=row["issue"],
        position_id=row[f"{prefix}position_id"],
        evidence=row[f"{prefix}evidence"] or "",
        day=row["from_day"] if side == "before" else row["to_day"],
        url=row[f"{prefix}url"] or "",
    )


def shift_cards(log: pl.DataFrame, config: PositionsConfig, shown: int = 20) -> None:
    """The newest shifts, each in a card that opens."""
    if log.is_empty():
        st.caption("No shifts.")
        return
    for number, row in enumerate(log.head(shown).iter_rows(named=True)):
        turn = ", a reversal" if row["is_reversal"] else ""
        title = (
            f"{row['when']} · {actor_label(config, row['actor'])} on "
            f"{issue_label(config, row['issue'])}: "
            f"{stance_text(config, row['issue'], row['from_stance'])} → "
            f"{stance_text(config, row['issue'], row['to_stance'])} ({row['grade']}{turn})"
        )
        with st.expander(title):
            st.text(f"Why it counts: {row['corroboration']}")
            before, after = st.columns(2)
            key = f"shift-{number}-{row['to_position_id']}"
            with before:
                _side(config, row, "before", key)
            with after:
                _side(config, row, "after", key)
