"""The Diagnostics page's charts of units and layers at a point: per-unit activity, signal at initialisation.

    activity_figure(snapshots, dead_since)                     per-unit activity, units x snapshots
    signal_figure(gains, now)                                  fan_in * Var(W) per layer, reference at 1

Re-exported from figures.diagnostics.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from . import palette
from .diagnostics_style import (
    _HIGH,
    _LOW,
    ACTIVE_COLOR,
    NOW_COLOR,
    REFERENCE,
    _axis,
    _epoch_axis,
    _epochs,
    _finite,
    _layer_count,
    _layer_name,
    _message,
    _row_title,
    _suffix,
    stacked_axes,
)

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

