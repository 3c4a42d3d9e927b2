"""The Diagnostics page's charts over epochs: one line per hidden layer, and percentile bands.

    layer_series_figure(snapshots, "dead" | "saturation" | "gradient_norm" | "update_ratio")
    distribution_figure(snapshots, "activation" | "gradient")  TensorBoard-style percentile bands

Re-exported from figures.diagnostics.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..diagnostics import PERCENTILES, THRESHOLDS
from . import palette
from .diagnostics_style import (
    REFERENCE,
    UPDATE_RATIO_FLOOR,
    UPDATE_RATIO_TARGET,
    _axis,
    _epoch_axis,
    _epochs,
    _finite,
    _layer_count,
    _layer_name,
    _message,
    _note,
    _row_title,
    _suffix,
    layer_color,
    stacked_axes,
)

SERIES = {  # metric -> (axis title, log axis, hover format)
    "dead": ("dead units (%)", False, ".0f"),
    "saturation": ("saturated outputs (%)", False, ".0f"),
    "gradient_norm": ("‖∂L/∂W‖ of the kernel", True, ".3g"),
    "update_ratio": ("log10(‖step‖ / ‖W‖)", False, ".2f"),
}


# ---------------------------------------------------------------------------------------------
# Per-layer time series


def _marker_sizes(values: list[float | None], few: int = 30) -> list[int]:
    """Markers on every point of a short series; on a long one only on points without a drawn
    neighbour (a line needs two points, so these would not show at all)."""
    if len(values) < few:
        return [5] * len(values)
    drawn = [v is not None for v in values]
    return [4 if drawn[i] and not (i > 0 and drawn[i - 1]) and not (i + 1 < len(values) and drawn[i + 1]) else 0
            for i in range(len(values))]


_LAYER_VALUE = {  # metric -> its value from a hidden layer's LayerStats (None where undefined)
    "dead": lambda layer: 100.0 * layer.dead_share,
    "saturation": lambda layer: None if layer.saturation is None else 100.0 * layer.saturation,
    "gradient_norm": lambda layer: layer.kernel_gradient_norm,
    "update_ratio": lambda layer: layer.update_ratio,
}


def series_values(snapshots, metric: str, index: int) -> list[float | None]:
    """Hidden layer `index`'s `metric` (a key of SERIES) at every snapshot (None where it is undefined)."""
    value_of, positive = _LAYER_VALUE[metric], SERIES[metric][1]
    return [_finite(value_of(snapshot.layers[index]), positive=positive) for snapshot in snapshots]


def layer_series_figure(snapshots, metric: str, height: int = 260, as_dict: bool = False) -> go.Figure | dict:
    """One line per hidden layer of `metric` over the snapshots' epochs.

    Parameters
    ----------
    snapshots : list of Snapshot
        Each with .epoch and .layers (one LayerStats per hidden layer, the same layers throughout).
    metric : str
        "dead" (% of units dead), "saturation" (% of outputs saturated; tanh and sigmoid layers only),
        "gradient_norm" (kernel gradient norm, log axis, with the output layer's dashed) or
        "update_ratio" (log10 of step over weight norm, with a reference line at -3).
    """
    if metric not in SERIES:
        raise ValueError(f"metric must be one of {', '.join(SERIES)}. Received: metric={metric!r}")
    title, log, fmt = SERIES[metric]
    epochs = _epochs(snapshots)
    traces = []
    for index in range(_layer_count(snapshots)):
        values = series_values(snapshots, metric, index)
        if all(v is None for v in values) and metric == "saturation":
            continue  # a layer that cannot saturate (relu, linear, ...)
        layer = snapshots[-1].layers[index]
        traces.append(dict(type="scatter", x=epochs, y=values, mode="lines+markers", name=f"layer {index + 1}",
                           line=dict(color=layer_color(index), width=2), marker=dict(size=_marker_sizes(values)),
                           connectgaps=False,
                           hovertemplate=f"{_layer_name(layer)}<br>epoch %{{x}}: %{{y:{fmt}}}<extra></extra>"))
    if metric == "gradient_norm" and snapshots:
        values = [_finite(s.output_gradient_norm, True) for s in snapshots]
        traces.append(dict(type="scatter", x=epochs, y=values, mode="lines+markers", name="output",
                           line=dict(color=REFERENCE, width=1.5, dash="dash"), marker=dict(size=_marker_sizes(values)),
                           hovertemplate="output layer<br>epoch %{x}: %{y:.3g}<extra></extra>"))
    shapes, annotations = [], []
    yaxis = _axis(title=dict(text=title, standoff=6))
    if metric == "update_ratio":
        for level, dash, width in ((UPDATE_RATIO_TARGET, "dash", 1.5), (THRESHOLDS["update_ratio_high"], "dot", 1),
                                   (THRESHOLDS["update_ratio_low"], "dot", 1)):
            shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=level, y1=level,
                               line=dict(color=REFERENCE, width=width, dash=dash)))
        annotations.append(dict(text="healthy ≈ −3", x=0, xref="paper", y=UPDATE_RATIO_TARGET, yref="y",
                                xanchor="left", yanchor="bottom", showarrow=False, bgcolor="rgba(255,255,255,0.8)",
                                font=dict(size=11, color=REFERENCE)))
        values = [v for trace in traces for v in trace["y"] if v is not None]
        low = min([*values, THRESHOLDS["update_ratio_low"]]) - 0.5
        high = max([*values, THRESHOLDS["update_ratio_high"]]) + 0.5
        if low < UPDATE_RATIO_FLOOR:  # a run whose gradients vanished: keep the healthy band readable
            low = UPDATE_RATIO_FLOOR
            annotations.append(_note(f"lines below {UPDATE_RATIO_FLOOR:.0f} run off the chart"))
        yaxis.update(range=[low, high])
    if log and traces:
        # Only the gradient norm is on a log axis: its raw last values, hidden layers then output.
        last = snapshots[-1]
        raw = [layer.kernel_gradient_norm for layer in last.layers] + [last.output_gradient_norm]
        zero = [trace["name"] for trace, value in zip(traces, raw, strict=True) if value == 0]
        if zero:
            annotations.append(_note(f"exactly 0 now (a log axis cannot show 0): {', '.join(zero)}"))
    if not _layer_count(snapshots):
        annotations.append(_message("no hidden layers"))
    elif not traces:
        annotations.append(_message("no tanh or sigmoid layer: nothing saturates"))
    if log:
        positive = [v for trace in traces for v in trace["y"] if v is not None]
        narrow = positive and math.log10(max(positive) / min(positive)) <= 3
        # 1-2-5 ticks in plain numbers over a few decades; over many, one tick a decade as powers of 10
        yaxis.update(type="log", **(dict(dtick="D2", tickformat=".2~g") if narrow else dict(exponentformat="power")))
    elif metric in ("dead", "saturation"):
        yaxis.update(range=[-3, 103], tickvals=[0, 25, 50, 75, 100])
    layout = palette.base_layout(
        height, f"series-{metric}", xaxis=_epoch_axis(epochs, title=dict(text="epoch", standoff=4)), yaxis=yaxis,
        shapes=shapes, annotations=annotations, hovermode="x unified", showlegend=bool(traces),
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)",
                    font=dict(size=11)),
        margin=dict(l=60, r=16, t=30, b=40))
    return palette.figure(traces, layout, as_dict)


# ---------------------------------------------------------------------------------------------
# Distributions


BANDS = ((0, 8), (1, 7), (2, 6), (3, 5))  # index pairs into PERCENTILES, outermost first
BAND_STRENGTH = (0.18, 0.32, 0.5, 0.72)
MEDIAN = PERCENTILES.index(50)


def percentiles(snapshots, kind: str, index: int) -> np.ndarray:
    """(snapshots, 9) percentiles of hidden layer `index`'s activations or gradients (NaN if not finite)."""
    if kind not in ("activation", "gradient"):
        raise ValueError(f"kind must be 'activation' or 'gradient'. Received: kind={kind!r}")
    rows = [np.asarray(getattr(s.layers[index], f"{kind}_percentiles"), dtype=np.float64) for s in snapshots]
    table = np.vstack(rows) if rows else np.zeros((0, len(PERCENTILES)))
    return np.where(np.isfinite(table), table, np.nan)


def _column(table: np.ndarray, j: int) -> list[float | None]:
    return [_finite(v) for v in table[:, j]]


def distribution_figure(snapshots, kind: str, row_height: int = 150, as_dict: bool = False) -> go.Figure | dict:
    """Percentile bands over epochs, one row per hidden layer (TensorBoard's "distributions").

    The bands span the percentiles (0, 100), (7, 93), (16, 84) and (31, 69), darker inwards,
    with the median (50) as a line; for a normal distribution they are the min/max, +-1.5, +-1
    and +-0.5 standard deviations. `kind` is "activation" (a layer's outputs over the training
    set) or "gradient" (dL/d(output) of the mean loss).
    """
    count = _layer_count(snapshots)
    color = palette.BLUE if kind == "activation" else palette.ORANGE
    epochs = _epochs(snapshots)
    traces, annotations = [], []
    for row in range(count):
        table = percentiles(snapshots, kind, row)
        axes = dict(xaxis=f"x{_suffix(row)}", yaxis=f"y{_suffix(row)}")
        for (low, high), strength in zip(BANDS, BAND_STRENGTH, strict=True):
            fill = palette.mix(color, palette.WHITE, strength)
            common = dict(type="scatter", x=epochs, mode="lines", line=dict(width=0, color=fill), showlegend=False,
                          hoverinfo="skip", legendgroup=f"p{PERCENTILES[low]}", **axes)
            traces.append(dict(common, y=_column(table, low), name=f"p{PERCENTILES[low]}"))
            traces.append(dict(common, y=_column(table, high), name=f"p{PERCENTILES[high]}", fill="tonexty",
                               fillcolor=fill))
        custom = np.column_stack([table[:, 0], table[:, 2], table[:, 6], table[:, 8]]) if len(table) else []
        custom = [[_finite(v) for v in line] for line in custom]
        traces.append(dict(type="scatter", x=epochs, y=_column(table, MEDIAN), mode="lines", name="median",
                           line=dict(color=color, width=2), showlegend=False, customdata=custom, **axes,
                           hovertemplate="epoch %{x}: median %{y:.3g}<br>16–84 %: %{customdata[1]:.3g} to "
                                         "%{customdata[2]:.3g}<br>min %{customdata[0]:.3g}, max "
                                         "%{customdata[3]:.3g}<extra></extra>"))
        annotations.append(_row_title(row, _layer_name(snapshots[-1].layers[row])))
    what = "output h" if kind == "activation" else "∂L/∂h"
    layout = palette.base_layout(
        max(180, 60 + row_height * count), f"distribution-{kind}", annotations=annotations, showlegend=False,
        hovermode="x", margin=dict(l=60, r=16, t=28, b=40),
        **stacked_axes([1] * max(count, 1), gap=0.28 / max(count, 1),
                       xaxis=_epoch_axis(epochs), yaxis=_axis(title=dict(text=what, standoff=4))))
    if count:
        layout[f"xaxis{_suffix(count - 1)}"]["title"] = dict(text="epoch", standoff=4)
    else:
        annotations.append(_message("no hidden layers"))
    return palette.figure(traces, layout, as_dict)

