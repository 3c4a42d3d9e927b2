"""The decision boundary: the network's output over the domain with the data points on top.

The output is ONE heatmap of the snapshot's uint8 grid placed with x0/dx (see DESIGN.md: payload
size), zmin/zmax fixed so colours never rescale between frames:

- binary: z = P(class 1) x 200 on an orange - white - blue scale;
- multi-class: z = class * 201 + level of the winning class, on a colourscale with one segment
  per class (nearly white when unsure, the class colour when sure); the class itself is also
  in customdata, for hover;
- regression: z = (output + 1) x 100, i.e. [-1, 1] on the diverging scale, with a small colour bar.

Points are float32 (train: circles with a white outline, test: diamonds with a dark outline);
misclassified points get a dark ring. Each point costs the browser a styled SVG node on every
redraw (measured in benchmarks/draw.py: 4,500 points and their rings ~0.7 s a redraw, 500 ~0.06 s),
so a live chart may draw only the first `max_points` of the (shuffled) sets: `points_note` says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from ..config import Config
from ..datasets import DOMAIN
from ..training import RunData, Snapshot
from . import palette

AXIS_TITLES = ("X<sub>1</sub>", "X<sub>2</sub>")
MAX_POINTS_DRAWN = 500  # points a live boundary draws (train and test together): as many as the default run has
XY_HOVER = "x<sub>1</sub> %{x:.2f}, x<sub>2</sub> %{y:.2f}"


# ---------------------------------------------------------------------------------------------
# Numbers


def grid_step(size: int) -> float:
    """Distance between neighbouring grid cell centres for a (size, size) grid over DOMAIN."""
    return (DOMAIN[1] - DOMAIN[0]) / (size - 1)


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """Predicted classes (n,) from network outputs (n, 1) (P(class 1)) or (n, k) (class scores)."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 1 or outputs.shape[1] == 1:
        return (outputs.reshape(-1) > 0.5).astype(np.int64)
    return outputs.argmax(axis=1)


def classes_from_grid(snapshot: Snapshot, X: np.ndarray) -> np.ndarray:
    """Predicted classes (n,) of points X (n, 2), read from the snapshot's nearest grid cell.

    Approximate within half a cell of the boundary; pass model predictions where exactness matters.
    """
    size = snapshot.grid.shape[0]
    cells = np.rint((np.asarray(X, dtype=np.float64) - DOMAIN[0]) / grid_step(size)).astype(np.int64)
    cols, rows = np.clip(cells[:, 0], 0, size - 1), np.clip(cells[:, 1], 0, size - 1)
    if snapshot.grid_class is not None:
        return snapshot.grid_class[rows, cols].astype(np.int64)
    return (snapshot.grid[rows, cols] > palette.LEVELS // 2).astype(np.int64)


def heatmap_z(snapshot: Snapshot) -> np.ndarray:
    """The heatmap's z (g, g): the uint8 grid, or for multi-class the uint16 code class * 201 + level."""
    if snapshot.grid_class is None:
        return snapshot.grid
    return snapshot.grid_class.astype(np.uint16) * palette.SEGMENT + snapshot.grid


# ---------------------------------------------------------------------------------------------
# Traces


def heatmap_trace(snapshot: Snapshot, config: Config, discretize: bool, hover_class: bool = True) -> dict:
    """The output over the domain as one heatmap (see the module docstring for the encodings).

    `hover_class=False` leaves the per-cell class out of a multi-class heatmap (for animation
    frames, which update only z).
    """
    size = snapshot.grid.shape[0]
    step = grid_step(size)
    trace = dict(z=heatmap_z(snapshot), x0=DOMAIN[0], dx=step, y0=DOMAIN[0], dy=step, zmin=0, zsmooth=False,
                 name="output", showlegend=False, hoverongaps=False)
    task, k = config.data.task, config.data.class_count
    if task == "regression":
        trace.update(zmax=palette.LEVELS, colorscale=palette.diverging_scale(palette.BACKGROUND_STRENGTH),
                     hovertemplate=f"{XY_HOVER}<br>output = (%{{z}} - 100) / 100<extra></extra>",
                     showscale=True,
                     colorbar=dict(thickness=10, len=0.5, y=0.5, x=1.01, title=dict(text="output", side="right"),
                                   tickvals=[0, palette.LEVELS / 2, palette.LEVELS], ticktext=["-1", "0", "1"],
                                   outlinewidth=0))
    elif snapshot.grid_class is None:
        trace.update(zmax=palette.LEVELS, colorscale=palette.binary_scale(discretize), showscale=False,
                     hovertemplate=f"{XY_HOVER}<br>P(class 1) = %{{z}} / {palette.LEVELS}<extra></extra>")
    else:
        trace.update(zmax=palette.multiclass_zmax(k), colorscale=palette.multiclass_scale(k, discretize),
                     showscale=False)
        if hover_class:
            trace.update(customdata=snapshot.grid_class,
                         hovertemplate=f"{XY_HOVER}<br>predicted class %{{customdata}}<extra></extra>")
        else:
            trace.update(hovertemplate=f"{XY_HOVER}<extra></extra>")
    return dict(type="heatmap", **trace)


def marker_size(n: int) -> int:
    """Marker diameter in pixels: smaller as points get denser."""
    return 7 if n <= 400 else 5 if n <= 1500 else 4


def drawn_counts(n_train: int, n_test: int, max_points: int | None) -> tuple[int, int]:
    """How many of `n_train` training and `n_test` shown test points to draw: all, or `max_points` in
    the sets' proportion (at least one of a non-empty set)."""
    total = n_train + n_test
    if max_points is None or total <= max_points:
        return n_train, n_test
    if max_points < 2:
        raise ValueError(f"Expected max_points >= 2 or None. Received: max_points={max_points}")
    train = min(n_train, max(1 if n_train else 0, round(max_points * n_train / total)))
    train = min(train, max_points - (1 if n_test else 0))
    return train, min(n_test, max_points - train)


def _shown_parts(data: RunData, show_test: bool, max_points: int | None) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(name, X, y) of the train set and, when `show_test`, the test set, cut to `drawn_counts`."""
    parts = [("train", data.X_train, data.y_train)] + ([("test", data.X_test, data.y_test)] if show_test else [])
    counts = drawn_counts(len(data.y_train), len(data.y_test) if show_test else 0, max_points)
    return [(name, X[:count], np.asarray(y)[:count]) for (name, X, y), count in zip(parts, counts, strict=False)]


def points_note(data: RunData, show_test: bool, max_points: int | None = MAX_POINTS_DRAWN) -> str | None:
    """What a boundary drawn with `max_points` leaves out, for a caption; None when it draws every point."""
    n_train, n_test = len(data.y_train), len(data.y_test) if show_test else 0
    train, test = drawn_counts(n_train, n_test, max_points)
    if (train, test) == (n_train, n_test):
        return None
    sets = f"{train:,} of the {n_train:,} training points" + (f" and {test:,} of the {n_test:,} test points"
                                                              if show_test else "")
    return (f"The chart draws {sets} (a random sample), so that it redraws quickly; training, losses and "
            "accuracy use them all.")


def point_traces(data: RunData, config: Config, show_test: bool, max_points: int | None = None) -> list[dict]:
    """Training points (circles) and, when `show_test`, test points (diamonds), coloured by label or target;
    with `max_points`, only the first points of each set (see `drawn_counts`)."""
    regression = config.data.task == "regression"
    k = config.data.class_count
    if regression:
        color_kw = dict(cmin=-1.0, cmax=1.0, colorscale=palette.diverging_scale())
        label = "target %{marker.color:.2f}"
    else:
        color_kw = dict(cmin=0, cmax=max(k, 2) - 1, colorscale=palette.point_scale(k))
        label = "class %{marker.color}"
    parts = _shown_parts(data, show_test, max_points)
    size = marker_size(sum(len(p[1]) for p in parts))
    traces = []
    for name, X, y in parts:
        values = np.asarray(y, dtype=np.float32) if regression else np.asarray(y, dtype=np.uint8)
        outline = dict(color=palette.WHITE, width=1) if name == "train" else dict(color=palette.INK, width=1)
        if regression and name == "train":
            outline = dict(color="#777777", width=0.75)  # white points on a white background need an edge
        traces.append(dict(
            type="scatter", mode="markers", name=name, legendgroup=name, showlegend=False,
            x=np.asarray(X[:, 0], dtype=np.float32), y=np.asarray(X[:, 1], dtype=np.float32),
            marker=dict(color=values, symbol="circle" if name == "train" else "diamond",
                        size=size if name == "train" else size + 1, line=outline, **color_kw),
            hovertemplate=f"{name} point, {label}<br>{XY_HOVER}<extra></extra>"))
    return traces


def drawn_points_trace(points: Sequence[tuple[float, float, int]]) -> dict:
    """Points being drawn, (x1, x2, class) in domain coordinates: large, outlined in black, in
    their class colours; the boundary figure shows them instead of the data's points."""
    x = [float(point[0]) for point in points]
    y = [float(point[1]) for point in points]
    colors = [palette.CLASS_COLORS[int(point[2])] for point in points]
    return dict(type="scatter", mode="markers", name="drawn", showlegend=False, x=x, y=y,
                marker=dict(color=colors, size=11, line=dict(color=palette.INK, width=1.5)),
                hovertemplate=f"drawn point (click to remove)<br>{XY_HOVER}<extra></extra>")


def misclassified(snapshot: Snapshot, data: RunData, show_test: bool,
                  predictions: Mapping[str, np.ndarray] | None = None,
                  max_points: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Misclassified shown points: coordinates (m, 2), true labels (m,) and predicted labels (m,).

    `predictions` maps "train" / "test" to predicted classes (n,) of the whole set; a missing part is
    read from the grid. With `max_points`, only among the points drawn (see `drawn_counts`).
    """
    X_out, y_out, p_out = [], [], []
    for name, X, y in _shown_parts(data, show_test, max_points):
        given = None if predictions is None else predictions.get(name)
        whole = len(data.y_train if name == "train" else data.y_test)
        predicted = classes_from_grid(snapshot, X) if given is None else np.asarray(given).reshape(-1)
        if predicted.shape[0] != (len(y) if given is None else whole):
            raise ValueError(f"predictions[{name!r}] must hold one class per {name} point ({whole}). "
                             f"Received: shape={predicted.shape}")
        predicted = predicted[:len(y)]
        wrong = predicted != np.asarray(y)
        X_out.append(X[wrong])
        y_out.append(np.asarray(y)[wrong])
        p_out.append(predicted[wrong])
    return np.concatenate(X_out), np.concatenate(y_out), np.concatenate(p_out)


def misclassified_trace(X: np.ndarray, y: np.ndarray, predicted: np.ndarray, size: int) -> dict:
    """Dark rings around the misclassified points X (m, 2); their classes travel as uint8 customdata
    (m, 2) = (true, predicted) for hover (a text per point made 2,000 rings 60 kB and twice as slow to draw)."""
    classes = np.stack([np.asarray(y), np.asarray(predicted)], axis=1).astype(np.uint8).reshape(-1, 2)
    return dict(
        type="scatter", mode="markers", name="misclassified", legendgroup="misclassified", showlegend=False,
        x=np.asarray(X[:, 0], dtype=np.float32), y=np.asarray(X[:, 1], dtype=np.float32), customdata=classes,
        marker=dict(symbol="circle-open", size=size + 8, color=palette.INK, line=dict(width=2)),
        hovertemplate=("misclassified: true class %{customdata[0]}, predicted %{customdata[1]}"
                       f"<br>{XY_HOVER}<extra></extra>"))


def legend_traces(show_test: bool, show_wrong: bool, size: int = 9) -> list[dict]:
    """Legend entries in a neutral grey (the real point traces are coloured per point)."""
    grey = "#8C8C8C"
    entries = [("train", dict(symbol="circle", color=grey, line=dict(color=palette.WHITE, width=1)))]
    if show_test:
        entries.append(("test", dict(symbol="diamond", color=grey, line=dict(color=palette.INK, width=1))))
    if show_wrong:
        entries.append(("misclassified", dict(symbol="circle-open", color=palette.INK, line=dict(width=2))))
    return [dict(type="scatter", x=[None], y=[None], mode="markers", name=name, legendgroup=name, showlegend=True,
                 marker=dict(size=size, **marker), hoverinfo="skip") for name, marker in entries]


def domain_axes(**extra) -> tuple[dict, dict]:
    """x and y axis settings: fixed [-6, 6] ranges, equal aspect, no grid."""
    common = dict(range=list(DOMAIN), showgrid=False, zeroline=False, ticks="outside", ticklen=4,
                  showline=True, linecolor=palette.FAINT, mirror=True, constrain="domain", fixedrange=False)
    xaxis = dict(common, title=dict(text=AXIS_TITLES[0], standoff=4), **extra.get("x", {}))
    yaxis = dict(common, title=dict(text=AXIS_TITLES[1], standoff=4), scaleanchor=extra.get("anchor", "x"),
                 scaleratio=1, **extra.get("y", {}))
    return xaxis, yaxis


# ---------------------------------------------------------------------------------------------
# The figure


def boundary_figure(snapshot: Snapshot, data: RunData, config: Config, *, show_test: bool | None = None,
                    discretize: bool | None = None, predictions: Mapping[str, np.ndarray] | None = None,
                    hover_class: bool = True, drawn: Sequence[tuple[float, float, int]] | None = None,
                    max_points: int | None = None, height: int = 520, as_dict: bool = False) -> go.Figure | dict:
    """The network's output over DOMAIN with the data points; trace 0 is the heatmap.

    Parameters
    ----------
    snapshot : Snapshot
        Its grid (g, g) uint8 (and grid_class (g, g) for multi-class) is drawn as is.
    data : RunData
        X_train (n, 2), y_train (n,) and the test split.
    config : Config
        Task and class count; `view.show_test` / `view.discretize` unless given here.
    predictions : mapping, optional
        "train" / "test" -> predicted classes (n,), e.g. `predicted_classes(model.predict(F))`,
        for exact misclassification marks; without it they are read from the nearest grid cell.
    hover_class : bool
        Multi-class only: send the per-cell class for hover (customdata, +13 kB at 100 x 100).
    drawn : sequence of (x1, x2, class), optional
        Points being drawn: shown instead of the data's points (see drawn_points_trace).
    max_points : int, optional
        Draw only this many of the data's points (see `drawn_counts`; `points_note` says so).
    """
    show_test = config.view.show_test if show_test is None else show_test
    discretize = config.view.discretize if discretize is None else discretize
    classification = config.data.task == "classification"
    traces = [heatmap_trace(snapshot, config, discretize and classification, hover_class)]
    if drawn is not None:
        traces.append(drawn_points_trace(drawn))
    else:
        points = point_traces(data, config, show_test, max_points)
        traces += points
        if classification:
            X, y, predicted = misclassified(snapshot, data, show_test, predictions, max_points)
            traces.append(misclassified_trace(X, y, predicted, points[0]["marker"]["size"]))
        traces += legend_traces(show_test, classification)
    xaxis, yaxis = domain_axes()
    layout = palette.base_layout(
        height, "boundary", xaxis=xaxis, yaxis=yaxis,
        legend=dict(orientation="h", x=0.5, y=1.0, xanchor="center", yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        margin=dict(l=48, r=16 if config.data.task != "regression" else 60, t=28, b=40))
    return palette.figure(traces, layout, as_dict)
