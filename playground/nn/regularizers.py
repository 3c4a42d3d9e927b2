"""Weight penalties with Keras semantics, applied to Dense kernels only.

L1(l1) adds l1 * sum(|W|) to the loss, L2(l2) adds l2 * sum(W**2) (no factor 1/2), L1L2 both.
Regularizers are immutable: to change a rate, give the layer a new regularizer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .registry import Registry

REGULARIZERS = Registry("regularizer")


@dataclass(frozen=True)
class L1L2:
    """l1 * sum(|W|) + l2 * sum(W**2); gradient l1 * sign(W) + 2 * l2 * W."""

    l1: float = 0.0
    l2: float = 0.0

    def __post_init__(self):
        for field, value in (("l1", self.l1), ("l2", self.l2)):
            if not (isinstance(value, int | float) and np.isfinite(value) and value >= 0):
                raise ValueError(f"{field} must be a finite number >= 0. Received: {field}={value!r}")

    def penalty(self, W: np.ndarray) -> float:
        """l1 * sum(|W|) + l2 * sum(W^2) of a kernel W (in, out)."""
        return self.l1 * float(np.sum(np.abs(W))) + self.l2 * float(np.sum(W**2))

    def gradient(self, W: np.ndarray) -> np.ndarray:
        """d penalty / dW = l1 * sign(W) + 2 * l2 * W, shaped like W."""
        return self.l1 * np.sign(W) + 2.0 * self.l2 * W

    def get_config(self) -> dict:
        return {"name": type(self).__name__.lower(), **asdict(self)}


@REGULARIZERS.register("l1")
def L1(l1: float = 0.01) -> L1L2:
    """Keras's L1 (default rate 0.01)."""
    return L1L2(l1=l1)


@REGULARIZERS.register("l2")
def L2(l2: float = 0.01) -> L1L2:
    """Keras's L2 (default rate 0.01)."""
    return L1L2(l2=l2)


REGULARIZERS.register("l1l2")(L1L2)


def get(spec) -> L1L2 | None:
    """None, an L1L2 instance, a name ("l1", "l2", "l1l2") or a config dict from get_config()."""
    if spec is None or isinstance(spec, L1L2):
        return spec
    if isinstance(spec, dict):
        return L1L2(l1=spec.get("l1", 0.0), l2=spec.get("l2", 0.0))
    return REGULARIZERS.get(spec)
