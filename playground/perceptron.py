"""Rosenblatt's perceptron rule, the training rule of ``TrainingConfig.rule == "perceptron"``.

The network is a single unit with a step output, y_hat = step(x @ w + b) in {0, 1} (the config
allows the rule only with no hidden layers and two classes, and ``network.build_model`` gives
it a ``Dense(1, "step")`` output). No gradient flows through a step, so the unit does not learn
by backpropagation; instead every misclassified point pulls the weights towards itself::

    w <- w + lr * (y - y_hat) * x        b <- b + lr * (y - y_hat)

A batch of n points makes one update, the mean of the n per-point updates, with y_hat computed
before it (batch_size=1 is the classic online rule; the mean, not the sum, keeps the meaning of
the learning rate the same for every batch size, as the engine's losses do). The learning rate
is the model optimizer's current one, so live changes and schedules apply; the optimizer's own
update rule (momentum, Adam's moments), gradient clipping and the kernel regularizer are not used.

The loss the model is compiled with is ``mse``: with 0/1 outputs and 0/1 targets the mean squared
error is exactly the share of misclassified points, so every loss curve of a perceptron run is
its error rate. ``mistakes`` counts the updates of each epoch: a whole epoch without a mistake
means the perceptron has converged (it does, on linearly separable data, by the perceptron
convergence theorem; on XOR it never does).
"""

from __future__ import annotations

import numpy as np

from .config import Config
from .nn import Dense, Sequential


class PerceptronRule:
    """Trains the single step unit of `model` with the perceptron rule; counts mistakes per epoch."""

    def __init__(self, model: Sequential):
        last = model.layers[-1]
        if len(model.layers) != 1 or not isinstance(last, Dense) or last.units != 1 \
                or last.activation.name != "step":
            raise ValueError("The perceptron rule trains a model of one Dense(1, 'step') layer. "
                             f"Received: layers={[layer.name for layer in model.layers]}")
        self.model = model
        self.dense = last
        self.mistakes: list[int] = []   # per completed epoch: points misclassified when they were visited
        self._count = 0

    def step(self, X: np.ndarray, Y: np.ndarray) -> float:
        """One update from the batch X (n, d), Y (n, 1) in {0, 1}; the batch's error rate before it.

        Same contract as ``Sequential.train_step`` (the value returned is the batch's loss before the
        step), so the Trainer can use either.
        """
        optimizer = self.model.optimizer
        error = Y - self.model.forward(X, training=True)        # (n, 1) in {-1, 0, 1}
        wrong = int(np.count_nonzero(error))
        if wrong:
            scale = optimizer.current_learning_rate / X.shape[0]
            self.dense.params["kernel"] += scale * (X.T @ error)
            self.dense.params["bias"] += scale * error.sum(axis=0)
        optimizer.iterations += 1  # schedules count perceptron steps like optimizer steps
        self._count += wrong
        return wrong / X.shape[0]

    def end_epoch(self) -> None:
        """Close the current epoch's mistake count."""
        self.mistakes.append(self._count)
        self._count = 0


def rule_for(config: Config, model: Sequential) -> PerceptronRule | None:
    """The update rule replacing backpropagation for this config, or None (backprop)."""
    return PerceptronRule(model) if config.training.rule == "perceptron" else None
