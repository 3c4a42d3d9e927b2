"""The live part of the Playground and Compare: the toolbar and the fragment that trains and
redraws (shared), and the Playground's panels (Compare's are in compare_view).

The fragment reruns every pacing.frame_seconds(run) while the run plays (0.05 s, longer for
Compare's several runs). Each run trains for at most TRAIN_SECONDS (or the chosen number of
epochs) and then hands the new figures to the live chart bridge, which updates the charts in
place. Widgets outside the fragment stay live: changing one reruns the page, which applies the
change to the running Trainer.
"""

from __future__ import annotations

import streamlit as st

from playground import figures
from playground.datasets import FEATURES
from playground.diagnostics import worth_showing
from playground.figures.numbers import format_number
from playground.nn import Dense
from playground.ui import own_data, state
from playground.ui.live_chart import figure_bytes, live_chart
from playground.ui.pacing import SPEEDS, advance_frame, frame_seconds, goal_progress

LIVE_CURVE_POINTS = 600   # loss curves are thinned to this many points per frame
SIDE_CHARTS_EVERY = 3     # while playing, the network picture and health strip are rebuilt every 3rd frame,
LOSS_EVERY = 2            # the loss curves every 2nd
# Play/Pause, Step, Reset, the speed and one more control (Playground: nothing; Compare: what to
# show under each run): wide enough that "Pause" stays whole at presentation mode's 22 px type.
TOOLBAR_COLUMNS = [1.4, 1.2, 1.2, 2.4, 1.8]
BOUNDARY_HEIGHT = (540, 340)   # the boundary's height: normally, and while presenting a lesson (first screen)


# The toolbar's help texts: for the Playground's one run, and for Compare's runs together.
HELP = {False: {"step": "Train one epoch.", "reset": "Back to the initial weights (same seed, same weights).",
                "speed": "'max' trains as many epochs as fit between two frames."},
        True: {"step": "Train every run one epoch.", "reset": "Every run back to its initial weights.",
               "speed": "'max' trains as many epochs as fit between two frames (shared by all runs)."}}


def toolbar(live: state.LiveRun):
    """Play/Pause, Step, Reset and the speed of `live` (the Playground's run or Compare's runs
    together, keys by `live.key`); returns the toolbar's last column, for a page's own control."""
    play, step, reset, speed, last = st.columns(TOOLBAR_COLUMNS, vertical_alignment="bottom")
    ready, helps = live.run.can_train, HELP[live.comparing]
    common = {"args": (live,), "width": "stretch"}
    if live.running:
        play.button("Pause", icon=":material/pause:", key=live.key("pause"), on_click=state.pause, **common)
    else:
        play.button("Play", icon=":material/play_arrow:", key=live.key("play"), on_click=state.play,
                    type="primary", disabled=not ready, **common)
    step.button("Step", icon=":material/skip_next:", key=live.key("step"), on_click=state.step,
                help=helps["step"], disabled=not ready, **common)
    reset.button("Reset", icon=":material/restart_alt:", key=live.key("reset"), on_click=state.reset,
                 help=helps["reset"], **common)
    pace_widget(live, live.key("speed"))
    speed.select_slider("Epochs per frame", SPEEDS, key=live.key("speed"), help=helps["speed"])
    return last


def pace_widget(live: state.LiveRun, key: str) -> None:
    """Set the pace widget `key` from the config of a run loaded anew (a lesson or a link sets its
    pace), and hand a pace the user chose to `state.set_pace`. Streamlit drops a widget's key while
    its page is away, so a page visited again also starts from the config."""
    if st.session_state.get(f"{key}_for") is not live.run or key not in st.session_state:
        st.session_state[f"{key}_for"] = live.run
        st.session_state[key] = live.config.view.pace
    elif st.session_state.get(key) != live.config.view.pace:
        state.set_pace(live, st.session_state[key])


def _metrics(session: state.LiveRun, snapshot) -> None:
    """The cards, from the current snapshot: after a data change it holds the same weights' numbers on
    the new data (the history's last epoch was measured on the old data)."""
    metric = "R²" if session.config.data.task == "regression" else "accuracy"
    columns = st.columns(5)
    columns[0].metric("Epoch", f"{session.trainer.epoch:,}")
    columns[1].metric("Train loss", format_number(snapshot.train_loss))
    columns[2].metric("Test loss", format_number(snapshot.test_loss))
    columns[3].metric(f"Train {metric}", format_number(snapshot.train_metric, 3))
    columns[4].metric(f"Test {metric}", format_number(snapshot.test_metric, 3))


def _status(session: state.LiveRun) -> None:
    trainer = session.trainer
    if trainer.status == "diverged":
        st.error(f"{trainer.message} Press Reset to start again.", icon="💥")
    elif trainer.status == "stopped":
        st.info(trainer.message)


def predictions(snapshot) -> dict[str, object] | None:
    """Predicted classes of the train and test points (from the snapshot's evaluation), for exact
    misclassification marks; None for regression."""
    if snapshot.train_classes is None:
        return None
    return {"train": snapshot.train_classes, "test": snapshot.test_classes}


def encoded(live: state.LiveRun, name: str, every: int, build) -> bytes | None:
    """`build()` encoded, or while `live` plays, its encoding from up to `every - 1` frames ago:
    charts that change little between two frames are rebuilt less often (the browser skips a
    figure identical to the one it shows), leaving the time to the boundary."""
    charts = live.charts
    if name in charts.encoded and live.running and charts.frame % every:
        return charts.encoded[name]
    figure = build()
    charts.encoded[name] = None if figure is None else figure_bytes(figure)
    return charts.encoded[name]


def network_chart(trainer, snapshot, height: int = 380) -> dict:
    """The network picture with its neuron tiles, of `trainer` at `snapshot`."""
    kernels = [layer.params["kernel"] for layer in trainer.model.layers if isinstance(layer, Dense)]
    return figures.network_figure(snapshot, [h.units for h in trainer.hidden],
                                  [FEATURES[name].label for name in trainer.config.data.features], kernels,
                                  compact=True, height=height, as_dict=True)


def health_chart(snapshot, height: int = 170) -> dict | None:
    """The health strip, or None for a network without hidden layers."""
    return figures.health_figure(snapshot.layers, height=height, as_dict=True) if snapshot.layers else None


def shown_findings(session: state.LiveRun) -> list:
    """The run's findings a class should see (diagnostics.worth_showing)."""
    return worth_showing(session.trainer.findings(), session.trainer.history.train_loss)


def _boundary(session: state.LiveRun, snapshot, height: int) -> None:
    trainer, config = session.trainer, session.config
    if own_data.drawing():  # the output, and the points being drawn instead of the dataset's
        boundary = figures.boundary_figure(snapshot, trainer.data, config, drawn=session.own.drawn, height=height,
                                           as_dict=True)
        live_chart(boundary, key="boundary", height=height, on_click=lambda event: own_data.on_click(session, event))
        st.caption(own_data.drawing_caption(session))
    else:
        boundary = figures.boundary_figure(snapshot, trainer.data, config, predictions=predictions(snapshot),
                                           max_points=figures.MAX_POINTS_DRAWN, height=height, as_dict=True)
        live_chart(boundary, key="boundary", height=height)
        if note := figures.points_note(trainer.data, config.view.show_test):
            st.caption(note)
    _large_network_caption(trainer)


def _large_network_caption(trainer) -> None:
    """What a network too large for the measuring budgets changes on the page (see training.GRID_MACS)."""
    coarse, asked, rows = trainer.grid_size, trainer.config.view.grid, trainer.evaluation_rows
    cuts = []
    if coarse < asked:
        cuts.append(f"its output is drawn on a {coarse}×{coarse} grid instead of {asked}×{asked}")
    if trainer.evaluation_sampled:
        cuts.append(f"losses and {'R²' if trainer.config.data.task == 'regression' else 'accuracy'} are measured on "
                    f"the first {rows:,} points of the training and test sets (in random order)")
    if cuts:
        st.caption(f"This network has {trainer.model.count_params():,} parameters: {'; '.join(cuts)}, so that "
                   "every frame stays quick for everyone on this server.")


def _loss(session: state.LiveRun) -> None:
    history, log_scale = session.trainer.history, session.config.view.log_scale
    live_chart(encoded(session, "loss", LOSS_EVERY, lambda: figures.loss_figure(
        history.thinned(LIVE_CURVE_POINTS), log_scale=log_scale, height=280, as_dict=True)), key="loss", height=280)


def draw(session: state.LiveRun, focus: str | None = None) -> None:
    """Metrics, boundary, network, health strip and loss curves of the current state. A lesson's
    `focus` panel (see presentation.focus) comes first: the loss curves above the rest, the other
    panels with the metrics below them, on a shorter boundary."""
    trainer = session.trainer
    snapshot = trainer.snapshot()
    if focus == "loss_curves":
        _loss(session)
    if focus is None:
        _metrics(session, snapshot)
        _status(session)
    left, right = st.columns([3, 2])
    with left:
        _boundary(session, snapshot, BOUNDARY_HEIGHT[focus is not None])
    with right:
        live_chart(encoded(session, "network", SIDE_CHARTS_EVERY, lambda: network_chart(trainer, snapshot)),
                   key="network", height=380)
        health = encoded(session, "health", SIDE_CHARTS_EVERY, lambda: health_chart(snapshot))
        if health is not None:
            live_chart(health, key="health", height=170)
        for finding in shown_findings(session):
            st.caption(f"⚠️ {finding.message}")
    if focus is not None:
        _metrics(session, snapshot)
        _status(session)
    if focus != "loss_curves":
        _loss(session)


# Streamlit dims ("stale") a fragment's elements while its next run is under way; for a panel
# that is redrawn several times a second that reads as flicker, so the live panel is never dimmed.
NO_STALE_FADE = """<style>
.st-key-live_panel [data-stale="true"], .st-key-live_panel[data-stale="true"] {
  opacity: 1 !important; transition: none !important; }
</style>"""


def live_panel(live: state.LiveRun, draw, focus: str | None = None) -> None:
    """The fragment of both pages: train a chunk of `live` while playing, then `draw(live, focus)`;
    stops the timer when the play ends. `focus`: the lesson panel drawn first."""
    st.html(NO_STALE_FADE)

    @st.fragment(run_every=frame_seconds(live.run) if live.running else None)
    def panel() -> None:
        with live.lock:
            if live.running and not advance_frame(live.run, live.clock, st.session_state.get(live.key("speed"), "max"),
                                                  live.config.view.stop_at):
                st.rerun()  # a full rerun re-creates the fragment without its timer
            goal_progress(live.run, live.clock)
            live.charts.frame += 1
            with st.container(key="live_panel"):
                draw(live, focus)

    panel()
