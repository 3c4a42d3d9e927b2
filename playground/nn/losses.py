"""Losses, registered under their Keras names. Each is the mean over the batch.

Targets reach a loss already prepared by `prepare_targets` as a float array Y shaped like the
network's output (n, k): class indices become one-hot rows, a (n,) vector becomes (n, 1).
Sigmoid + binary cross-entropy and softmax + categorical cross-entropy have a fused form that
works on the logits z: a stable value (no log of 0) and the gradient dL/dz = (a - Y) / n, which
never divides by a saturated output's a (1 - a).
"""

from __future__ import annotations

import numpy as np

from .registry import Registry

LOSSES = Registry("loss")

# Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs in the unfused forms.
EPSILON = 1e-7


class Loss:
    """Base class: a mean loss of predictions P (n, k) against prepared targets Y (n, k)."""

    name = ""
    # The output activation whose combination with this loss has a fused, stable gradient.
    fused_activation: str | None = None
    sparse = False
    formula = ""  # L(a, y) in LaTeX, a the outputs (n, k), y the targets

    def __call__(self, Y: np.ndarray, P: np.ndarray) -> float:
        """Mean loss of predictions P (n, k) against prepared targets Y (n, k)."""
        raise NotImplementedError

    def gradient(self, Y: np.ndarray, P: np.ndarray) -> np.ndarray:
        """dL/dP (n, k), including the 1/n of the batch mean."""
        raise NotImplementedError

    def fused_value(self, Y: np.ndarray, Z: np.ndarray) -> float:
        """The loss of the fused output activation's outputs, computed stably from the logits Z (n, k)."""
        raise NotImplementedError

    def fused_gradient(self, Y: np.ndarray, A: np.ndarray) -> np.ndarray:
        """dL/dZ (n, k) = (A - Y) / n for the fused pairs, A being the output activation's outputs."""
        return (A - Y) / A.shape[0]

    def get_config(self) -> dict:
        return {"name": self.name}


@LOSSES.register("binary_crossentropy")
class BinaryCrossentropy(Loss):
    """-mean(y log p + (1 - y) log(1 - p)) over outputs and batch, y in {0, 1}; fused with a sigmoid."""

    name = "binary_crossentropy"
    formula = r"-\frac{1}{n}\sum_i \big[y_i \log a_i + (1 - y_i)\log(1 - a_i)\big]"
    fused_activation = "sigmoid"

    def __call__(self, Y, P):
        P = np.clip(P, EPSILON, 1.0 - EPSILON)
        return float(-np.mean(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)))

    def gradient(self, Y, P):
        inside = (P > EPSILON) & (P < 1.0 - EPSILON)
        P = np.clip(P, EPSILON, 1.0 - EPSILON)
        return inside * (P - Y) / (P * (1.0 - P)) / Y.size

    def fused_value(self, Y, Z):
        # With p = sigmoid(z): -(y log p + (1 - y) log(1 - p)) = log(1 + e^z) - y z, and
        # log(1 + e^z) = logaddexp(0, z) never overflows nor takes the log of 0.
        return float(np.logaddexp(0.0, Z).sum() - np.vdot(Y, Z)) / Z.size  # vdot(Y, Z) = sum(y z)

    def fused_gradient(self, Y, A):
        return (A - Y) / A.size  # the mean runs over outputs and batch


@LOSSES.register("categorical_crossentropy")
class CategoricalCrossentropy(Loss):
    """-mean over the batch of sum_k y_k log p_k, for one-hot y; fused with a softmax output."""

    name = "categorical_crossentropy"
    formula = r"-\frac{1}{n}\sum_i \sum_k y_{ik} \log a_{ik}"
    fused_activation = "softmax"

    def __call__(self, Y, P):
        return float(-np.mean(np.sum(Y * np.log(np.clip(P, EPSILON, 1.0)), axis=-1)))

    def gradient(self, Y, P):
        inside = P > EPSILON
        return -(inside * Y) / np.clip(P, EPSILON, 1.0) / Y.shape[0]

    def fused_value(self, Y, Z):
        # log softmax(z)_k = z_k - log sum_j e^(z_j), computed from z - max(z) (no overflow).
        shifted = Z - Z.max(axis=-1, keepdims=True)
        log_softmax = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        return -float(np.vdot(Y, log_softmax)) / Z.shape[0]  # vdot(Y, L) = sum(y log p)


@LOSSES.register("sparse_categorical_crossentropy")
class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy whose targets are integer class indices (one-hot encoded here)."""

    name = "sparse_categorical_crossentropy"
    formula = r"-\frac{1}{n}\sum_i \log a_{i, y_i}"
    sparse = True


@LOSSES.register("mse")
class MeanSquaredError(Loss):
    """mean((p - y)^2) over outputs and batch."""

    name = "mse"
    formula = r"\frac{1}{nk}\sum_{i,k} (a_{ik} - y_{ik})^2"

    def __call__(self, Y, P):
        return float(np.mean((P - Y) ** 2))

    def gradient(self, Y, P):
        return 2.0 * (P - Y) / Y.size


def get(spec) -> Loss:
    """A Loss from a registered name or a Loss instance."""
    return LOSSES.get(spec, base=Loss)


def prepare_targets(loss: Loss, y, output_units: int) -> np.ndarray:
    """Targets as a float64 array (n, output_units); integer classes become one-hot rows.

    Raises ValueError naming both shapes when y does not fit the network's output.
    """
    y = np.asarray(y)
    if loss.sparse:
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(
                f"{loss.name} expects integer class indices of shape (n,). Received: y.shape={y.shape}"
            )
        if y.size and (not np.all(np.equal(np.mod(y, 1), 0)) or y.min() < 0 or y.max() >= output_units):
            raise ValueError(
                f"{loss.name} expects integer classes in 0..{output_units - 1} for {output_units} "
                f"output units. Received: y with values in [{y.min()}, {y.max()}]"
            )
        Y = np.zeros((y.shape[0], output_units))
        Y[np.arange(y.shape[0]), y.astype(np.intp)] = 1.0
        return Y
    Y = np.asarray(y, dtype=np.float64)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2 or Y.shape[1] != output_units:
        raise ValueError(
            f"{loss.name} expects targets of shape (n, {output_units}) (or (n,) for one output). "
            f"Received: y.shape={np.shape(y)}"
        )
    return np.ascontiguousarray(Y)
