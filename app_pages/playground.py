"""Playground: build a network, press Play and watch it learn, live."""

import streamlit as st

from playground import figures
from playground.ui import controls, live_view, state

session = state.session()
controls.seed_widgets(session.config, force=session.widgets_seeded_for is None)
session.widgets_seeded_for = session.config
config, error = controls.sidebar(session.config)
state.apply_config(session, config)
state.sync_url(session.config)

st.title("Neural Network Playground")
for note in session.notes:
    st.warning(f"The link asked for something out of bounds: {note}")
session.notes = []
if error:
    st.error(f"This combination is not valid, so the run keeps its previous settings. {error}")
if session.change is not None and session.change.kind == "rebuilt":
    st.toast(session.change.message)
    session.change = None

live_view.toolbar(session)
live_view.live_panel(session)

if not session.running and session.trainer.epoch > 0:
    with st.expander("Replay the run", expanded=False):
        if st.toggle("Build the replay", key="replay_on",
                     help="Plays the recorded snapshots in the browser, without the server."):
            history = session.trainer.history
            st.plotly_chart(figures.replay_figure(history, session.trainer.data, session.config),
                            key="replay", width="stretch", theme=None)

with st.expander("Share this run"):
    st.caption("The address bar always holds this run's settings, seed included. Copy the link:")
    st.code(state.share_url(session.config), language=None, wrap_lines=True)
