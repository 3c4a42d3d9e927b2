"""Adagrad, as torch.optim.Adagrad (with Keras's initial accumulator value)."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check


class Adagrad(Optimizer):
    """The sum of all squared gradients so far scales each parameter's step:

        s <- s + g^2
        theta <- theta - lr * g / (sqrt(s) + epsilon)

    s starts at initial_accumulator_value (Keras's default 0.1; torch's is 0).
    """

    name = "adagrad"
    hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.initial_accumulator_value = check("initial_accumulator_value", initial_accumulator_value,
                                               0.0, 1e6)
        self.epsilon = check("epsilon", epsilon, 0.0, 1.0, low_open=True)

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        g = grads
        s = self.slots.get("accumulator", self.initial_accumulator_value)
        s = self.slots["accumulator"] = s + g**2
        return lr * g / (np.sqrt(s) + self.epsilon)
