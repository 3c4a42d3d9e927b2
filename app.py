"""Neural Network Playground: `streamlit run app.py`.

Page config, the static copy of plotly.js for the live charts, and navigation; nothing else.
"""

from pathlib import Path

import streamlit as st

from playground.ui.live_chart import ensure_plotly_js

st.set_page_config(page_title="Neural Network Playground", page_icon="🧠", layout="wide")
ensure_plotly_js(Path(__file__).resolve().parent)

PAGES = [
    st.Page("pages/playground.py", title="Playground", icon="🧪", default=True),
]

st.navigation(PAGES).run()
