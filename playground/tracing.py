"""One training step traced: what the engine computes on one batch, layer by layer, as copies.

    trace = trace_step(model, X, y)          # on a copy: the model itself is left untouched

`trace_step` makes the calls `Sequential.train_step` makes, in its order (forward with
training=True, data_loss, backward_from_loss, add_penalty_gradients, optimizer.apply), on a copy
of the model, and keeps copies of what every layer computed. Every number is the engine's own:
the traced loss, gradients and update are those `train_on_batch` gives on the same state. The
copy carries the optimizer's slots and step count and the dropout stream, so the masks and the
update are the ones the run's next step on this batch would use. `walkthrough.py` tells a trace
as steps.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from .nn import Sequential


@dataclass(frozen=True, eq=False)
class LayerTrace:
    """What one engine layer computed on a batch of n rows (copies, never engine buffers).

    column: where the layer is drawn: 0 is the inputs, c >= 1 the c-th Dense layer and the
    batch norm, activation and dropout layers that follow it.
    z: (n, units) a Dense layer's pre-activation x W + b, an Activation layer's input; None else.
    outputs: (n, out), the layer's output a. derivative: f'(z) (n, units) for element-wise
    activations (None for softmax, whose Jacobian is not diagonal). grad_output: dL/da (None at a
    fused output, whose backward starts from dL/dz). grad_z: dL/dz of a Dense layer (the delta).
    grad_input: dL/d(inputs) (None for the first layer, which the engine does not compute).
    params, data_grads, grads, updates: per parameter name: values before the step, gradient of
    the data loss, gradient with the penalties (what the optimizer receives), and the step taken
    (params before - params after). extras: dropout 'mask' (scaled by 1 / (1 - rate)); batch
    norm 'mean', 'variance' (batch statistics) and 'x_hat'.
    """

    index: int
    name: str
    kind: str
    column: int
    activation: str | None
    inputs: np.ndarray
    z: np.ndarray | None
    outputs: np.ndarray
    derivative: np.ndarray | None
    grad_output: np.ndarray | None
    grad_z: np.ndarray | None
    grad_input: np.ndarray | None
    params: dict[str, np.ndarray]
    data_grads: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]
    updates: dict[str, np.ndarray]
    extras: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class StepTrace:
    """One optimizer step on a batch: X (n, d), prepared targets Y (n, k), per-layer traces.

    loss = data_loss + penalty is what `train_on_batch` returns. output_error: dL/dz of the
    output layer (n, k). flat_grads: the gradient handed to the optimizer (penalties included,
    before clipping), flat_update: params before - params after, both (P,) in `flat_params` order.
    """

    X: np.ndarray
    Y: np.ndarray
    layers: tuple[LayerTrace, ...]
    loss_name: str
    fused: bool
    data_loss: float
    penalty: float
    loss: float
    output_error: np.ndarray
    flat_grads: np.ndarray
    flat_update: np.ndarray
    optimizer: dict
    learning_rate: float
    iteration: int   # the optimizer step number t of this update (1 for the first)

    @property
    def dense(self) -> list[LayerTrace]:
        return [layer for layer in self.layers if layer.kind == "dense"]

    @property
    def widths(self) -> list[int]:
        """Units per graph column: the inputs, then each Dense layer."""
        return [self.X.shape[1], *(layer.outputs.shape[1] for layer in self.dense)]


def copy_model(model: Sequential) -> Sequential:
    """An independent copy of a built model: weights, optimizer slots and step count, random streams.

    `copy.deepcopy`: the copy binds its layers to its own flat buffers (see
    `Sequential.__setstate__`) and leaves out the layers' last-pass arrays (see
    `Layer.__getstate__`), which its first pass sets.
    """
    return copy.deepcopy(model)


def _copy(array) -> np.ndarray | None:
    return None if array is None else np.array(array, dtype=np.float64, copy=True)


def trace_step(model: Sequential, X, y) -> StepTrace:
    """Trace one `train_on_batch(X, y)` of a compiled model on a copy of it.

    X: (n, input_dim); y: targets as `train_on_batch` takes them. The model is not changed.
    """
    clone = copy_model(model)
    X, Y = clone.prepare_batch(X, y)
    for layer in clone.layers:  # no stale values from an earlier pass
        layer.grad_output = None
        if hasattr(layer, "grad_z"):
            layer.grad_z = None
    flat, layers = clone.flat_params, clone.layers
    with np.errstate(all="ignore"):  # a diverging run is shown as it is, not raised
        clone.forward(X, training=True)
        data_loss = clone.data_loss(Y)
        forward = [_forward_record(layer) for layer in layers]
        clone.backward_from_loss(Y)
        data_grads = clone.flat_grads.copy()
        penalty = clone.add_penalty_gradients()
        loss = data_loss + penalty
        grads = clone.flat_grads.copy()
        before = flat.copy()
        learning_rate = float(clone.optimizer.current_learning_rate)
        clone.optimizer.apply(flat, clone.flat_grads)
        update = before - flat
    traces, column = [], 0
    for index, layer in enumerate(layers):
        column += layer.kind == "dense"
        slices = {key: clone.slice_of(value) for key, value in layer.params.items()}
        shapes = {key: value.shape for key, value in layer.params.items()}

        def part(vector, slices=slices, shapes=shapes):
            return {key: vector[s].reshape(shapes[key]) for key, s in slices.items()}

        traces.append(LayerTrace(
            index=index, name=layer.name, kind=layer.kind, column=column,
            activation=getattr(getattr(layer, "activation", None), "name", None),
            grad_output=_copy(layer.grad_output), grad_z=_copy(getattr(layer, "grad_z", None)),
            grad_input=_copy(layers[index - 1].grad_output) if index else None,
            params=part(before), data_grads=part(data_grads), grads=part(grads), updates=part(update),
            **forward[index]))
    last = layers[-1]
    output_error = _copy(getattr(last, "grad_z", None))
    if output_error is None:
        output_error = traces[-1].grad_output
    return StepTrace(X.copy(), Y.copy(), tuple(traces), clone.loss.name, clone.fused, data_loss, penalty, loss,
                     output_error, grads, update, clone.optimizer.get_config(), learning_rate,
                     clone.optimizer.iterations)


def _forward_record(layer) -> dict:
    """Copies of a layer's forward-pass arrays (the trace keeps its own, apart from the engine's)."""
    z = _copy(getattr(layer, "z", None))
    activation = getattr(layer, "activation", None)
    derivative = None
    if z is not None and activation is not None and activation.name != "softmax":
        derivative = _copy(activation.derivative(z, layer.outputs))
    extras = {}
    if getattr(layer, "mask", None) is not None:
        extras["mask"] = _copy(layer.mask)
    if layer.kind == "batch_norm":
        extras.update(mean=layer.inputs.mean(axis=0), variance=layer.inputs.var(axis=0),
                      x_hat=_copy(layer.x_hat))
    return dict(inputs=_copy(layer.inputs), z=z, outputs=_copy(layer.outputs), derivative=derivative,
                extras=extras)
