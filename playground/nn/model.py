"""Sequential: a stack of layers trained as one, with Keras's API and a flat parameter buffer.

    model = Sequential([Dense(8, activation="relu"), Dense(1, activation="sigmoid")],
                       input_dim=2, seed=0)
    model.compile(optimizer=Adam(learning_rate=0.01), loss="binary_crossentropy")
    loss = model.train_on_batch(X, y)   # one step; the batch loss before it
    history = model.fit(X, y, epochs=100, batch_size=10)

All parameters live in one flat float64 vector `model.flat_params`, and their gradients in
`model.flat_grads`; each layer's arrays are views into them. The seed feeds three independent
random streams: initial weights, the order of mini-batches, and dropout masks, so two models
with the same seed draw the same batches even when their layers differ.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import losses
from . import optimizers as optimizers_module
from .history import Callback, History
from .layers import Dense, Dropout, Layer, from_config

# predict and evaluate run in chunks of rows whose last-pass arrays (each layer keeps at most two
# of its output width: Dense z and a, BatchNorm x_hat and outputs) stay under this many bytes, so
# their memory is bounded whatever the number of rows. 16 MiB lets the default networks take a
# 200 x 200 grid in one chunk and the widest (8 x 256 units with batch norm) take ~256 rows a
# chunk, still enough rows for efficient matrix products, inside a session's 300 MB budget.
PREDICT_BUDGET_BYTES = 16 * 2**20
MIN_CHUNK_ROWS = 64


class Sequential:
    """A linear stack of layers. Built as soon as `input_dim` is known (at construction or on `build`)."""

    def __init__(self, layers: Sequence[Layer] | None = None, input_dim: int | None = None,
                 seed: int | None = None, name: str = "sequential"):
        self.layers: list[Layer] = []
        self.name = name
        self.seed = seed
        self.input_dim: int | None = None
        self.optimizer: optimizers_module.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.fused = False  # True when the output activation and the loss use the fused gradient
        self.stop_training = False
        self.built = False
        for layer in layers or ():
            self.add(layer)
        if input_dim is not None:
            self.build(input_dim)

    # -- construction -------------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential expects Layer instances. Received: layer={layer!r}")
        if self.built:
            raise RuntimeError("Cannot add a layer to a built model; build a new Sequential instead.")
        self.layers.append(layer)

    def build(self, input_dim: int) -> None:
        """Fix shapes, allocate the flat buffers, bind layer views and draw initial weights."""
        if isinstance(input_dim, bool) or not isinstance(input_dim, int | np.integer) or input_dim < 1:
            raise ValueError(f"input_dim must be a positive integer. Received: input_dim={input_dim!r}")
        if not self.layers:
            raise ValueError("A Sequential model needs at least one layer. Received: layers=[]")
        self.input_dim = int(input_dim)
        width, counts = self.input_dim, {}
        for layer in self.layers:
            if layer.name is None:
                counts[layer.kind] = counts.get(layer.kind, -1) + 1
                layer.name = f"{layer.kind}_{counts[layer.kind]}"
            width = layer.build(width)
        self.output_dim = width
        size = sum(layer.count_params() for layer in self.layers)
        self.flat_params, self.flat_grads = np.zeros(size), np.zeros(size)
        self.layer_slices, offset = [], 0
        for layer in self.layers:
            where = slice(offset, offset + layer.count_params())
            layer.bind(self.flat_params[where], self.flat_grads[where])
            self.layer_slices.append(where)
            offset = where.stop
        for index, layer in enumerate(self.layers):
            layer.needs_input_grad = index > 0
        self.built = True
        self.reset()

    def __setstate__(self, state: dict) -> None:
        """Unpickling (or deep-copying) copies every array, cutting the layers' parameter views off
        the flat buffers: bind the layers to the copied buffers again."""
        self.__dict__.update(state)
        if self.built:
            for layer, where in zip(self.layers, self.layer_slices, strict=True):
                layer.bind(self.flat_params[where], self.flat_grads[where])

    def reset(self) -> None:
        """Redraw the initial weights and restart every random stream from the seed.

        The same seed gives the same initial weights, batch order and dropout masks.
        """
        init_stream, shuffle_stream, dropout_stream = np.random.SeedSequence(self.seed).spawn(3)
        init_rng = np.random.default_rng(init_stream)
        for layer in self.layers:
            layer.initialize(init_rng)
        self.shuffle_rng = np.random.default_rng(shuffle_stream)
        dropout_rng = np.random.default_rng(dropout_stream)
        for layer in self.layers:
            if isinstance(layer, Dropout):
                layer.rng = dropout_rng
        if self.optimizer is not None:
            self.optimizer.reset()

    def compile(self, optimizer="rmsprop", loss=None) -> None:
        """Choose the optimizer (name or instance) and the loss (name or instance)."""
        if loss is None:
            raise ValueError(f"compile needs a loss. Expected one of: {', '.join(losses.LOSSES.names())}. "
                             "Received: loss=None")
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = losses.get(loss)
        last = self.layers[-1]
        output_activation = getattr(getattr(last, "activation", None), "name", None)
        self.fused = isinstance(last, Dense) and output_activation == self.loss.fused_activation

    def _require(self, compiled: bool = False) -> None:
        if not self.built:
            raise RuntimeError("The model is not built: pass input_dim to Sequential(...) or call build().")
        if compiled and self.optimizer is None:
            raise RuntimeError("The model is not compiled: call compile(optimizer=..., loss=...) first.")

    def check_inputs(self, X) -> np.ndarray:
        """X checked and converted: a float64 array (n, input_dim)."""
        self._require()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.input_dim:
            raise ValueError(f"Expected inputs of shape (n, {self.input_dim}). Received: X.shape={X.shape}")
        return X

    def prepare_batch(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        """Inputs and targets as a compiled model's steps take them: X (n, input_dim) float64 and
        Y (n, output_dim), integer classes one-hot encoded (see `losses.prepare_targets`)."""
        self._require(compiled=True)
        X = self.check_inputs(X)
        Y = losses.prepare_targets(self.loss, y, self.output_dim)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X and y have different numbers of rows. Received: X.shape={X.shape}, "
                             f"y.shape={np.shape(y)}")
        return X, Y

    # -- one step -------------------------------------------------------------------------------
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Outputs (n, output_dim) of validated inputs X (n, input_dim); every layer keeps its pass."""
        for layer in self.layers:
            X = layer.forward(X, training)
        return X

    def data_loss(self, Y: np.ndarray) -> float:
        """The loss of the last forward pass against prepared targets Y (n, k), without penalties
        (from the logits z when the output is fused: stable where a saturates)."""
        last = self.layers[-1]
        if self.fused:
            return self.loss.fused_value(Y, last.z)
        return self.loss(Y, last.outputs)

    def backward_from_loss(self, Y: np.ndarray) -> None:
        """Backpropagate the loss of the last forward pass into every layer's `grads` (`flat_grads`)."""
        last = self.layers[-1]
        if self.fused:
            grad = last.backward_from_z(self.loss.fused_gradient(Y, last.outputs))  # dL/dz = (a - y) / n
        else:
            grad = last.backward(self.loss.gradient(Y, last.outputs))
        for layer in reversed(self.layers[:-1]):
            grad = layer.backward(grad)

    def add_penalty_gradients(self) -> float:
        """Add each kernel regularizer's gradient to the kernel's gradient; return the penalty."""
        total = 0.0
        for layer in self.layers:
            regularizer = getattr(layer, "kernel_regularizer", None)
            if regularizer is not None:
                total += regularizer.penalty(layer.params["kernel"])
                layer.grads["kernel"] += regularizer.gradient(layer.params["kernel"])
        return total

    def penalty(self) -> float:
        """The sum of every kernel regularizer's penalty at the current weights."""
        return sum(layer.kernel_regularizer.penalty(layer.params["kernel"]) for layer in self.layers
                   if getattr(layer, "kernel_regularizer", None) is not None)

    def loss_and_gradients(self, X: np.ndarray, Y: np.ndarray) -> float:
        """A training-mode forward and backward pass on validated inputs X (n, input_dim) and
        prepared targets Y (n, k): fills `flat_grads`; returns the loss with the penalties."""
        self.forward(X, training=True)
        data_loss = self.data_loss(Y)
        self.backward_from_loss(Y)
        return data_loss + self.add_penalty_gradients()

    def train_step(self, X: np.ndarray, Y: np.ndarray) -> float:
        """One optimizer step on validated inputs X and prepared targets Y (see `prepare_batch`);
        returns the loss before the step. `train_on_batch` without the checks, for loops."""
        loss = self.loss_and_gradients(X, Y)
        self.optimizer.apply(self.flat_params, self.flat_grads)
        return loss

    def train_on_batch(self, X, y) -> float:
        """One optimizer step on the batch (X, y); returns the batch loss (with penalties) before it."""
        return self.train_step(*self.prepare_batch(X, y))

    def compute_gradients(self, X, y) -> tuple[float, np.ndarray]:
        """The training-mode loss on (X, y) and a copy of its gradient (flat, as `flat_params`),
        exactly as `train_on_batch` computes them, without taking a step."""
        loss = self.loss_and_gradients(*self.prepare_batch(X, y))
        return loss, self.flat_grads.copy()

    # -- inference ------------------------------------------------------------------------------
    def chunk_rows(self) -> int:
        """Rows per forward pass of `predict` and `evaluate`: as many as keep one pass's arrays
        under PREDICT_BUDGET_BYTES (8 bytes a float, at most two arrays a layer), at least 64."""
        floats_per_row = self.input_dim + sum(2 * layer.output_dim for layer in self.layers)
        return max(MIN_CHUNK_ROWS, PREDICT_BUDGET_BYTES // (8 * floats_per_row))

    def predict(self, X) -> np.ndarray:
        """Outputs (n, output_dim) in inference mode: no dropout, batch norm uses moving statistics."""
        X = self.check_inputs(X)
        out = np.empty((X.shape[0], self.output_dim))
        rows = self.chunk_rows()
        for start in range(0, X.shape[0], rows):
            out[start:start + rows] = self.forward(X[start:start + rows], training=False)
        return out

    def predict_with_loss(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, float]:
        """Outputs (n, output_dim) and the mean data loss (no penalties) on prepared inputs X (n, d)
        and targets Y (n, k), in inference mode, chunk by chunk (see `chunk_rows`)."""
        out = np.empty((X.shape[0], self.output_dim))
        total, rows = 0.0, self.chunk_rows()
        for start in range(0, X.shape[0], rows):
            out[start:start + rows] = self.forward(X[start:start + rows], training=False)
            total += self.data_loss(Y[start:start + rows]) * min(rows, X.shape[0] - start)
        return out, total / max(1, X.shape[0])

    def evaluate(self, X, y) -> float:
        """The loss on (X, y) in inference mode, penalties included (as Keras's evaluate)."""
        return self.predict_with_loss(*self.prepare_batch(X, y))[1] + self.penalty()

    # -- training loop --------------------------------------------------------------------------
    def fit(self, X, y, epochs: int = 1, batch_size: int | None = 32, shuffle: bool = True,
            validation_data=None, callbacks: Sequence[Callback] | None = None, verbose: int = 0) -> History:
        """Train for `epochs` passes over (X, y) in mini-batches.

        The set is reshuffled every epoch (from the model's shuffle stream) and the last partial
        batch is used as it is. The epoch's "loss" is the mean of its batch losses weighted by
        batch size; "val_loss" is `evaluate` on validation_data at the epoch's end.
        """
        X, Y = self.prepare_batch(X, y)
        n = X.shape[0]
        if n == 0:
            raise ValueError("fit needs at least one sample. Received: X.shape=(0, ...)")
        batch_size = n if batch_size is None else batch_size
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch_size!r}")
        if validation_data is not None:
            X_val = self.check_inputs(validation_data[0])
            y_val = validation_data[1]
        history = History()
        callbacks = list(callbacks or ())
        self.stop_training = False
        for callback in callbacks:
            callback.set_model(self)
            callback.on_train_begin()
        for epoch in range(epochs):
            logs = {"loss": self.train_epoch(X, Y, batch_size, shuffle)}
            if validation_data is not None:
                logs["val_loss"] = self.evaluate(X_val, y_val)
            history.record(epoch, logs)
            if verbose:
                print(f"Epoch {epoch + 1}/{epochs} " + " ".join(f"{k}={v:.4g}" for k, v in logs.items()))
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        for callback in callbacks:
            callback.on_train_end()
        return history

    def train_epoch(self, X: np.ndarray, Y: np.ndarray, batch_size: int, shuffle: bool = True) -> float:
        """One pass over validated inputs X and prepared targets Y; the size-weighted mean batch loss."""
        n = X.shape[0]
        if shuffle:
            order = self.shuffle_rng.permutation(n)
            X, Y = X[order], Y[order]
        total = 0.0
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)
            total += self.train_step(X[start:stop], Y[start:stop]) * (stop - start)
        return total / n

    # -- weights and config -------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights, in Keras order (Dense: kernel, bias; BatchNorm: gamma, beta,
        moving_mean, moving_variance)."""
        self._require()
        return [w for layer in self.layers for w in layer.get_weights()]

    def weight_shapes(self) -> list[tuple[int, ...]]:
        return [s for layer in self.layers for s in layer.weight_shapes()]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Load weights given in `get_weights` order; shapes are checked before anything changes."""
        self._require()
        expected = self.weight_shapes()
        if len(weights) != len(expected):
            raise ValueError(f"Expected {len(expected)} weight arrays for this model. "
                             f"Received: {len(weights)} arrays")
        arrays = [np.asarray(w, dtype=np.float64) for w in weights]
        for index, (array, shape) in enumerate(zip(arrays, expected, strict=True)):
            if array.shape != tuple(shape):
                raise ValueError(f"Weight {index} should have shape {tuple(shape)}. "
                                 f"Received: shape={array.shape}")
            if not np.all(np.isfinite(array)):
                raise ValueError(f"Weight {index} contains NaN or infinite values.")
        position = 0
        for layer in self.layers:
            count = len(layer.weight_shapes())
            layer.set_weights(arrays[position:position + count])
            position += count

    def slice_of(self, array: np.ndarray) -> slice:
        """Where a parameter (or gradient) array of a layer sits in the flat buffer."""
        for flat in (self.flat_params, self.flat_grads):
            if np.shares_memory(array, flat):
                return _slice_of(flat, array)
        raise ValueError("The array is not a view into this model's parameters or gradients.")

    def count_params(self) -> int:
        return int(self.flat_params.size) if self.built else 0

    def get_config(self) -> dict:
        """A JSON-able description: layers, input_dim, seed, and optimizer and loss when compiled."""
        config = {
            "name": self.name, "input_dim": self.input_dim, "seed": self.seed,
            "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()}
                       for layer in self.layers],
        }
        if self.optimizer is not None:
            config["optimizer"] = self.optimizer.get_config()
            config["loss"] = self.loss.get_config()
        return config

    @classmethod
    def from_config(cls, config: dict) -> Sequential:
        """Rebuild (and compile, when the config has an optimizer) a model from `get_config()`."""
        layers = [from_config(entry["class_name"], entry["config"]) for entry in config["layers"]]
        model = cls(layers, input_dim=config.get("input_dim"), seed=config.get("seed"),
                    name=config.get("name", "sequential"))
        if "optimizer" in config:
            model.compile(optimizers_module.from_config(config["optimizer"]), losses.get(config["loss"]))
        return model

    def save_weights(self, path) -> None:
        """Write the weights to an .npz file (arrays only, no pickled objects)."""
        np.savez(path, **{f"w{index:03d}": w for index, w in enumerate(self.get_weights())})

    def load_weights(self, path) -> None:
        """Read weights written by `save_weights` (with allow_pickle=False) and check their shapes."""
        with np.load(path, allow_pickle=False) as archive:
            names = sorted(archive.files)
            expected = [f"w{index:03d}" for index in range(len(names))]
            if names != expected:
                raise ValueError("Not a weights file written by save_weights: expected arrays "
                                 f"{expected[:3]}... Received: {names[:5]}")
            self.set_weights([archive[name] for name in names])

    def summary(self) -> str:
        """A text table of layers, output shapes and parameter counts."""
        self._require()
        rows = [("Layer (type)", "Output shape", "Param #")]
        for layer in self.layers:
            detail = getattr(getattr(layer, "activation", None), "name", None)
            label = f"{layer.name} ({type(layer).__name__}{', ' + detail if detail else ''})"
            count = sum(int(np.prod(s)) for s in layer.weight_shapes())
            rows.append((label, f"(None, {layer.output_dim})", str(count)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        rule = "-" * (sum(widths) + 4)
        lines = [f'Model: "{self.name}"', rule]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows[:1]]
        lines.append(rule)
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows[1:]]
        lines.append(rule)
        trainable = self.count_params()
        total = sum(int(np.prod(s)) for s in self.weight_shapes())
        lines += [f"Total params: {total}", f"Trainable params: {trainable}",
                  f"Non-trainable params: {total - trainable}"]
        return "\n".join(lines)


def _slice_of(flat: np.ndarray, view: np.ndarray) -> slice:
    """The slice of `flat` that the view occupies."""
    start = (view.__array_interface__["data"][0] - flat.__array_interface__["data"][0]) // flat.itemsize
    return slice(start, start + view.size)
