"""BatchNorm: batch normalisation with moving statistics for inference (Keras's BatchNormalization)."""

from __future__ import annotations

import numpy as np

from .base import Layer


class BatchNorm(Layer):
    """y = gamma * x_hat + beta, x_hat = (x - mean) / sqrt(var + epsilon), per feature (n, width).

    In training it uses the batch's mean and (biased) variance and moves the moving statistics:
    moving = momentum * moving + (1 - momentum) * batch. In inference it uses the moving ones.
    After a pass, `x_hat` (n, width) and `inv_std` = 1 / sqrt(var + epsilon) (width,) are kept
    for the backward pass. Weights in Keras order: gamma, beta, moving_mean, moving_variance.
    """

    kind = "batch_norm"
    _last_pass = (*Layer._last_pass, "x_hat", "inv_std")

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3, name: str | None = None):
        super().__init__(name)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"BatchNorm momentum must be in [0, 1). Received: momentum={momentum!r}")
        if not epsilon > 0.0:
            raise ValueError(f"BatchNorm epsilon must be > 0. Received: epsilon={epsilon!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.moving_mean = self.moving_variance = None
        self.x_hat = self.inv_std = None
        self.training = True  # the mode of the last forward pass, which its backward pass follows

    def build(self, input_dim):
        super().build(input_dim)
        self.param_shapes = {"gamma": (self.input_dim,), "beta": (self.input_dim,)}
        self.moving_mean = np.zeros(self.input_dim)
        self.moving_variance = np.ones(self.input_dim)
        return self.output_dim

    def initialize(self, rng):
        self.params["gamma"][...] = 1.0
        self.params["beta"][...] = 0.0
        self.moving_mean[...] = 0.0
        self.moving_variance[...] = 1.0

    def forward(self, X, training=False):
        self.inputs = X
        self.training = training
        if training:
            mean, variance = X.mean(axis=0), X.var(axis=0)
            self.moving_mean[...] = self.momentum * self.moving_mean + (1.0 - self.momentum) * mean
            self.moving_variance[...] = self.momentum * self.moving_variance + (1.0 - self.momentum) * variance
        else:
            mean, variance = self.moving_mean, self.moving_variance
        self.inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        self.x_hat = (X - mean) * self.inv_std
        self.outputs = self.params["gamma"] * self.x_hat + self.params["beta"]
        return self.outputs

    def backward(self, dY):
        """dY (n, width) -> dL/dX (n, width); dL/dgamma = sum(dY * x_hat), dL/dbeta = sum(dY).

        After a training pass the gradient flows through the batch statistics too:
        dX = inv_std * (d_x_hat - mean(d_x_hat) - x_hat * mean(d_x_hat * x_hat)), d_x_hat = dY * gamma;
        after an inference pass (as the diagnostics use) the statistics are constants:
        dX = inv_std * d_x_hat.
        """
        self.grad_output = dY
        x_hat = self.x_hat
        np.sum(dY * x_hat, axis=0, out=self.grads["gamma"])  # out=: grads are views into the flat buffer
        np.sum(dY, axis=0, out=self.grads["beta"])
        if not self.needs_input_grad:
            return None
        d_x_hat = dY * self.params["gamma"]
        if not self.training:
            return self.inv_std * d_x_hat
        return self.inv_std * (d_x_hat - d_x_hat.mean(axis=0) - x_hat * (d_x_hat * x_hat).mean(axis=0))

    def get_weights(self):
        return super().get_weights() + [self.moving_mean.copy(), self.moving_variance.copy()]

    def weight_shapes(self):
        return super().weight_shapes() + [(self.input_dim,), (self.input_dim,)]

    def set_weights(self, weights):
        super().set_weights(weights[:2])
        np.copyto(self.moving_mean, weights[2])
        np.copyto(self.moving_variance, weights[3])

    def get_config(self):
        return {"name": self.name, "momentum": self.momentum, "epsilon": self.epsilon}
