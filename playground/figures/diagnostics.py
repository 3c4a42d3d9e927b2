"""The Diagnostics page's figures: a run's layer health over its snapshots.

    layer_series_figure(snapshots, "dead" | "saturation" | "gradient_norm" | "update_ratio")
    distribution_figure(snapshots, "activation" | "gradient")  TensorBoard-style percentile bands
    activity_figure(snapshots, dead_since)                     per-unit activity, units x snapshots
    signal_figure(gains, now)                                  fan_in * Var(W) per layer, reference at 1
    threshold_rows()                                           the thresholds behind the findings, explained

HEALTHY holds, for each chart, one line on what healthy looks like. Every figure takes the
snapshots of a RunHistory (each with .epoch and .layers, a list of LayerStats per hidden layer)
and draws nothing it cannot compute from them; non-finite values are left out (None).

The charts live in diagnostics_series (over epochs) and diagnostics_units (units, signal), their shared
style in diagnostics_style; this module holds HEALTHY and the thresholds' explanations, and re-exports them.
"""

from __future__ import annotations

from ..diagnostics import THRESHOLDS
from .diagnostics_series import (
    BAND_STRENGTH,
    BANDS,
    MEDIAN,
    SERIES,
    distribution_figure,
    layer_series_figure,
    percentiles,
    series_values,
)
from .diagnostics_style import (
    _HIGH,
    _LOW,
    ACTIVE_COLOR,
    GRID,
    LAYER_COLORS,
    NOW_COLOR,
    REFERENCE,
    UPDATE_RATIO_FLOOR,
    UPDATE_RATIO_TARGET,
    layer_color,
    stacked_axes,
)
from .diagnostics_units import activity_figure, activity_matrix, activity_scale, dead_summary, signal_figure

__all__ = ["ACTIVE_COLOR", "BANDS", "BAND_STRENGTH", "GRID", "HEALTHY", "LAYER_COLORS", "MEDIAN", "NOW_COLOR",
           "REFERENCE", "SERIES", "UPDATE_RATIO_FLOOR", "UPDATE_RATIO_TARGET", "activity_figure", "activity_matrix",
           "activity_scale", "dead_summary", "distribution_figure", "layer_color", "layer_series_figure",
           "percentiles", "series_values", "signal_figure", "stacked_axes", "threshold_rows"]

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
# Thresholds


def threshold_rows() -> list[dict[str, object]]:
    """One row per entry of diagnostics.THRESHOLDS: its name, value and what it decides."""
    return [{"threshold": name, "value": value, "meaning": _MEANINGS.get(name, "")}
            for name, value in THRESHOLDS.items()]
