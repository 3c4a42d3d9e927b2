"""Per-layer health of a network: dead and saturated units, activation and gradient statistics,
gradient norms, update-to-weight ratios, signal propagation, and plain-language findings.

`layer_stats` takes one inference-mode forward pass and one backward pass of the (mean, data-only)
loss over the whole training set, so the statistics describe the network as it is, not one
mini-batch. Thresholds behind every finding are declared in THRESHOLDS and quoted in the text.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .network import HiddenLayer
from .nn import Dense, Sequential, activations

# TensorBoard's distribution bands: min, +-1.5 sigma, +-1 sigma, +-0.5 sigma, median, max.
PERCENTILES = (0, 7, 16, 31, 50, 69, 84, 93, 100)
HISTOGRAM_BINS = 20

THRESHOLDS = {
    "saturation_tanh": 0.97,       # |h| above this counts as saturated
    "saturation_sigmoid": 0.03,    # h below this or above 1 - this counts as saturated
    "dead_share": 0.25,            # report dead units when at least this share of a layer is dead
    "saturated_share": 0.5,        # report saturation when at least this share of outputs is saturated
    "gradient_ratio": 100.0,       # first vs last layer gradient norm: vanishing / exploding beyond this
    "update_ratio_high": -1.0,     # log10(||step|| / ||W||) above this: steps too large
    "update_ratio_low": -5.0,      # below this: learning barely moves the weights
    "overfit_epochs": 100,         # test loss rising this many epochs while train loss falls
    "overfit_rise": 0.05,          # ... by at least this fraction above its best
    "signal_low": 0.1,             # fan_in * Var(W) at initialisation below this: signal shrinks
    "signal_high": 10.0,           # ... above this: signal grows
}


@dataclass(frozen=True)
class LayerStats:
    """One hidden layer's statistics over the training set. Arrays are per unit (units,)."""

    index: int
    activation: str
    units: int
    activity: np.ndarray            # share of inputs on which the unit's output is non-zero
    saturation: float | None        # share of saturated outputs (tanh and sigmoid only)
    activation_mean: float
    activation_std: float
    activation_percentiles: np.ndarray
    activation_histogram: np.ndarray  # counts over activation_edges
    activation_edges: np.ndarray
    gradient_mean: float            # of dL/d(activation), the loss being the mean over the set
    gradient_std: float
    gradient_percentiles: np.ndarray
    kernel_norm: float
    kernel_gradient_norm: float
    update_ratio: float | None      # log10(||last step|| / ||W||) of the kernel; None before any step

    @property
    def dead(self) -> np.ndarray:
        """Units whose output is zero for every training input (possible for relu and step)."""
        return self.activity == 0.0

    @property
    def dead_count(self) -> int:
        return int(self.dead.sum())

    @property
    def dead_share(self) -> float:
        return self.dead_count / self.units


def saturated(activation: str, a: np.ndarray) -> np.ndarray | None:
    """Boolean mask of saturated outputs, or None for activations that do not saturate."""
    if activation == "tanh":
        return np.abs(a) > THRESHOLDS["saturation_tanh"]
    if activation == "sigmoid":
        low = THRESHOLDS["saturation_sigmoid"]
        return (a < low) | (a > 1.0 - low)
    return None


def _norm(x: np.ndarray) -> float:
    return math.sqrt(float(np.dot(x.ravel(), x.ravel())))


def update_ratio(model: Sequential, dense: Dense) -> float | None:
    """log10(||lr * update|| / ||W||) of the kernel's last optimizer step (healthy near -3)."""
    step = model.optimizer.last_step if model.optimizer is not None else None
    if step is None or model.optimizer.iterations == 0:
        return None
    step_norm = _norm(step[model.slice_of(dense.params["kernel"])])
    kernel_norm = _norm(dense.params["kernel"])
    if step_norm == 0.0 or kernel_norm == 0.0:
        return None
    return math.log10(step_norm / kernel_norm)


def layer_stats(model: Sequential, hidden: list[HiddenLayer], X: np.ndarray, Y: np.ndarray) -> list[LayerStats]:
    """Statistics of every hidden layer on inputs X (n, d) and prepared targets Y (n, k).

    Overwrites the model's gradient buffer (the next training step refills it).
    """
    with np.errstate(all="ignore"):
        model.forward(X, training=False)
        model.backward_from_loss(Y)
    result = []
    for layer in hidden:
        a, grad = layer.output.outputs, layer.output.grad_output
        mask = saturated(layer.activation, a)
        edges_range = activations.get(layer.activation).output_range  # bounded ones: their range
        histogram, edges = np.histogram(a, bins=HISTOGRAM_BINS, range=edges_range)
        result.append(LayerStats(
            index=layer.index, activation=layer.activation, units=layer.units,
            activity=np.count_nonzero(a, axis=0) / a.shape[0],
            saturation=None if mask is None else float(mask.mean()),
            activation_mean=float(a.mean()), activation_std=float(a.std()),
            activation_percentiles=np.percentile(a, PERCENTILES),
            activation_histogram=histogram, activation_edges=edges,
            gradient_mean=float(grad.mean()), gradient_std=float(grad.std()),
            gradient_percentiles=np.percentile(grad, PERCENTILES),
            kernel_norm=_norm(layer.dense.params["kernel"]),
            kernel_gradient_norm=_norm(layer.dense.grads["kernel"]),
            update_ratio=update_ratio(model, layer.dense),
        ))
    return result


def signal_propagation(model: Sequential) -> list[float]:
    """fan_in * Var(W) of every Dense kernel: below 1 the signal shrinks layer by layer, above 1 it grows."""
    return [layer.input_dim * float(np.var(layer.params["kernel"]))
            for layer in model.layers if isinstance(layer, Dense)]


def best_epoch(test_losses: np.ndarray) -> int | None:
    """Index of the lowest finite test loss, or None."""
    finite = np.where(np.isfinite(test_losses), test_losses, np.inf)
    return None if finite.size == 0 or not np.isfinite(finite.min()) else int(np.argmin(finite))


@dataclass(frozen=True)
class Finding:
    kind: str      # dead, saturated, vanishing, exploding, update_high, update_low, overfitting, signal
    layer: int | None
    message: str


def layer_findings(stats: list[LayerStats], output_gradient_norm: float,
                   dead_since: list[np.ndarray] | None = None) -> list[Finding]:
    """Findings about the current state of each layer (dead units, saturation, gradient flow, steps).

    `dead_since[i][u]` is the epoch since which unit u of hidden layer i has been dead (-1: alive).
    """
    found = []
    for layer in stats:
        number = layer.index + 1
        if layer.dead_count and layer.dead_share >= THRESHOLDS["dead_share"]:
            since = ""
            if dead_since is not None:
                epochs = dead_since[layer.index][layer.dead]
                if epochs.size and epochs.min() >= 0:
                    since = f" since epoch {int(epochs.max())}"
            found.append(Finding("dead", layer.index,
                                 f"Layer {number}: {layer.dead_count} of {layer.units} {layer.activation} units "
                                 f"are dead{since} (zero output on every training point, so no gradient)."))
        if layer.saturation is not None and layer.saturation >= THRESHOLDS["saturated_share"]:
            found.append(Finding("saturated", layer.index,
                                 f"Layer {number}: {layer.saturation:.0%} of {layer.activation} outputs are "
                                 f"saturated (at least {THRESHOLDS['saturated_share']:.0%} reported): "
                                 "gradients through them are tiny."))
        ratio = layer.update_ratio
        if ratio is not None and ratio > THRESHOLDS["update_ratio_high"]:
            found.append(Finding("update_high", layer.index,
                                 f"Layer {number}: each step changes the weights by {10 ** ratio:.0%} "
                                 f"(log10 ratio {ratio:.1f}, healthy near -3): the learning rate is high."))
        elif ratio is not None and ratio < THRESHOLDS["update_ratio_low"]:
            found.append(Finding("update_low", layer.index,
                                 f"Layer {number} has almost stopped learning: each step changes its weights by "
                                 f"less than {10 ** THRESHOLDS['update_ratio_low']:.3%} (a healthy step: about "
                                 "0.1 %)."))
    if stats:
        first = stats[0].kernel_gradient_norm
        last, last_name = output_gradient_norm, "the output layer's"
        limit = THRESHOLDS["gradient_ratio"]
        if last > 0 and first < last / limit:
            factor = "infinitely" if first == 0 else f"{last / first:,.0f}x"
            found.append(Finding("vanishing", 0, f"Layer 1 gradients are {factor} smaller than {last_name}: "
                                                 f"vanishing gradients (reported beyond {limit:.0f}x)."))
        elif first > 0 and last < first / limit:
            found.append(Finding("exploding", 0, f"Layer 1 gradients are {first / max(last, 1e-300):,.0f}x "
                                                 f"larger than {last_name}: exploding gradients "
                                                 f"(reported beyond {limit:.0f}x)."))
    return found


def overfitting_finding(train_losses: np.ndarray, test_losses: np.ndarray, epochs: np.ndarray) -> Finding | None:
    """The test loss has risen for long while the training loss kept falling."""
    best = best_epoch(test_losses)
    if best is None or len(test_losses) == 0:
        return None
    since = int(epochs[-1] - epochs[best])
    rising = test_losses[-1] > test_losses[best] * (1 + THRESHOLDS["overfit_rise"])
    train_falling = train_losses[-1] < train_losses[best]
    if since >= THRESHOLDS["overfit_epochs"] and rising and train_falling:
        return Finding("overfitting", None,
                       f"The test loss has risen for {since} epochs (best at epoch {int(epochs[best])}) while the "
                       "training loss falls: overfitting. Try regularization, dropout, more data or early stopping.")
    return None


def signal_findings(gains: list[float]) -> list[Finding]:
    """Findings about fan_in * Var(W) at initialisation (the factor by which a layer scales the
    variance of its input; its square root scales the signal)."""
    found = []
    for index, gain in enumerate(gains[:-1]):  # hidden layers; the output layer's scale matters less
        if gain < THRESHOLDS["signal_low"] or gain > THRESHOLDS["signal_high"]:
            small = gain < THRESHOLDS["signal_low"]
            factor = math.sqrt(1 / gain if small else gain) if gain > 0 else math.inf
            size, change, trend = ("small", "weaker", "fades") if small else ("large", "stronger", "grows")
            found.append(Finding("signal", index, f"Layer {index + 1} starts with weights so {size} that its "
                                                  f"outputs are about {factor:.0f}x {change} than its inputs "
                                                  f"(fan_in x Var(W) = {gain:.2g}, healthy near 1): the signal "
                                                  f"{trend} layer after layer."))
    return found


STALL_EPOCHS = 20     # a run has stalled when, after at least this many epochs, ...
STALL_PROGRESS = 0.1  # ... its training loss has fallen by less than this fraction of its start
EXPLANATIONS = ("signal", "update_low")  # findings that explain a stall, and are noise in a run that learns


def stalled(train_losses) -> bool:
    """Whether training has stopped making progress: after STALL_EPOCHS recorded epochs, the last
    training loss is still within STALL_PROGRESS of the first (a non-finite one counts as stalled)."""
    losses = np.asarray(train_losses, dtype=np.float64)
    if losses.size <= STALL_EPOCHS or not np.isfinite(losses[0]):
        return False
    return not np.isfinite(losses[-1]) or losses[-1] > (1 - STALL_PROGRESS) * losses[0]


def worth_showing(findings: list[Finding], train_losses) -> list[Finding]:
    """The findings a class should see: every real problem (dead or saturated units, vanishing or
    exploding gradients, too large steps, overfitting); an initialisation warning or "steps barely
    move" only while the run is not learning, which they then explain (a Glorot layer with many
    units is "small" by fan_in x Var(W), and a run that has converged takes tiny steps)."""
    keep_explanations = stalled(train_losses)
    return [f for f in findings if f.kind not in EXPLANATIONS or keep_explanations]
