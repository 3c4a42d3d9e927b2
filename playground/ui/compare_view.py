"""The Compare page's state and live view: 1-4 runs trained in lockstep, side by side.

The runs live in one `Comparison` (playground.compare) in `st.session_state["compare_session"]`,
so they share the data, the mini-batch order and, where the architectures match, the initial
weights. Run A is the Playground's run, or the first of the configs a lesson hands over in
`st.session_state["compare_configs"] = (configs, labels)` (consumed on the next page run).
"Add run" appends a copy of run A; its form changes one or more settings through `vary`. Adding or
changing a run restarts every run at epoch 0, so all stay in lockstep; removing one keeps the
others' progress.

The toolbar and the fragment follow live_view: Play sets the running flag, each timed fragment
run trains every run for a share of the frame time (one budget shared by all runs, whole epochs in
lockstep) and redraws the boundaries (one live chart per run), the overlaid loss curves and the
differences table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from playground import figures
from playground.compare import MAX_RUNS, Comparison, default_labels, vary
from playground.config import BOUNDS, DEFAULT_REG_RATE, Config, ConfigError, format_layers
from playground.figures.compare import (
    describe,
    lockstep_caption,
    run_color,
    run_letter,
    short,
)
from playground.figures.numbers import format_number
from playground.presets import LESSONS, Lesson
from playground.spread import SeedSpread, SpreadJob
from playground.ui import pacing, state
from playground.ui.controls import LEARNING_RATES, REG_RATES
from playground.ui.live_chart import live_chart
from playground.ui.live_view import (
    SIDE_CHARTS_EVERY,
    TOOLBAR_COLUMNS,
    encoded,
    health_chart,
    network_chart,
    predictions,
)
from playground.ui.pacing import FRAME_SECONDS, SPEEDS, advance_frame, goal_progress, start_epochs

SESSION_KEY = "compare_session"
HANDOVER_KEY = "compare_configs"
EDIT_KEY = "compare_edit"          # which run the form edits
FORM_PREFIX = "compare_form_"      # form widgets: compare_form_<field>_<run index>
KEEP = "as in layers"              # the "change nothing" choice of the all-layers settings
PLAYGROUND_LABEL = "the Playground's run"
COPY_LABEL = "copy of A"
LIVE_CURVE_POINTS = 400            # loss curves are thinned to this many points per run and frame
SPREAD_SEEDS = 5
DETAIL_KEY = "compare_detail"      # what is drawn under each run's boundary: a key of DETAILS
DETAILS = {"none": "Nothing", "health_strip": "Health strip", "gradient_norms": "Gradient norms",
           "neurons": "Neurons"}
DETAIL_OF_PANEL = {"health_strip": "health_strip", "gradient_norms": "gradient_norms", "neurons": "neurons",
                   "network": "neurons"}  # a lesson's panel -> the detail that shows it
DETAIL_HEIGHTS = {"health_strip": 190, "gradient_norms": 240, "neurons": 300}
BOUNDARY_HEIGHTS = {"few": 440, "many": 380, "presenting": 340}  # 1-2 runs, 3-4 runs, presenting a lesson


@dataclass
class CompareState:
    """The comparison of one browser session."""

    comparison: Comparison
    origin: Config | None              # the Playground config run A was taken from; None: from a lesson
    running: bool = False
    goal: int | None = None            # the epoch a Step trains every run towards over several frames
    last_frame: float = 0.0            # perf_counter() of the last live frame
    message: tuple[str, str] | None = None  # ("info" or "error", text): what the last change did, shown once
    spread: tuple[Config, int, SeedSpread] | None = None  # run A's config, epochs, and its seed spread
    spread_job: SpreadJob | None = None  # the seed spread in training, if any
    lesson_key: str | None = None      # the lesson that handed over the runs
    frame: int = 0                     # live frames drawn
    encoded: dict = field(default_factory=dict)  # chart key -> its last encoding (live_view.encoded)

    @property
    def runs(self):
        return self.comparison.runs

    @property
    def lesson(self) -> Lesson | None:
        """The lesson the runs came from, while they are still its runs."""
        lesson = LESSONS.get(self.lesson_key)
        return lesson if lesson is not None and tuple(r.config for r in self.runs) == lesson.runs else None


def _auto_label(base: Config, config: Config) -> str:
    """What a run changes from run A, e.g. 'lr=0.1' ('copy of A' when nothing)."""
    label = default_labels([base, config])[1]
    return COPY_LABEL if label == "run 2" else label


def _forget_form() -> None:
    """Drop the form's widget values so they show the runs' configs again."""
    for key in [k for k in st.session_state if str(k).startswith(FORM_PREFIX)]:
        del st.session_state[key]


def _replace(current: CompareState, configs: list[Config], labels: list[str], message: str = "") -> None:
    """Rebuild the comparison from `configs` (every run back to epoch 0) and stop it."""
    Comparison.check(configs, labels)  # refused: the old comparison stays
    current.running, current.goal = False, None
    current.comparison = None  # freed before the new runs are built: one set of runs in memory at a time
    current.comparison = Comparison(configs, labels)
    current.message = ("info", message) if message else None
    _forget_form()


def compare_session() -> CompareState:
    """This session's comparison; takes over the configs a lesson left in `compare_configs`."""
    current = st.session_state.get(SESSION_KEY)
    handed = st.session_state.pop(HANDOVER_KEY, None)
    failure = None
    if handed is not None:
        configs, labels, *lesson_key = handed  # a lesson's hand-over names the lesson
        configs = list(configs)[:MAX_RUNS]
        labels = list(labels)[:len(configs)] if labels else None  # None: Comparison's default labels
        try:
            comparison = Comparison(configs, labels)
        except ValueError as error:
            failure = f"The lesson's runs could not be compared: {error}"
        else:
            current = st.session_state[SESSION_KEY] = CompareState(comparison, None)
            current.lesson_key = lesson_key[0] if lesson_key else None
            _forget_form()
            st.session_state.pop(EDIT_KEY, None)
            lesson = current.lesson
            st.session_state[DETAIL_KEY] = DETAIL_OF_PANEL.get(lesson.panel_id, "none") if lesson else "none"
    if current is None:  # a new session, or a refused hand-over in one: run A is the Playground's run
        config = state.session().config
        current = st.session_state[SESSION_KEY] = CompareState(Comparison([config], [PLAYGROUND_LABEL]), config)
    if failure is not None:
        current.message = ("error", failure)
    return current


# ---------------------------------------------------------------------------------------------
# Callbacks


def add_run(current: CompareState) -> None:
    runs = current.runs
    if len(runs) >= MAX_RUNS:
        return
    configs, labels = [r.config for r in runs], [r.label for r in runs]
    _replace(current, [*configs, configs[0]], [*labels, COPY_LABEL],
             f"Run {run_letter(len(runs))} starts as a copy of run A: change its settings below. "
             "Every run restarts at epoch 0.")
    st.session_state[EDIT_KEY] = len(runs)


def remove_run(current: CompareState, index: int) -> None:
    if 0 < index < len(current.runs):
        del current.comparison.runs[index]
        _forget_form()
        st.session_state.pop(EDIT_KEY, None)


def from_playground(current: CompareState) -> None:
    config = state.session().config
    current.origin = config
    _replace(current, [config], [PLAYGROUND_LABEL])
    current.spread = None


def play(current: CompareState) -> None:
    if current.comparison.running:
        current.running, current.goal = True, None
        current.last_frame = 0.0


def pause(current: CompareState) -> None:
    current.running, current.goal = False, None


def step(current: CompareState) -> None:
    start_epochs(current.comparison, current, 1)


def reset(current: CompareState) -> None:
    current.running, current.goal = False, None
    current.comparison.reset()


# ---------------------------------------------------------------------------------------------
# The run form


def _form_key(name: str, index: int) -> str:
    return f"{FORM_PREFIX}{name}_{index}"


def _shown_reg_rate(config: Config) -> float:
    """The regularization rate the form shows: the config's, DEFAULT_REG_RATE when unset (0.0 stays 0.0)."""
    return DEFAULT_REG_RATE if config.network.reg_rate is None else config.network.reg_rate


def _changes(config: Config, index: int) -> dict:
    """The form's settings that differ from `config`, as keyword arguments of `vary`."""
    get = lambda name: st.session_state[_form_key(name, index)]  # noqa: E731
    training, network = config.training, config.network
    changes = {name: get(name) for name, now in (
        ("optimizer", training.optimizer), ("learning_rate", training.learning_rate),
        ("batch_size", training.batch_size), ("initializer", network.initializer),
        ("regularization", network.regularization)) if get(name) != now}
    if float(get("reg_rate")) != _shown_reg_rate(config):
        changes["reg_rate"] = float(get("reg_rate"))
    if get("layers").strip() != format_layers(network.hidden):
        changes["layers"] = get("layers").strip()
    if get("activation") != KEEP:
        changes["activation"] = get("activation")
    if get("units") is not None:
        changes["units"] = int(get("units"))
    if get("dropout") is not None:
        changes["dropout"] = float(get("dropout"))
    if get("batch_norm") != KEEP:
        changes["batch_norm"] = get("batch_norm") == "on"
    return changes


def apply_form(current: CompareState, index: int) -> None:
    """Vary run `index` by the form's settings; every run restarts at epoch 0."""
    runs = current.runs
    if not 0 < index < len(runs):
        return
    config, letter = runs[index].config, run_letter(index)
    try:
        new = vary(config, **_changes(config, index))
    except (ConfigError, ValueError) as error:
        current.message = ("error", f"Run {letter} keeps its settings: {error}")
        return
    if new == config:
        current.message = ("info", f"Run {letter}: nothing changed.")
        return
    configs, labels = [r.config for r in runs], [r.label for r in runs]
    configs[index], labels[index] = new, _auto_label(configs[0], new)
    _replace(current, configs, labels, f"Run {letter} now differs from A in: {labels[index]}. "
                                       "Every run restarts at epoch 0.")


def run_form(current: CompareState, index: int) -> None:
    """The settings of run `index`, applied together by one submit button."""
    config, key = current.runs[index].config, lambda name: _form_key(name, index)  # noqa: E731
    training, network = config.training, config.network
    with st.form(f"compare_form_{index}", border=False):
        row = st.columns(4)
        row[0].selectbox("Optimizer", BOUNDS["optimizer"], index=BOUNDS["optimizer"].index(training.optimizer),
                         key=key("optimizer"))
        row[1].select_slider("Learning rate", sorted({*LEARNING_RATES, training.learning_rate}),
                             value=training.learning_rate, key=key("learning_rate"))
        row[2].number_input("Batch size", 1, config.data.n_train, value=training.batch_size, key=key("batch_size"))
        row[3].selectbox("Initializer", BOUNDS["initializer"], index=BOUNDS["initializer"].index(network.initializer),
                         key=key("initializer"))
        row = st.columns(4)
        row[0].text_input("Hidden layers", format_layers(network.hidden), key=key("layers"),
                          help="Units and activation per layer, e.g. 16relu,8relu; -d0.2 adds dropout, -bn batch "
                               "norm; 0 for no hidden layer.")
        row[1].selectbox("Activation (all layers)", (KEEP, *BOUNDS["activation"]), key=key("activation"))
        row[2].number_input("Units (all layers)", 1, BOUNDS["units"].high, value=None, placeholder=KEEP,
                            key=key("units"))
        row[3].number_input("Dropout (all layers)", 0.0, 0.9, value=None, step=0.05, placeholder=KEEP,
                            key=key("dropout"))
        row = st.columns(4)
        row[0].selectbox("Batch norm (all layers)", (KEEP, "on", "off"), key=key("batch_norm"))
        row[1].selectbox("Regularization", BOUNDS["regularization"],
                         index=BOUNDS["regularization"].index(network.regularization), key=key("regularization"))
        rate = _shown_reg_rate(config)
        row[2].select_slider("Regularization rate", sorted({*REG_RATES, rate}), value=rate, key=key("reg_rate"))
        row[3].form_submit_button(f"Apply to run {run_letter(index)}", key=key("apply"), type="primary",
                                  on_click=apply_form, args=(current, index), width="stretch")


def run_editor(current: CompareState) -> None:
    """Pick run B-D and change its settings (open while the newest run is still a copy of A)."""
    runs = current.runs
    if len(runs) < 2:
        return
    options = list(range(1, len(runs)))
    if st.session_state.get(EDIT_KEY) not in options:
        st.session_state.pop(EDIT_KEY, None)
    with st.expander("Change a run's settings", expanded=runs[-1].config == runs[0].config):
        index = st.radio("Run", options, format_func=lambda i: f"{run_letter(i)} · {short(runs[i].label, 40)}",
                         horizontal=True, key=EDIT_KEY)
        run_form(current, index)


# ---------------------------------------------------------------------------------------------
# The header: runs, lockstep caption, toolbar


def run_cards(current: CompareState) -> None:
    """One bordered card per run: its letter, label, settings and a Remove button (runs B-D)."""
    runs = current.runs
    for index, (run, column) in enumerate(zip(runs, st.columns(MAX_RUNS), strict=False)):
        with column.container(border=True):
            st.markdown(f"<span style='color:{run_color(index)};font-weight:700'>Run {run_letter(index)}</span> "
                        f"· {short(run.label)}", unsafe_allow_html=True)
            st.caption(describe(run.config))
            if index:
                st.button("Remove", icon=":material/delete:", key=f"compare_remove_{index}", on_click=remove_run,
                          args=(current, index), type="tertiary")
    add, note = st.columns([1, 5], vertical_alignment="center")
    add.button("Add run", icon=":material/add:", key="compare_add", on_click=add_run, args=(current,),
               disabled=len(runs) >= MAX_RUNS, width="stretch",
               help=f"A copy of run A whose settings you change (at most {MAX_RUNS} runs).")
    note.caption(lockstep_caption(runs))


def toolbar(current: CompareState) -> None:
    """Play/Pause, Step and Reset act on every run together; what to show under each boundary."""
    play_col, step_col, reset_col, speed_col, detail_col = st.columns(TOOLBAR_COLUMNS, vertical_alignment="bottom")
    ready = current.comparison.running
    common = {"args": (current,), "width": "stretch"}
    if current.running:
        play_col.button("Pause", icon=":material/pause:", key="compare_pause", on_click=pause, **common)
    else:
        play_col.button("Play", icon=":material/play_arrow:", key="compare_play", on_click=play, type="primary",
                        disabled=not ready, **common)
    step_col.button("Step", icon=":material/skip_next:", key="compare_step", on_click=step, disabled=not ready,
                    help="Train every run one epoch.", **common)
    reset_col.button("Reset", icon=":material/restart_alt:", key="compare_reset", on_click=reset,
                     help="Every run back to its initial weights.", **common)
    # A new comparison (a lesson's runs set their pace), or the page visited again (Streamlit drops an
    # absent page's widget keys): the pace of the first run's config.
    if st.session_state.get("compare_speed_for") is not current.comparison or "compare_speed" not in st.session_state:
        st.session_state["compare_speed_for"] = current.comparison
        st.session_state["compare_speed"] = current.runs[0].config.view.pace
    speed_col.select_slider("Epochs per frame", SPEEDS, key="compare_speed",
                            help="'max' trains as many epochs as fit between two frames (shared by all runs).")
    st.session_state.setdefault(DETAIL_KEY, "none")
    detail_col.selectbox("Under each run", tuple(DETAILS), format_func=DETAILS.get, key=DETAIL_KEY,
                         help="Health strip: dead and saturated units per layer. Gradient norms: each layer's "
                              "gradient over the epochs. Neurons: the network with each unit's output.")


# ---------------------------------------------------------------------------------------------
# The live panel


def _cell(key: str, value) -> str | int | None:
    """A table cell: counts as they are, percentages whole, every other number by format_number."""
    if key in ("epoch", "best_epoch") or value is None:
        return value
    if key in ("dead_percent", "saturated_percent"):
        return format_number(value, 0) + " %"
    return format_number(value, 3 if key.endswith("metric") else 4)


def summary_table(runs, snapshots) -> tuple[pd.DataFrame, dict]:
    """The differences table, one row per run, and its column config (a plain frame: a pandas
    Styler would cost ~25 ms a frame to send). Numbers are written by format_number, so a diverged
    run's 1.5e+09 stays readable."""
    metric = "R²" if runs[0].config.data.task == "regression" else "accuracy"
    names = {"epoch": "Epoch", "train_loss": "Train loss", "test_loss": "Test loss",
             "train_metric": f"Train {metric}", "test_metric": f"Test {metric}", "gap": "Gap (test − train)",
             "best_epoch": "Best epoch", "dead_percent": "Dead units", "saturated_percent": "Saturated",
             "gradient_ratio": "Grad. layer 1 / output"}
    helps = {"gap": "Test loss minus training loss.", "dead_percent": "Hidden units with zero output on every "
             "training point.", "saturated_percent": "Saturated outputs of the tanh and sigmoid layers.",
             "gradient_ratio": "Gradient norm of hidden layer 1 over the output layer's: far below 1 means "
             "vanishing gradients, far above exploding ones."}
    rows = [{"Run": f"{run_letter(i)} · {short(run.label, 28)}",
             **{names[k]: _cell(k, v) for k, v in figures.summary_row(run.history, snapshot).items()},
             "Status": run.status} for i, (run, snapshot) in enumerate(zip(runs, snapshots, strict=True))]
    columns = {name: (st.column_config.NumberColumn(name, format="%d") if key in ("epoch", "best_epoch")
                      else st.column_config.TextColumn(name, help=helps.get(key)))
               for key, name in names.items()}
    return pd.DataFrame(rows), columns


def _detail(current: CompareState, index: int, snapshot, detail: str) -> None:
    """Run `index`'s `detail` chart (a key of DETAILS), built from the snapshots the run already takes;
    the slower ones are rebuilt every SIDE_CHARTS_EVERY frames while playing."""
    run, height = current.runs[index], DETAIL_HEIGHTS[detail]
    key = f"compare_{detail}_{index}"
    if detail == "health_strip":
        figure = encoded(current, key, SIDE_CHARTS_EVERY, lambda: health_chart(snapshot, height))
    elif detail == "gradient_norms":
        figure = encoded(current, key, SIDE_CHARTS_EVERY, lambda: figures.layer_series_figure(
            [*run.history.snapshots[:-1], snapshot] if run.history.snapshots else [snapshot], "gradient_norm",
            height=height, as_dict=True) if snapshot.layers else None)
    else:
        figure = encoded(current, key, SIDE_CHARTS_EVERY, lambda: network_chart(run.trainer, snapshot, height))
    with st.container(key=f"panel_compare_{detail}_{index}"):
        if figure is None:
            st.caption(f"Run {run_letter(index)} has no hidden layer: no {DETAILS[detail].lower()} to show.")
        else:
            live_chart(figure, key=key, height=height)


def _loss(current: CompareState) -> None:
    runs = current.runs
    live_chart(figures.compare_loss_figure([run.history.thinned(LIVE_CURVE_POINTS) for run in runs],
                                           [run.label for run in runs], log_scale=runs[0].config.view.log_scale,
                                           height=300, as_dict=True), key="compare_loss", height=300)


def _points_caption(runs) -> str:
    """What the markers on the boundaries mean (test points only where they are drawn)."""
    test = any(run.config.view.show_test for run in runs)
    wrong = runs[0].config.data.task != "regression"
    return ("Circles: training points" + ("; diamonds: test points" if test else "")
            + ("; dark rings: misclassified" if wrong else "") + ".")


def draw(current: CompareState, focus: str | None = None) -> None:
    """Boundaries (2 columns; 2 x 2 for 3-4 runs), each with the chosen detail under it, the overlaid
    loss curves and the table. A presented lesson's `focus` panel comes first: the loss curves, or
    the details above the boundaries."""
    runs = current.runs
    current.frame += 1
    detail = st.session_state.get(DETAIL_KEY, "none")
    detail = detail if detail in DETAIL_HEIGHTS else None
    height = BOUNDARY_HEIGHTS["presenting" if focus else "few" if len(runs) <= 2 else "many"]
    if focus == "loss_curves":
        _loss(current)
    snapshots = [run.trainer.snapshot() for run in runs]
    details_first = detail is not None and focus == detail
    if details_first:  # every run's detail in one row, above the boundaries
        for index, cell in enumerate(st.columns(len(runs))):
            with cell:
                _detail(current, index, snapshots[index], detail)
    for row in range(0, len(runs), 2):
        cells = st.columns(2)
        for index, cell in zip(range(row, min(row + 2, len(runs))), cells, strict=False):
            run, trainer = runs[index], runs[index].trainer
            with cell:
                figure = figures.boundary_figure(snapshots[index], trainer.data, run.config,
                                                 predictions=predictions(snapshots[index]), hover_class=False,
                                                 height=height,
                                                 as_dict=True)
                live_chart(figures.titled_boundary(figure, index, run.label), key=f"compare_boundary_{index}",
                           height=height)
                if run.status != "ready":
                    st.caption(f"⚠️ Run {run_letter(index)}: {trainer.message}")
                if detail is not None and not details_first:
                    _detail(current, index, snapshots[index], detail)
        if len(runs) == 1:
            cells[1].info("Press **Add run** above: the new run starts as a copy of A, and you change one or more "
                          "of its settings.", icon=":material/compare:")
    st.caption(f"{_points_caption(runs)} Epoch {current.comparison.epoch:,} for every run.")
    if focus != "loss_curves":
        _loss(current)
    frame, columns = summary_table(runs, snapshots)
    st.dataframe(frame, hide_index=True, column_config=columns, placeholder="–")


def live_panel(current: CompareState, focus: str | None = None) -> None:
    """The fragment: train every run a chunk while playing, then redraw; stops when no run can train."""

    @st.fragment(run_every=FRAME_SECONDS if current.running else None)
    def panel() -> None:
        if current.running and not advance_frame(current.comparison, current,
                                                 st.session_state.get("compare_speed", "max"),
                                                 current.runs[0].config.view.stop_at):
            current.running = False
            st.rerun()  # a full rerun re-creates the fragment without its timer
        goal_progress(current.comparison, current)
        draw(current, focus)

    panel()


# ---------------------------------------------------------------------------------------------
# Spread over seeds


def start_spread(current: CompareState, epochs_key: str) -> None:
    """Start training run A's config from SPREAD_SEEDS seeds for the epochs the widget `epochs_key`
    holds (read here: a value changed with the click is in session_state, not in the button's args);
    the spread panel trains it in slices."""
    current.running, current.goal = False, None
    current.spread_job = None  # a job in progress goes before the new one starts
    current.spread_job = SpreadJob(current.runs[0].config, seeds=SPREAD_SEEDS,
                                   epochs=int(st.session_state[epochs_key]))


def stop_spread(current: CompareState) -> None:
    """End the spread in training; the seeds it finished are shown (none: nothing changes)."""
    job, current.spread_job = current.spread_job, None
    if job is not None and job.finished:
        current.spread = (job.config, job.epochs, job.result())


def spread_panel(current: CompareState) -> None:
    """The fragment that trains the seed spread in slices of pacing.ACTION_SECONDS, under a progress bar
    with a Stop button, and reruns the page with the spread when every seed is done."""

    @st.fragment(run_every=FRAME_SECONDS if current.spread_job is not None else None)
    def panel() -> None:
        job = current.spread_job
        if job is None:
            return
        if job.advance(seconds=pacing.ACTION_SECONDS):
            stop_spread(current)
            st.rerun()  # the page draws the spread; the fragment loses its timer
        st.progress(job.progress, text=f"Training seed {job.current_seed} ({len(job.finished) + 1} of "
                                       f"{len(job.seeds)}) …")
        st.button("Stop", icon=":material/stop:", key="spread_stop", on_click=stop_spread, args=(current,),
                  help="Stop here and show the seeds finished so far.")

    panel()
