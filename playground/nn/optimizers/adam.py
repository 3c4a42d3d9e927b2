"""Adam and AdamW, as torch.optim.Adam and torch.optim.AdamW document them."""

from __future__ import annotations

import numpy as np

from .base import Optimizer, check


class Adam(Optimizer):
    """Running means of g and g^2, corrected for starting at 0, set each parameter's step:

        m <- beta_1 * m + (1 - beta_1) * g           first moment
        v <- beta_2 * v + (1 - beta_2) * g^2         second moment
        m_hat = m / (1 - beta_1^t)                   bias corrections (t = step number, from 1)
        v_hat = v / (1 - beta_2^t)
        theta <- theta - lr * m_hat / (sqrt(v_hat) + epsilon)

    amsgrad: v_max <- max(v_max, v), and v_hat = v_max / (1 - beta_2^t) instead.
    """

    name = "adam"
    hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.beta_1 = check("beta_1", beta_1, 0.0, 1.0, high_open=True)
        self.beta_2 = check("beta_2", beta_2, 0.0, 1.0, high_open=True)
        self.epsilon = check("epsilon", epsilon, 0.0, 1.0, low_open=True)
        self.amsgrad = bool(amsgrad)

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        g, beta_1, beta_2, epsilon, t = grads, self.beta_1, self.beta_2, self.epsilon, self.iterations
        m, v = self.slots.get("m", 0.0), self.slots.get("v", 0.0)  # both start at 0
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        self.slots.update(m=m, v=v)
        if self.amsgrad:
            v = self.slots["v_max"] = np.maximum(self.slots.get("v_max", 0.0), v)
        m_hat = m / (1 - beta_1**t)
        v_hat = v / (1 - beta_2**t)
        return lr * m_hat / (np.sqrt(v_hat) + epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay lambda (torch.optim.AdamW; Keras 3's default 0.004):

        theta <- theta - lr * lambda * theta, then Adam's step.
    """

    name = "adamw"
    decoupled_weight_decay = True

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm)

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        if self.weight_decay:
            params -= lr * self.weight_decay * params
        return super().update(params, grads, lr)
