"""RMSprop, as torch.optim.RMSprop (epsilon added after the square root)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check


class RMSprop(Optimizer):
    """A running mean of g^2 scales each parameter's step:

        v <- rho * v + (1 - rho) * g^2
        theta <- theta - lr * g / (sqrt(v) + epsilon)

    centered: also keep the running mean of g, g_avg <- rho * g_avg + (1 - rho) * g, and divide
    by sqrt(v - g_avg^2) + epsilon (an estimate of the gradient's standard deviation).
    momentum mu > 0: b <- mu * b + g / (sqrt(v) + epsilon); theta <- theta - lr * b.
    """

    name = "rmsprop"
    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.rho = check("rho", rho, 0.0, 1.0)
        self.momentum = check("momentum", momentum, 0.0, 1.0)
        self.epsilon = check("epsilon", epsilon, 0.0, 1.0, low_open=True)
        self.centered = bool(centered)

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        g, rho, epsilon, slots = grads, self.rho, self.epsilon, self.slots
        v = slots.get("square_avg", 0.0)  # every slot starts at 0
        v = slots["square_avg"] = rho * v + (1 - rho) * g**2
        if self.centered:
            g_avg = slots.get("grad_avg", 0.0)
            g_avg = slots["grad_avg"] = rho * g_avg + (1 - rho) * g
            # A variance, >= 0 in exact arithmetic; rounding can leave -1e-20 where torch gives NaN.
            denominator = np.sqrt(np.maximum(v - g_avg**2, 0.0)) + epsilon
        else:
            denominator = np.sqrt(v) + epsilon
        if self.momentum:
            b = slots.get("momentum", 0.0)
            b = slots["momentum"] = self.momentum * b + g / denominator
            return lr * b
        return lr * g / denominator
