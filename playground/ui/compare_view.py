"""Compare's live panel: each run's boundary with a chosen detail under it, the overlaid loss
curves and the differences table, drawn by the Playground's fragment (live_view.live_panel) every
frame; and the toolbar's extra control, what to show under each run.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground import figures
from playground.figures.compare import run_letter, short
from playground.figures.numbers import format_number
from playground.ui import state
from playground.ui.compare_runs import DETAIL_KEY, DETAILS
from playground.ui.live_chart import live_chart
from playground.ui.live_view import SIDE_CHARTS_EVERY, encoded, health_chart, network_chart, predictions

LIVE_CURVE_POINTS = 400            # loss curves are thinned to this many points per run and frame
DETAIL_HEIGHTS = {"health_strip": 190, "gradient_norms": 240, "neurons": 300}
BOUNDARY_HEIGHTS = {"few": 440, "many": 380, "presenting": 340}  # 1-2 runs, 3-4 runs, presenting a lesson


def detail_picker(column) -> None:
    """What to show under each boundary, in `column` (the toolbar's last)."""
    st.session_state.setdefault(DETAIL_KEY, "none")
    column.selectbox("Under each run", tuple(DETAILS), format_func=DETAILS.get, key=DETAIL_KEY,
                     help="Health strip: dead and saturated units per layer. Gradient norms: each layer's "
                          "gradient over the epochs. Neurons: the network with each unit's output.")


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


def _detail(live: state.LiveRun, index: int, snapshot, detail: str) -> None:
    """Run `index`'s `detail` chart (a key of DETAILS), built from the snapshots the run already takes;
    the slower ones are rebuilt every SIDE_CHARTS_EVERY frames while playing."""
    run, height = live.runs[index], DETAIL_HEIGHTS[detail]
    key = f"compare_{detail}_{index}"
    if detail == "health_strip":
        figure = encoded(live, key, SIDE_CHARTS_EVERY, lambda: health_chart(snapshot, height))
    elif detail == "gradient_norms":
        figure = encoded(live, key, SIDE_CHARTS_EVERY, lambda: figures.layer_series_figure(
            [*run.history.snapshots[:-1], snapshot] if run.history.snapshots else [snapshot], "gradient_norm",
            height=height, as_dict=True) if snapshot.layers else None)
    else:
        figure = encoded(live, key, SIDE_CHARTS_EVERY, lambda: network_chart(run.trainer, snapshot, height))
    with st.container(key=f"panel_compare_{detail}_{index}"):
        if figure is None:
            st.caption(f"Run {run_letter(index)} has no hidden layer: no {DETAILS[detail].lower()} to show.")
        else:
            live_chart(figure, key=key, height=height)


def _loss(live: state.LiveRun) -> None:
    runs = live.runs
    live_chart(figures.compare_loss_figure([run.history.thinned(LIVE_CURVE_POINTS) for run in runs],
                                           [run.label for run in runs], log_scale=runs[0].config.view.log_scale,
                                           height=300, as_dict=True), key="compare_loss", height=300)


def _points_caption(runs) -> str:
    """What the markers on the boundaries mean (test points only where they are drawn), and which
    points a large run's boundary leaves out (figures.MAX_POINTS_DRAWN)."""
    test = any(run.config.view.show_test for run in runs)
    wrong = runs[0].config.data.task != "regression"
    left_out = dict.fromkeys(note for run in runs
                             if (note := figures.points_note(run.trainer.data, run.config.view.show_test)))
    return " ".join(["Circles: training points" + ("; diamonds: test points" if test else "")
                     + ("; dark rings: misclassified" if wrong else "") + ".", *left_out])


def draw(live: state.LiveRun, focus: str | None = None) -> None:
    """Boundaries (2 columns; 2 x 2 for 3-4 runs), each with the chosen detail under it, the overlaid
    loss curves and the table. A presented lesson's `focus` panel comes first: the loss curves, or
    the details above the boundaries."""
    runs = live.runs
    detail = st.session_state.get(DETAIL_KEY, "none")
    detail = detail if detail in DETAIL_HEIGHTS else None
    height = BOUNDARY_HEIGHTS["presenting" if focus else "few" if len(runs) <= 2 else "many"]
    if focus == "loss_curves":
        _loss(live)
    snapshots = [run.trainer.snapshot() for run in runs]
    details_first = detail is not None and focus == detail
    if details_first:  # every run's detail in one row, above the boundaries
        for index, cell in enumerate(st.columns(len(runs))):
            with cell:
                _detail(live, index, snapshots[index], detail)
    for row in range(0, len(runs), 2):
        cells = st.columns(2)
        for index, cell in zip(range(row, min(row + 2, len(runs))), cells, strict=False):
            run, trainer = runs[index], runs[index].trainer
            with cell:
                figure = figures.boundary_figure(snapshots[index], trainer.data, run.config,
                                                 predictions=predictions(snapshots[index]), hover_class=False,
                                                 max_points=figures.MAX_POINTS_DRAWN, height=height, as_dict=True)
                live_chart(figures.titled_boundary(figure, index, run.label), key=f"compare_boundary_{index}",
                           height=height)
                if run.status != "ready":
                    st.caption(f"⚠️ Run {run_letter(index)}: {trainer.message}")
                if detail is not None and not details_first:
                    _detail(live, index, snapshots[index], detail)
        if len(runs) == 1:
            cells[1].info("Press **Add run** above: the new run starts as a copy of A, and you change one or more "
                          "of its settings.", icon=":material/compare:")
    st.caption(f"{_points_caption(runs)} Epoch {live.comparison.epoch:,} for every run.")
    if focus != "loss_curves":
        _loss(live)
    frame, columns = summary_table(runs, snapshots)
    st.dataframe(frame, hide_index=True, column_config=columns, placeholder="–")
