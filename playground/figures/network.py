"""The network drawn as a graph, as in TensorFlow Playground.

A column per layer (inputs, hidden layers, outputs), top-aligned; every hidden neuron shows a
tile of its own output over the domain, inputs show their feature and a binary or regression
output shows the network's output. All tiles are ONE heatmap over a canvas whose bricks are
the tiles' cells plus one NaN brick between neighbouring tiles: the heatmap's x and y are brick
edges (an irregular grid), which keeps the empty space between columns out of the payload.
Edges are grouped by weight sign and |w| bucket into at most 8 line traces (NaN-separated
float32 coordinates); invisible markers on the edges carry the exact weights for hover. A layer
wider than `max_units` shows its first units and a "+N more" note; a deep wide network shows fewer
units per layer, so that at most MAX_EDGES edges are drawn (each edge's hover marker is an SVG
node styled on every redraw: 16 units in each of 8 layers of 256 took ~0.6 s a redraw, 8 ~0.1 s).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..datasets import FEATURES
from ..training import Snapshot, grid_points, to_levels
from . import palette

TILE = 1.0           # tile side, in axis units
COLUMN_PITCH = 3.2   # least distance between layer columns (more when the figure would be tall)
ASPECT = 1.8         # width / height the drawing aims for by spreading columns
ROW_PITCH = 1.2      # distance between neurons of a layer
WIDTH_BUCKETS = (0.6, 1.3, 2.3, 3.6)      # line widths for |w| / max|w| in quarters
OPACITY_BUCKETS = (0.35, 0.55, 0.75, 0.95)
LABEL_ROOM = 1.7     # axis units left of the inputs and right of the outputs for names
STAGGER_FROM = (5, 8)  # columns from which headers take turns on 2 (3) heights: side by side they would
                       # overlap in a narrow panel, or at presentation mode's larger text, from 3 (6) hidden layers
STAGGER_PX = 30        # the height of one turn: a header's two 11 px lines
MAX_EDGES = 600      # edges drawn (and hover markers); fewer units are shown per layer beyond
MIN_UNITS = 4        # ... but never fewer than this many per layer
WRAP_NOTES_FROM = 6  # columns from which a "+N more" note takes two lines
EMPTY = 201          # a compact canvas's value between tiles, drawn transparent (255 would be
                     # base64 '////', which Plotly's JSON escapes to 24 characters)


def kernels_from_flat(flat: np.ndarray, shapes: Sequence[tuple[int, ...]]) -> list[np.ndarray]:
    """The Dense kernels (in, out) in a flat parameter vector, e.g. `Snapshot.weights`.

    `shapes` are the shapes of all parameters in flat order:
    `[s for layer in model.layers for s in layer.param_shapes.values()]` (kernels are the 2-D ones).
    """
    flat = np.asarray(flat).reshape(-1)
    total = sum(int(np.prod(s)) for s in shapes)
    if total != flat.size:
        raise ValueError(f"The shapes hold {total} parameters but the flat vector has {flat.size}. "
                         f"Received: shapes={list(shapes)}")
    kernels, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        if len(shape) == 2:
            kernels.append(flat[offset:offset + size].reshape(shape))
        offset += size
    return kernels


def feature_tile(name: str, size: int) -> np.ndarray | None:
    """Feature `name` (a FEATURES key or label) over a (size, size) grid scaled by its largest |value|, uint8."""
    key = name if name in FEATURES else next((k for k, f in FEATURES.items() if f.label == name), None)
    if key is None:
        return None
    values = FEATURES[key].fn(grid_points(size))
    scale = float(np.max(np.abs(values))) or 1.0
    return to_levels(values / scale, -1.0, 1.0).reshape(size, size)


def feature_label(name: str) -> str:
    """'X_1^2' or 'x1sq' -> 'X<sub>1</sub><sup>2</sup>'."""
    label = FEATURES[name].label if name in FEATURES else name
    for digit in "12":
        label = label.replace(f"_{digit}", f"<sub>{digit}</sub>")
    return label.replace("^2", "<sup>2</sup>")


def units_shown(widths: Sequence[int], max_units: int = 16, max_edges: int = MAX_EDGES) -> list[int]:
    """Units drawn per column (inputs, hidden layers, outputs) of a network with `widths` units per column:
    at most `m` each, the largest m <= `max_units` (but >= MIN_UNITS) whose edges fit in `max_edges`."""
    m = max_units
    while m > MIN_UNITS and sum(min(a, m) * min(b, m) for a, b in zip(widths, widths[1:], strict=False)) > max_edges:
        m -= 1
    return [min(w, m) for w in widths]


def _downsample(grid: np.ndarray, size: int) -> np.ndarray:
    index = np.rint(np.linspace(0, grid.shape[0] - 1, size)).astype(np.int64)
    return grid[np.ix_(index, index)]


def _edges(centres: Sequence[float], cells: int) -> np.ndarray:
    """Brick edges of tiles of `cells` cells centred at ascending `centres`; one gap brick between tiles."""
    return np.concatenate([np.linspace(c - TILE / 2, c + TILE / 2, cells + 1) for c in centres]).astype(np.float32)


def canvas(tiles: dict[tuple[int, int], np.ndarray], size: int,
           pitch: float = COLUMN_PITCH) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One float32 canvas (NaN between tiles) and its brick edges x (W + 1,), y (H + 1,).

    `tiles` maps (column, row) of the drawing to a (size, size) tile whose row 0 is the bottom.
    """
    columns = sorted({c for c, _ in tiles})
    rows = sorted({r for _, r in tiles}, reverse=True)  # bottom row first: y ascends
    if not tiles:
        return np.full((1, 1), np.nan, np.float32), np.array([0, TILE], np.float32), np.array([0, TILE], np.float32)
    stride = size + 1
    z = np.full((len(rows) * stride - 1, len(columns) * stride - 1), np.nan, dtype=np.float32)
    for (column, row), tile in tiles.items():
        top, left = rows.index(row) * stride, columns.index(column) * stride
        z[top:top + size, left:left + size] = tile
    return z, _edges([column_x(c, pitch) for c in columns], size), _edges([row_y(r) for r in rows], size)


def column_x(column: int, pitch: float = COLUMN_PITCH) -> float:
    return column * pitch


def row_y(row: int) -> float:
    return -row * ROW_PITCH


def _outline(x: float, y: float) -> list[float]:
    h = TILE / 2
    return [x - h, x + h, x + h, x - h, x - h, np.nan], [y - h, y - h, y + h, y + h, y - h, np.nan]


def edge_traces(kernels: list[np.ndarray], shown: list[int], names: list[str],
                pitch: float = COLUMN_PITCH) -> list[dict]:
    """Lines grouped by sign and |w| bucket, then one invisible hover trace per pair of layers."""
    blocks = [k[:shown[i], :shown[i + 1]] for i, k in enumerate(kernels)]
    largest = max((float(np.max(np.abs(b))) for b in blocks if b.size), default=0.0) or 1.0
    groups: dict[tuple[bool, int], tuple[list, list]] = {}
    hover = []
    for layer, block in enumerate(blocks):
        x_from, x_to = column_x(layer, pitch) + TILE / 2, column_x(layer + 1, pitch) - TILE / 2
        n_out = block.shape[1]
        xs, ys, data = [], [], []
        for i in range(block.shape[0]):
            for j in range(n_out):
                w = float(block[i, j])
                bucket = min(3, int(abs(w) / largest * 4))
                gx, gy = groups.setdefault((w >= 0, bucket), ([], []))
                gx += [x_from, x_to, np.nan]
                gy += [row_y(i), row_y(j), np.nan]
                # Hover point at a fraction that depends on the target, so no two edges share one.
                f = 0.25 + 0.5 * (j + 0.5) / n_out
                xs.append(x_from + f * (x_to - x_from))
                ys.append(row_y(i) + f * (row_y(j) - row_y(i)))
                data.append((w, i + 1, j + 1))
        if data:
            hover.append(dict(
                type="scatter", mode="markers", showlegend=False, name=f"{names[layer]} -> {names[layer + 1]}",
                x=np.asarray(xs, np.float32), y=np.asarray(ys, np.float32), customdata=np.asarray(data, np.float32),
                marker=dict(size=9, opacity=0, color=palette.INK),
                hovertemplate=(f"{names[layer]} unit %{{customdata[1]}} → {names[layer + 1]} unit "
                               f"%{{customdata[2]}}<br>w = %{{customdata[0]:.4g}}<extra></extra>")))
    lines = []
    for (positive, bucket), (gx, gy) in sorted(groups.items()):
        color = palette.POSITIVE_COLOR if positive else palette.NEGATIVE_COLOR
        lines.append(dict(
            type="scatter", x=np.asarray(gx, np.float32), y=np.asarray(gy, np.float32), mode="lines", hoverinfo="skip",
            showlegend=False, name=f"{'positive' if positive else 'negative'} weights, |w| bucket {bucket}",
            opacity=OPACITY_BUCKETS[bucket], line=dict(color=color, width=WIDTH_BUCKETS[bucket])))
    return lines + hover


def network_figure(snapshot: Snapshot, hidden_units: list[int], input_names: list[str],
                   weights: list[np.ndarray] | None, *, max_units: int = 16, output_names: list[str] | None = None,
                   compact: bool = False, height: int = 420, as_dict: bool = False) -> go.Figure | dict:
    """The network as a graph with a tile of each hidden neuron's output; trace 0 is the tile heatmap.

    Parameters
    ----------
    snapshot : Snapshot
        tiles (neurons, t, t) uint8 in layer order; grid (g, g) for the output tile; layers for
        activations and dead units.
    hidden_units : list of int
        Units per hidden layer.
    input_names : list of str
        Feature keys ("x1") or labels ("X_1"); known features get a tile.
    weights : list of arrays or None
        Dense kernels (in, out): inputs -> hidden 1, ..., last hidden -> output. None: no edges.
    max_units : int
        Wider layers show their first `max_units` units and a "+N more" note (fewer for a network
        with more than MAX_EDGES edges between them: see `units_shown`).
    output_names : list of str, optional
        One per output unit; default "class k" for multi-class, else none (the header says "output").
    compact : bool
        Send the canvas as uint8 with EMPTY (drawn transparent) between tiles instead of float32
        with NaN: a quarter of the canvas bytes (the default 2-4-2-1 figure: ~22 kB of JSON instead of ~68 kB).
    """
    t = snapshot.tiles.shape[1] if snapshot.tiles.ndim == 3 else 8
    if snapshot.tiles.shape[0] != sum(hidden_units):
        raise ValueError(f"The snapshot has {snapshot.tiles.shape[0]} neuron tiles for hidden layers of "
                         f"{sum(hidden_units)} units. Received: hidden_units={hidden_units}")
    n_out = weights[-1].shape[1] if weights else (len(output_names) if output_names else 1)
    multiclass = snapshot.grid_class is not None
    if output_names is None:
        output_names = [f"class {k}" for k in range(n_out)] if multiclass and n_out > 1 else [""] * n_out
    widths = [len(input_names), *hidden_units, n_out]
    if weights is not None:
        expected = [(widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
        got = [tuple(np.shape(w)) for w in weights]
        if got != expected:
            raise ValueError(f"Expected kernels of shapes {expected} for this network. Received: shapes={got}")
    shown = units_shown(widths, max_units)
    last = len(widths) - 1
    activations = [layer.activation for layer in snapshot.layers]
    column_names = ["input", *[f"layer {i + 1}" for i in range(len(hidden_units))], "output"]
    height_units = (max(shown) - 1) * ROW_PITCH + TILE + 1.0
    pitch = max(COLUMN_PITCH, (ASPECT * height_units - TILE - 2 * LABEL_ROOM) / max(1, last))

    def cx(column: int) -> float:
        return column_x(column, pitch)

    # Tiles: inputs (known features), hidden neurons, and a single binary / regression output.
    tiles: dict[tuple[int, int], np.ndarray] = {}
    for row, name in enumerate(input_names[:shown[0]]):
        tile = feature_tile(name, t)
        if tile is not None:
            tiles[(0, row)] = tile
    offset = 0
    for layer, units in enumerate(hidden_units):
        for unit in range(shown[layer + 1]):
            tiles[(layer + 1, unit)] = snapshot.tiles[offset + unit]
        offset += units
    if n_out == 1:
        tiles[(last, 0)] = _downsample(snapshot.grid, t)
    z, x_edges, y_edges = canvas(tiles, t, pitch)
    scale, top_z = palette.diverging_scale(), palette.LEVELS
    if compact:
        z = np.where(np.isnan(z), EMPTY, z).astype(np.uint8)
        top_z = EMPTY
        scale = [[p * palette.LEVELS / EMPTY, c] for p, c in scale]
        scale += [[(palette.LEVELS + 0.5) / EMPTY, "rgba(0,0,0,0)"], [1.0, "rgba(0,0,0,0)"]]
    traces: list[dict] = [dict(
        type="heatmap",
        z=z, x=x_edges, y=y_edges, zmin=0, zmax=top_z, zsmooth=False, showscale=False, hoverinfo="skip",
        hoverongaps=False, colorscale=scale, name="neuron outputs")]

    # Node outlines, hover and names.
    ox, oy, nx, ny, hover = [], [], [], [], []
    for column, count in enumerate(shown):
        for row in range(count):
            x, y = cx(column), row_y(row)
            px, py = _outline(x, y)
            ox += px
            oy += py
            nx.append(x)
            ny.append(y)
            if column == 0:
                hover.append(f"input {row + 1}: {feature_label(input_names[row])}")
            elif column == last:
                hover.append(f"output {row + 1}: {output_names[row]}" if output_names[row] else "output")
            else:
                stats = snapshot.layers[column - 1] if column - 1 < len(snapshot.layers) else None
                dead = stats is not None and bool(stats.dead[row])
                hover.append(f"layer {column} ({activations[column - 1] if stats else 'hidden'}), unit {row + 1}"
                             + (" · dead: zero output on every training point" if dead else ""))
    traces.append(dict(type="scatter", x=np.asarray(ox, np.float32), y=np.asarray(oy, np.float32), mode="lines",
                       hoverinfo="skip", showlegend=False, name="nodes", line=dict(color=palette.FAINT, width=1)))
    if weights is not None:
        traces += edge_traces(list(weights), shown, column_names, pitch)
    traces.append(dict(type="scatter", x=np.asarray(nx, np.float32), y=np.asarray(ny, np.float32), mode="markers",
                       marker=dict(size=22, symbol="square", opacity=0), text=hover, showlegend=False,
                       name="neurons", hovertemplate="%{text}<extra></extra>"))
    traces.append(dict(
        type="scatter", x=[cx(0) - TILE / 2 - 0.12] * shown[0] + [cx(last) + TILE / 2 + 0.12] * shown[last],
        y=[row_y(r) for r in range(shown[0])] + [row_y(r) for r in range(shown[last])],
        text=[feature_label(n) for n in input_names[:shown[0]]] + list(output_names[:shown[last]]),
        textposition=["middle left"] * shown[0] + ["middle right"] * shown[last],
        mode="text", hoverinfo="skip", showlegend=False, name="names", textfont=dict(size=12)))

    # Column headers (taking turns on 2 or 3 heights when many), "+N more" notes, class colours of multi-class outputs.
    top = TILE / 2 + 0.1  # headers sit above this, in the top margin if need be
    turns = 1 + sum(len(column_names) >= columns for columns in STAGGER_FROM)
    annotations = []
    more = " more" if last < WRAP_NOTES_FROM else "<br>more"  # many columns: "+248 more" would touch its neighbour
    for column, name in enumerate(column_names):
        label = name
        if 0 < column < last:
            activation = activations[column - 1] if column - 1 < len(activations) else ""
            label += f"<br><span style='color:#777777'>{widths[column]} {activation}</span>"
        annotations.append(dict(x=cx(column), y=top, text=label, showarrow=False, yanchor="bottom",
                                yshift=STAGGER_PX * (column % turns), font=dict(size=11)))
        if widths[column] > shown[column]:
            annotations.append(dict(x=cx(column), y=row_y(shown[column] - 1) - TILE / 2 - 0.1,
                                    text=f"+{widths[column] - shown[column]}{more}", showarrow=False,
                                    yanchor="top", font=dict(size=11, color="#777777")))
    shapes = []
    if n_out > 1:
        colors = palette.class_colors(min(n_out, palette.MAX_CLASSES)) if multiclass else ()
        for row in range(min(shown[last], len(colors))):
            h = TILE / 2
            x, y = cx(last), row_y(row)
            shapes.append(dict(type="rect", x0=x - h, x1=x + h, y0=y - h, y1=y + h, layer="below",
                               fillcolor=palette.mix(colors[row], palette.WHITE, palette.BACKGROUND_STRENGTH),
                               line=dict(width=0)))
    bottom = row_y(max(shown) - 1) - TILE / 2 - 0.2  # a "+N more" note may reach into the bottom margin
    axis = dict(visible=False, showgrid=False, zeroline=False, fixedrange=False)
    layout = palette.base_layout(
        height, "network", shapes=shapes, annotations=annotations, showlegend=False,
        margin=dict(l=8, r=8, t=34 + STAGGER_PX * (turns - 1), b=22),
        xaxis=dict(axis, range=[cx(0) - TILE / 2 - LABEL_ROOM, cx(last) + TILE / 2 + LABEL_ROOM]),
        yaxis=dict(axis, range=[bottom, top + 0.6], scaleanchor="x", scaleratio=1))
    return palette.figure(traces, layout, as_dict)
