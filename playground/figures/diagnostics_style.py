"""The Diagnostics figures' shared style and layout helpers: layer colours, axes, stacked rows, notes.

Used by figures.diagnostics_series (per-layer time series, distributions) and figures.diagnostics_units
(per-unit activity, signal propagation); re-exported from figures.diagnostics.
"""

from __future__ import annotations

import math

from ..diagnostics import THRESHOLDS
from . import palette

LAYER_COLORS = (palette.BLUE, palette.ORANGE, palette.OKABE_ITO["bluish_green"], palette.OKABE_ITO["reddish_purple"],
                palette.OKABE_ITO["sky_blue"], palette.OKABE_ITO["vermillion"], palette.INK, "#999999")
GRID = "#EEEEEE"
REFERENCE = "#555555"
UPDATE_RATIO_TARGET = -3.0   # log10(||step|| / ||W||): the rule of thumb for a healthy step
UPDATE_RATIO_FLOOR = -12.0   # the update-ratio chart's lowest value shown
ACTIVE_COLOR = palette.BLUE
NOW_COLOR = "#AAAAAA"        # the signal chart's bars for the current weights

_LOW, _HIGH = THRESHOLDS["signal_low"], THRESHOLDS["signal_high"]


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
