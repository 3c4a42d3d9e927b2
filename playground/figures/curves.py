"""Loss and metric curves over epochs, and the per-layer health bars."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..diagnostics import THRESHOLDS, LayerStats
from ..training import RunHistory
from . import palette
from .numbers import HOVER_FORMAT

BEST_COLOR = "#555555"


def curve_arrays(history: RunHistory, metric: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Epochs (n,) int32 and the train and test values (n,) float32 (NaN where undefined)."""
    train = history.train_metric if metric else history.train_loss
    test = history.test_metric if metric else history.test_loss
    return (np.asarray(history.epochs, dtype=np.int32), np.asarray(train, dtype=np.float32),
            np.asarray(test, dtype=np.float32))


def best_index(history: RunHistory) -> int | None:
    """Index into history.epochs of the best test loss (the epoch is `history.best_epoch`)."""
    best = history.best_epoch
    return None if best is None else history.epochs.index(best)


def curve_traces(history: RunHistory, metric: bool, metric_name: str) -> list[dict]:
    """Train (blue) and test (orange) curves; no test curve when the test values are all NaN."""
    epochs, train, test = curve_arrays(history, metric)
    what = metric_name if metric else "loss"
    fmt = ".3f" if metric else HOVER_FORMAT
    traces = []
    for name, values, color in (("train", train, palette.TRAIN_COLOR), ("test", test, palette.TEST_COLOR)):
        if name == "test" and not np.isfinite(values).any():
            continue  # no test split
        traces.append(dict(type="scatter", x=epochs, y=values, mode="lines", name=name,
                           line=dict(color=color, width=2),
                           hovertemplate=f"{name} {what} %{{y:{fmt}}}<extra></extra>"))
    return traces


def best_marker(history: RunHistory, metric: bool, metric_name: str) -> dict | None:
    """A marker on the test curve at the epoch of the best test loss."""
    index = best_index(history)
    if index is None:
        return None
    epoch = history.best_epoch
    value = (history.test_metric if metric else history.test_loss)[index]
    what = metric_name if metric else "loss"
    return dict(type="scatter", x=[epoch], y=[value], mode="markers", name="best test", showlegend=False,
                marker=dict(color=palette.TEST_COLOR, size=10, symbol="star", line=dict(color=palette.INK, width=1)),
                hovertemplate=f"best test loss at epoch {epoch}<br>test {what} %{{y:{HOVER_FORMAT}}}<extra></extra>")


LOG_DECADES_PLAIN = 3   # a log axis spanning more decades than this is labelled by powers of ten


def log_ticks(values) -> dict:
    """Tick settings of a log axis over `values`: 1-2-5 ticks in plain numbers over a few decades;
    over many (a diverging run), one label a decade as a power of ten, so labels never overlap."""
    low, high = finite_range(np.concatenate([np.ravel(np.asarray(v, dtype=np.float64)) for v in values])
                             if len(values) else np.zeros(0), log=True)
    if np.log10(high / low) <= LOG_DECADES_PLAIN:
        return dict(dtick="D2", tickformat=".2~g")
    return dict(exponentformat="power", tickformat="", showexponent="all")


def value_axis(log_scale: bool, metric: bool, metric_name: str, values=()) -> dict:
    """The y axis of a loss or metric chart; `values` (arrays of the plotted losses) choose a log
    axis's ticks."""
    title = metric_name if metric else "loss"
    axis = dict(title=dict(text=title, standoff=6), showgrid=True, gridcolor="#EEEEEE", zeroline=False,
                showline=True, linecolor=palette.FAINT, ticks="outside", ticklen=4)
    if log_scale and not metric:
        axis.update(type="log", **log_ticks(values))
    if metric and metric_name == "accuracy":
        axis.update(range=[0, 1.02], tickformat=".0%")
    return axis


WHOLE_EPOCH_TICKS_BELOW = 10  # epochs spanned; Plotly's own steps (span / 10 at most, 1-2-5) are whole beyond


def epoch_axis(epochs=()) -> dict:
    """The x axis of a chart over `epochs` (the plotted ones): one tick a whole epoch while they span
    fewer than WHOLE_EPOCH_TICKS_BELOW, where Plotly would otherwise label 0.2, 0.4, ... epochs."""
    axis = dict(title=dict(text="epoch", standoff=4), showgrid=False, zeroline=False, showline=True,
                linecolor=palette.FAINT, ticks="outside", ticklen=4, rangemode="tozero")
    epochs = np.asarray(epochs, dtype=np.float64)
    if epochs.size == 0 or epochs.max() < WHOLE_EPOCH_TICKS_BELOW:
        axis.update(tick0=0, dtick=1)
    return axis


def loss_figure(history: RunHistory, *, log_scale: bool = False, metric: bool = False, metric_name: str = "accuracy",
                marker_epoch: int | None = None, height: int = 300, as_dict: bool = False) -> go.Figure | dict:
    """Train and test curves over epochs with the best-test epoch marked.

    Parameters
    ----------
    history : RunHistory
        epochs, train_loss, test_loss (and train_metric, test_metric), each (n,).
    log_scale : bool
        Logarithmic loss axis (ignored for the metric).
    metric : bool
        Plot the metric (accuracy or R^2, named by `metric_name`) instead of the loss.
    marker_epoch : int, optional
        Draw a grey vertical line at this epoch (e.g. the frame shown in a replay).
    """
    traces = curve_traces(history, metric, metric_name)
    shapes, annotations = [], []
    best = best_marker(history, metric, metric_name)
    if best is not None:
        traces.append(best)
        epoch = history.best_epoch
        shapes.append(dict(type="line", xref="x", yref="paper", x0=epoch, x1=epoch, y0=0, y1=1,
                           line=dict(color=BEST_COLOR, width=1, dash="dot")))
        # Inside the plot, on the side with more room, so it never meets the legend above the plot.
        right_half = len(history.epochs) > 1 and epoch > (history.epochs[0] + history.epochs[-1]) / 2
        annotations.append(dict(x=epoch, y=1, xref="x", yref="paper", text="best test", showarrow=False,
                                xanchor="right" if right_half else "left", yanchor="top", xshift=-3 if right_half
                                else 3, bgcolor="rgba(255,255,255,0.8)", font=dict(size=11, color=BEST_COLOR)))
    if marker_epoch is not None:
        shapes.append(dict(type="line", xref="x", yref="paper", x0=marker_epoch, x1=marker_epoch, y0=0, y1=1,
                           line=dict(color="#888888", width=1.5)))
    layout = palette.base_layout(
        height, "loss", xaxis=epoch_axis(history.epochs),
        yaxis=value_axis(log_scale, metric, metric_name, [t["y"] for t in traces]),
        shapes=shapes, annotations=annotations, hovermode="x unified",
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        margin=dict(l=56, r=16, t=30, b=40))
    return palette.figure(traces, layout, as_dict)


def health_figure(layers: list[LayerStats], height: int = 200, as_dict: bool = False) -> go.Figure | dict:
    """Dead-unit and saturated-output percentages per hidden layer, as grouped bars on 0..100 %.

    Saturation exists only for tanh and sigmoid; other layers show no saturation bar.
    """
    names = [f"layer {layer.index + 1}<br>{layer.units} {layer.activation}" for layer in layers]
    dead = [100.0 * layer.dead_count / layer.units for layer in layers]
    dead_text = [f"{layer.dead_count}/{layer.units}" for layer in layers]
    dead_hover = [f"layer {layer.index + 1}: {layer.dead_count} of {layer.units} units dead "
                  f"(zero output on every training point)" for layer in layers]
    traces = [dict(type="bar", x=names, y=dead, name="dead units", marker_color=palette.DEAD_COLOR, text=dead_text,
                   textposition="outside", cliponaxis=False, hovertext=dead_hover,
                   hovertemplate="%{hovertext}<extra></extra>")]
    saturation = [None if layer.saturation is None else 100.0 * layer.saturation for layer in layers]
    if any(value is not None for value in saturation):
        limits = {"tanh": f"|h| > {THRESHOLDS['saturation_tanh']}",
                  "sigmoid": f"h < {THRESHOLDS['saturation_sigmoid']} or h > {1 - THRESHOLDS['saturation_sigmoid']}"}
        hover = ["" if value is None else
                 f"layer {layer.index + 1}: {value:.1f}% of {layer.activation} outputs saturated "
                 f"({limits.get(layer.activation, '')}) over the training set"
                 for layer, value in zip(layers, saturation, strict=True)]
        text = ["" if value is None else f"{value:.0f}%" for value in saturation]
        traces.append(dict(type="bar", x=names, y=saturation, name="saturated outputs",
                           marker_color=palette.SATURATED_COLOR, text=text, textposition="outside", cliponaxis=False,
                           hovertext=hover, hovertemplate="%{hovertext}<extra></extra>"))
    annotations = []
    if not layers:
        annotations.append(dict(text="no hidden layers", x=0.5, y=0.5, xref="paper", yref="paper",
                                showarrow=False, font=dict(color="#888888")))
    layout = palette.base_layout(
        height, "health", barmode="group", bargap=0.35, annotations=annotations,
        xaxis=dict(showgrid=False, showline=True, linecolor=palette.FAINT, tickfont=dict(size=11),
                   visible=bool(layers)),
        # Up to 125 %: a full bar's label stays inside the plot, below the legend.
        yaxis=dict(range=[0, 125], tickvals=[0, 50, 100], ticktext=["0%", "50%", "100%"], showgrid=True,
                   gridcolor="#EEEEEE", zeroline=False, visible=bool(layers)),
        showlegend=bool(layers),
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)",
                    font=dict(size=11)),
        margin=dict(l=44, r=10, t=28, b=36))
    return palette.figure(traces, layout, as_dict)


def finite_range(values: np.ndarray, log: bool) -> tuple[float, float]:
    """(low, high) of the finite (and, for a log axis, positive) values; (0, 1) if there are none."""
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & ((v > 0) if log else True)]
    if v.size == 0:
        return (0.0, 1.0) if not log else (1e-3, 1.0)
    low, high = float(v.min()), float(v.max())
    if low == high:
        low, high = (low / 2, high * 2) if log else (low - 0.5, high + 0.5)
    return low, high

