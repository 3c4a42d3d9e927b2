"""Colours and colourscales of every figure, in one place.

All colours come from the Okabe-Ito palette, which stays distinguishable under the common
forms of colour blindness. Class 0 is orange and class 1 blue (TensorFlow Playground's
convention); further classes follow in the order of CLASS_COLORS. Backgrounds use the class
colours mixed with white (BACKGROUND_STRENGTH) so that points drawn in full colour stand out.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..training import GRID_LEVELS

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}
ORANGE, BLUE = OKABE_ITO["orange"], OKABE_ITO["blue"]
# Class k's colour (yellow is left out: it vanishes on white). Six Okabe-Ito colours for the
# generated datasets (K <= 6), then four more for own data (up to 10 classes).
CLASS_COLORS = (ORANGE, BLUE, OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"],
                OKABE_ITO["vermillion"], "#8C510A", "#555555", "#9A9A00", "#332288")
MAX_CLASSES = len(CLASS_COLORS)

TRAIN_COLOR, TEST_COLOR = BLUE, ORANGE          # loss curves
POSITIVE_COLOR, NEGATIVE_COLOR = BLUE, ORANGE   # weights
DEAD_COLOR, SATURATED_COLOR = OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"]
INK = "#222222"          # text, outlines of test points and misclassified rings
FAINT = "#BBBBBB"        # node outlines, neutral legend markers
WHITE = "#FFFFFF"

BACKGROUND_STRENGTH = 0.6   # share of the class colour in a confident background cell
UNCERTAIN_STRENGTH = 0.08   # ... and in a cell where the winning class barely wins
LEVELS = GRID_LEVELS        # grids hold 0..LEVELS
SEGMENT = LEVELS + 1        # multi-class code: z = class * SEGMENT + level


def mix(color: str, other: str, share: float) -> str:
    """`share` of `color` and 1 - share of `other` (both '#RRGGBB'), as '#rrggbb'."""
    a, b = rgb(color), rgb(other)
    return "#" + "".join(f"{round(share * x + (1 - share) * y):02x}" for x, y in zip(a, b, strict=True))


def rgb(color: str) -> tuple[int, int, int]:
    """'#RRGGBB' as its red, green and blue values 0..255."""
    text = color.lstrip("#")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def class_colors(k: int) -> tuple[str, ...]:
    """The colours of classes 0..k-1."""
    if not 1 <= k <= MAX_CLASSES:
        raise ValueError(f"Expected between 1 and {MAX_CLASSES} classes. Received: k={k}")
    return CLASS_COLORS[:k]


def diverging_scale(strength: float = 1.0) -> list[list]:
    """Orange (0) - white (0.5) - blue (1); ends mixed with white down to `strength`."""
    return [[0.0, mix(ORANGE, WHITE, strength)], [0.5, WHITE], [1.0, mix(BLUE, WHITE, strength)]]


def binary_scale(discretize: bool = False) -> list[list]:
    """Background of a binary classifier over z = 0..LEVELS (P(class 1) x LEVELS).

    Discretized: hard class colours, class 1 where the level is above LEVELS / 2 (P > 0.5).
    """
    if not discretize:
        return diverging_scale(BACKGROUND_STRENGTH)
    cut = (LEVELS / 2 + 0.5) / LEVELS
    low, high = mix(ORANGE, WHITE, BACKGROUND_STRENGTH), mix(BLUE, WHITE, BACKGROUND_STRENGTH)
    return [[0.0, low], [cut, low], [cut, high], [1.0, high]]


def multiclass_scale(k: int, discretize: bool = False) -> list[list]:
    """Background of a k-class classifier over the code z = class * SEGMENT + level.

    One segment per class: from nearly white at the lowest confidence a winner can have
    (1 / k) to the class colour at confidence 1; discretized, the class colour throughout.
    Use with zmin = 0 and zmax = multiclass_zmax(k).
    """
    top = multiclass_zmax(k)
    floor = LEVELS // k  # the winner's probability is at least 1 / k
    scale = []
    for cls, color in enumerate(class_colors(k)):
        start = cls * SEGMENT
        full = mix(color, WHITE, BACKGROUND_STRENGTH)
        light = full if discretize else mix(color, WHITE, UNCERTAIN_STRENGTH)
        scale += [[start / top, light], [(start + floor) / top, light], [(start + LEVELS) / top, full]]
    return scale


def multiclass_zmax(k: int) -> int:
    """The largest code of a k-class grid: class k - 1 at full confidence."""
    return k * SEGMENT - 1


def point_scale(k: int) -> list[list]:
    """Full class colours for markers coloured by class index 0..k-1 (cmin 0, cmax k - 1)."""
    colors = class_colors(max(k, 2))
    return [[i / (len(colors) - 1), c] for i, c in enumerate(colors)]


def figure(traces: list[dict], layout: dict, as_dict: bool) -> go.Figure | dict:
    """The figure as a go.Figure, or as a plain dict (`as_dict`): the same JSON, built without
    go.Figure's validation, which costs more than everything else in a live frame."""
    if as_dict:
        return {"data": traces, "layout": layout}
    return go.Figure(data=traces, layout=layout)


def base_layout(height: int, uirevision: str, **extra) -> dict:
    """Layout shared by all figures: no template (it would add ~6.5 kB to every frame), small margins."""
    layout = dict(
        template="none", height=height, uirevision=uirevision,
        font=dict(family="Inter, Helvetica, Arial, sans-serif", size=13, color=INK),
        paper_bgcolor=WHITE, plot_bgcolor=WHITE,
        margin=dict(l=50, r=16, t=36, b=44),
        hoverlabel=dict(font_size=12), hovermode="closest",
    )
    layout.update(extra)
    return layout
