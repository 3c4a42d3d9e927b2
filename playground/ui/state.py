"""Per-session state: the live run of each page, and the functions that change it.

A live run has one shape on the Playground and on Compare:

    LiveRun
      run     Trainer (Playground) or Comparison (Compare): the config is the run's own
      clock   pacing.Clock: playing, a Step's goal, the last frame's time   (written by pacing)
      charts  Charts: frames drawn, each live chart's last encoding        (written by live_view)
      own     OwnData: the user's own data and the points being drawn      (written by own_data)
      lesson_key, origin: where the run came from                          (written here)
      lock    held while the run is read or changed

Pages call the functions below; they never assign fields. Nothing here is module-level mutable
state: everything lives in `st.session_state`, which Streamlit keeps per browser session and
across page switches.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

import streamlit as st

from playground.compare import Comparison
from playground.config import Config
from playground.presets import LESSONS, Lesson
from playground.training import Trainer
from playground.ui import controls, pacing, presentation
from playground.ui.text import flash
from playground.uploads import CustomData

SESSION_KEY = "playground_session"


@dataclass
class Charts:
    """What the live panel drew: frames so far, and each chart's last encoding (None: no chart)."""

    frame: int = 0
    encoded: dict = field(default_factory=dict)


@dataclass
class OwnData:
    """The user's own data: the loaded set (upload or drawn), and points being drawn (x1, x2, class)."""

    custom: CustomData | None = None
    drawn: list = field(default_factory=list)


@dataclass(eq=False)
class LiveRun:
    """The live run of one page of one browser session (see the module docstring)."""

    run: Trainer | Comparison
    own: OwnData | None = None         # the Playground's; Compare's runs take their data from their configs
    lesson_key: str | None = None      # the lesson the run was loaded from
    origin: Config | None = None       # Compare: the Playground config run A was taken from
    clock: pacing.Clock = field(default_factory=pacing.Clock)
    charts: Charts = field(default_factory=Charts)
    reseed: bool = True                # the sidebar's widgets are to be set from the config on the next run
    # Held while the run is read or changed: a rerun that Streamlit starts before the previous
    # script thread of this session has stopped must not train the same model at the same time.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def comparing(self) -> bool:
        return isinstance(self.run, Comparison)

    @property
    def trainer(self) -> Trainer:
        """The Playground's Trainer; Compare's run A."""
        return self.run.runs[0].trainer if self.comparing else self.run

    @property
    def comparison(self) -> Comparison:
        """Compare's runs (its `run`)."""
        return self.run

    @property
    def runs(self) -> list:
        return self.run.runs

    @property
    def config(self) -> Config:
        """The run's config (Compare: run A's)."""
        return self.trainer.config

    @property
    def running(self) -> bool:
        return self.clock.running

    def key(self, name: str) -> str:
        """A widget key of this run's page: "play" on the Playground, "compare_play" on Compare."""
        return f"compare_{name}" if self.comparing else name

    @property
    def lesson(self) -> Lesson | None:
        """The lesson the run was loaded from, while it is still that lesson's run: a Trainer until
        another run is loaded; a comparison while its runs are the lesson's (a single lesson's run
        taken from the Playground: until the runs are taken again)."""
        lesson = LESSONS.get(self.lesson_key)
        if lesson is None or not self.comparing or not lesson.is_comparison:
            return lesson
        return lesson if tuple(run.config for run in self.runs) == lesson.runs else None


def session() -> LiveRun:
    """This browser session's Playground run, created on first use from the URL's query string (a
    lesson's ``?lesson=<key>`` or the settings themselves, plus presentation flags); what reading
    the link changed is flashed for the Playground."""
    if SESSION_KEY not in st.session_state:
        config, notes, lesson, flags = presentation.read_url(st.query_params.to_dict())
        st.session_state[SESSION_KEY] = LiveRun(Trainer(config), OwnData(), lesson.key if lesson else None)
        for text in notes:
            flash("playground", "warning", f"The link asked for something out of bounds: {text}")
        presentation.begin(lesson, flags)
    return st.session_state[SESSION_KEY]


def follow_sidebar(live: LiveRun) -> str:
    """Draw the sidebar from the run's config (every widget after a run is loaded, else only those
    Streamlit dropped) and move the run to the config it shows; the error message when the
    widgets' combination is invalid (the run keeps its settings), else ""."""
    controls.seed_widgets(live.config, force=live.reseed)
    live.reseed = False
    config, error = controls.sidebar(live.config, live.own.custom)
    apply_config(live, config)
    sync_url(live.config)
    return error


def apply_config(live: LiveRun, config: Config) -> None:
    """Move the Playground's run to `config` (live where possible) and put the config in the
    address bar; a rebuilt network is announced by a toast."""
    if config == live.config:
        return
    with live.lock:
        change = live.trainer.apply(config)
    if change.kind == "rebuilt":  # back at epoch 0: a Step's goal no longer means anything
        if live.clock.goal is not None:
            pacing.stop(live.clock)
        flash("playground", "toast", change.message)
    sync_url(config)


def set_pace(live: LiveRun, pace: str) -> None:
    """The pace the user chose: the Playground's goes into its config (and the address bar);
    Compare's runs keep their configs (the pace widget holds it)."""
    if not live.comparing:
        apply_config(live, live.config.replace(pace=pace))


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


def replace_run(live: LiveRun, make, *, lesson_key: str | None = None, origin: Config | None = None) -> None:
    """Stop `live` and replace its run with `make()` (a Trainer or a Comparison), which came from
    `lesson_key` and `origin`. The old run is freed before the new one is built: one run in memory
    at a time."""
    with live.lock:
        pacing.stop(live.clock)
        live.run = None
        live.run = make()
    live.lesson_key, live.origin = lesson_key, origin
    live.reseed = True  # widgets are set from the new config on the next run


def load_config(live: LiveRun, config: Config, lesson: Lesson | None = None) -> None:
    """Replace the Playground's run with a fresh one for `config` (a lesson's, a config file's)."""
    replace_run(live, lambda: Trainer(config), lesson_key=lesson.key if lesson else None)
    sync_url(config)


def play(live: LiveRun) -> None:
    pacing.play(live.run, live.clock)


def pause(live: LiveRun) -> None:
    pacing.stop(live.clock)


def step(live: LiveRun, epochs: int = 1) -> None:
    """Train `epochs` epochs (the Step buttons): what fits in a click at once, the rest in frames."""
    with live.lock:
        pacing.start_epochs(live.run, live.clock, epochs)


def reset(live: LiveRun) -> None:
    """Every run back to its initial weights."""
    pacing.stop(live.clock)
    with live.lock:
        live.run.reset()
