"""Neural Network Playground: `streamlit run app.py`.

Page config, one BLAS thread for the process, the static copy of plotly.js for the live charts,
the note for a browser moved here from a process that died (behind `python -m playground.serve`),
and navigation; nothing else. The page icon is a file served by this process: a `:material/...:`
or emoji icon makes every browser fetch it from a web font or emoji CDN, which fails offline.
The page scripts live in app_pages/, not pages/: Streamlit treats a pages/ folder as an old-style
multipage app, and a deep link opened first on a fresh server would then bypass this navigation.
"""

from pathlib import Path

import streamlit as st

from playground.ui import restart_note
from playground.ui.live_chart import ensure_plotly_js, preload_plotly
from playground.ui.serving import limit_blas_threads

HERE = Path(__file__).resolve().parent
st.set_page_config(page_title="Neural Network Playground", page_icon=str(HERE / "static" / "favicon.png"),
                   layout="wide")
ensure_plotly_js(HERE)
preload_plotly()  # the browser loads plotly.js while the rest of this run imports and builds
limit_blas_threads()
restart_note.show_once()

PAGES = [
    st.Page("app_pages/playground.py", title="Playground", icon=":material/science:", default=True),
    st.Page("app_pages/lessons.py", title="Lessons", icon=":material/menu_book:"),
    st.Page("app_pages/compare.py", title="Compare", icon=":material/compare:"),
    st.Page("app_pages/overfitting.py", title="Overfitting", icon=":material/insights:"),
    st.Page("app_pages/diagnostics.py", title="Diagnostics", icon=":material/monitor_heart:"),
    st.Page("app_pages/activations.py", title="Activations", icon=":material/show_chart:"),
    st.Page("app_pages/how_it_learns.py", title="How it learns", icon=":material/school:"),
]

st.navigation(PAGES).run()
