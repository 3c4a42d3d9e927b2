"""Dropout: inverted dropout, the identity at inference."""

from __future__ import annotations

import numpy as np

from .base import Layer


class Dropout(Layer):
    """In training each input is zeroed with probability `rate` and the rest are scaled by
    1 / (1 - rate): outputs = inputs * mask (n, width), so inference is the identity.

    The mask of the last training pass is `mask` (already scaled). Masks are drawn from `rng`,
    which a Sequential model sets to its dropout stream; `seed` is for standalone use.
    """

    kind = "dropout"
    _last_pass = (*Layer._last_pass, "mask")

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None):
        super().__init__(name)
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= rate < 1.0:
            raise ValueError(f"Dropout rate must be a number in [0, 1). Received: rate={rate!r}")
        self.rate = float(rate)
        self.rng = np.random.default_rng(seed)
        self.mask: np.ndarray | None = None

    def forward(self, X, training=False):
        self.inputs = X
        if not training or self.rate == 0.0:
            self.mask = None
            self.outputs = X
            return X
        keep = self.rng.random(X.shape) >= self.rate
        self.mask = keep / (1.0 - self.rate)
        self.outputs = X * self.mask
        return self.outputs

    def backward(self, dY):
        """dL/dX = dY * mask (the identity after an inference pass)."""
        self.grad_output = dY
        return dY if self.mask is None else dY * self.mask

    def get_config(self):
        return {"name": self.name, "rate": self.rate}
