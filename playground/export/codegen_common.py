"""What every generated script needs to know about a config, in the framework-neutral form the
code generators (`codegen`, `codegen_keras`, `codegen_torch`) turn into source text."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..config import Config, LayerConfig
from ..network import kernel_regularizer
from ..nn import optimizers, schedules


def num(value) -> str:
    """A Python literal for a number: ints as ints, floats in their shortest exact form.

    A non-finite float has no literal (repr writes a bare nan or inf, a NameError in the script):
    ValueError.
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"A script can only hold finite numbers. Received: {value!r}")
    return repr(value)


def optimizer_class(name: str) -> str:
    """The class name of the optimizer `name`: the engine's, which Keras 3 and torch.optim share
    (SGD, RMSprop, Adam, AdamW, Adagrad)."""
    return optimizers.OPTIMIZERS.factory(name).__name__


def schedule_class(name: str) -> str:
    """The class name of the engine's schedule `name`, e.g. "CosineDecay"."""
    return schedules.SCHEDULES.factory(name).__name__


def call(name: str, *args: str, indent: int = 0, width: int = 116, **kwargs) -> str:
    """Source text of a call, e.g. call("Dense", "8", activation='"relu"') -> 'Dense(8, activation="relu")';
    wrapped under its opening parenthesis when the line starting at column `indent` would pass `width`."""
    parts = list(args) + [f"{key}={value}" for key, value in kwargs.items()]
    single = f"{name}({', '.join(parts)})"
    if indent + len(single) <= width:
        return single
    column = indent + len(name) + 1
    lines, line = [], ""
    for part in parts:
        if line and column + len(line) + len(part) + 2 > width:
            lines.append(line + ",")
            line = ""
        line = f"{line}, {part}" if line else part
    lines.append(line + ")")
    return f"{name}(" + ("\n" + " " * column).join(lines)


@dataclass(frozen=True)
class Plan:
    """The network and training settings of a config, as the scripts need them."""

    config: Config
    epochs: int

    @property
    def hidden(self) -> tuple[LayerConfig, ...]:
        return self.config.network.hidden

    @property
    def n_inputs(self) -> int:
        return len(self.config.data.features)

    @property
    def regularizer(self) -> tuple[float, float]:
        """(l1, l2) kernel penalty rates, (0, 0) without regularization."""
        reg = kernel_regularizer(self.config.network)
        return (0.0, 0.0) if reg is None else (reg.l1, reg.l2)

    @property
    def task(self) -> str:
        """'binary', 'multiclass' or 'regression'."""
        if self.config.data.task == "regression":
            return "regression"
        return "multiclass" if self.config.data.class_count > 2 else "binary"

    @property
    def metric_name(self) -> str:
        return "r2" if self.task == "regression" else "accuracy"

    @property
    def training(self):
        return self.config.training

    @property
    def weight_decay(self) -> float:
        return self.config.training.effective_weight_decay

    @property
    def activations(self) -> set[str]:
        return {layer.activation for layer in self.hidden}

    @property
    def batch_norm(self) -> bool:
        return any(layer.batch_norm for layer in self.hidden)

    def describe(self) -> list[str]:
        """Plain-text lines about the network, the data and the training, for a script's docstring."""
        data, training = self.config.data, self.training
        layers = [f"Dense({layer.units}, {layer.activation})" + (" + BatchNorm" if layer.batch_norm else "")
                  + (f" + Dropout({num(layer.dropout)})" if layer.dropout else "") for layer in self.hidden]
        output = {"binary": "Dense(1, sigmoid)", "multiclass": f"Dense({data.class_count}, softmax)",
                  "regression": "Dense(1, linear)"}[self.task]
        task = {"binary": "binary classification", "multiclass": f"{data.class_count}-class classification",
                "regression": "regression"}[self.task]
        l1, l2 = self.regularizer
        penalty = ", ".join(f"{name}={num(rate)}" for name, rate in (("l1", l1), ("l2", l2)) if rate) or "none"
        schedule = "" if training.schedule == "constant" else f", {training.schedule} schedule " \
            f"({', '.join(f'{k}={num(v)}' for k, v in training.schedule_kwargs().items())})"
        return [
            f"Data: {data.dataset!r}, {task}, {data.n_samples} points, noise {num(data.noise)}, "
            f"{num(data.train_share)} for training, seed {data.seed}; inputs {', '.join(data.features)} "
            "(standardised with training statistics).",
            f"Network: {self.n_inputs} inputs -> {' -> '.join([*layers, output])}; initializer "
            f"{self.config.network.initializer}; kernel penalty {penalty}.",
            f"Training: {training.optimizer} (learning rate {num(training.learning_rate)}{schedule}), batch size "
            f"{training.batch_size}, {self.epochs} epochs"
            + (f", gradient clipping at norm {num(training.clipnorm)}" if training.clipnorm else "")
            + (f", early stopping (patience {training.patience})" if training.early_stopping else "") + ".",
        ]


def schedule_factor(plan: Plan) -> str | None:
    """The learning-rate multiplier as a Python expression of `step` (the optimizer step count,
    0 for the first update), or None for a constant rate."""
    training = plan.training
    if training.schedule == "constant":
        return None
    steps = num(training.decay_steps)
    if training.schedule == "cosine":
        return f"0.5 * (1.0 + math.cos(math.pi * min(step, {steps}) / {steps}))"
    exponent = f"(step // {steps})" if training.schedule == "step" else f"(step / {steps})"
    return f"{num(training.decay_rate)} ** {exponent}"


def result_section(plan: Plan) -> str:
    """Source that prints the final metrics from numpy predictions P_train, P_test (n, k), as the app reports
    them: accuracy (output > 0.5 or argmax) or R^2."""
    if plan.task == "regression":
        body = ("    residual = float(np.sum((y - P[:, 0]) ** 2))\n"
                "    total = float(np.sum((y - y.mean()) ** 2))\n"
                "    return 1.0 - residual / total")
        doc = "R^2 of predictions P (n, 1) against targets y (n,)"
    else:
        predicted = "P[:, 0] > 0.5" if plan.task == "binary" else "P.argmax(axis=1)"
        body = f"    return float(np.mean(({predicted}) == y))"
        doc = "Accuracy of predictions P (n, k) against labels y (n,)"
    name = plan.metric_name
    return (f"def score(P, y):\n    \"\"\"{doc}, as the playground reports it.\"\"\"\n{body}\n\n\n"
            f"print(f\"train_{name}={{score(P_train, y_train)!r}}\")\n"
            f"print(f\"test_{name}={{score(P_test, y_test)!r}}\")\n")
