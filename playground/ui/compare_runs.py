"""Compare's live run: 1-4 runs trained in lockstep, side by side, and the actions that change them.

The runs live in one `Comparison` (playground.compare), the run of a `state.LiveRun` in
`st.session_state["compare_session"]`, so they share the data, the mini-batch order and, where
the architectures match, the initial weights. Play, Step, Reset, the pace and the live fragment
are the Playground's (live_view), lock included. Run A is the Playground's run (its lesson, if
any, comes along), or the first of the configs a lesson hands over in
`st.session_state["compare_configs"] = (configs, labels, lesson key)` (consumed on the next page
run). "Add run" appends a copy of run A; its form changes one or more settings through `vary`.
Adding or changing a run restarts every run at epoch 0, so all stay in lockstep; removing one
keeps the others' progress.
"""

from __future__ import annotations

import streamlit as st

from playground.compare import MAX_RUNS, Comparison, default_labels
from playground.config import Config
from playground.figures.compare import run_letter
from playground.ui import compare_spread, state
from playground.ui.text import flash

SESSION_KEY = "compare_session"
HANDOVER_KEY = "compare_configs"
EDIT_KEY = "compare_edit"          # which run the form edits
FORM_PREFIX = "compare_form_"      # form widgets: compare_form_<field>_<run index>
PLAYGROUND_LABEL = "the Playground's run"
COPY_LABEL = "copy of A"
DETAIL_KEY = "compare_detail"      # what is drawn under each run's boundary: a key of DETAILS
DETAILS = {"none": "Nothing", "health_strip": "Health strip", "gradient_norms": "Gradient norms",
           "neurons": "Neurons"}
DETAIL_OF_PANEL = {"health_strip": "health_strip", "gradient_norms": "gradient_norms", "neurons": "neurons",
                   "network": "neurons"}  # a lesson's panel -> the detail that shows it
PLACE = "compare"                  # where Compare's messages are flashed (text.flash)


def auto_label(base: Config, config: Config) -> str:
    """What a run changes from run A, e.g. 'lr=0.1' ('copy of A' when nothing)."""
    label = default_labels([base, config])[1]
    return COPY_LABEL if label == "run 2" else label


def forget_form() -> None:
    """Drop the form's widget values so they show the runs' configs again."""
    for key in [k for k in st.session_state if str(k).startswith(FORM_PREFIX)]:
        del st.session_state[key]


def replace(live: state.LiveRun, configs: list[Config], labels: list[str], message: str = "") -> None:
    """Rebuild the comparison from `configs` (every run back to epoch 0) and stop it; it keeps
    where it came from."""
    Comparison.check(configs, labels)  # refused: the old comparison stays
    state.replace_run(live, lambda: Comparison(configs, labels), lesson_key=live.lesson_key, origin=live.origin)
    if message:
        flash(PLACE, "info", message)
    forget_form()


def _playground_run() -> tuple[Config, str | None]:
    """The Playground run's config, and the lesson it is (if any)."""
    playground = state.session()
    lesson = playground.lesson
    return playground.config, lesson.key if lesson else None


def compare_session() -> state.LiveRun:
    """This session's comparison; takes over the configs a lesson left in `compare_configs`."""
    live = st.session_state.get(SESSION_KEY)
    handed = st.session_state.pop(HANDOVER_KEY, None)
    if handed is not None:
        configs, labels, *lesson_key = handed  # a lesson's hand-over names the lesson
        configs = list(configs)[:MAX_RUNS]
        labels = list(labels)[:len(configs)] if labels else None  # None: Comparison's default labels
        try:
            comparison = Comparison(configs, labels)
        except ValueError as error:
            flash(PLACE, "error", f"The lesson's runs could not be compared: {error}")
        else:
            live = st.session_state[SESSION_KEY] = state.LiveRun(comparison,
                                                                 lesson_key=lesson_key[0] if lesson_key else None)
            forget_form()
            st.session_state.pop(EDIT_KEY, None)
            lesson = live.lesson
            st.session_state[DETAIL_KEY] = DETAIL_OF_PANEL.get(lesson.panel_id, "none") if lesson else "none"
    if live is None:  # a new session, or a refused hand-over in one: run A is the Playground's run
        config, lesson_key = _playground_run()
        live = st.session_state[SESSION_KEY] = state.LiveRun(Comparison([config], [PLAYGROUND_LABEL]),
                                                             lesson_key=lesson_key, origin=config)
    return live


# ---------------------------------------------------------------------------------------------
# Callbacks


def add_run(live: state.LiveRun) -> None:
    runs = live.runs
    if len(runs) >= MAX_RUNS:
        return
    configs, labels = [r.config for r in runs], [r.label for r in runs]
    replace(live, [*configs, configs[0]], [*labels, COPY_LABEL],
            f"Run {run_letter(len(runs))} starts as a copy of run A: change its settings below. "
            "Every run restarts at epoch 0.")
    st.session_state[EDIT_KEY] = len(runs)


def remove_run(live: state.LiveRun, index: int) -> None:
    if 0 < index < len(live.runs):
        with live.lock:
            del live.comparison.runs[index]
        forget_form()
        st.session_state.pop(EDIT_KEY, None)


def from_playground(live: state.LiveRun) -> None:
    """Start over from the Playground's run as it is now (and its lesson)."""
    config, lesson_key = _playground_run()
    state.replace_run(live, lambda: Comparison([config], [PLAYGROUND_LABEL]), lesson_key=lesson_key, origin=config)
    forget_form()
    compare_spread.forget()
