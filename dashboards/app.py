"""The stance tracker dashboard, one module per page (dashboards/pages/), routed with
st.navigation. It only imports from `tracker` and draws.

Started by `tracker dashboard --data DIR`; the data directory and the positions file
come from the environment (TRACKER_DATA, TRACKER_POSITIONS).
"""

from __future__ import annotations

import streamlit as st

from dashboards.common import data_dir

st.set_page_config(page_title="Stance tracker", layout="wide")

PAGES = {
    "Overview": st.Page("overview.py", title="Overview", url_path="overview", default=True),
    "Issue timeline": st.Page("timeline.py", title="Issue timeline", url_path="timeline"),
    "Actor profile": st.Page("profile.py", title="Actor profile", url_path="profile"),
    "Shift log": st.Page("shifts.py", title="Shift log", url_path="shifts"),
    "Evidence explorer": st.Page("evidence.py", title="Evidence explorer", url_path="evidence"),
    "Review": st.Page("review.py", title="Review", url_path="review"),
}

page = st.navigation(list(PAGES.values()))
# Links of the single-page dashboard (?page=Shift+log) still open their page.
wanted = st.query_params.get("page")
if wanted in PAGES:
    del st.query_params["page"]
    st.switch_page(PAGES[wanted])
st.sidebar.caption(f"Data: {data_dir()}")
page.run()
