"""Compare's "Is it luck?": run A's config trained from several seeds, in slices, with its band.

The spread lives in `st.session_state["compare_spread"]` (a Spread): the job in training, if
any, and the last result. The functions here are its only writers.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from playground import figures
from playground.config import Config
from playground.figures.compare import agreed_share, band_end
from playground.spread import SeedSpread, SpreadJob
from playground.ui import pacing, presentation

SPREAD_KEY = "compare_spread"
SPREAD_SEEDS = 5
SPREAD_EPOCHS = (1, 500, 100)  # the seed spread's epochs: lowest, highest, default


@dataclass
class Spread:
    """The seed spread of one browser session."""

    result: tuple[Config, int, SeedSpread] | None = None  # run A's config, epochs, and its spread
    job: SpreadJob | None = None                           # the spread in training, if any


def spread_state() -> Spread:
    return st.session_state.setdefault(SPREAD_KEY, Spread())


def forget() -> None:
    """No spread shown (run A was taken anew); a job in training goes on."""
    spread_state().result = None


def start(live, epochs_key: str) -> None:
    """Start training run A's config (of `live`, Compare's LiveRun, which stops) from SPREAD_SEEDS
    seeds for the epochs the widget `epochs_key` holds (read here: a value changed with the click
    is in session_state, not in the button's args); the panel trains it in slices."""
    pacing.stop(live.clock)
    spread = spread_state()
    spread.job = None  # a job in progress goes before the new one starts
    spread.job = SpreadJob(live.runs[0].config, seeds=SPREAD_SEEDS, epochs=int(st.session_state[epochs_key]))


def stop() -> None:
    """End the spread in training; the seeds it finished are shown (none: nothing changes)."""
    spread = spread_state()
    job, spread.job = spread.job, None
    if job is not None and job.finished:
        spread.result = (job.config, job.epochs, job.result())


def progress_panel() -> None:
    """The fragment that trains the seed spread in slices of pacing.ACTION_SECONDS, under a progress bar
    with a Stop button, and reruns the page with the spread when every seed is done."""
    spread = spread_state()

    @st.fragment(run_every=pacing.FRAME_SECONDS if spread.job is not None else None)
    def panel() -> None:
        job = spread.job
        if job is None:
            return
        if job.advance(seconds=pacing.ACTION_SECONDS):
            stop()
            st.rerun()  # the page draws the spread; the fragment loses its timer
        st.progress(job.progress, text=f"Training seed {job.current_seed} ({len(job.finished) + 1} of "
                                       f"{len(job.seeds)}) …")
        st.button("Stop", icon=":material/stop:", key="spread_stop", on_click=stop,
                  help="Stop here and show the seeds finished so far.")

    panel()


def _summary(spread: SeedSpread, epochs: int, regression: bool, metric_name: str) -> str:
    test = band_end(spread.test_metric if not regression else spread.test_loss)
    agreed = agreed_share(spread)
    seeds = ", ".join(map(str, spread.seeds))
    what = f"test {metric_name}" if not regression else "test loss"
    summary = (f"After {epochs} epochs, seeds {seeds}: {what} {test['mean']:.3f} ± {test['std']:.3f} "
               f"(from {test['low']:.3f} to {test['high']:.3f}).")
    if agreed is not None:
        summary += f" All seeds agree on {agreed:.0%} of the domain."
    failed = sum(status == "diverged" for status in spread.statuses)
    if failed:
        summary += f" {failed} of {len(spread.seeds)} seeds diverged."
    return summary


def expander(live) -> None:
    """The "Is it luck?" expander of Compare's LiveRun `live`: epochs, the button, the training
    progress and, once trained, the summary, the seeds' boundaries and the band."""
    spread, runs = spread_state(), live.runs
    with st.expander(f"Is it luck? Run A over {SPREAD_SEEDS} seeds",
                     expanded=spread.result is not None or spread.job is not None):
        st.caption(f"Run A's config trained from {SPREAD_SEEDS} seeds: the same points, but other initial "
                   "weights and batch orders. A difference between runs that is smaller than this spread may be "
                   "luck.")
        low, high, default = SPREAD_EPOCHS
        epochs_col, button_col, band_col, curve_col = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
        epochs_col.number_input("Epochs per seed", low, high, default, step=10, key="spread_epochs")
        button_col.button("Run seed spread", icon=":material/casino:", key="run_spread", width="stretch",
                          on_click=start, args=(live, "spread_epochs"))
        progress_panel()
        kind = band_col.radio("Band", ("std", "range"), horizontal=True, key="spread_band",
                              format_func={"std": "mean ± std", "range": "min – max"}.get)
        regression = runs[0].config.data.task == "regression"
        metric_name = "R²" if regression else "accuracy"
        curve = curve_col.radio("Curve", ("loss", metric_name), horizontal=True, key="spread_curve")
        if spread.result is None:
            return
        config, epochs, result = spread.result
        if config != runs[0].config:
            st.caption("⚠️ Computed for an earlier run A: run it again to update.")
        st.markdown(_summary(result, epochs, regression, metric_name))
        left, right = st.columns([2, 1])
        boundary = figures.spread_boundary_figure(result, runs[0].trainer.data, config, height=420)
        band = figures.band_figure(result, metric=curve != "loss", kind=kind, metric_name=metric_name,
                                   log_scale=config.view.log_scale and curve == "loss", height=420)
        left.plotly_chart(presentation.scaled(boundary), key="spread_boundary", width="stretch", theme=None)
        right.plotly_chart(presentation.scaled(band), key="spread_band_chart", width="stretch", theme=None)
