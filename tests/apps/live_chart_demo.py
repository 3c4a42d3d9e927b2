"""A test page for the live chart bridge (used by tests/test_live_chart_browser.py only).

Play starts a 10 Hz fragment that bumps a counter and redraws a shifting 100x100 uint8 heatmap
plus a scatter through `live_chart`; Pause stops it. Clicks on the chart are listed under the
`clicks` key; `returned` counts the runs in which `live_chart` returned a click.
Run from the project root: `python -m streamlit run tests/apps/live_chart_demo.py`.
"""

import sys
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import streamlit as st

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from playground.ui.live_chart import ensure_plotly_js, live_chart  # noqa: E402

# Streamlit serves the static/ folder next to the main script: tests/apps/static/ here.
ensure_plotly_js(HERE)

GRID = np.linspace(-3.0, 3.0, 100)
POINTS = np.random.default_rng(0).uniform(-3, 3, size=(40, 2)).astype(np.float32)


def make_figure(n: int) -> go.Figure:
    xx, yy = np.meshgrid(GRID, GRID)
    z = (100 + 100 * np.sin(xx + 0.3 * n) * np.cos(yy - 0.2 * n)).astype(np.uint8)
    fig = go.Figure(go.Heatmap(z=z, x0=GRID[0], dx=GRID[1] - GRID[0], y0=GRID[0], dy=GRID[1] - GRID[0],
                               zmin=0, zmax=200, colorscale="RdBu", showscale=False))
    fig.add_scatter(x=POINTS[:, 0], y=POINTS[:, 1], mode="markers",
                    marker=dict(color="black", size=7), showlegend=False)
    fig.update_layout(margin=dict(l=30, r=10, t=30, b=30), title=f"frame {n}")
    return fig


st.session_state.setdefault("running", False)
st.session_state.setdefault("counter", 0)
st.session_state.setdefault("clicks", [])  # events passed to on_click
st.session_state.setdefault("returned", 0)  # runs in which live_chart returned a click


def play() -> None:
    st.session_state.running = True


def pause() -> None:
    st.session_state.running = False


def record_click(event: dict | None) -> None:
    st.session_state.clicks.append(event)


left, right = st.columns(2)
left.button("Play", key="play", on_click=play)
right.button("Pause", key="pause", on_click=pause)


@st.fragment(run_every=0.1 if st.session_state.running else None)
def board() -> None:
    if st.session_state.running:
        st.session_state.counter += 1
    n = st.session_state.counter
    with st.container(key="counter"):
        st.text(str(n))
    clicked = live_chart(make_figure(n), key="demo", height=420, on_click=record_click)
    if clicked is not None:
        st.session_state.returned += 1
    with st.container(key="clicks"):
        st.text(repr(st.session_state.clicks))
    with st.container(key="returned"):
        st.text(str(st.session_state.returned))


board()
