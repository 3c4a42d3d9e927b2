"""Figures and numbers of the Compare page: pure functions, data in, figure (or numbers) out.

    titled_boundary(figure, index, label)            a run's boundary figure with its letter and colour
    compare_loss_figure(histories, labels)           every run's loss: train solid, test dashed
    summary_row(history, snapshot)                   one run's row of the differences table
    lockstep_caption(runs) / describe(config)        what the runs share; a run's settings in one line
    spread_boundary_figure(spread, data, config)     the boundary over seeds: majority and disagreement
    band_figure(spread)                              mean curve with a band (mean +- std or min-max)

Runs are named A-D and drawn in RUN_COLORS (four Okabe-Ito colours that stay apart under colour
blindness). Like the other figures, grids travel as uint8 with x0/dx axes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..compare import CompareRun
from ..config import Config, format_layers
from ..datasets import DOMAIN
from ..spread import Band, SeedSpread
from ..training import RunData, RunHistory, Snapshot, to_levels
from . import palette
from .boundary import XY_HOVER, domain_axes, grid_step, point_traces
from .curves import curve_arrays, epoch_axis, value_axis
from .numbers import HOVER_FORMAT

RUN_LETTERS = "ABCD"
RUN_COLORS = (palette.OKABE_ITO["blue"], palette.OKABE_ITO["vermillion"], palette.OKABE_ITO["bluish_green"],
              palette.OKABE_ITO["reddish_purple"])
DISAGREE_COLOR = palette.OKABE_ITO["vermillion"]
LABEL_CHARS = 48            # longer labels are shortened in titles and legends
BAND_ALPHA = 0.2


def run_letter(index: int) -> str:
    return RUN_LETTERS[index]


def run_color(index: int) -> str:
    return RUN_COLORS[index % len(RUN_COLORS)]


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """`label` cut to `limit` characters with an ellipsis."""
    return label if len(label) <= limit else label[:limit - 1].rstrip(", ") + "…"


def rgba(color: str, alpha: float) -> str:
    """'#RRGGBB' as 'rgba(r,g,b,alpha)'."""
    r, g, b = palette.rgb(color)
    return f"rgba({r},{g},{b},{alpha:g})"


# ---------------------------------------------------------------------------------------------
# Live figures


def titled_boundary(figure: dict, index: int, label: str) -> dict:
    """A boundary figure dict (`boundary_figure(..., as_dict=True)`) with the run's letter and label
    as its title, in the run's colour; its legend is left out (the page explains the markers once)."""
    layout = dict(figure["layout"])
    margin = dict(layout.get("margin", {}))
    margin["t"] = 34
    layout.update(title=dict(text=f"<b>{run_letter(index)}</b> · {short(label)}", x=0.5, xanchor="center",
                             y=0.985, yanchor="top", font=dict(size=14, color=run_color(index))),
                  showlegend=False, margin=margin,
                  modebar=dict(orientation="v"))  # a vertical toolbar on the right leaves the title readable
    return {**figure, "layout": layout}


def compare_loss_figure(histories: Sequence[RunHistory], labels: Sequence[str], *, log_scale: bool = False,
                        height: int = 300, as_dict: bool = False) -> go.Figure | dict:
    """Every run's train (solid) and test (dashed) loss over epochs, run i in `run_color(i)`.

    The legend has one entry per run (clicking it hides both its curves) and two grey entries
    saying which line style is which.
    """
    traces = []
    for index, (history, label) in enumerate(zip(histories, labels, strict=True)):
        letter, color = run_letter(index), run_color(index)
        epochs, train, test = curve_arrays(history)
        mode = "lines" if len(epochs) > 1 else "markers"  # epoch 0 alone: a dot, not an empty chart
        traces.append(dict(type="scatter", x=epochs, y=train, mode=mode, name=f"{letter} · {short(label, 32)}",
                           legendgroup=letter, line=dict(color=color, width=2),
                           hovertemplate=f"{letter} train loss %{{y:{HOVER_FORMAT}}}<extra></extra>"))
        if np.isfinite(test).any():
            traces.append(dict(type="scatter", x=epochs, y=test, mode=mode, name=f"{letter} test",
                               legendgroup=letter, showlegend=False, line=dict(color=color, width=2, dash="dash"),
                               hovertemplate=f"{letter} test loss %{{y:{HOVER_FORMAT}}}<extra></extra>"))
    for name, dash in (("train", "solid"), ("test", "dash")):
        traces.append(dict(type="scatter", x=[None], y=[None], mode="lines", name=name, legendgroup="style",
                           line=dict(color="#8C8C8C", width=2, dash=dash), hoverinfo="skip"))
    layout = palette.base_layout(
        height, "compare_loss", xaxis=epoch_axis([e for history in histories for e in history.epochs]),
        yaxis=value_axis(log_scale, False, "accuracy", [t["y"] for t in traces if t.get("hoverinfo") != "skip"]),
        hovermode="x unified",
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        margin=dict(l=56, r=16, t=30, b=40))
    return palette.figure(traces, layout, as_dict)


# ---------------------------------------------------------------------------------------------
# Text


def describe(config: Config) -> str:
    """The settings a run is usually varied in, in one line."""
    training, network = config.training, config.network
    parts = [training.optimizer, f"lr {training.learning_rate:g}", f"layers {format_layers(network.hidden)}",
             f"batch {training.batch_size}"]
    if network.regularization != "none":
        parts.append(f"{network.regularization} {network.effective_reg_rate:g}")
    if network.initializer != "glorot_uniform":
        parts.append(network.initializer)
    return " · ".join(parts)


def lockstep_caption(runs: Sequence[CompareRun]) -> str:
    """What the runs share, e.g. 'Same data, same initial weights (runs A, B), same batch order.'"""
    if len(runs) < 2:
        return "Add a run to compare: it trains on the same data, in the same batch order and from the same " \
               "initial weights as run A wherever the architectures match."
    groups: list[list[int]] = []
    for index, run in enumerate(runs):
        group = next((g for g in groups if runs[g[0]].same_start(run)), None)
        if group is None:
            groups.append([index])
        else:
            group.append(index)
    shared = ["runs " + ", ".join(run_letter(i) for i in g) for g in groups if len(g) > 1]
    alone = [run_letter(g[0]) for g in groups if len(g) == 1]
    weights = f"same initial weights ({'; '.join(shared)})" if shared else "different initial weights"
    if alone:
        weights += f", other weights for {', '.join(alone)} (another architecture)"
    return f"Same data, {weights}, same batch order."


# ---------------------------------------------------------------------------------------------
# The differences table

SUMMARY_COLUMNS = ("epoch", "train_loss", "test_loss", "train_metric", "test_metric", "gap", "best_epoch",
                   "dead_percent", "saturated_percent", "gradient_ratio")


def summary_row(history: RunHistory, snapshot: Snapshot) -> dict[str, float | int | None]:
    """One run's diagnostics, keyed by SUMMARY_COLUMNS (None where a value does not apply).

    gap: test minus train loss. dead_percent: dead units among all hidden units. saturated_percent:
    saturated outputs among the tanh/sigmoid layers' outputs (None without such layers).
    gradient_ratio: kernel gradient norm of hidden layer 1 over the output layer's (far below 1:
    vanishing gradients; far above: exploding).
    """
    layers = snapshot.layers
    units = sum(layer.units for layer in layers)
    dead = 100.0 * sum(layer.dead_count for layer in layers) / units if units else None
    bounded = [layer for layer in layers if layer.saturation is not None]
    bounded_units = sum(layer.units for layer in bounded)
    saturated = 100.0 * sum(layer.saturation * layer.units for layer in bounded) / bounded_units if bounded else None
    ratio = None
    if layers and snapshot.output_gradient_norm > 0:
        ratio = layers[0].kernel_gradient_norm / snapshot.output_gradient_norm
    return {"epoch": snapshot.epoch, "train_loss": snapshot.train_loss, "test_loss": snapshot.test_loss,
            "train_metric": snapshot.train_metric, "test_metric": snapshot.test_metric,
            "gap": snapshot.test_loss - snapshot.train_loss, "best_epoch": history.best_epoch,
            "dead_percent": dead, "saturated_percent": saturated, "gradient_ratio": ratio}


# ---------------------------------------------------------------------------------------------
# Spread over seeds: numbers


def class_count(spread: SeedSpread) -> int:
    """Number of classes of a classification spread, 0 for regression."""
    return 0 if spread.class_share is None else spread.class_share.shape[0]


def majority_levels(spread: SeedSpread) -> np.ndarray:
    """The left panel's z (g, g), in the encodings of `boundary_figure`'s heatmap:

    binary: share of seeds predicting class 1, 0..200 (100: a tie); multi-class: the majority
    class * 201 + its share of seeds as 0..200; regression: the mean prediction, [-1, 1] -> 0..200.
    """
    k = class_count(spread)
    if k == 0:
        return to_levels(spread.grid_mean, -1.0, 1.0)
    if k == 2:
        return to_levels(spread.class_share[1], 0.0, 1.0)
    majority = spread.class_share.argmax(axis=0).astype(np.uint16)
    return majority * palette.SEGMENT + to_levels(spread.agreement, 0.0, 1.0)


def disagreement_levels(spread: SeedSpread) -> tuple[np.ndarray, float]:
    """The right panel's z (g, g) uint8 0..200 and the value that 200 stands for.

    Classification: 1 - agreement (the share of seeds outvoted), 200 meaning an even split
    (1 - 1/K); regression: the standard deviation of the prediction over seeds, 200 meaning its
    largest value (at least 0.05, so noise-level spreads stay pale).
    """
    k = class_count(spread)
    if k == 0:
        top = max(float(np.nanmax(spread.grid_std)), 0.05)
        return to_levels(spread.grid_std, 0.0, top), top
    top = 1.0 - 1.0 / k
    return to_levels(1.0 - spread.agreement, 0.0, top), top


def band_edges(band: Band, kind: str = "std", floor: float | None = None,
               ceiling: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edge (epochs,) of a band: mean -+ std (kind="std") or min and max ("range"),
    clipped to [floor, ceiling] where given."""
    if kind == "std":
        lower, upper = band.mean - band.std, band.mean + band.std
    elif kind == "range":
        lower, upper = band.low.copy(), band.high.copy()
    else:
        raise ValueError(f"kind must be 'std' or 'range'. Received: kind={kind!r}")
    if floor is not None:
        lower, upper = np.maximum(lower, floor), np.maximum(upper, floor)
    if ceiling is not None:
        lower, upper = np.minimum(lower, ceiling), np.minimum(upper, ceiling)
    return lower, upper


def band_end(band: Band) -> dict[str, float]:
    """mean, std, low and high of a band at its last epoch with a value (NaN when it has none)."""
    finite = np.flatnonzero(np.isfinite(band.mean))
    if finite.size == 0:
        return dict.fromkeys(("mean", "std", "low", "high"), float("nan"))
    i = finite[-1]
    return {"mean": float(band.mean[i]), "std": float(band.std[i]), "low": float(band.low[i]),
            "high": float(band.high[i])}


def agreed_share(spread: SeedSpread) -> float | None:
    """The share of the domain where every seed predicts the same class (None for regression)."""
    return None if spread.agreement is None else float(np.mean(spread.agreement == 1.0))


# ---------------------------------------------------------------------------------------------
# Spread over seeds: figures


def _panel_heatmap(z: np.ndarray, axes: tuple[str, str], **style) -> dict:
    size = z.shape[0]
    step = grid_step(size)
    return dict(type="heatmap", z=z, x0=DOMAIN[0], dx=step, y0=DOMAIN[0], dy=step, zmin=0, zsmooth=False, xaxis=axes[0],
                yaxis=axes[1], showlegend=False, hoverongaps=False, **style)


def spread_boundary_figure(spread: SeedSpread, data: RunData | None = None, config: Config | None = None, *,
                           height: int = 400, as_dict: bool = False) -> go.Figure | dict:
    """Two panels over the domain: what the seeds predict together (left) and where they disagree (right).

    Left, as `majority_levels`: the share of seeds saying class 1 (binary, orange - white - blue),
    the majority class shaded by its share (multi-class), or the mean prediction (regression).
    Right, as `disagreement_levels`: white where all seeds agree, vermillion where they split (or
    the standard deviation of the prediction, for regression). With `data` and `config`, the
    training points are drawn on both panels.
    """
    k = class_count(spread)
    seeds = len(spread.seeds)
    if k == 0:
        left = dict(zmax=palette.LEVELS, colorscale=palette.diverging_scale(palette.BACKGROUND_STRENGTH),
                    hovertemplate=f"{XY_HOVER}<br>mean output = (%{{z}} - 100) / 100<extra></extra>")
        left_title = f"mean prediction<br>over {seeds} seeds"
    elif k == 2:
        left = dict(zmax=palette.LEVELS, colorscale=palette.binary_scale(),
                    hovertemplate=f"{XY_HOVER}<br>share of seeds saying class 1: %{{z}} / 200<extra></extra>")
        left_title = f"share of {seeds} seeds<br>predicting class 1"
    else:
        left = dict(zmax=palette.multiclass_zmax(k), colorscale=palette.multiclass_scale(k),
                    hovertemplate=f"{XY_HOVER}<extra></extra>")
        left_title = f"majority class of {seeds} seeds<br>(paler: fewer agree)"
    disagreement, top = disagreement_levels(spread)
    if k == 0:
        ticks, right_title = ([0, palette.LEVELS], ["0", f"{top:.2g}"]), "spread (std)<br>of the prediction"
        right_hover = f"{XY_HOVER}<br>std = %{{z}} / 200 x {top:.3g}<extra></extra>"
    else:
        ticks, right_title = ([0, palette.LEVELS], ["all agree", "even split"]), "where the seeds<br>disagree"
        right_hover = f"{XY_HOVER}<br>seeds outvoted: %{{z}} / 200 of an even split<extra></extra>"
    traces = [
        _panel_heatmap(majority_levels(spread), ("x", "y"), showscale=False, name="majority", **left),
        _panel_heatmap(disagreement, ("x2", "y2"), zmax=palette.LEVELS, name="disagreement",
                       colorscale=[[0.0, palette.WHITE], [1.0, DISAGREE_COLOR]], hovertemplate=right_hover,
                       showscale=True, colorbar=dict(thickness=10, len=0.6, x=1.01, tickvals=ticks[0],
                                                     ticktext=ticks[1], outlinewidth=0)),
    ]
    if data is not None and config is not None:
        for points in point_traces(data, config, show_test=False):
            small = {**points, "marker": {**points["marker"], "size": 5, "line": dict(width=0)}}
            traces += [small, {**small, "xaxis": "x2", "yaxis": "y2"}]
    x1, y1 = domain_axes(x=dict(domain=[0.0, 0.45]))
    x2, y2 = domain_axes(x=dict(domain=[0.53, 0.98]), anchor="x2")
    y2.update(anchor="x2", title=None)  # the left panel's x2 title names it; here it ran into that panel
    x2.update(anchor="y2")
    # Each title on two short lines: one line each overlapped at presentation mode's type size in a
    # 1280 px window.
    annotations = [dict(text=text, x=x, y=1.0, xref="paper", yref="paper", xanchor="center", yanchor="bottom",
                        showarrow=False, font=dict(size=13)) for text, x in ((left_title, 0.225),
                                                                               (right_title, 0.755))]
    layout = palette.base_layout(height, "spread", xaxis=x1, yaxis=y1, xaxis2=x2, yaxis2=y2, annotations=annotations,
                                 showlegend=False, margin=dict(l=48, r=60, t=50, b=40))
    return palette.figure(traces, layout, as_dict)


def band_figure(spread: SeedSpread, *, metric: bool = False, kind: str = "std", log_scale: bool = False,
                metric_name: str = "accuracy", height: int = 320, as_dict: bool = False) -> go.Figure | dict:
    """Train and test curves over seeds: the mean as a line, a shaded band of `band_edges(kind)` around it.

    The band of a loss is kept above 0 on a log axis (its minimum over seeds, where mean - std is
    not positive); the band of an accuracy stays within [0, 1].
    """
    epochs = np.asarray(spread.epochs, dtype=np.int32)
    traces = []
    what = metric_name if metric else "loss"
    for name, color in (("train", palette.TRAIN_COLOR), ("test", palette.TEST_COLOR)):
        band: Band = getattr(spread, f"{name}_{'metric' if metric else 'loss'}")
        keep = np.isfinite(band.mean)
        if not keep.any():
            continue  # no test split
        ceiling = 1.0 if metric and metric_name == "accuracy" else None
        floor = 0.0 if ceiling is not None or (not metric and not log_scale) else None
        lower, upper = band_edges(band, kind, floor, ceiling)
        if log_scale and not metric:
            lower = np.where(lower > 0, lower, band.low)
        x = epochs[keep]
        spread_name = "mean ± std" if kind == "std" else "min – max"
        traces += [
            dict(type="scatter", x=x, y=upper[keep].astype(np.float32), mode="lines", line=dict(width=0, color=color),
                 legendgroup=name, showlegend=False, hoverinfo="skip"),
            dict(type="scatter", x=x, y=lower[keep].astype(np.float32), mode="lines", line=dict(width=0, color=color),
                 fill="tonexty", fillcolor=rgba(color, BAND_ALPHA), legendgroup=name, name=f"{name} {spread_name}",
                 hoverinfo="skip"),
            dict(type="scatter", x=x, y=band.mean[keep].astype(np.float32), mode="lines", name=f"{name} mean",
                 legendgroup=name, line=dict(color=color, width=2),
                 hovertemplate=f"{name} {what}, mean over seeds %{{y:.4g}}<extra></extra>"),
        ]
    layout = palette.base_layout(
        height, "spread_band", xaxis=epoch_axis(epochs), yaxis=value_axis(log_scale, metric, metric_name),
        hovermode="x unified",
        legend=dict(orientation="h", x=1, y=1.0, xanchor="right", yanchor="bottom", bgcolor="rgba(0,0,0,0)"),
        margin=dict(l=56, r=16, t=30, b=40))
    return palette.figure(traces, layout, as_dict)
