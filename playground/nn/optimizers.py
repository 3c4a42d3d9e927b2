"""Optimizers with Keras's argument names and defaults and torch.optim's documented update rules.

An optimizer updates one flat parameter vector from one flat gradient vector of the same size
(the model keeps every layer's parameters as views into such a buffer), so a step is a handful
of vectorised NumPy calls whatever the network's depth. It owns only its slot state (moments,
accumulators), created on the first step; hyperparameters are plain attributes that may be
changed between steps without touching that state.

Every optimizer accepts:
- learning_rate: a float or a schedule (`playground.nn.schedules`), evaluated at the step count
  before the update (0 for the first step), as Keras does;
- weight_decay: torch's coupled form, g <- g + weight_decay * theta (AdamW: decoupled,
  theta <- theta - lr * weight_decay * theta);
- clipnorm: clip the global gradient norm, as torch.nn.utils.clip_grad_norm_ does:
  g <- g * clipnorm / (||g|| + 1e-6) when that factor is below 1. (This is Keras's
  `global_clipnorm`; Keras's own `clipnorm` clips each variable separately.)
The gradient vector passed in is clipped and decayed in place.
"""

from __future__ import annotations

import math

import numpy as np

from .registry import Registry
from .schedules import Schedule

OPTIMIZERS = Registry("optimizer")

# A dead unit's gradient is exactly 0, so its moments decay geometrically into subnormal floats,
# on which arithmetic is many times slower. Every FLUSH_EVERY steps, slot entries too small to
# matter are set to 0: numerator slots (first moments, momentum) below FLUSH_BELOW, whose share of
# any step is then below float64 resolution by over 100 orders of magnitude, and denominator slots
# (second moments, accumulators) whose square root is below epsilon * 1e-50, negligible next to
# the epsilon added to it. Neither flush changes a result.
FLUSH_BELOW = 1e-200
FLUSH_EVERY = 256
NUMERATOR_SLOTS = ("momentum", "m", "grad_avg")


def _check(name: str, value, low: float, high: float, low_open: bool = False, high_open: bool = False) -> float:
    """`value` as a float if it is a finite real number in the interval, else a ValueError."""
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_)
    ok = ok and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a number in {interval}. Received: {name}={value!r}")
    return float(value)


class Optimizer:
    """Base class: learning rate (float or schedule), weight decay, global-norm clipping, slots."""

    name = ""
    slot_names: tuple[str, ...] = ()
    decoupled_weight_decay = False  # True: the subclass applies weight_decay itself (AdamW)

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None):
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.iterations = 0
        self.slots: dict[str, np.ndarray] = {}
        self.last_step: np.ndarray | None = None  # the step subtracted from theta by the last update
        self._validate_common()

    def _validate_common(self):
        if not isinstance(self.learning_rate, Schedule):
            self.learning_rate = _check("learning_rate", self.learning_rate, 0.0, 1e6, low_open=True)
        if self.weight_decay is not None:
            self.weight_decay = _check("weight_decay", self.weight_decay, 0.0, 1e6)
        if self.clipnorm is not None:
            self.clipnorm = _check("clipnorm", self.clipnorm, 0.0, math.inf, low_open=True)

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next step will use."""
        lr = self.learning_rate
        return lr(self.iterations) if isinstance(lr, Schedule) else lr

    def build(self, size: int) -> None:
        """Create zeroed slots for `size` parameters (called by the first `apply`)."""
        self.slots = {name: np.zeros(size) for name in self.slot_names}
        self.last_step = np.zeros(size)
        self._scratch = np.zeros(size)

    def reset(self) -> None:
        """Forget all slot state and the step count, as a freshly built optimizer."""
        self.slots = {}
        self.last_step = None
        self.iterations = 0

    def apply(self, params: np.ndarray, grads: np.ndarray) -> None:
        """One update of the flat vector `params` (in place) from the flat gradient `grads`."""
        if self.last_step is None or self.last_step.shape != params.shape:
            self.build(params.shape[0])
        if self.clipnorm is not None:
            norm = math.sqrt(float(np.dot(grads, grads)))
            coefficient = self.clipnorm / (norm + 1e-6)
            if coefficient < 1.0:
                grads *= coefficient
        if self.weight_decay and not self.decoupled_weight_decay:  # torch's coupled form
            np.multiply(params, self.weight_decay, out=self._scratch)
            grads += self._scratch
        lr = self.current_learning_rate
        self.iterations += 1
        self._update(params, grads, lr)
        if self.slots and self.iterations % FLUSH_EVERY == 0:
            self._flush_negligible_slots()

    def _flush_negligible_slots(self) -> None:
        """Zero slot entries too small to change any result (see FLUSH_BELOW)."""
        epsilon = getattr(self, "epsilon", 1e-7)
        for name, slot in self.slots.items():
            if name in NUMERATOR_SLOTS:
                np.copyto(slot, 0.0, where=np.abs(slot) < FLUSH_BELOW)
            else:
                np.copyto(slot, 0.0, where=slot < (epsilon * 1e-50) ** 2)

    def _update(self, params, grads, lr) -> None:
        """The rule's step of `params` in place, from the clipped and (coupled) decayed `grads`
        and this step's learning rate; `iterations` already counts this step."""
        raise NotImplementedError

    def get_config(self) -> dict:
        lr = self.learning_rate
        config = {"name": self.name, "learning_rate": lr.get_config() if isinstance(lr, Schedule) else lr}
        config.update({k: getattr(self, k) for k in self._hyperparameters()})
        config.update(weight_decay=self.weight_decay, clipnorm=self.clipnorm)
        return config

    def _hyperparameters(self) -> tuple[str, ...]:
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"


@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    """b <- momentum * b + g; g <- g + momentum * b if nesterov else b; theta <- theta - lr * g."""

    name = "sgd"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.momentum = _check("momentum", momentum, 0.0, 1.0)
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov needs momentum > 0. Received: momentum=0.0, nesterov=True")
        self.nesterov = bool(nesterov)

    def _hyperparameters(self):
        return ("momentum", "nesterov")

    def _update(self, params, grads, lr):
        step = self.last_step
        if self.momentum:
            if "momentum" not in self.slots:
                # torch starts the buffer at the first gradient (b = g), which equals momentum * 0 + g.
                self.slots["momentum"] = np.zeros_like(params)
            buffer = self.slots["momentum"]
            buffer *= self.momentum
            buffer += grads
            if self.nesterov:
                np.multiply(buffer, self.momentum, out=step)
                step += grads
                step *= lr
            else:
                np.multiply(buffer, lr, out=step)
        else:
            np.multiply(grads, lr, out=step)
        params -= step


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    """v <- rho v + (1 - rho) g^2; theta <- theta - lr g / (sqrt(v) + epsilon) (epsilon after the root).

    centered subtracts the squared running mean of g inside the root; momentum > 0 accumulates
    b <- momentum b + g / (sqrt(v) + epsilon) and steps by lr * b, as torch.optim.RMSprop.
    """

    name = "rmsprop"
    slot_names = ("square_avg",)

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.rho = _check("rho", rho, 0.0, 1.0)
        self.momentum = _check("momentum", momentum, 0.0, 1.0)
        self.epsilon = _check("epsilon", epsilon, 0.0, 1.0, low_open=True)
        self.centered = bool(centered)

    def _hyperparameters(self):
        return ("rho", "momentum", "epsilon", "centered")

    def _update(self, params, grads, lr):
        square_avg, step, scratch = self.slots["square_avg"], self.last_step, self._scratch
        np.multiply(grads, grads, out=scratch)
        scratch *= 1.0 - self.rho
        square_avg *= self.rho
        square_avg += scratch
        if self.centered:
            grad_avg = self.slots.setdefault("grad_avg", np.zeros_like(params))
            grad_avg *= self.rho
            grad_avg += (1.0 - self.rho) * grads
            np.subtract(square_avg, grad_avg * grad_avg, out=scratch)
            # A variance, >= 0 in exact arithmetic; rounding can leave -1e-20 where torch gives NaN.
            np.maximum(scratch, 0.0, out=scratch)
            np.sqrt(scratch, out=scratch)
        else:
            np.sqrt(square_avg, out=scratch)
        scratch += self.epsilon
        np.divide(grads, scratch, out=step)
        if self.momentum:
            buffer = self.slots.setdefault("momentum", np.zeros_like(params))
            buffer *= self.momentum
            buffer += step
            np.multiply(buffer, lr, out=step)
        else:
            step *= lr
        params -= step


class _AdamTable:
    """One (5, size) table of Adam's state, rows g, m, g^2, v, w, with views of the rows and row
    pairs a step reads and writes (w = v scaled for the step's denominator, see Adam._update)."""

    __slots__ = ("g", "g2", "g2_v", "g_m", "m", "v", "v_w", "w")

    def __init__(self, table: np.ndarray):
        self.g, self.m, self.g2, self.v, self.w = table
        self.g_m, self.g2_v, self.v_w = table[0:2], table[2:4], table[3:5]


class _AdamTables:
    """Adam's state in two tables used in turn, so that each moment update is one matrix product
    written into the other table: b1 m + (1 - b1) g is [1 - b1, b1] @ [g; m]."""

    def __init__(self, size: int):
        tables = np.zeros((2, 5, size))
        self.current, self.spare = _AdamTable(tables[0]), _AdamTable(tables[1])
        self.first_moment_coefficients = np.zeros(2)  # applied to [g; m]
        self.second_moment_coefficients = np.zeros((2, 2))  # applied to [g^2; v], giving [v; w]
        self.epsilon_term = np.zeros(())  # added to sqrt(w)


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """m <- b1 m + (1 - b1) g; v <- b2 v + (1 - b2) g^2;
    theta <- theta - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + epsilon)   (torch.optim.Adam).

    With amsgrad, v is replaced in the denominator by its running maximum.
    """

    name = "adam"
    slot_names = ("m", "v")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.beta_1 = _check("beta_1", beta_1, 0.0, 1.0, high_open=True)
        self.beta_2 = _check("beta_2", beta_2, 0.0, 1.0, high_open=True)
        self.epsilon = _check("epsilon", epsilon, 0.0, 1.0, low_open=True)
        self.amsgrad = bool(amsgrad)
        self._tables: _AdamTables | None = None

    def _hyperparameters(self):
        return ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __getstate__(self) -> dict:
        """Pickled or copied without the tables (a copy would cut their row views apart): the
        copy's first step makes them again from its slots."""
        return {**self.__dict__, "_tables": None}

    def _tables_from_slots(self, size: int) -> _AdamTables:
        """Tables whose current one holds the values of `slots["m"]` and `slots["v"]`, which
        become views into it. Their values are taken when the slots were set from outside (e.g.
        a copied optimizer, or a replaced one's slots given to a new one); zeros if unset."""
        tables = self._tables
        if tables is None or tables.current.m.shape[0] != size:
            tables = self._tables = _AdamTables(size)
        current = tables.current
        current.m[...] = self.slots.get("m", 0.0)
        current.v[...] = self.slots.get("v", 0.0)
        self.slots["m"], self.slots["v"] = current.m, current.v
        return tables

    def _update(self, params, grads, lr):
        # The step K m / (sqrt(v) / sqrt(c2) + eps), K = lr / c1, c1 = 1 - b1^t, c2 = 1 - b2^t, is
        # m / (sqrt(w) + eps / K) with w = v / (c2 K^2); the product that gives v gives w too.
        tables, slots = self._tables, self.slots
        if tables is None or slots.get("m") is not tables.current.m or slots.get("v") is not tables.current.v:
            tables = self._tables_from_slots(params.shape[0])
        old, new = tables.current, tables.spare
        b1, b2, t = self.beta_1, self.beta_2, self.iterations
        scale = lr / (1.0 - b1**t)
        inverse_q = 1.0 / ((1.0 - b2**t) * scale * scale)
        first, second = tables.first_moment_coefficients, tables.second_moment_coefficients
        first[0], first[1] = 1.0 - b1, b1
        second[0, 0], second[0, 1] = 1.0 - b2, b2
        second[1, 0], second[1, 1] = (1.0 - b2) * inverse_q, b2 * inverse_q
        old.g[...] = grads
        np.multiply(grads, grads, out=old.g2)
        np.dot(first, old.g_m, out=new.m)
        np.dot(second, old.g2_v, out=new.v_w)
        if self.amsgrad:
            v_max = slots.setdefault("v_max", np.zeros_like(params))
            np.maximum(v_max, new.v, out=v_max)
            np.multiply(v_max, inverse_q, out=new.w)
        np.sqrt(new.w, out=new.w)
        tables.epsilon_term[()] = self.epsilon / scale
        new.w += tables.epsilon_term
        np.divide(new.m, new.w, out=self.last_step)
        params -= self.last_step
        tables.current, tables.spare = new, old
        slots["m"], slots["v"] = new.m, new.v


@OPTIMIZERS.register("adamw")
class AdamW(Adam):
    """Adam with decoupled weight decay: theta <- theta - lr * weight_decay * theta, then Adam's step
    (torch.optim.AdamW; Keras 3's default weight_decay 0.004)."""

    name = "adamw"
    decoupled_weight_decay = True

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, clipnorm=None):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay, clipnorm)

    def _update(self, params, grads, lr):
        if self.weight_decay:
            params *= 1.0 - lr * self.weight_decay
        super()._update(params, grads, lr)


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """s <- s + g^2; theta <- theta - lr * g / (sqrt(s) + epsilon), s starting at
    initial_accumulator_value (Keras's default 0.1; torch's is 0)."""

    name = "adagrad"
    slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 weight_decay=None, clipnorm=None):
        super().__init__(learning_rate, weight_decay, clipnorm)
        self.initial_accumulator_value = _check("initial_accumulator_value", initial_accumulator_value,
                                                0.0, 1e6)
        self.epsilon = _check("epsilon", epsilon, 0.0, 1.0, low_open=True)

    def _hyperparameters(self):
        return ("initial_accumulator_value", "epsilon")

    def build(self, size):
        super().build(size)
        self.slots["accumulator"].fill(self.initial_accumulator_value)

    def _update(self, params, grads, lr):
        accumulator, step, scratch = self.slots["accumulator"], self.last_step, self._scratch
        np.multiply(grads, grads, out=scratch)
        accumulator += scratch
        np.sqrt(accumulator, out=scratch)
        scratch += self.epsilon
        np.divide(grads, scratch, out=step)
        step *= lr
        params -= step


def get(spec, **kwargs) -> Optimizer:
    """An Optimizer from a registered name (with keyword arguments) or an Optimizer instance."""
    return OPTIMIZERS.get(spec, base=Optimizer, **kwargs)


def from_config(config: dict) -> Optimizer:
    """Rebuild an optimizer from `get_config()` output (without its slot state)."""
    from . import schedules

    config = dict(config)
    name = config.pop("name")
    lr = config.get("learning_rate")
    if isinstance(lr, dict):
        lr = dict(lr)
        config["learning_rate"] = schedules.get(lr.pop("name"), **lr)
    return get(name, **config)
