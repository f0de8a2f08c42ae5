"""The Streamlit dashboard, shipped with the package: `tracker dashboard` serves
``dashboards/app.py``. It only imports from ``tracker`` and draws."""
