"""Evidence explorer: every position with its quote and source, the post it came from
with the quote marked, and the review actions for it."""

from __future__ import annotations

import streamlit as st

from dashboards.common import (
    MAX_ROWS,
    a_day,
    actor_label,
    context,
    day_text,
    remember,
    review_actions,
    share,
    some_of,
    source_link,
    stance_text,
)
from tracker.views import (
    EvidenceFilter,
    count_evidence,
    evidence_table,
    filter_evidence,
    filter_statements,
    highlighted_body,
    markdown_literal,
    post_of,
    statements_table,
)


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def main() -> None:
    st.header("Evidence explorer")
    loaded = context()
    if loaded is None:
        return
    data, config = loaded
    positions = data.positions
    actors = sorted(
        positions.get_column("actor").unique().to_list(), key=lambda a: actor_label(config, a)
    )
    issues = [i.id for i in config.issues]
    remember("evidence_actors", "who", some_of(actors), [])
    remember("evidence_issues", "issue", some_of(issues), [])
    left, middle, right = st.columns(3)
    chosen_actors = left.multiselect(
        "Actor", actors, key="evidence_actors", format_func=lambda a: actor_label(config, a)
    )
    chosen_issues = middle.multiselect(
        "Issue", issues, key="evidence_issues", format_func=lambda i: config.issue_by_id[i].label
    )
    scope = chosen_issues or issues
    stance_ids = list(dict.fromkeys(s for i in scope for s in config.issue_by_id[i].stance_ids))
    remember("evidence_stances", "stance", some_of(stance_ids), [])
    if any(s not in stance_ids for s in st.session_state["evidence_stances"]):
        st.session_state["evidence_stances"] = [
            s for s in st.session_state["evidence_stances"] if s in stance_ids
        ]
    chosen_stances = right.multiselect(
        "Stance",
        stance_ids,
        key="evidence_stances",
        format_func=lambda s: " / ".join(
            dict.fromkeys(
                stance_text(config, i, s) for i in scope if s in config.issue_by_id[i].stance_ids
            )
        ),
    )
    times = positions.get_column("post_time")
    first = times.min().date() if times.len() else None  # type: ignore[union-attr]
    last = times.max().date() if times.len() else None  # type: ignore[union-attr]
    remember("evidence_from", "from", a_day, first)
    remember("evidence_to", "to", a_day, last)
    start_column, end_column = st.columns(2)
    start = start_column.date_input("From", key="evidence_from")
    end = end_column.date_input("To", key="evidence_to")
    remember("evidence_min", "min", _number, 0.0)
    min_confidence = st.slider("Minimum confidence", 0.0, 1.0, step=0.05, key="evidence_min")
    remember("evidence_text", "q", lambda raw: raw, "")
    text = st.text_input("Search quotes and headlines", key="evidence_text")
    share(
        {
            "who": ",".join(chosen_actors),
            "issue": ",".join(chosen_issues),
            "stance": ",".join(chosen_stances),
            "from": day_text(start) if start != first else "",
            "to": day_text(end) if end != last else "",
            "min": f"{min_confidence:g}" if min_confidence else "",
            "q": text.strip(),
        }
    )
    chosen = EvidenceFilter(
        actors=tuple(chosen_actors),
        issues=tuple(chosen_issues),
        stances=tuple(chosen_stances),
        start=start if day_text(start) else None,
        end=end if day_text(end) else None,
        min_confidence=min_confidence,
        text=text,
    )
    positions_tab, statements_tab = st.tabs(["Positions", "All attributed statements"])
    with positions_tab:
        rows = filter_evidence(positions, chosen, limit=MAX_ROWS)
        matched = count_evidence(positions, chosen) if rows.height == MAX_ROWS else rows.height
        shown = f" (newest {MAX_ROWS} shown)" if matched > rows.height else ""
        st.caption(f"{matched} positions match{shown}. Times are UTC.")
        st.dataframe(
            evidence_table(rows, config),
            width="stretch",
            hide_index=True,
            column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
        )
        if rows.height:
            labels = {
                row["position_id"]: f"{row['post_time']:%Y-%m-%d %H:%M} · "
                f"{actor_label(config, row['actor'])} · "
                f"{stance_text(config, row['issue'], row['stance'])}"
                for row in rows.iter_rows(named=True)
            }
            picked = st.selectbox(
                "Show the post of",
                list(labels),
                format_func=lambda p: labels[p],
                key="evidence_pick",
            )
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
            source_link(row["url"], row["doc"], key=f"evidence-link-{picked}")
            review_actions(
                config,
                key=f"evidence-{picked}",
                actor=row["actor"],
                issue=row["issue"],
                position_id=row["position_id"],
                evidence=row["evidence"],
                day=row["post_time"].date(),
                url=row["url"] or "",
            )
    with statements_tab:
        said = filter_statements(data.statements, chosen, limit=MAX_ROWS)
        st.caption(
            f"{said.height} statements shown (actor, date and text filters apply; "
            "speakers not yet in positions.yaml are marked new)."
        )
        st.dataframe(
            statements_table(said, config),
            width="stretch",
            hide_index=True,
            column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
        )


main()
