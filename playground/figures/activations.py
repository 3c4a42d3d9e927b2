"""The Activations page: each activation of the engine's registry, its derivative and what follows.

    activation_figure(names, (-5, 5))          f(z) and f'(z) side by side
    activation_facts(name)                      max f' and where, output range, zero-centred, saturation
    softmax_figure(logits, temperature)         softmax(z / T) as bars
    gradient_factor(name, "rms", 1.0)           the typical |f'| a gradient is multiplied by per layer
    depth_figure(names, 30, "rms", 1.0)         that factor to the n-th power, on a log scale

Every number comes from the engine's own `__call__` and `derivative` (nothing re-implemented).
Expectations over z ~ N(0, sigma^2) use a fixed midpoint rule on +-8 sigma (GAUSS_POINTS points).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..nn import activations
from . import palette

GAUSS_POINTS = 16_000   # even: z = 0, where ReLU's f' jumps, is not a node
FACT_RANGE = 10.0        # max f' and saturation are read on [-10, 10] ...
FAR = 1e6                # ... and limits at z = +-FAR
SATURATED = 1e-2         # |f'| below this at |z| = 8 counts as saturated
ZERO_CENTRED = 0.05      # |E f(z)| below this, z ~ N(0, 1), counts as zero-centred
MAX_LOGITS = 10
MEASURES = {
    "rms": "RMS of f'(z): sqrt(E[f'(z)²])",
    "mean": "mean of |f'(z)|",
    "max": "best case: max |f'(z)|",
}
COLORS = {"sigmoid": palette.BLUE, "tanh": palette.OKABE_ITO["vermillion"], "relu": palette.OKABE_ITO["bluish_green"],
          "gelu": palette.OKABE_ITO["reddish_purple"], "leaky_relu": palette.OKABE_ITO["sky_blue"],
          "elu": palette.ORANGE, "swish": "#6A3D9A", "softplus": "#8C8C8C", "linear": palette.INK, "step": "#B8A200"}


def plottable_names() -> tuple[str, ...]:
    """Element-wise activations of the registry, one name per class (aliases such as silu left out)."""
    seen, names = set(), []
    for name in activations.hidden_names():
        kind = type(activations.get(name))
        if kind not in seen:
            seen.add(kind)
            names.append(name)
    return tuple(names)


def color_of(name: str) -> str:
    return COLORS.get(name, palette.INK)


def evaluate(name: str, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(z) and f'(z) (both shaped like z) from the engine's activation `name`."""
    fn = activations.get(name)
    with np.errstate(all="ignore"):
        a = np.array(fn(np.asarray(z, dtype=np.float64)), copy=True)
        return a, np.asarray(fn.derivative(z, a), dtype=np.float64) * np.ones_like(z)


def _gauss(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Points z (GAUSS_POINTS,) and weights summing to 1 for E over z ~ N(0, sigma^2)."""
    u = np.linspace(-8.0, 8.0, GAUSS_POINTS)
    weights = np.exp(-0.5 * u * u)
    return sigma * u, weights / weights.sum()


def gaussian_mean(values: np.ndarray, weights: np.ndarray) -> float:
    return float(np.dot(values, weights))


@dataclass(frozen=True)
class Facts:
    """Key numbers of one activation (see `activation_facts`)."""

    name: str
    max_derivative: float
    argmax: str          # where f' is largest: "z = 0", "z > 0", "everywhere", "z → +∞"
    output_low: float    # -inf when unbounded
    output_high: float
    mean_output: float   # E f(z), z ~ N(0, 1)
    zero_centred: bool
    behaviour: str       # dies / saturates / no gradient / never saturates
    rms_derivative: float  # sqrt(E f'(z)^2), z ~ N(0, 1)


@functools.lru_cache(maxsize=64)
def activation_facts(name: str) -> Facts:
    """Max f' and where, output range, mean output and saturation of activation `name`, computed."""
    z = np.linspace(-FACT_RANGE, FACT_RANGE, 20_001)
    a, d = evaluate(name, z)
    far_a, far_d = evaluate(name, np.array([-FAR, FAR]))
    top = float(d.max())
    at_top = np.flatnonzero(d >= top - 1e-12)
    if top == 0.0 or at_top.size == z.size:
        where = "everywhere"
    elif at_top.size > z.size // 100:
        where = "z > 0" if z[at_top].min() >= 0 else f"{z[at_top].min():.3g} ≤ z ≤ {z[at_top].max():.3g}"
    elif at_top[0] == z.size - 1:
        top, where = max(top, float(far_d[1])), "z → +∞"
    else:
        where = f"z = {z[at_top[0]]:.3g}" if abs(z[at_top[0]]) > 1e-9 else "z = 0"
    low = -math.inf if far_a[0] < -FAR / 10 else min(float(a.min()), float(far_a[0]))
    high = math.inf if far_a[1] > FAR / 10 else max(float(a.max()), float(far_a[1]))
    u, weights = _gauss(1.0)
    gu, gd = evaluate(name, u)
    mean_output = gaussian_mean(gu, weights)
    negative = d[z < 0]
    side = np.abs(evaluate(name, np.array([-8.0, 8.0]))[1]) < SATURATED
    if top == 0.0:
        behaviour = "no gradient anywhere: cannot learn by backpropagation"
    elif not negative.any():
        behaviour = "dies: f' = 0 for every z < 0 (a unit stuck there stops learning)"
    elif side.all():
        behaviour = "saturates on both sides: f' → 0 for large |z|"
    elif side[0]:
        behaviour = "saturates for large negative z"
    elif side[1]:
        behaviour = "saturates for large positive z"
    else:
        behaviour = "never saturates"
    return Facts(name, top, where, low, high, mean_output, abs(mean_output) < ZERO_CENTRED, behaviour,
                 math.sqrt(gaussian_mean(gd * gd, weights)))


def _bound(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.3g}".replace("-", "−")


def facts_rows(names: Sequence[str]) -> list[dict[str, str]]:
    """One row of display strings per activation, for a table."""
    rows = []
    for name in names:
        f = activation_facts(name)
        rows.append({"activation": name, "max f'": f"{f.max_derivative:.4g}", "where": f.argmax,
                     "output range": f"{_bound(f.output_low)} to {_bound(f.output_high)}",
                     "mean f(z), z~N(0,1)": f"{round(f.mean_output, 3) + 0.0:.3f}",
                     "zero-centred": "yes" if f.zero_centred else "no",
                     "RMS f'(z), z~N(0,1)": f"{f.rms_derivative:.3f}", "behaviour": f.behaviour})
    return rows


def activation_figure(names: Sequence[str], z_range: tuple[float, float] = (-5.0, 5.0),
                      points: int = 801, height: int = 380) -> go.Figure:
    """f(z) (left) and f'(z) (right) of each named activation over z_range."""
    low, high = z_range
    if not low < high:
        raise ValueError(f"z_range must be (low, high) with low < high. Received: z_range={z_range!r}")
    z = np.linspace(low, high, points)
    traces = []
    for name in names:
        a, d = evaluate(name, z)
        color = color_of(name)
        for values, axis, what in ((a, "", "f"), (d, "2", "f'")):
            traces.append(dict(type="scatter", x=z, y=values, mode="lines", name=name, legendgroup=name,
                               showlegend=axis == "", xaxis=f"x{axis}", yaxis=f"y{axis}",
                               line=dict(color=color, width=2.2),
                               hovertemplate=f"{name}: {what}(%{{x:.3g}}) = %{{y:.4g}}<extra></extra>"))
    axis = dict(showgrid=True, gridcolor="#EEEEEE", zeroline=True, zerolinecolor="#BBBBBB", showline=True,
                linecolor=palette.FAINT, ticks="outside", ticklen=4)
    layout = palette.base_layout(
        height, "activations", showlegend=True, hovermode="x unified",
        legend=dict(orientation="h", y=-0.18, x=0.5, xanchor="center"),
        margin=dict(l=50, r=16, t=40, b=70),
        xaxis=dict(axis, domain=[0.0, 0.47], title=dict(text="z", standoff=4), range=[low, high]),
        xaxis2=dict(axis, domain=[0.53, 1.0], title=dict(text="z", standoff=4), range=[low, high]),
        yaxis=dict(axis), yaxis2=dict(axis, anchor="x2"),
        annotations=[dict(text="activation f(z)", x=0.235, y=1.02, xref="paper", yref="paper", showarrow=False,
                          yanchor="bottom"),
                     dict(text="derivative f'(z)", x=0.765, y=1.02, xref="paper", yref="paper", showarrow=False,
                          yanchor="bottom")])
    return go.Figure(data=traces, layout=layout)


def parse_logits(text: str) -> np.ndarray:
    """Numbers separated by commas, semicolons or spaces, as (k,) floats (2 <= k <= MAX_LOGITS).

    Parsed with float() only (no eval). Raises ValueError saying what was expected.
    """
    parts = [p for p in re.split(r"[,;\s]+", text.strip()) if p]
    try:
        values = np.array([float(p.replace("−", "-")) for p in parts])
    except ValueError:
        raise ValueError(f"Expected numbers separated by commas, e.g. 2, 1, 0.1. Received: {text!r}") from None
    if not 2 <= values.size <= MAX_LOGITS:
        raise ValueError(f"Expected between 2 and {MAX_LOGITS} numbers. Received: {values.size}")
    if not np.all(np.isfinite(values)) or np.max(np.abs(values)) > 1e6:
        raise ValueError(f"Expected finite numbers of magnitude at most 1e6. Received: {text!r}")
    return values


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """The engine's softmax of logits / temperature, (k,)."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0. Received: temperature={temperature!r}")
    z = np.asarray(logits, dtype=np.float64)[None, :] / temperature
    return activations.get("softmax")(z)[0]


def softmax_figure(logits: np.ndarray, temperature: float = 1.0, height: int = 320) -> go.Figure:
    """Bars of softmax(logits / T); outlined markers show T = 1 for comparison when T != 1."""
    p = softmax(logits, temperature)
    labels = [f"z{i + 1} = {v:g}" for i, v in enumerate(logits)]
    traces = [dict(type="bar", x=labels, y=p, name=f"T = {temperature:g}", marker=dict(color=palette.BLUE),
                   text=[f"{v:.3f}" for v in p], textposition="outside", cliponaxis=False,
                   hovertemplate="%{x}<br>p = %{y:.4f}<extra></extra>")]
    if temperature != 1.0:
        traces.append(dict(type="scatter", x=labels, y=softmax(logits, 1.0), mode="markers", name="T = 1",
                           marker=dict(symbol="line-ew", size=34, line=dict(color=palette.ORANGE, width=3)),
                           hovertemplate="%{x}<br>p at T = 1: %{y:.4f}<extra></extra>"))
    layout = palette.base_layout(
        height, "softmax", showlegend=temperature != 1.0, bargap=0.35,
        legend=dict(orientation="h", y=1.08, x=1.0, xanchor="right"),
        yaxis=dict(range=[0, 1.12], title=dict(text="probability", standoff=6), showgrid=True,
                   gridcolor="#EEEEEE", tickvals=[0, 0.25, 0.5, 0.75, 1.0]),
        xaxis=dict(showline=True, linecolor=palette.FAINT))
    return go.Figure(data=traces, layout=layout)


@functools.lru_cache(maxsize=256)
def gradient_factor(name: str, measure: str = "rms", sigma: float = 1.0) -> float:
    """How much one layer's activation scales a gradient, typically: for z ~ N(0, sigma^2),
    'rms' sqrt(E[f'(z)^2]), 'mean' E|f'(z)|; 'max' the largest |f'(z)| (the best case)."""
    if measure not in MEASURES:
        raise ValueError(f"Unknown measure. Expected one of: {', '.join(MEASURES)}. Received: measure={measure!r}")
    if measure == "max":
        return abs(activation_facts(name).max_derivative)
    z, weights = _gauss(sigma)
    d = np.abs(evaluate(name, z)[1])
    return math.sqrt(gaussian_mean(d * d, weights)) if measure == "rms" else gaussian_mean(d, weights)


def depth_figure(names: Sequence[str], depth: int = 30, measure: str = "rms", sigma: float = 1.0,
                 height: int = 380) -> go.Figure:
    """factor^n for n = 1..depth, one line per activation, log scale; a factor of 0 is noted, not drawn."""
    n = np.arange(1, depth + 1)
    traces, notes = [], []
    for name in names:
        factor = gradient_factor(name, measure, sigma)
        if factor == 0.0:
            notes.append(name)
            continue
        traces.append(dict(type="scatter", x=n, y=factor ** n.astype(np.float64), mode="lines+markers",
                           name=f"{name} ({factor:.3g}ⁿ)", line=dict(color=color_of(name), width=2.2),
                           marker=dict(size=4),
                           hovertemplate=f"{name}: {factor:.3g}^%{{x}} = %{{y:.3g}}<extra></extra>"))
    annotations = []
    if notes:
        annotations.append(dict(text=f"{', '.join(notes)}: factor 0, the gradient is 0 after one layer",
                                x=0.01, y=0.02, xref="paper", yref="paper", xanchor="left", showarrow=False,
                                font=dict(color="#777777", size=12)))
    layout = palette.base_layout(
        height, "depth", showlegend=True, annotations=annotations,
        legend=dict(orientation="v", x=1.01, y=1.0, xanchor="left"),
        margin=dict(l=60, r=16, t=24, b=48),
        xaxis=dict(title=dict(text="layers n", standoff=4), range=[0.5, depth + 0.5], showline=True,
                   linecolor=palette.FAINT, ticks="outside"),
        yaxis=dict(type="log", title=dict(text="gradient factor after n layers", standoff=6), showgrid=True,
                   gridcolor="#EEEEEE", exponentformat="power"))
    return go.Figure(data=traces, layout=layout)
