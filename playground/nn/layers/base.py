"""The layer contract: shapes, parameters bound to storage, forward and backward, weights."""

from __future__ import annotations

import numpy as np


class Layer:
    """Base class. Subclasses set `param_shapes` in `build` and fill `params` in `initialize`.

    After a pass, `inputs` (n, input_dim), `outputs` (n, output_dim) and, after a backward pass,
    `grad_output` = dL/d(outputs) (n, output_dim) hold the last batch's values.
    """

    kind = "layer"
    # What only the last pass holds (each pass sets it again), left out of a copy or pickle.
    _last_pass = ("inputs", "outputs", "grad_output")

    def __init__(self, name: str | None = None):
        self.name = name
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.param_shapes: dict[str, tuple[int, ...]] = {}
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.inputs: np.ndarray | None = None
        self.outputs: np.ndarray | None = None
        self.grad_output: np.ndarray | None = None
        self.needs_input_grad = True  # the model turns this off for the first layer

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
        """X (n, input_dim) -> outputs (n, output_dim)."""
        raise NotImplementedError

    def backward(self, dY: np.ndarray) -> np.ndarray | None:
        """dY = dL/d(outputs) (n, output_dim) -> dL/dX (n, input_dim); fills `grads`."""
        raise NotImplementedError

    def __getstate__(self) -> dict:
        """Pickled or copied without the last pass's arrays (a wide network's can weigh many MB);
        the copy's first pass sets its own."""
        return {**self.__dict__, **dict.fromkeys(self._last_pass)}

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
