"""The Overfitting page's logic: the sweep form, Run and Stop, and the results fragment.

A sweep runs in the process-wide pool (playground.sweeps.pool), never on the script thread; the
fragment polls it every POLL_SECONDS, showing the queue place or the progress, and redraws the
figures when new runs have finished. A click on a run's dot offers that run as a share link.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from playground.config import Config, ConfigError
from playground.figures.sweeps import epoch_figure, sweep_curve_figure
from playground.sweeps import knobs
from playground.sweeps.engine import MAX_SEEDS, RunRecord, SweepSpec
from playground.sweeps.pool import SweepJob, shared_pool
from playground.sweeps.presets import PRESETS
from playground.sweeps.summary import best_value, csv_text, summarize
from playground.ui import presentation, state

STATE_KEY = "sweep_state"
PAGE_PATH = "overfitting"
POLL_SECONDS = 0.5
CUSTOM = "custom"
DEFAULTS = {"sweep_preset": CUSTOM, "sweep_param": "reg_rate", "sweep_seeds": 3, "sweep_epochs": 200}


@dataclass
class SweepState:
    """The session's sweep: the job in the shared pool (None before the first Run), a note to show
    once, and how many records the figures were last drawn with."""

    job: SweepJob | None = None
    note: tuple[str, str] | None = None


def sweep_state() -> SweepState:
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = SweepState()
        for key, value in DEFAULTS.items():
            st.session_state.setdefault(key, value)
        st.session_state.setdefault("sweep_values", _values_text(knobs.DEFAULT_VALUES["reg_rate"]))
    return st.session_state[STATE_KEY]


def _values_text(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


# ---------------------------------------------------------------------------------------------
# Callbacks


def choose_preset() -> None:
    preset = PRESETS.get(st.session_state["sweep_preset"])
    if preset is not None:
        st.session_state.update(sweep_param=preset.param, sweep_values=_values_text(preset.values),
                                sweep_seeds=preset.seeds, sweep_epochs=preset.epochs)


def choose_param(base: Config) -> None:
    param = st.session_state["sweep_param"]
    epochs = int(st.session_state["sweep_epochs"])
    values = knobs.default_values(param, knobs.current_value(base, param, epochs))
    st.session_state["sweep_values"] = _values_text(values)


def base_config() -> Config:
    """The run the sweep starts from: the preset's, else the Playground's current run."""
    preset = PRESETS.get(st.session_state.get("sweep_preset", CUSTOM))
    return preset.config if preset is not None else state.session().config


def read_spec() -> SweepSpec:
    """The sweep the form describes; ConfigError with the form's problem."""
    param = st.session_state["sweep_param"]
    text = str(st.session_state["sweep_values"]).replace(" ", "")
    values = knobs.parse_values(text, param)
    return SweepSpec(base_config(), param, values, int(st.session_state["sweep_seeds"]),
                     int(st.session_state["sweep_epochs"]))


def run(current: SweepState) -> None:
    if current.job is not None and not current.job.finished:
        current.job.stop()
    try:
        current.job = shared_pool().submit(read_spec())
        current.note = None
    except ConfigError as error:
        current.note = ("error", str(error))


def stop(current: SweepState) -> None:
    if current.job is not None:
        current.job.stop()
        current.note = ("info", f"Stopped: {current.job.done_count()} of {current.job.total} runs finished and are "
                                "kept below.")


# ---------------------------------------------------------------------------------------------
# Widgets


def form(current: SweepState) -> None:
    """Preset, knob, values, seeds and epochs, and the Run and Stop buttons."""
    base = base_config()
    preset_col, param_col, values_col = st.columns([2, 2, 3])
    preset_col.selectbox("Preset", (CUSTOM, *PRESETS), key="sweep_preset", on_change=choose_preset,
                         format_func=lambda k: "Your Playground run" if k == CUSTOM else PRESETS[k].title)
    param_col.selectbox("Knob", knobs.KNOBS, key="sweep_param", on_change=choose_param, args=(base,),
                        format_func=knobs.label)
    values_col.text_input("Values", key="sweep_values",
                          help="Comma-separated, or log:<low>:<high>:<count>, or lin:<low>:<high>:<count>.")
    seeds_col, epochs_col, run_col, stop_col = st.columns([1, 1, 1, 1], vertical_alignment="bottom")
    seeds_col.number_input("Seeds per value", 1, MAX_SEEDS, key="sweep_seeds",
                           help="Each seed draws other data, split, initial weights and batch order.")
    epochs_col.number_input("Epochs per run", 1, int(knobs.EPOCHS_RANGE.high), key="sweep_epochs")
    busy = current.job is not None and not current.job.finished
    run_col.button("Run sweep", key="sweep_run", icon=":material/play_arrow:", type="primary", width="stretch",
                   on_click=run, args=(current,))
    stop_col.button("Stop", key="sweep_stop", icon=":material/stop:", width="stretch", disabled=not busy,
                    on_click=stop, args=(current,))
    preset = PRESETS.get(st.session_state["sweep_preset"])
    if preset is not None:
        st.caption(f"**{preset.title}.** {preset.shows}")
    else:
        st.caption("Starting from your Playground run: "
                   f"`?{urlencode(base.to_query(), safe=',') or '(the default run)'}`")
    if current.note is not None:
        kind, text = current.note
        (st.error if kind == "error" else st.info)(text)


def run_link(record: RunRecord, base: Config) -> str:
    """The share link that opens `record`'s run on the Playground (the drawing grid of `base`)."""
    config = record.config.replace(grid=base.view.grid)
    root = presentation.app_root(st.context.url, PAGE_PATH)
    return f"{root}/?{urlencode(config.to_query(), safe=',')}"


def _chart(figure, key: str) -> int | None:
    """Draw a figure; the record index of the point clicked, if any."""
    event = st.plotly_chart(figure, key=key, width="stretch", theme=None, on_select="rerun",
                            selection_mode="points")
    points = event.selection.points if event is not None else []
    for point in points:
        if point.get("customdata") is not None:
            return int(point["customdata"])
    return None


def results(current: SweepState) -> None:
    """The fragment: queue place or progress, then the figures of the runs finished so far."""

    job = current.job
    polling = job is not None and not job.finished

    @st.fragment(run_every=POLL_SECONDS if polling else None)
    def panel() -> None:
        if job is None:
            st.info("Pick a knob and its values, then press **Run sweep**: every value is trained from several "
                    "seeds, and the test loss against the knob shows where the sweet spot is.",
                    icon=":material/insights:")
            return
        done = job.done_count()
        if not job.finished:
            place = job.place()
            text = (f"Waiting for a worker: number {place} in the queue of this server." if place else
                    f"Training run {min(done + 1, job.total)} of {job.total} …")
            st.progress(done / job.total, text=text)
        elif polling:
            st.rerun()  # finished: a full rerun re-creates the fragment without its timer
        elif job.state == "failed":
            st.error(job.message)
        draw(job)

    panel()


def draw(job: SweepJob) -> None:
    records = job.results()
    if not records:
        return
    spec = job.spec
    table = summarize(records)
    best = best_value(table)
    if best is not None:
        st.markdown(f"**{len(records)} of {job.total} runs.** Lowest mean test loss "
                    f"**{best.mean['test_loss']:.4g}** at **{spec.param} = {best.value:g}** "
                    f"(test error {best.mean['test_error']:.1%}).")
    error = st.toggle("Show error (1 − accuracy) instead of loss", key="sweep_error")
    learning = spec.param in ("samples", "train")
    left, right = st.columns(2)
    with left:
        clicked = _chart(sweep_curve_figure(records, spec.param, error=error, x="n_train" if learning else "value",
                                            title="Learning curve" if learning else "U-curve"), "sweep_curve")
    with right:
        _chart(epoch_figure(records, spec.param), "sweep_epochs_chart")
    if clicked is not None and clicked < len(records):
        record = records[clicked]
        st.link_button(f"Open the run {spec.param}={record.value:g}, seed {record.seed} in the Playground",
                       run_link(record, spec.config), icon=":material/open_in_new:")
    else:
        st.caption("Click a dot to open that run in the Playground (train it for "
                   f"{spec.epochs} epochs there to see it).")
    st.download_button("Download CSV", csv_text(records), f"sweep-{spec.param}.csv", "text/csv",
                       key="sweep_csv", icon=":material/table:", on_click="ignore")
