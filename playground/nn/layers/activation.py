"""Activation: an activation function as a layer of its own (e.g. after BatchNorm)."""

from __future__ import annotations

from .. import activations
from .base import Layer


class Activation(Layer):
    """outputs a = f(inputs) (n, width); no parameters. `z` is the input, as in Dense."""

    kind = "activation"
    _last_pass = (*Layer._last_pass, "z", "a")

    def __init__(self, activation, name: str | None = None):
        super().__init__(name)
        self.activation = activations.get(activation)
        self.z = self.a = None

    def forward(self, X, training=False):
        self.inputs = self.z = X
        self.outputs = self.a = self.activation(X)
        return self.a

    def backward(self, dY):
        """dL/dz = f'(z) * dY (n, width)."""
        self.grad_output = dY
        return self.activation.backward(self.z, self.a, dY)

    def get_config(self):
        return {"name": self.name, "activation": self.activation.get_config()}
