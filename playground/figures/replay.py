"""Replay a run in the browser: one figure with a frame per snapshot, played by Plotly itself.

Left the decision boundary, right the loss curves with a marker at the frame's epoch. Each
frame carries only the heatmap's z (uint8, or uint16 for multi-class) and the few numbers of
the epoch marker, so 200 frames of a 100x100 grid are about 2.8 MB; Plotly's Play button and
slider then animate them with no server round trips. Points are static (misclassification
marks are not replayed: they would change every frame).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..config import Config
from ..training import RunData, RunHistory, Snapshot
from . import boundary, curves, palette

FRAME_MS = 60
MAX_FRAMES = 200


def _frame_snapshots(history: RunHistory) -> list[Snapshot]:
    snapshots = history.snapshots
    if len(snapshots) > MAX_FRAMES:  # the history keeps <= 200 already; thin evenly if not
        index = np.unique(np.rint(np.linspace(0, len(snapshots) - 1, MAX_FRAMES)).astype(int))
        snapshots = [snapshots[i] for i in index]
    return snapshots


def _loss_range(history: RunHistory, log: bool) -> list[float]:
    values = np.concatenate([np.asarray(history.train_loss, float), np.asarray(history.test_loss, float)])
    low, high = curves.finite_range(values, log)
    if log:
        return [math.log10(low) - 0.05, math.log10(high) + 0.05]
    return [0.0, high * 1.05]


def epoch_line(epoch: int) -> dict:
    """A vertical line at `epoch` across the loss panel (x in data units of xaxis2, y over its height)."""
    return dict(type="line", xref="x2", yref="y2 domain", x0=epoch, x1=epoch, y0=0, y1=1,
                line=dict(color="#555555", width=2))


def replay_figure(history: RunHistory, data: RunData, config: Config, *, height: int = 560) -> go.Figure:
    """A figure with one frame per snapshot (at most 200), Play/Pause buttons and an epoch slider.

    Trace 0 is the boundary heatmap and layout.shapes[0] the epoch line; frames update only those.
    The view options (show_test, discretize, log_scale) come from `config.view`.
    """
    snapshots = _frame_snapshots(history)
    if not snapshots:
        raise ValueError("The history has no snapshots to replay. Received: history.snapshots=[]")
    view = config.view
    classification = config.data.task == "classification"
    fig = make_subplots(rows=1, cols=2, column_widths=[0.55, 0.45], horizontal_spacing=0.1)
    first = snapshots[0]
    fig.add_trace(boundary.heatmap_trace(first, config, view.discretize and classification, hover_class=False),
                  row=1, col=1)
    for trace in boundary.point_traces(data, config, view.show_test):
        fig.add_trace(trace, row=1, col=1)
    for trace in boundary.legend_traces(view.show_test, False):
        trace["name"] = f"{trace['name']} points"
        fig.add_trace(trace, row=1, col=1)

    for trace in curves.curve_traces(history, False, ""):
        trace["name"] = f"{trace['name']} loss"
        trace["opacity"] = 0.55
        fig.add_trace(trace, row=1, col=2)
    best = curves.best_marker(history, False, "")
    if best is not None:
        fig.add_trace(best, row=1, col=2)
    y_range = _loss_range(history, view.log_scale)

    # Frames change only trace 0 and a layout shape: animating a second trace on another subplot
    # as well leaves the heatmap blank until the last frame (plotly.js 4.1.1, seen in Chromium).
    frames = []
    for snapshot in snapshots:
        frames.append(go.Frame(name=str(snapshot.epoch), traces=[0],
                               data=[dict(type="heatmap", z=boundary.heatmap_z(snapshot))],
                               layout=dict(shapes=[epoch_line(snapshot.epoch)])))
    fig.frames = frames

    play = dict(frame=dict(duration=FRAME_MS, redraw=True), transition=dict(duration=0), fromcurrent=True,
                mode="immediate")
    pause = dict(frame=dict(duration=0, redraw=False), transition=dict(duration=0), mode="immediate")
    buttons = [dict(label="▶ Play", method="animate", args=[None, play]),
               dict(label="❚❚ Pause", method="animate", args=[[None], pause])]
    steps = [dict(label=str(s.epoch), method="animate",
                  args=[[str(s.epoch)], dict(frame=dict(duration=0, redraw=True), transition=dict(duration=0),
                                             mode="immediate")]) for s in snapshots]
    xaxis, yaxis = boundary.domain_axes()
    last_epoch = history.epochs[-1] if history.epochs else snapshots[-1].epoch
    loss_axis = curves.value_axis(view.log_scale, False, "", [history.train_loss, history.test_loss])
    loss_axis.update(range=y_range, autorange=False)
    fig.update_layout(palette.base_layout(
        height, "replay", xaxis=xaxis, yaxis=yaxis, shapes=[epoch_line(first.epoch)],
        xaxis2=dict(curves.epoch_axis(history.epochs), range=[-0.02 * max(1, last_epoch), 1.02 * max(1, last_epoch)],
                    autorange=False), yaxis2=loss_axis,
        legend=dict(orientation="h", x=0, y=1.0, xanchor="left", yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        margin=dict(l=48, r=16, t=36, b=40),
        updatemenus=[dict(type="buttons", direction="left", buttons=buttons, showactive=False,
                          x=0, y=-0.12, xanchor="left", yanchor="top", pad=dict(t=0, r=8))],
        # pad.l (pixels) keeps the slider clear of the buttons at any width.
        sliders=[dict(steps=steps, active=0, x=0, len=1, y=-0.1, yanchor="top", pad=dict(t=0, b=0, l=170),
                      currentvalue=dict(prefix="epoch ", visible=True, xanchor="right",
                                        font=dict(size=12, color=palette.INK)),
                      ticklen=0 if len(steps) > 25 else 4,
                      font=dict(size=10, color="rgba(0,0,0,0)" if len(steps) > 25 else palette.INK),
                      transition=dict(duration=0))]))
    return fig
