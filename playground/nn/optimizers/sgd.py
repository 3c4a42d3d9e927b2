"""Stochastic gradient descent with optional (Nesterov) momentum, as torch.optim.SGD."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check


class SGD(Optimizer):
    """Without momentum: theta <- theta - lr * g.

    With momentum mu (torch's rule, no dampening):
        b <- mu * b + g
        theta <- theta - lr * (g + mu * b)   if nesterov
        theta <- theta - lr * b              otherwise
    torch starts b at the first gradient, which is mu * 0 + g: b starts at 0 here.
    """

    name = "sgd"
    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.momentum = check("momentum", momentum, 0.0, 1.0)
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov needs momentum > 0. Received: momentum=0.0, nesterov=True")
        self.nesterov = bool(nesterov)

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        g, mu = grads, self.momentum
        if mu == 0:
            return lr * g
        b = self.slots.get("momentum", 0.0)  # starts at 0
        b = self.slots["momentum"] = mu * b + g
        if self.nesterov:
            return lr * (g + mu * b)
        return lr * b
