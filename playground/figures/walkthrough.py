"""The How-it-learns page: one step of the walkthrough drawn on the network.

    step_graph_figure(step, widths, input_names, output_names, row=0)   small networks: every unit
    step_layers_figure(step, widths)                                    any size: one bar per layer

A `playground.walkthrough.Step` carries per graph column (0: inputs, c: the c-th Dense layer) the
values known at that step, (n, units) over the batch, and per Dense layer (in, out) values for
the edges (weights, gradients or changes). Positive values are blue, negative orange.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..walkthrough import Step
from . import palette

PITCH = 2.6            # distance between columns, in axis units (one unit between nodes)
NODE_SIZE = 40         # px
ACTIVE_FILL = palette.mix(palette.OKABE_ITO["yellow"], palette.WHITE, 0.3)
WIDTHS = (0.8, 1.6, 2.6, 3.8)       # edge widths per |value| quarter
FOCUS_OPACITY = (0.45, 0.6, 0.75, 0.9)
BACKGROUND_OPACITY = 0.14
MAX_GRAPH_UNITS = 8
MAX_GRAPH_HIDDEN = 3
PHASES = {"forward": "forward pass →", "loss": "loss", "backward": "← backward pass", "update": "update"}


def is_small(widths: Sequence[int]) -> bool:
    """Whether the network is drawn unit by unit: at most 3 hidden layers of at most 8 units."""
    return len(widths) - 2 <= MAX_GRAPH_HIDDEN and max(widths[1:-1], default=0) <= MAX_GRAPH_UNITS


def column_names(widths: Sequence[int]) -> list[str]:
    last = len(widths) - 1
    return ["inputs" if c == 0 else "output" if c == last else f"layer {c}" for c in range(len(widths))]


def short(value: float) -> str:
    """A value in at most 5 characters: 0.42, -1.3, 3e-04 -> '3e-4'."""
    if value == 0 or not np.isfinite(value):
        return "0" if value == 0 else str(value)
    magnitude = abs(value)
    if 0.01 <= magnitude < 10:
        return f"{value:.2f}"
    if 10 <= magnitude < 1000:
        return f"{value:.0f}"
    return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")


def _y(row: int, width: int) -> float:
    return (width - 1) / 2 - row


def _pick(values: np.ndarray, row: int) -> np.ndarray:
    """Example `row` of (n, units) values (the last row if there are fewer)."""
    values = np.atleast_2d(values)
    return values[min(row, values.shape[0] - 1)]


def _edge_traces(step: Step, widths: Sequence[int]) -> list[dict]:
    edges = [np.asarray(e) for e in step.edges]
    focus = step.edge_focus
    chosen = [edges[focus - 1]] if focus else edges
    largest = max((float(np.max(np.abs(e))) for e in chosen if e.size), default=0.0) or 1.0
    groups: dict[tuple[bool, bool, int], tuple[list, list]] = {}
    hx, hy, hover = [], [], []
    for layer, values in enumerate(edges):
        column = layer + 1
        focused = focus is None or focus == column
        x0, x1 = (column - 1) * PITCH, column * PITCH
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = float(values[i, j])
                bucket = min(3, int(abs(v) / largest * 4)) if focused else 0
                gx, gy = groups.setdefault((focused, v >= 0, bucket), ([], []))
                y0, y1 = _y(i, widths[column - 1]), _y(j, widths[column])
                gx += [x0, x1, None]
                gy += [y0, y1, None]
                f = 0.3 + 0.4 * (j + 0.5) / values.shape[1]
                hx.append(x0 + f * (x1 - x0))
                hy.append(y0 + f * (y1 - y0))
                hover.append(f"{step.edge_label}, layer {column}: unit {i + 1} → {j + 1}<br>{v:.6g}")
    traces = []
    for (focused, positive, bucket), (gx, gy) in sorted(groups.items()):
        traces.append(dict(
            type="scatter", x=gx, y=gy, mode="lines", hoverinfo="skip", showlegend=False,
            opacity=FOCUS_OPACITY[bucket] if focused else BACKGROUND_OPACITY,
            line=dict(color=palette.POSITIVE_COLOR if positive else palette.NEGATIVE_COLOR, width=WIDTHS[bucket])))
    traces.append(dict(type="scatter", x=hx, y=hy, mode="markers", text=hover, showlegend=False,
                       marker=dict(size=8, opacity=0), hovertemplate="%{text}<extra></extra>"))
    return traces


def step_graph_figure(step: Step, widths: Sequence[int], input_names: Sequence[str],
                      output_names: Sequence[str] | None = None, row: int = 0, height: int = 440) -> go.Figure:
    """The network with every unit: nodes show example `row`'s values, edges the step's edge values.

    widths: units per column (inputs, Dense layers). The active column is shaded; the nodes of a
    column are coloured by value / max |value| of that column.
    """
    last = len(widths) - 1
    names = column_names(widths)
    output_names = list(output_names or (["ŷ"] if widths[-1] == 1 else [f"class {k}" for k in range(widths[-1])]))
    traces = _edge_traces(step, widths)
    nx, ny, colors, texts, hover = [], [], [], [], []
    for column, width in enumerate(widths):
        values = _pick(step.nodes[column], row) if column in step.nodes else None
        scale = float(np.max(np.abs(values))) if values is not None and values.size else 0.0
        label = step.node_label if column == step.column else ("x" if column == 0 else "a")
        if step.phase in ("backward", "update"):
            label = step.node_label
        for unit in range(width):
            nx.append(column * PITCH)
            ny.append(_y(unit, width))
            if values is None:
                colors.append(0.0)
                texts.append("")
                hover.append(f"{names[column]}, unit {unit + 1}")
            else:
                v = float(values[unit])
                colors.append(v / scale if scale else 0.0)
                texts.append(short(v))
                hover.append(f"{names[column]}, unit {unit + 1}<br>{label} = {v:.6g}")
    traces.append(dict(
        type="scatter", x=nx, y=ny, mode="markers+text", text=texts, customdata=hover, showlegend=False,
        textfont=dict(size=10, color=palette.INK), hovertemplate="%{customdata}<extra></extra>",
        marker=dict(size=NODE_SIZE, color=colors, colorscale=palette.diverging_scale(0.85), cmin=-1, cmax=1,
                    line=dict(color=[palette.INK if c == step.column else palette.FAINT
                                     for c in range(len(widths)) for _ in range(widths[c])], width=1.2))))
    label_x = [-0.6] * widths[0] + [last * PITCH + 0.6] * widths[-1]
    label_y = [_y(r, widths[0]) for r in range(widths[0])] + [_y(r, widths[-1]) for r in range(widths[-1])]
    traces.append(dict(type="scatter", x=label_x, y=label_y, mode="text", hoverinfo="skip", showlegend=False,
                       text=list(input_names) + output_names,
                       textposition=["middle left"] * widths[0] + ["middle right"] * widths[-1]))
    top = max(max(widths), 4) / 2
    shapes = [] if step.phase == "update" else [  # the update changes every layer at once
        dict(type="rect", x0=step.column * PITCH - 0.7, x1=step.column * PITCH + 0.7, y0=-top, y1=top,
             fillcolor=ACTIVE_FILL, line=dict(width=0), layer="below")]
    annotations = [dict(x=c * PITCH, y=top, text=f"<b>{name}</b>" if c == step.column else name, showarrow=False,
                        yanchor="bottom", font=dict(size=12)) for c, name in enumerate(names)]
    title = (f"{PHASES[step.phase]} · nodes: {step.node_label}"
             + (f" of example {row + 1}" if step.phase != "update" else " (bias changes)")
             + f" · edges: {step.edge_label}")
    axis = dict(visible=False, showgrid=False, zeroline=False)
    layout = palette.base_layout(
        height, "walkthrough-graph", shapes=shapes, annotations=annotations, showlegend=False,
        title=dict(text=title, x=0.01, y=0.98, font=dict(size=13)), margin=dict(l=8, r=8, t=40, b=8),
        xaxis=dict(axis, range=[-1.9, last * PITCH + 2.4]), yaxis=dict(axis, range=[-top - 0.3, top + 0.8]))
    return go.Figure(data=traces, layout=layout)


def step_layers_figure(step: Step, widths: Sequence[int], height: int = 360) -> go.Figure:
    """For networks of any size: per column, the RMS over the batch of the step's node values."""
    names = column_names(widths)
    labels = [f"{name}<br>({w} unit{'s' if w > 1 else ''})" for name, w in zip(names, widths, strict=True)]
    rms = [float(np.sqrt(np.mean(np.square(step.nodes[c])))) if c in step.nodes else None
           for c in range(len(widths))]
    colors = [palette.BLUE if c == step.column else palette.mix(palette.BLUE, palette.WHITE, 0.35)
              for c in range(len(widths))]
    trace = dict(type="bar", x=labels, y=rms, marker=dict(color=colors), showlegend=False,
                 text=[short(v) if v is not None else "" for v in rms], textposition="outside", cliponaxis=False,
                 hovertemplate="%{x}<br>RMS %{y:.4g}<extra></extra>")
    label = step.node_label
    title = f"{PHASES[step.phase]} · RMS over the batch of {label} per layer (layers not reached yet are empty)"
    layout = palette.base_layout(
        height, "walkthrough-layers", title=dict(text=title, x=0.01, y=0.97, font=dict(size=13)),
        margin=dict(l=56, r=16, t=44, b=56), bargap=0.4,
        yaxis=dict(title=dict(text=f"RMS of {label}", standoff=6), showgrid=True, gridcolor="#EEEEEE",
                   rangemode="tozero"),
        xaxis=dict(showline=True, linecolor=palette.FAINT))
    return go.Figure(data=[trace], layout=layout)
