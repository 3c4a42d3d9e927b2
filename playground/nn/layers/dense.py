"""Dense: a fully connected layer followed by its activation."""

from __future__ import annotations

import numpy as np

from .. import activations, initializers, regularizers
from .base import Layer


class Dense(Layer):
    """outputs a = f(z), z = inputs @ kernel + bias; kernel (input_dim, units), bias (units,).

    After a forward pass `z` holds the pre-activation and `a` (= `outputs`) the activation, both
    (n, units); after a backward pass `grad_output` holds dL/da and `grad_z` dL/dz (n, units).
    `kernel_regularizer` (None or an L1L2) is read by the model, which adds its penalty.
    """

    kind = "dense"
    _last_pass = (*Layer._last_pass, "z", "a", "grad_z")

    def __init__(self, units: int, activation=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, use_bias: bool = True,
                 name: str | None = None):
        super().__init__(name)
        if isinstance(units, bool) or not isinstance(units, int | np.integer) or units < 1:
            raise ValueError(f"Dense units must be a positive integer. Received: units={units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)  # an Activation; may be swapped for another
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = kernel_regularizer
        self.use_bias = bool(use_bias)
        self.z = self.a = self.grad_z = None

    @property
    def kernel_regularizer(self) -> regularizers.L1L2 | None:
        return self._kernel_regularizer

    @kernel_regularizer.setter
    def kernel_regularizer(self, spec) -> None:
        """Set (e.g. live from the UI) the kernel's regularizer: None, a name or an L1L2."""
        self._kernel_regularizer = regularizers.get(spec)

    def build(self, input_dim):
        self.input_dim, self.output_dim = int(input_dim), self.units
        self.param_shapes = {"kernel": (self.input_dim, self.units)}
        if self.use_bias:
            self.param_shapes["bias"] = (self.units,)
        return self.units

    def initialize(self, rng):
        self.params["kernel"][...] = self.kernel_initializer((self.input_dim, self.units), rng)
        if self.use_bias:
            self.params["bias"][...] = self.bias_initializer((self.units,), rng)

    def forward(self, X, training=False):
        """X (n, input_dim) -> a = f(X @ kernel + bias) (n, units)."""
        self.inputs = X
        self.z = np.dot(X, self.params["kernel"])
        if self.use_bias:
            self.z += self.params["bias"]
        self.outputs = self.a = self.activation(self.z)
        return self.a

    def backward(self, dY):
        """dY = dL/da (n, units) -> dL/dX (n, input_dim), through dL/dz = f'(z) * dL/da."""
        self.grad_output = dY
        return self.backward_from_z(self.activation.backward(self.z, self.a, dY))

    def backward_from_z(self, dz: np.ndarray) -> np.ndarray | None:
        """From dL/dz (n, units): the gradients dL/dkernel = X^T dz (input_dim, units) and dL/dbias =
        the batch's sum of dz (units,), written into `grads`; returns dL/dX = dz kernel^T
        (n, input_dim), or None for the model's first layer (nothing needs it)."""
        self.grad_z = dz
        np.dot(self.inputs.T, dz, out=self.grads["kernel"])  # out=: grads are views into the flat buffer
        if self.use_bias:
            dz.sum(axis=0, out=self.grads["bias"])
        if not self.needs_input_grad:
            return None
        return np.dot(dz, self.params["kernel"].T)

    def get_config(self):
        return {
            "name": self.name, "units": self.units, "activation": self.activation.get_config(),
            "kernel_initializer": self.kernel_initializer.get_config(),
            "bias_initializer": self.bias_initializer.get_config(),
            "kernel_regularizer": None if self.kernel_regularizer is None
            else self.kernel_regularizer.get_config(),
            "use_bias": self.use_bias,
        }
