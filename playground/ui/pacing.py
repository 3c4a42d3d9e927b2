"""How a live run advances: frames while playing, and Steps too long for one click.

Used by the Playground's and Compare's live panels alike; `run` is a Trainer or a Comparison
(both have `epoch`, `epoch_progress`, `can_train`, `advance(epochs, seconds)` and `reset()`),
`clock` its Clock. The functions here are the Clock's only writers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from playground.config import PACES

# Streamlit starts a fragment's next timed run about FRAME_SECONDS after the previous one has
# finished, so the time between frames is the run itself plus this pause.
FRAME_SECONDS = 0.05
# Compare's browser draws a boundary and a panel for every run in each frame (~0.13 s of a laptop
# core per run with software rendering): each run past the first adds this pause, so the browser
# keeps up instead of queueing frames, and Pause shows at once (3 runs: 2.5 s -> 0.23 s).
PAUSE_PER_EXTRA_RUN = 0.15
TRAIN_SHARE = 0.25        # at "max" speed, train for this share of the time between two frames ...
TRAIN_SECONDS = (0.03, 0.12)  # ... within these bounds (a busy browser asks for frames less often)
SPEEDS = PACES
ACTION_SECONDS = 0.25     # what a click may train before the page answers (a Step goes on in frames)


@dataclass
class Clock:
    """Whether a live run plays, and how its frames are paced."""

    running: bool = False
    goal: int | None = None      # the epoch a Step trains towards over several frames
    last_frame: float = 0.0      # perf_counter() of the last live frame (0: none yet)


def frame_seconds(run) -> float:
    """The pause between two live frames of `run`: FRAME_SECONDS for a Trainer, plus
    PAUSE_PER_EXTRA_RUN for each run of a Comparison past its first."""
    extra_runs = len(run.runs) - 1 if hasattr(run, "runs") else 0
    return FRAME_SECONDS + PAUSE_PER_EXTRA_RUN * extra_runs


def play(run, clock: Clock) -> None:
    """Play `run` from the next frame on (nothing when it cannot train)."""
    if run.can_train:
        clock.running, clock.goal, clock.last_frame = True, None, 0.0


def stop(clock: Clock) -> None:
    """Pause: no more frames, and a Step's goal forgotten."""
    clock.running, clock.goal = False, None


def start_epochs(run, clock: Clock, epochs: int) -> None:
    """Train `run` (a Trainer or a Comparison) `epochs` more epochs for a Step button: at once when
    they fit in ACTION_SECONDS, else the rest in the live frames that follow, towards `clock.goal`,
    with a progress bar and Pause as the way to stop."""
    goal = run.epoch + epochs
    run.advance(epochs=epochs, seconds=ACTION_SECONDS)
    clock.goal = goal if run.can_train and run.epoch < goal else None
    clock.running = clock.goal is not None
    clock.last_frame = 0.0


def advance_frame(run, clock: Clock, speed: str, stop_at: int | None = None) -> bool:
    """Advance `run` (a Trainer or a Comparison) for one frame: towards `clock.goal` if a Step set
    one, else by `speed` epochs, or at "max" by a share of the time since the last frame, kept in
    `clock.last_frame` (0: the first frame); never past `stop_at` (a lesson's budget) while the run
    is before it (a run at or past it plays on freely). Returns False, and stops the clock, when
    the play ends here: the run cannot train on, the Step's epochs are done, or the run has just
    reached `stop_at`."""
    going = _advance(run, clock, speed, stop_at)
    if not going:
        clock.running = False
    return going


def _advance(run, clock: Clock, speed: str, stop_at: int | None) -> bool:
    now = time.perf_counter()
    interval = now - clock.last_frame if clock.last_frame else frame_seconds(run)
    clock.last_frame = now
    budget = min(max(TRAIN_SHARE * interval, TRAIN_SECONDS[0]), TRAIN_SECONDS[1])
    if clock.goal is not None:
        run.advance(epochs=clock.goal - run.epoch, seconds=TRAIN_SECONDS[1])
        if run.epoch >= clock.goal:
            clock.goal = None
            return False
        return run.can_train
    left = stop_at - run.epoch if stop_at is not None and run.epoch < stop_at else None
    if speed == "max":
        run.advance(epochs=left, seconds=budget)
    else:
        run.advance(epochs=int(speed) if left is None else min(int(speed), left), seconds=TRAIN_SECONDS[1])
    return run.can_train and not (left is not None and run.epoch >= stop_at)


def goal_progress(run, clock: Clock) -> None:
    """While a Step trains over several frames: how far it is, and how to stop it."""
    if clock.goal is not None:
        st.progress(run.epoch_progress, text=f"Training epoch {run.epoch + 1:,} of {clock.goal:,}: "
                                             f"{run.epoch_progress:.0%} of its batches. Pause stops here.")


def steps_panel(live) -> None:
    """For a page without a live panel (Diagnostics): a fragment that carries a Step of `live` (a
    state.LiveRun) too long for its click on to its goal in frames, under a progress bar with a
    Stop button, and reruns the page when it is done."""
    clock = live.clock

    @st.fragment(run_every=FRAME_SECONDS if clock.goal is not None else None)
    def panel() -> None:
        if clock.goal is None:
            return
        with live.lock:
            going = advance_frame(live.run, clock, "max")
        if not going:
            st.rerun()  # the page shows the finished epochs; the fragment loses its timer
        goal_progress(live.run, clock)
        st.button("Stop", icon=":material/stop:", key="steps_stop", on_click=stop, args=(clock,))

    panel()
