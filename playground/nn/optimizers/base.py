"""What every optimizer shares: learning rate (or schedule), weight decay, clipping, slot state.

An optimizer updates one flat parameter vector theta (P,) from one flat gradient vector g (P,)
(the model keeps every layer's parameters as views into such a vector), so a step is a handful
of vectorised NumPy calls whatever the network's depth. It owns only its slot state (moments,
accumulators), each slot a (P,) array stored by the rule's first step (a rule reads a missing
slot as its starting value, e.g. 0 for a moment); hyperparameters are plain attributes
that may be changed between steps without touching that state.

Every optimizer accepts:
- learning_rate: a float or a schedule (`playground.nn.schedules`), evaluated at the step count
  before the update (0 for the first step), as Keras does; a schedule may reach 0;
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

from ..schedules import Schedule

# A dead unit's gradient is exactly 0, so its moments decay geometrically into subnormal floats,
# on which arithmetic is many times slower. Every FLUSH_EVERY steps, slot entries too small to
# matter are set to 0: numerator slots (first moments, momentum) below FLUSH_BELOW, whose share of
# any step is then below float64 resolution by over 100 orders of magnitude, and denominator slots
# (second moments, accumulators) whose square root is below epsilon * 1e-50, negligible next to
# the epsilon added to it. Neither flush changes a result.
FLUSH_BELOW = 1e-200
FLUSH_EVERY = 256
NUMERATOR_SLOTS = ("momentum", "m", "grad_avg")


def check(name: str, value, low: float, high: float, low_open: bool = False, high_open: bool = False) -> float:
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
    """Base class: learning rate (float or schedule), weight decay, global-norm clipping, slots.

    A subclass writes its rule in `update`, which returns the step; `apply` subtracts it.
    """

    name = ""
    decoupled_weight_decay = False  # True: the subclass applies weight_decay itself (AdamW)

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None):
        if not isinstance(learning_rate, Schedule):
            learning_rate = check("learning_rate", learning_rate, 0.0, 1e6, low_open=True)
        self.learning_rate = learning_rate
        self.weight_decay = None if weight_decay is None else check("weight_decay", weight_decay, 0.0, 1e6)
        self.clipnorm = None if clipnorm is None else check("clipnorm", clipnorm, 0.0, math.inf, low_open=True)
        self.iterations = 0
        self.slots: dict[str, np.ndarray] = {}
        self.last_step: np.ndarray | None = None  # (P,): what the last update subtracted from theta

    @property
    def current_learning_rate(self) -> float:
        """The learning rate the next step will use."""
        lr = self.learning_rate
        return lr(self.iterations) if isinstance(lr, Schedule) else lr

    def reset(self) -> None:
        """Forget all slot state and the step count, as a freshly built optimizer."""
        self.slots = {}
        self.last_step = None
        self.iterations = 0

    def copy_state_from(self, other: Optimizer) -> None:
        """Go on from where `other` stands: copies of its slots, its step count and its last step
        (e.g. a new optimizer of the same rule with another schedule keeps the moments)."""
        self.slots = {name: slot.copy() for name, slot in other.slots.items()}
        self.iterations = other.iterations
        self.last_step = None if other.last_step is None else other.last_step.copy()

    def apply(self, params: np.ndarray, grads: np.ndarray) -> None:
        """One update of the flat vector `params` (P,) in place from the flat gradient `grads` (P,)."""
        if self.last_step is not None and self.last_step.shape != params.shape:
            self.slots = {}  # another network: its slots start again
        if self.clipnorm is not None:
            norm = math.sqrt(float(np.dot(grads, grads)))
            if self.clipnorm / (norm + 1e-6) < 1.0:
                grads *= self.clipnorm / (norm + 1e-6)
        if self.weight_decay and not self.decoupled_weight_decay:
            grads += self.weight_decay * params  # torch's coupled form
        lr = self.current_learning_rate
        self.iterations += 1
        step = self.update(params, grads, lr)
        params -= step
        self.last_step = step
        if self.slots and self.iterations % FLUSH_EVERY == 0:
            self._flush_negligible_slots()

    def update(self, params: np.ndarray, grads: np.ndarray, lr: float) -> np.ndarray:
        """The rule: the step (P,) to subtract from theta, from the clipped and (coupled) decayed
        gradient g and this step's learning rate; `iterations` already counts this step (t)."""
        raise NotImplementedError

    def _flush_negligible_slots(self) -> None:
        """Zero slot entries too small to change any result (see FLUSH_BELOW)."""
        epsilon = getattr(self, "epsilon", 1e-7)
        for name, slot in self.slots.items():
            if name in NUMERATOR_SLOTS:
                np.copyto(slot, 0.0, where=np.abs(slot) < FLUSH_BELOW)
            else:
                np.copyto(slot, 0.0, where=slot < (epsilon * 1e-50) ** 2)

    def get_config(self) -> dict:
        lr = self.learning_rate
        config = {"name": self.name, "learning_rate": lr.get_config() if isinstance(lr, Schedule) else lr}
        config.update({k: getattr(self, k) for k in self.hyperparameters})
        config.update(weight_decay=self.weight_decay, clipnorm=self.clipnorm)
        return config

    hyperparameters: tuple[str, ...] = ()  # the rule's own arguments, for get_config

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.get_config()})"
