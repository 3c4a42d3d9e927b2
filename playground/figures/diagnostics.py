"""The Diagnostics page's figures: a run's layer health over its snapshots.

    layer_series_figure(snapshots, "dead" | "saturation" | "gradient_norm" | "update_ratio")
    distribution_figure(snapshots, "activation" | "gradient")  TensorBoard-style percentile bands
    activity_figure(snapshots, dead_since)                     per-unit activity, units x snapshots
    signal_figure(gains, now)                                  fan_in * Var(W) per layer, reference at 1
    threshold_rows()                                           the thresholds behind the findings, explained

HEALTHY holds, for each chart, one line on what healthy looks like. Every figure takes the
snapshots of a RunHistory (each with .epoch and .layers, a list of LayerStats per hidden layer)
and draws nothing it cannot compute from them; non-finite values are left out (None).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..diagnostics import PERCENTILES, THRESHOLDS
from . import palette

LAYER_COLORS = (palette.BLUE, palette.ORANGE, palette.OKABE_ITO["bluish_green"], palette.OKABE_ITO["reddish_purple"],
                palette.OKABE_ITO["sky_blue"], palette.OKABE_ITO["vermillion"], palette.INK, "#999999")
GRID = "#EEEEEE"
REFERENCE = "#555555"
UPDATE_RATIO_TARGET = -3.0   # log10(||step|| / ||W||): the rule of thumb for a healthy step
UPDATE_RATIO_FLOOR = -12.0   # the update-ratio chart's lowest value shown
ACTIVE_COLOR = palette.BLUE
NOW_COLOR = "#AAAAAA"        # the signal chart's bars for the current weights

SERIES = {  # metric -> (axis title, log axis, hover format)
    "dead": ("dead units (%)", False, ".0f"),
    "saturation": ("saturated outputs (%)", False, ".0f"),
    "gradient_norm": ("‖∂L/∂W‖ of the kernel", True, ".3g"),
    "update_ratio": ("log10(‖step‖ / ‖W‖)", False, ".2f"),
}

_LOW, _HIGH = THRESHOLDS["signal_low"], THRESHOLDS["signal_high"]
HEALTHY = {
    "dead": "Healthy: at or near 0 % in every layer. A unit that outputs zero on every training point gets no "
            "gradient, so it rarely comes back.",
    "saturation": f"Healthy: well below {THRESHOLDS['saturated_share']:.0%}. Saturated tanh (|h| > "
                  f"{THRESHOLDS['saturation_tanh']}) and sigmoid outputs (within {THRESHOLDS['saturation_sigmoid']}"
                  " of 0 or 1) have a slope near zero, so little gradient passes them.",
    "gradient_norm": f"Healthy: every layer within about {THRESHOLDS['gradient_ratio']:.0f}x of the output layer "
                     "(dashed). A first layer far below it means vanishing gradients, far above it exploding ones.",
    "update_ratio": f"Healthy: near {UPDATE_RATIO_TARGET:.0f} (each step moves a layer's weights by about 0.1 %); "
                    f"above {THRESHOLDS['update_ratio_high']:.0f} steps are too big, below "
                    f"{THRESHOLDS['update_ratio_low']:.0f} the layer barely learns.",
    "activation": "Healthy: bands that stay spread out and move smoothly. A band squeezed onto 0 (dead ReLUs) or "
                  "pressed against ±1, 0 or 1 (saturation) is the warning sign.",
    "gradient": "Healthy: bands of a similar width in every layer. Bands that shrink to a flat line in the first "
                "layers are vanishing gradients.",
    "activity": "Healthy: no red cells. A cell is the share of training points on which the unit's output is "
                "non-zero; red is zero on every point (a dead unit) and × marks the epoch it died.",
    "signal": f"Healthy: every bar near the dashed line at 1 (Glorot and He start there). Below {_LOW:g} the signal "
              f"shrinks layer after layer, above {_HIGH:g} it grows.",
}

_MEANINGS = {
    "saturation_tanh": "a tanh output with |h| above this counts as saturated",
    "saturation_sigmoid": "a sigmoid output below this or above 1 minus this counts as saturated",
    "dead_share": "dead units are reported once at least this share of a layer is dead",
    "saturated_share": "saturation is reported once at least this share of a layer's outputs is saturated",
    "gradient_ratio": "vanishing (exploding) gradients: layer 1's gradient norm this many times below (above) "
                      "the output layer's",
    "update_ratio_high": "log10(‖step‖ / ‖W‖) above this: the steps are too large",
    "update_ratio_low": "log10(‖step‖ / ‖W‖) below this: the steps barely move the weights",
    "overfit_epochs": "overfitting: the test loss has been above its best for this many epochs ...",
    "overfit_rise": "... and by at least this fraction, while the training loss fell",
    "signal_low": "fan_in x Var(W) at initialisation below this: the signal shrinks layer after layer",
    "signal_high": "fan_in x Var(W) at initialisation above this: the signal grows layer after layer",
}


# ---------------------------------------------------------------------------------------------
# Helpers


def _finite(value, positive: bool = False) -> float | None:
    """A plain float, or None when the value is missing, not finite, or (for log axes) not positive."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value) or (positive and value <= 0.0):
        return None
    return value


def layer_color(index: int) -> str:
    return LAYER_COLORS[index % len(LAYER_COLORS)]


def _layer_count(snapshots) -> int:
    return len(snapshots[-1].layers) if snapshots else 0


def _epochs(snapshots) -> list[int]:
    return [int(s.epoch) for s in snapshots]


def _axis(**extra) -> dict:
    axis = dict(showgrid=True, gridcolor=GRID, zeroline=False, showline=True, linecolor=palette.FAINT,
                ticks="outside", ticklen=4)
    axis.update(extra)
    return axis


def _epoch_axis(epochs: list[int], pad: float | None = None, **extra) -> dict:
    """The x axis over `epochs` (at least one epoch wide), `pad` epochs beyond either end (default:
    2 % of the width, so that end markers show whole); whole-epoch ticks over short spans."""
    first, last = (epochs[0], epochs[-1]) if epochs else (0, 1)
    last = max(last, first + 1)
    pad = 0.02 * (last - first) if pad is None else pad
    axis = _axis(showgrid=False, range=[first - pad, last + pad], **extra)
    if last - first <= 10:
        axis["dtick"] = 1
    return axis


def _message(text: str) -> dict:
    return dict(text=text, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                font=dict(color="#888888", size=14))


def _suffix(row: int) -> str:
    return "" if row == 0 else str(row + 1)


def stacked_axes(weights: list[float], gap: float = 0.06, xaxis: dict | None = None,
                 yaxis: dict | None = None) -> dict:
    """Layout entries for rows of subplots stacked top to bottom, sharing the x axis of the first.

    Row i takes a share of the height proportional to weights[i]; its traces use xaxis `x<i+1>`
    and yaxis `y<i+1>` ("x" and "y" for the first row). Only the bottom row shows x tick labels.
    """
    rows = len(weights)
    usable = 1.0 - gap * (rows - 1)
    total = float(sum(weights)) or 1.0
    layout, top = {}, 1.0
    for row, weight in enumerate(weights):
        height = usable * weight / total
        suffix = _suffix(row)
        y = dict(yaxis or {}, domain=[max(0.0, top - height), top], anchor=f"x{suffix}")
        x = dict(xaxis or {}, anchor=f"y{suffix}", showticklabels=row == rows - 1)
        if row:
            x["matches"] = "x"
        layout[f"yaxis{suffix}"], layout[f"xaxis{suffix}"] = y, x
        top -= height + gap
    return layout


def _row_title(row: int, text: str) -> dict:
    """A small title at the top left of subplot row `row`."""
    return dict(text=text, x=0, y=1, xref=f"x{_suffix(row)} domain", yref=f"y{_suffix(row)} domain",
                xanchor="left", yanchor="bottom", showarrow=False, font=dict(size=12, color=palette.INK))


def _layer_name(layer) -> str:
    return f"layer {layer.index + 1} · {layer.units} {layer.activation}"


def _note(text: str) -> dict:
    """A grey remark at the bottom left inside the plot."""
    return dict(text=text, x=0.01, y=0.02, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                showarrow=False, bgcolor="rgba(255,255,255,0.85)", font=dict(size=11, color="#666666"))


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


# ---------------------------------------------------------------------------------------------
# Per-unit activity


def activity_matrix(snapshots, index: int) -> np.ndarray:
    """(units, snapshots) share of training points on which each unit of hidden layer `index` is non-zero."""
    if not snapshots:
        return np.zeros((0, 0))
    return np.column_stack([np.asarray(s.layers[index].activity, dtype=np.float64) for s in snapshots])


def activity_scale() -> list[list]:
    """0 exactly (dead) in DEAD_COLOR; any activity above 0 from a pale to the full ACTIVE_COLOR."""
    pale = palette.mix(ACTIVE_COLOR, palette.WHITE, 0.06)
    return [[0.0, palette.DEAD_COLOR], [1e-6, palette.DEAD_COLOR], [1e-6, pale], [1.0, ACTIVE_COLOR]]


def dead_summary(dead_since: list[np.ndarray]) -> list[str]:
    """One line per hidden layer with dead units: which units, and since which epoch."""
    lines = []
    for index, since in enumerate(dead_since):
        since = np.asarray(since)
        dead = np.flatnonzero(since >= 0)
        if dead.size:
            units = ", ".join(f"unit {u + 1} since epoch {int(since[u])}" for u in dead)
            lines.append(f"Layer {index + 1}: {dead.size} of {since.size} units dead: {units}.")
    return lines


def activity_figure(snapshots, dead_since: list[np.ndarray] | None = None, unit_height: int = 14,
                    as_dict: bool = False) -> go.Figure | dict:
    """Heatmaps of units x snapshots, one row per hidden layer: cell (u, s) is snapshot s's activity[u].

    `dead_since[i][u]` is the epoch since which unit u of hidden layer i has been dead (-1: alive),
    as kept by the Trainer; each dead unit gets a × at that epoch.
    """
    count = _layer_count(snapshots)
    epochs = _epochs(snapshots)
    units = [snapshots[-1].layers[i].units for i in range(count)]
    traces, annotations = [], []
    for row in range(count):
        z = activity_matrix(snapshots, row)
        axes = dict(xaxis=f"x{_suffix(row)}", yaxis=f"y{_suffix(row)}")
        since = np.asarray(dead_since[row]) if dead_since is not None and row < len(dead_since) else None
        labels = [f"unit {u + 1}" + (f", dead since epoch {int(since[u])}" if since is not None and since[u] >= 0
                                     else "") for u in range(z.shape[0])]
        traces.append(dict(type="heatmap", z=z.tolist(), x=epochs, y=list(range(1, z.shape[0] + 1)), zmin=0, zmax=1,
                           colorscale=activity_scale(), showscale=row == 0, xgap=1 if len(epochs) < 80 else 0,
                           ygap=1 if z.shape[0] < 40 else 0, customdata=[[label] * len(epochs) for label in labels],
                           colorbar=dict(title=dict(text="active", side="right"), tickformat=".0%", len=1, y=0.5,
                                         yanchor="middle", thickness=12, outlinewidth=0),
                           hovertemplate=f"layer {row + 1}, %{{customdata}}<br>epoch %{{x}}: non-zero on "
                                         "%{z:.0%} of training points<extra></extra>", **axes))
        if since is not None and (since >= 0).any():
            dead = np.flatnonzero(since >= 0)
            traces.append(dict(type="scatter", x=[int(since[u]) for u in dead], y=[int(u) + 1 for u in dead],
                               mode="markers", name="died", showlegend=False, **axes,
                               marker=dict(symbol="x-thin", size=9, line=dict(width=2, color=palette.INK)),
                               hovertemplate=f"layer {row + 1}, unit %{{y}} dead since epoch %{{x}}<extra></extra>"))
        annotations.append(_row_title(row, _layer_name(snapshots[-1].layers[row])))
    half_step = (epochs[-1] - epochs[0]) / (len(epochs) - 1) / 2 if len(epochs) > 1 else 0.5
    weights = [max(u, 3) for u in units] or [1]
    height = 70 + sum(unit_height * w + 34 for w in weights) if count else 160
    layout = palette.base_layout(
        height, "activity", annotations=annotations, showlegend=False, margin=dict(l=60, r=16, t=28, b=40),
        **stacked_axes(weights, gap=min(0.15, 34 / max(height, 1)),
                       xaxis=_epoch_axis(epochs, pad=half_step), yaxis=_axis(showgrid=False, autorange="reversed",
                                                        title=dict(text="unit", standoff=4))))
    for row, count_units in enumerate(units):
        if count_units <= 16:  # whole units only
            layout[f"yaxis{_suffix(row)}"]["dtick"] = 1 if count_units <= 8 else 2
    if count:
        layout[f"xaxis{_suffix(count - 1)}"]["title"] = dict(text="epoch", standoff=4)
    else:
        annotations.append(_message("no hidden layers"))
    return palette.figure(traces, layout, as_dict)


# ---------------------------------------------------------------------------------------------
# Signal propagation


def signal_figure(gains: list[float], now: list[float] | None = None, height: int = 260,
                  as_dict: bool = False) -> go.Figure | dict:
    """fan_in * Var(W) of every Dense layer at initialisation (bars, log axis), reference line at 1.

    Bars inside [signal_low, signal_high] (THRESHOLDS) are blue, outside vermillion. `now`, the
    same quantity for the current weights, is drawn as grey bars beside them. A gain of 0 (all weights equal)
    cannot sit on a log axis: its bar is left out and labelled "0".
    """
    names = [f"layer {i + 1}" for i in range(len(gains) - 1)] + (["output"] if gains else [])
    inside = [_LOW <= g <= _HIGH for g in gains]
    traces = [dict(type="bar", x=names, y=[_finite(g, positive=True) for g in gains], name="at initialisation",
                   marker_color=[palette.BLUE if ok else palette.DEAD_COLOR for ok in inside],
                   text=[f"{g:.2g}" for g in gains], textposition="outside", cliponaxis=False,
                   hovertemplate="%{x}: fan_in × Var(W) = %{text} at initialisation<extra></extra>")]
    if now is not None:
        traces.append(dict(type="bar", x=names, y=[_finite(g, positive=True) for g in now], name="now",
                           marker_color=NOW_COLOR, text=[f"{g:.2g}" for g in now], textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: fan_in × Var(W) = %{text} now<extra></extra>"))
    values = [v for v in list(gains) + list(now or []) if _finite(v, positive=True) is not None]
    low = min([*values, _LOW / 2]) / 3
    high = max([*values, _HIGH * 2]) * 3
    shapes = [dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=_LOW, y1=_HIGH, layer="below", line_width=0,
                   fillcolor="rgba(0, 158, 115, 0.08)"),
              dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=1, y1=1,
                   line=dict(color=REFERENCE, width=1.5, dash="dash"))]
    zeros = [name for name, g in zip(names, gains, strict=True) if g == 0]
    annotations = [dict(text="0", x=name, y=math.log10(low) + 0.1, xref="x", yref="y", showarrow=False,
                         yanchor="bottom", font=dict(color=palette.DEAD_COLOR)) for name in zeros]
    layout = palette.base_layout(
        height, "signal", shapes=shapes, annotations=annotations, bargap=0.45, barmode="group", bargroupgap=0.08,
        xaxis=_axis(showgrid=False), showlegend=now is not None,
        yaxis=_axis(type="log", range=[math.log10(low), math.log10(high)], exponentformat="power",
                    dtick=1 if math.log10(high / low) <= 12 else 2,
                    title=dict(text="fan_in × Var(W)", standoff=6)),
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)",
                    font=dict(size=11)),
        margin=dict(l=60, r=16, t=30, b=40))
    return palette.figure(traces, layout, as_dict)


# ---------------------------------------------------------------------------------------------
# Thresholds


def threshold_rows() -> list[dict[str, object]]:
    """One row per entry of diagnostics.THRESHOLDS: its name, value and what it decides."""
    return [{"threshold": name, "value": value, "meaning": _MEANINGS.get(name, "")}
            for name, value in THRESHOLDS.items()]
