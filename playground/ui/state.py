"""Per-session state: each browser session owns its config, its Trainer and its running flag.

Nothing here is module-level mutable state: everything lives in `st.session_state`, which
Streamlit keeps per browser session and across page switches.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from playground.config import Config
from playground.training import Change, Trainer
from playground.ui import pacing, presentation
from playground.uploads import CustomData

SESSION_KEY = "playground_session"


@dataclass
class Session:
    """The run of one browser session."""

    config: Config
    trainer: Trainer
    running: bool = False
    goal: int | None = None                             # the epoch a Step trains towards over several frames
    notes: list[str] = field(default_factory=list)   # what reading the URL changed, shown once
    change: Change | None = None                       # what the last config change did
    widgets_seeded_for: Config | None = None           # the config the widgets were last set from
    last_frame: float = 0.0                             # perf_counter() of the last live frame
    frame: int = 0                                      # live frames drawn
    encoded: dict = field(default_factory=dict)         # chart name -> its last encoding (or None)
    custom: CustomData | None = None                    # the session's own data (upload or drawn), if any
    drawn: list = field(default_factory=list)           # points being drawn: (x1, x2, class)
    own_data_note: tuple[str, str] | None = None        # ("success" or "error", message) of the last load
    # Held while the run is read or changed: a rerun that Streamlit starts before the previous
    # script thread of this session has stopped must not train the same model at the same time.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)


def session() -> Session:
    """This browser session's run, created on first use from the URL's query string (a lesson's
    ``?lesson=<key>`` or the settings themselves, plus presentation flags)."""
    if SESSION_KEY not in st.session_state:
        config, notes, lesson, flags = presentation.read_url(st.query_params.to_dict())
        current = st.session_state[SESSION_KEY] = Session(config, Trainer(config), notes=notes)
        presentation.begin(current, lesson, flags)
    return st.session_state[SESSION_KEY]


def apply_config(current: Session, config: Config) -> None:
    """Move the run to `config` (live where possible) and put the config in the address bar."""
    if config == current.config:
        return
    with current.lock:
        current.change = current.trainer.apply(config)
    if current.change.kind == "rebuilt":  # back at epoch 0: a Step's goal no longer means anything
        current.running = current.running and current.goal is None
        current.goal = None
    current.config = config
    current.widgets_seeded_for = config
    sync_url(config)


def sync_url(config: Config) -> None:
    """Keep the address bar's query string equal to the config's (defaults left out), plus the
    session's presentation flags."""
    query = {**config.to_query(), **presentation.current_flags().to_query()}
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def share_url(config: Config) -> str:
    """The full link to this run: the page's address plus the config's query string."""
    base = (st.context.url or "").split("?")[0]
    query = urlencode(config.to_query())
    return f"{base}?{query}" if query else base


def load_config(current: Session, config: Config) -> None:
    """Replace the run with a fresh one for `config` (a lesson, a pasted link); stops training."""
    current.running, current.goal = False, None
    current.config = config
    with current.lock:
        current.trainer = None  # freed before the new run is built: one run in memory at a time
        current.trainer = Trainer(config)
    current.change = None
    current.widgets_seeded_for = None  # widgets are set from the new config on the next run
    sync_url(config)


def play(current: Session) -> None:
    if current.trainer.status == "ready":
        current.running, current.goal = True, None
        current.last_frame = 0.0


def pause(current: Session) -> None:
    current.running, current.goal = False, None


def step(current: Session, epochs: int = 1) -> None:
    """Train `epochs` epochs (the Step buttons): what fits in a click at once, the rest in frames."""
    with current.lock:
        pacing.start_epochs(current.trainer, current, epochs)


def reset(current: Session) -> None:
    current.running, current.goal = False, None
    with current.lock:
        current.trainer.reset()
