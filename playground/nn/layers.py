"""Layers: Dense, Dropout, BatchNorm and Activation, with Keras's names and arguments.

Every layer has `forward(X, training)` and `backward(dY)` on batches (n, features), and keeps
its trainable parameters and their gradients in `params` and `grads` under matching names
(Dense: kernel, bias; BatchNorm: gamma, beta). Inside a Sequential model these arrays are views
into one flat buffer, so the optimizer updates the whole network in a few vectorised calls.
For the diagnostics, each layer remembers its last input, output and output gradient.
"""

from __future__ import annotations

import numpy as np

from . import activations, initializers, regularizers

# Forward/backward buffers are kept for this many distinct batch sizes per layer; past that the
# least recently used size is dropped. A live run cycles through five: the training batch, the
# training and test sets, the boundary grid's two chunks and the neuron tiles.
_BUFFER_SIZES_KEPT = 6


class Layer:
    """Base class. Subclasses set `param_shapes` in `build` and fill `params` in `initialize`."""

    kind = "layer"

    def __init__(self, name: str | None = None):
        self.name = name
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.param_shapes: dict[str, tuple[int, ...]] = {}
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.inputs: np.ndarray | None = None
        self.outputs: np.ndarray | None = None
        self.grad_output: np.ndarray | None = None  # dL/d(outputs) of the last backward pass
        self.needs_input_grad = True  # the model turns this off for the first layer
        self._buffers: dict[int, dict[str, np.ndarray]] = {}

    # -- construction -------------------------------------------------------------------------
    def build(self, input_dim: int) -> int:
        """Fix the input width; set `param_shapes`; return the output width."""
        self.input_dim = self.output_dim = int(input_dim)
        return self.output_dim

    def count_params(self) -> int:
        return sum(int(np.prod(shape)) for shape in self.param_shapes.values())

    def bind(self, params: np.ndarray, grads: np.ndarray) -> None:
        """Adopt two flat vectors of `count_params()` floats (in a model: views into its flat
        buffers) as the storage of the parameters and their gradients, in `param_shapes` order."""
        self.params, self.grads = _split(params, self.param_shapes), _split(grads, self.param_shapes)

    def initialize(self, rng: np.random.Generator) -> None:
        """Fill the parameters with their initial values."""

    def allocate(self) -> None:
        """Give a standalone layer its own parameter arrays (a model binds views instead)."""
        self.bind(np.zeros(self.count_params()), np.zeros(self.count_params()))

    # -- computation ----------------------------------------------------------------------------
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dY: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError

    # What only the last pass holds (each pass sets it again), left out of a copy or pickle.
    _last_pass = ("inputs", "outputs", "grad_output")

    def __getstate__(self) -> dict:
        """Pickled or copied without the last pass's arrays and the preallocated buffers (a copy
        would cut their views apart and could carry hundreds of MB for a wide network that has
        drawn its grids); the copy allocates its own on its first pass."""
        state = {**self.__dict__, "_buffers": {}}
        state.update(dict.fromkeys(self._last_pass))
        if "_current" in state:
            state["_batch"], state["_current"] = -1, None
        return state

    def _buffers_of_size(self, n: int, make):
        """The buffers kept for batch size n, made by `make()` if there are none; marks n as the
        most recently used size and drops the least recently used one past _BUFFER_SIZES_KEPT."""
        found = self._buffers.pop(n, None)  # re-inserted below: dicts keep insertion order
        if found is None:
            if len(self._buffers) >= _BUFFER_SIZES_KEPT:
                del self._buffers[next(iter(self._buffers))]
            found = make()
        self._buffers[n] = found
        return found

    def _buffer(self, n: int, key: str, width: int) -> np.ndarray:
        """A reusable (n, width) array for this batch size."""
        per_size = self._buffers.get(n)
        if per_size is None:
            per_size = self._buffers_of_size(n, dict)
        array = per_size.get(key)
        if array is None:
            array = per_size[key] = np.empty((n, width))
        return array

    # -- state --------------------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        return [self.params[k].copy() for k in self.param_shapes]

    def weight_shapes(self) -> list[tuple[int, ...]]:
        return list(self.param_shapes.values())

    def set_weights(self, weights: list[np.ndarray]) -> None:
        for key, value in zip(self.param_shapes, weights, strict=True):
            np.copyto(self.params[key], value)

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


def _split(flat: np.ndarray, shapes: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Consecutive views of the 1-D array `flat` with the given shapes, by name."""
    sizes = [int(np.prod(shape)) for shape in shapes.values()]
    if flat.ndim != 1 or flat.size != sum(sizes):
        raise ValueError(f"Expected {sum(sizes)} floats for the shapes {dict(shapes)}. "
                         f"Received: an array of shape {flat.shape}")
    views, offset = {}, 0
    for (key, shape), size in zip(shapes.items(), sizes, strict=True):
        views[key] = flat[offset:offset + size].reshape(shape)
        offset += size
    return views


class _DenseBuffers:
    """Preallocated arrays of one batch size n: z, a, dz (n, units), dx (n, input_dim), and, when
    the layer has a bias, the inputs with a column of ones appended (n, input_dim + 1), whose
    first input_dim columns are the view `inputs`. dz and dx are allocated by the first backward
    pass of this size (`allocate_gradients`): inference-only sizes, such as the boundary grid's
    chunks, never need them.

    (Writing a layer's activation straight into the next layer's `inputs` would save a copy, but
    element-wise calls on that strided view cost twice a copy; measured, it was slower.)
    """

    __slots__ = ("a", "dx", "dz", "inputs", "inputs_and_ones", "inputs_and_ones_T", "z")

    def __init__(self, n: int, input_dim: int, units: int, linear: bool, use_bias: bool):
        self.z = np.empty((n, units))
        self.a = self.z if linear else np.empty((n, units))
        self.dz = self.dx = None
        self.inputs_and_ones = np.ones((n, input_dim + 1)) if use_bias else None
        self.inputs = None if self.inputs_and_ones is None else self.inputs_and_ones[:, :-1]
        self.inputs_and_ones_T = None if self.inputs_and_ones is None else self.inputs_and_ones.T

    def allocate_gradients(self, input_dim: int) -> None:
        """Allocate dz and dx (the first backward pass of this size calls this)."""
        self.dz = np.empty_like(self.z)
        self.dx = np.empty((self.z.shape[0], input_dim))


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias); kernel (input_dim, units), bias (units,).

    The bias is stored right after the kernel, so together they are one (input_dim + 1, units)
    matrix: z = [inputs, 1] @ [kernel; bias] is one matrix product, and so is the gradient of
    both, [inputs, 1]^T @ dz.

    After a forward pass `z` holds the pre-activation and `a` (= `outputs`) the activation, both
    (n, units); after a backward pass `grad_output` holds dL/da, `grad_z` dL/dz. These are
    preallocated buffers that the next pass of the same batch size overwrites.
    """

    kind = "dense"
    _last_pass = (*Layer._last_pass, "z", "a", "grad_z", "_rows_T")

    def __init__(self, units: int, activation=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, use_bias: bool = True,
                 name: str | None = None):
        super().__init__(name)
        if isinstance(units, bool) or not isinstance(units, int | np.integer) or units < 1:
            raise ValueError(f"Dense units must be a positive integer. Received: units={units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.use_bias = bool(use_bias)
        self.z = self.a = self.grad_z = None
        self._matrix = self._matrix_grad = self._kernel_T = self._rows_T = None

    @property
    def kernel_regularizer(self) -> regularizers.L1L2 | None:
        return self._kernel_regularizer

    @kernel_regularizer.setter
    def kernel_regularizer(self, spec) -> None:
        """Set (e.g. live from the UI) the kernel's regularizer: None, a name or an L1L2."""
        self._kernel_regularizer = regularizers.get(spec)
        regularizers.count_assignment()  # after the change: a model that sees the count sees it

    @property
    def activation(self) -> activations.Activation:
        return self._activation

    @activation.setter
    def activation(self, spec) -> None:
        """Swap the activation (e.g. live from the UI); buffers are rebuilt on the next pass."""
        self._activation = activations.get(spec)
        self._buffers = {}
        self._batch, self._current = -1, None

    def build(self, input_dim):
        self.input_dim, self.output_dim = int(input_dim), self.units
        self.param_shapes = {"kernel": (self.input_dim, self.units)}
        if self.use_bias:
            self.param_shapes["bias"] = (self.units,)
        return self.units

    def bind(self, params, grads):
        super().bind(params, grads)
        # [kernel; bias] (input_dim + 1, units) when there is a bias, else the kernel alone.
        rows = self.input_dim + self.use_bias
        self._matrix, self._matrix_grad = params.reshape(rows, self.units), grads.reshape(rows, self.units)
        self._kernel_T = self.params["kernel"].T

    def initialize(self, rng):
        self.params["kernel"][...] = self.kernel_initializer((self.input_dim, self.units), rng)
        if self.use_bias:
            self.params["bias"][...] = self.bias_initializer((self.units,), rng)

    def buffers(self, n: int) -> _DenseBuffers:
        """The buffers for batch size n (kept for the last few sizes seen)."""
        if n != self._batch:
            linear = isinstance(self.activation, activations.Linear)
            self._current = self._buffers_of_size(
                n, lambda: _DenseBuffers(n, self.input_dim, self.units, linear, self.use_bias))
            self._batch = n
        return self._current

    def forward(self, X, training=False):
        z = self.linear(X)
        self.outputs = self.a = a = self._activation(z, out=self._current.a)
        return a

    def forward_with_loss(self, X: np.ndarray, Y: np.ndarray, loss) -> float:
        """`forward` of an output layer whose activation `loss` fuses with (its fused_activation):
        the loss against prepared targets Y, computed with the activation in one pass."""
        z = self.linear(X)
        self.outputs = self.a = a = self._current.a
        return loss.fused_forward(Y, z, a)

    def linear(self, X: np.ndarray) -> np.ndarray:
        """The pre-activation z = X @ kernel + bias (n, units), kept as `z`: `forward` without
        the activation."""
        n = X.shape[0]
        buffers = self._current if n == self._batch else self.buffers(n)
        self.inputs = rows = X
        if self.use_bias:
            rows = buffers.inputs_and_ones
            buffers.inputs[...] = X
            self._rows_T = buffers.inputs_and_ones_T
        else:
            self._rows_T = X.T
        self.z = z = np.dot(rows, self._matrix, out=buffers.z)
        return z

    def backward(self, dY):
        self.grad_output = dY
        buffers = self._backward_buffers(dY.shape[0])
        return self._backward_z(self._activation.backward(self.z, self.a, dY, out=buffers.dz), buffers)

    def backward_from_loss(self, Y: np.ndarray, loss) -> np.ndarray | None:
        """`backward` of an output layer from its fused loss: dL/dz is loss.fused_gradient."""
        buffers = self._backward_buffers(Y.shape[0])
        return self._backward_z(loss.fused_gradient(Y, self.a, out=buffers.dz), buffers)

    def _backward_buffers(self, n: int) -> _DenseBuffers:
        """The buffers of batch size n, with dz and dx allocated."""
        buffers = self._current if n == self._batch else self.buffers(n)
        if buffers.dz is None:
            buffers.allocate_gradients(self.input_dim)
        return buffers

    def _backward_z(self, dz: np.ndarray, buffers: _DenseBuffers) -> np.ndarray | None:
        """The gradients from dL/dz (n, units); dL/d(inputs) (n, input_dim) if needed."""
        self.grad_z = dz
        np.dot(self._rows_T, dz, out=self._matrix_grad)  # kernel and bias gradients at once
        if not self.needs_input_grad:
            return None
        return np.dot(dz, self._kernel_T, out=buffers.dx)

    def get_config(self):
        return {
            "name": self.name, "units": self.units, "activation": self.activation.get_config(),
            "kernel_initializer": self.kernel_initializer.get_config(),
            "bias_initializer": self.bias_initializer.get_config(),
            "kernel_regularizer": None if self.kernel_regularizer is None
            else self.kernel_regularizer.get_config(),
            "use_bias": self.use_bias,
        }


class Activation(Layer):
    """Applies an activation function on its own (e.g. after BatchNorm); no parameters."""

    kind = "activation"
    _last_pass = (*Layer._last_pass, "z", "a")

    def __init__(self, activation, name: str | None = None):
        super().__init__(name)
        self.activation = activations.get(activation)
        self.z = self.a = None

    def forward(self, X, training=False):
        self.inputs = self.z = X
        self.outputs = self.a = self.activation(X, out=self._buffer(X.shape[0], "a", X.shape[1]))
        return self.a

    def backward(self, dY):
        self.grad_output = dY
        return self.activation.backward(self.z, self.a, dY, out=self._buffer(dY.shape[0], "dx", dY.shape[1]))

    def get_config(self):
        return {"name": self.name, "activation": self.activation.get_config()}


class Dropout(Layer):
    """Inverted dropout: in training each input is zeroed with probability `rate` and the rest
    are scaled by 1 / (1 - rate), so inference is the identity.

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
        self.mask = keep * (1.0 / (1.0 - self.rate))
        self.outputs = X * self.mask
        return self.outputs

    def backward(self, dY):
        self.grad_output = dY
        return dY if self.mask is None else dY * self.mask

    def get_config(self):
        return {"name": self.name, "rate": self.rate}


class BatchNorm(Layer):
    """Batch normalisation (Keras's BatchNormalization): y = gamma * (x - mean) / sqrt(var + eps) + beta.

    In training it uses the batch's mean and (biased) variance and moves the moving statistics:
    moving = momentum * moving + (1 - momentum) * batch. In inference it uses the moving ones.
    Weights in Keras order: gamma, beta, moving_mean, moving_variance.
    """

    kind = "batch_norm"
    _last_pass = (*Layer._last_pass, "_x_hat", "_inv_std")

    def __init__(self, momentum: float = 0.99, epsilon: float = 1e-3, name: str | None = None):
        super().__init__(name)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"BatchNorm momentum must be in [0, 1). Received: momentum={momentum!r}")
        if not epsilon > 0.0:
            raise ValueError(f"BatchNorm epsilon must be > 0. Received: epsilon={epsilon!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.moving_mean = self.moving_variance = None
        self._x_hat = self._inv_std = None
        self._training = True

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
        self._training = training
        if training:
            mean, variance = X.mean(axis=0), X.var(axis=0)
            self.moving_mean *= self.momentum
            self.moving_mean += (1.0 - self.momentum) * mean
            self.moving_variance *= self.momentum
            self.moving_variance += (1.0 - self.momentum) * variance
        else:
            mean, variance = self.moving_mean, self.moving_variance
        self._inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        self._x_hat = (X - mean) * self._inv_std
        self.outputs = self._x_hat * self.params["gamma"] + self.params["beta"]
        return self.outputs

    def backward(self, dY):
        """Gradient of the last forward pass: through the batch statistics after a training pass,
        through the fixed moving statistics after an inference pass (as the diagnostics use)."""
        self.grad_output = dY
        x_hat = self._x_hat
        np.sum(dY * x_hat, axis=0, out=self.grads["gamma"])
        np.sum(dY, axis=0, out=self.grads["beta"])
        if not self.needs_input_grad:
            return None
        d_x_hat = dY * self.params["gamma"]
        if not self._training:
            return d_x_hat * self._inv_std
        return self._inv_std * (
            d_x_hat - d_x_hat.mean(axis=0) - x_hat * (d_x_hat * x_hat).mean(axis=0)
        )

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


LAYERS = {cls.__name__: cls for cls in (Dense, Activation, Dropout, BatchNorm)}


def from_config(class_name: str, config: dict) -> Layer:
    """Rebuild a layer from its class name and `get_config()` output."""
    if class_name not in LAYERS:
        raise ValueError(f"Unknown layer class. Expected one of: {', '.join(LAYERS)}. "
                         f"Received: class_name={class_name!r}")
    return LAYERS[class_name](**config)
