"""Playground: build a network, press Play and watch it learn, live."""

import streamlit as st

from playground import figures
from playground.ui import export_panel, live_view, own_data, presentation, state
from playground.ui.text import flashed, note

session = state.session()
presentation.follow_lesson("playground")  # a comparison lesson's link goes on to the Compare page
presentation.apply_presentation()
error = state.follow_sidebar(session)

st.title("Neural Network Playground")
presentation.lesson_box(session.lesson)
flashed("playground")  # what the link changed; a rebuilt network's toast
if error:
    note("error", f"This combination is not valid, so the run keeps its previous settings. {error}")

focus = presentation.focus(session.lesson)
live_view.toolbar(session)
if focus is None:
    own_data.panel(session)
live_view.live_panel(session, live_view.draw, focus)
if focus is not None:  # presenting a lesson: its panel first, your own data below
    own_data.panel(session)

if not session.running and session.trainer.epoch > 0:
    with st.container(key="panel_replay"), st.expander("Replay the run", expanded=False):
        if st.toggle("Build the replay", key="replay_on",
                     help="Plays the recorded snapshots in the browser, without the server."):
            history = session.trainer.history
            st.plotly_chart(presentation.scaled(figures.replay_figure(history, session.trainer.data, session.config)),
                            key="replay", width="stretch", theme=None)

if not session.running:
    with st.container(key="panel_export"):
        export_panel.export_panel(session)

with st.container(key="panel_share"), st.expander("Share this run"):
    if session.config.data.custom is not None:
        st.warning("This run trains on your own data, which a link cannot carry: whoever opens it gets the "
                   "same settings on the default dataset, and can upload the same file to train on it.")
    st.caption("The address bar always holds this run's settings, seed included. Copy the link:")
    st.code(state.share_url(session.config), language=None, wrap_lines=True)
