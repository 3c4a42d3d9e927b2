"""Overfitting: train many runs with one knob turned, and see the U-curve, the learning curve and the sweet spot."""

import streamlit as st

from playground.sweeps.pool import MAX_WORK, WORKERS
from playground.ui import presentation, state
from playground.ui import sweep_view as view

session = state.session()  # the Playground's run, which the sweep starts from
presentation.follow_lesson("overfitting")
presentation.apply_presentation()
current = view.sweep_state()

st.title("Overfitting explorer")
st.caption("One run shows one pair of train and test curves. Here every value of a knob is trained from several "
           "seeds, so the picture of the textbooks appears: test loss against model capacity, regularization or "
           "data, with the sweet spot in the middle.")
presentation.lesson_box(session.lesson)
view.form(current)
with st.container(key="panel_u_curve"):
    view.results(current)
st.caption(f"This server trains sweeps on {WORKERS} shared worker process(es), one sweep per worker at most; a sweep "
           f"may train up to {MAX_WORK:,} sample-epochs (runs × epochs × points) so that the server stays "
           "responsive for everyone. Bigger sweeps: `python -m playground.sweep` on your own machine or cluster.")
