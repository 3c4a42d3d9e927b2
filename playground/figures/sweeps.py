"""The overfitting explorer's figures: the U-curve, the learning curve and the epoch-wise view.

    sweep_curve_figure(records, "reg_rate")             train and test against the knob, mean ± std
    sweep_curve_figure(records, "samples", x="n_train")  the learning curve: against training points
    epoch_figure(records, "reg_rate")                   test loss against epochs, one line per value

Every marker carries its record's index as customdata, so a click can open that run.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..sweeps.knobs import RATE_KNOBS, label
from ..sweeps.summary import best_value, measure, summarize
from . import palette
from .compare import BAND_ALPHA, rgba

BEST_COLOR = palette.OKABE_ITO["bluish_green"]


def sweep_curve_figure(records, param: str, *, error: bool = False, x: str = "value", height: int = 420,
                       title: str = "") -> go.Figure:
    """Train and test loss (or error) against the knob (x='value') or the training points
    (x='n_train'): each run as a faint dot, the mean over seeds as a line with a ±1 std band, the
    value of the lowest mean test loss (or error) marked."""
    table = summarize(records)
    what = "error" if error else "loss"
    traces = []
    xs = np.array([row.n_train if x == "n_train" else row.value for row in table], dtype=float)
    index = {id(record): i for i, record in enumerate(records)}
    for name, color in (("train", palette.TRAIN_COLOR), ("test", palette.TEST_COLOR)):
        key = f"{name}_{what}"
        mean = np.array([row.mean[key] for row in table])
        std = np.array([row.std[key] for row in table])
        if not np.isfinite(mean).any():
            continue
        traces += [
            dict(type="scatter", x=xs, y=mean + std, mode="lines", line=dict(width=0, color=color),
                 legendgroup=name, showlegend=False, hoverinfo="skip"),
            dict(type="scatter", x=xs, y=np.maximum(mean - std, 0.0), mode="lines", line=dict(width=0, color=color),
                 fill="tonexty", fillcolor=rgba(color, BAND_ALPHA), legendgroup=name, name=f"{name} ± std",
                 hoverinfo="skip"),
            dict(type="scatter", x=[_x(r, x) for r in records], y=[measure(r, key) for r in records], mode="markers",
                 marker=dict(color=rgba(color, 0.45), size=6), legendgroup=name, name=f"{name}, each seed",
                 customdata=[index[id(r)] for r in records],
                 hovertemplate=f"{param}=%{{x:.4g}}<br>{name} {what} %{{y:.4g}}<br>click: open this run"
                               "<extra></extra>"),
            dict(type="scatter", x=xs, y=mean, mode="lines+markers", name=f"{name} mean", legendgroup=name,
                 line=dict(color=color, width=2.5), marker=dict(size=8),
                 customdata=[_first(records, row.value, index) for row in table],
                 hovertemplate=f"{param}=%{{x:.4g}}<br>{name} {what}, mean over seeds %{{y:.4g}}<extra></extra>"),
        ]
    best = best_value(table, f"test_{what}")
    shapes, annotations = [], []
    if best is not None:
        bx = best.n_train if x == "n_train" else best.value
        shapes.append(dict(type="line", x0=bx, x1=bx, yref="paper", y0=0, y1=1,
                           line=dict(color=BEST_COLOR, width=2, dash="dash")))
        annotations.append(dict(x=bx, yref="paper", y=1, yanchor="bottom", showarrow=False,
                                text=f"best: {param}={best.value:.4g}", font=dict(color=BEST_COLOR)))
    log_x = bool(x == "value" and param in RATE_KNOBS and len(xs) and xs.min() > 0)
    x_title = "training points" if x == "n_train" else label(param)
    xaxis = dict(title=x_title, type="log" if log_x else "linear", showgrid=True, gridcolor="#EEEEEE")
    if log_x:  # Plotly's log autorange pads far beyond the last value; ticks as 1e-05, not 10µ
        xaxis.update(range=[np.log10(xs.min()) - 0.2, np.log10(xs.max()) + 0.2], exponentformat="e", dtick=1)
    layout = palette.base_layout(
        height, f"sweep_{x}", xaxis=xaxis,
        yaxis=dict(title=f"{what} (after training)", rangemode="tozero", showgrid=True, gridcolor="#EEEEEE"),
        shapes=shapes, annotations=annotations, title=dict(text=title, x=0.01, font=dict(size=15)),
        legend=dict(orientation="h", x=0, y=-0.22, xanchor="left", yanchor="top"),
        margin=dict(l=56, r=16, t=44, b=110))
    return go.Figure(data=traces, layout=layout)


def epoch_figure(records, param: str, height: int = 420) -> go.Figure:
    """Test loss against epochs, the mean over seeds of each value, coloured from light (lowest value)
    to dark (highest); the epoch of each line's minimum marked."""
    values = sorted({r.value for r in records})
    traces = []
    for i, value in enumerate(values):
        group = [r for r in records if r.value == value and r.test_curve]
        if not group:
            continue
        length = min(len(r.test_curve) for r in group)
        curve = np.mean([r.test_curve[:length] for r in group], axis=0)
        epochs = np.asarray(group[0].epochs[:length])
        color = palette.mix(palette.TEST_COLOR, palette.INK, 1 - 0.8 * i / max(1, len(values) - 1))
        traces.append(dict(type="scatter", x=epochs, y=curve.astype(np.float32), mode="lines", name=f"{value:.4g}",
                           line=dict(color=color, width=2),
                           hovertemplate=f"{param}={value:.4g}<br>epoch %{{x}}<br>test loss %{{y:.4g}}<extra></extra>"))
        if np.isfinite(curve).any():
            low = int(np.nanargmin(curve))
            traces.append(dict(type="scatter", x=[epochs[low]], y=[float(curve[low])], mode="markers",
                               marker=dict(color=color, size=9, symbol="diamond"), showlegend=False,
                               hovertemplate=f"{param}={value:.4g}: lowest test loss at epoch %{{x}}<extra></extra>"))
    layout = palette.base_layout(
        height, "sweep_epochs", xaxis=dict(title="epoch", showgrid=True, gridcolor="#EEEEEE"),
        yaxis=dict(title="test loss (mean over seeds)", showgrid=True, gridcolor="#EEEEEE"),
        legend=dict(title=dict(text=param)), margin=dict(l=56, r=16, t=30, b=44))
    return go.Figure(data=traces, layout=layout)


def _x(record, x: str) -> float:
    return float(record.n_train if x == "n_train" else record.value)


def _first(records, value, index) -> int:
    return next(index[id(r)] for r in records if r.value == value)
