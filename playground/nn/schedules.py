"""Learning-rate schedules: callables from the optimizer's step count (0 for the first update) to
a learning rate, with Keras's names and formulas. Any optimizer accepts one as `learning_rate`;
`initial_learning_rate` may be changed between steps (a live learning-rate change).
"""

from __future__ import annotations

import math

from .registry import Registry

SCHEDULES = Registry("schedule")


def _positive(name: str, value) -> float:
    if isinstance(value, bool) or not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0. Received: {name}={value!r}")
    return float(value)


class Schedule:
    name = ""

    def __init__(self, initial_learning_rate: float):
        self.initial_learning_rate = _positive("initial_learning_rate", initial_learning_rate)

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, **{k: v for k, v in vars(self).items()}}


class Constant(Schedule):
    """The same learning rate at every step."""

    name = "constant"

    def __call__(self, step):
        return self.initial_learning_rate


class ExponentialDecay(Schedule):
    """lr * decay_rate ** (step / decay_steps), the exponent floored when `staircase`."""

    name = "exponential"
    staircase = False

    def __init__(self, initial_learning_rate: float, decay_steps: int = 1000, decay_rate: float = 0.5):
        super().__init__(initial_learning_rate)
        self.decay_steps = _positive("decay_steps", decay_steps)
        self.decay_rate = _positive("decay_rate", decay_rate)

    def __call__(self, step):
        exponent = step / self.decay_steps
        if self.staircase:
            exponent = math.floor(exponent)
        return self.initial_learning_rate * self.decay_rate**exponent


class StepDecay(ExponentialDecay):
    """Step decay: the rate is multiplied by decay_rate every decay_steps steps."""

    name = "step"
    staircase = True


class CosineDecay(Schedule):
    """lr * ((1 - alpha) * 0.5 * (1 + cos(pi * t)) + alpha), t = min(step, decay_steps) / decay_steps."""

    name = "cosine"

    def __init__(self, initial_learning_rate: float, decay_steps: int = 1000, alpha: float = 0.0):
        super().__init__(initial_learning_rate)
        self.decay_steps = _positive("decay_steps", decay_steps)
        if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0.0 <= alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1]. Received: alpha={alpha!r}")
        self.alpha = float(alpha)

    def __call__(self, step):
        progress = min(step, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.initial_learning_rate * ((1.0 - self.alpha) * cosine + self.alpha)


for _schedule in (Constant, StepDecay, ExponentialDecay, CosineDecay):  # in the order users see them
    SCHEDULES.register(_schedule.name)(_schedule)


def get(spec, initial_learning_rate: float, **kwargs) -> Schedule:
    """A Schedule from a registered name (with its arguments) or a Schedule instance."""
    return SCHEDULES.get(spec, base=Schedule, initial_learning_rate=initial_learning_rate, **kwargs)
