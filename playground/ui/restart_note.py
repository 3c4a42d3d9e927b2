"""The note for a browser that came over from a process that died (behind `python -m playground.serve`).

HAProxy's sticky cookie `playground_backend` names the process that served the browser so far
(b1, b2, ...) and every process knows its own name (PLAYGROUND_BACKEND). A new session whose
request still carries another process's name was moved here by the proxy because that process
went down: its training is gone, its settings come back from the address bar. It gets one note.
Outside the proxy (`streamlit run app.py`) the variable is unset and nothing is ever shown.
"""

from __future__ import annotations

import os

import streamlit as st

from playground.serve.backends import BACKEND_ENV
from playground.serve.proxy_config import COOKIE
from playground.ui.text import note

NOTE = "The server restarted: your settings came back from the link; training starts again from epoch 0."
_CHECKED = "_restart_note_checked"   # session_state flag: the check runs once per session


def moved_here(cookie: str | None, backend: str | None) -> bool:
    """Whether a browser whose sticky cookie is `cookie` was moved to the process named `backend`."""
    return bool(backend) and bool(cookie) and cookie != backend


def show_once() -> None:
    """On a session's first script run, the restart note if this browser came from another process."""
    if st.session_state.get(_CHECKED):
        return
    st.session_state[_CHECKED] = True
    if moved_here(st.context.cookies.get(COOKIE), os.environ.get(BACKEND_ENV)):
        note("info", NOTE, icon=":material/restart_alt:")
