"""How a live run advances: frames while playing, and Steps too long for one click.

Used by the Playground's and Compare's live panels alike; `run` is a Trainer or a Comparison
(both have `epoch`, `epoch_progress`, `can_train` and `advance(epochs, seconds)`), `clock` the session state
that holds `running`, `goal` and `last_frame`.
"""

from __future__ import annotations

import time

import streamlit as st

from playground.config import PACES

# Streamlit starts a fragment's next timed run about FRAME_SECONDS after the previous one has
# finished, so the time between frames is the run itself plus this pause.
FRAME_SECONDS = 0.05
TRAIN_SHARE = 0.25        # at "max" speed, train for this share of the time between two frames ...
TRAIN_SECONDS = (0.03, 0.12)  # ... within these bounds (a busy browser asks for frames less often)
SPEEDS = PACES
ACTION_SECONDS = 0.25     # what a click may train before the page answers (a Step goes on in frames)


def start_epochs(run, clock, epochs: int) -> None:
    """Train `run` (a Trainer or a Comparison) `epochs` more epochs for a Step button: at once when
    they fit in ACTION_SECONDS, else the rest in the live frames that follow, towards `clock.goal`,
    with a progress bar and Pause as the way to stop."""
    goal = run.epoch + epochs
    run.advance(epochs=epochs, seconds=ACTION_SECONDS)
    clock.goal = goal if run.can_train and run.epoch < goal else None
    clock.running = clock.goal is not None
    clock.last_frame = 0.0


def advance_frame(run, clock, speed: str, stop_at: int | None = None) -> bool:
    """Advance `run` (a Trainer or a Comparison) for one frame: towards `clock.goal` if a Step set
    one, else by `speed` epochs, or at "max" by a share of the time since the last frame, kept in
    `clock.last_frame` (0: the first frame); never past `stop_at` (a lesson's budget) while the run
    is before it (a run at or past it plays on freely). Returns False when the play ends here: the
    run cannot train on, the Step's epochs are done, or the run has just reached `stop_at`."""
    now = time.perf_counter()
    interval = now - clock.last_frame if clock.last_frame else FRAME_SECONDS
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


def goal_progress(run, clock) -> None:
    """While a Step trains over several frames: how far it is, and how to stop it."""
    if clock.goal is not None:
        st.progress(run.epoch_progress, text=f"Training epoch {run.epoch + 1:,} of {clock.goal:,}: "
                                             f"{run.epoch_progress:.0%} of its batches. Pause stops here.")


def steps_panel(run, clock, lock, stop) -> None:
    """For a page without a live panel (Diagnostics): a fragment that carries a Step too long for
    its click on to `clock.goal` in frames, under a progress bar with a Stop button (`stop(clock)`),
    and reruns the page when it is done."""

    @st.fragment(run_every=FRAME_SECONDS if clock.goal is not None else None)
    def panel() -> None:
        if clock.goal is None:
            return
        with lock:
            going = advance_frame(run, clock, "max")
        if not going:
            clock.running = False
            st.rerun()  # the page shows the finished epochs; the fragment loses its timer
        goal_progress(run, clock)
        st.button("Stop", icon=":material/stop:", key="steps_stop", on_click=stop, args=(clock,))

    panel()
