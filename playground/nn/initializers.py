"""Weight initializers, registered under the names used in widgets and URLs.

Each initializer is called as `init(shape, rng)` with a kernel shape (fan_in, fan_out) or a bias
shape (units,) and a `numpy.random.Generator`, and returns a float64 array. Variances follow
Keras: the "normal" variance-scaling ones draw from a normal truncated at two standard
deviations, rescaled so that the variance is exactly the stated one (e.g. 2 / fan_in for He).
"""

from __future__ import annotations

import numpy as np

from .registry import Registry

INITIALIZERS = Registry("initializer")

# Standard deviation of a unit normal truncated to [-2, 2]; dividing by it restores unit variance.
_TRUNCATED_STD = 0.87962566103423978


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel (in, out); a vector counts as (size, size)."""
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def truncated_normal(shape, stddev: float, rng: np.random.Generator) -> np.ndarray:
    """N(0, 1) redrawn until inside [-2, 2], scaled so the result has standard deviation `stddev`."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values * (stddev / _TRUNCATED_STD)


class Initializer:
    name = ""

    def __call__(self, shape, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name}


class VarianceScaling(Initializer):
    """Draws with variance 2 / (fan_in + fan_out) ("avg"), 2 / fan_in ("in") or 1 / fan_in."""

    scale = 1.0
    mode = "fan_in"
    distribution = "normal"

    def variance(self, shape) -> float:
        fan_in, fan_out = fans(shape)
        denominator = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, denominator)

    def __call__(self, shape, rng):
        variance = self.variance(shape)
        if self.distribution == "uniform":
            limit = np.sqrt(3.0 * variance)
            return rng.uniform(-limit, limit, shape)
        return truncated_normal(shape, np.sqrt(variance), rng)


@INITIALIZERS.register("glorot_uniform")
class GlorotUniform(VarianceScaling):
    """U(-l, l) with l = sqrt(6 / (fan_in + fan_out)): Keras's default for Dense kernels."""

    name, mode, distribution = "glorot_uniform", "fan_avg", "uniform"


@INITIALIZERS.register("glorot_normal")
class GlorotNormal(VarianceScaling):
    """Truncated normal with variance 2 / (fan_in + fan_out)."""

    name, mode = "glorot_normal", "fan_avg"


@INITIALIZERS.register("he_normal")
class HeNormal(VarianceScaling):
    """Truncated normal with variance 2 / fan_in: keeps ReLU activations' scale through depth."""

    name, scale = "he_normal", 2.0


@INITIALIZERS.register("he_uniform")
class HeUniform(VarianceScaling):
    """U(-l, l) with l = sqrt(6 / fan_in)."""

    name, scale, distribution = "he_uniform", 2.0, "uniform"


@INITIALIZERS.register("lecun_normal")
class LecunNormal(VarianceScaling):
    """Truncated normal with variance 1 / fan_in."""

    name = "lecun_normal"


@INITIALIZERS.register("random_normal")
class RandomNormal(Initializer):
    """N(mean, stddev^2), Keras's defaults mean 0 and stddev 0.05."""

    name = "random_normal"

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        if not stddev >= 0:
            raise ValueError(f"random_normal stddev must be >= 0. Received: stddev={stddev!r}")
        self.mean, self.stddev = float(mean), float(stddev)

    def __call__(self, shape, rng):
        return rng.normal(self.mean, self.stddev, shape)

    def get_config(self):
        return {"name": self.name, "mean": self.mean, "stddev": self.stddev}


@INITIALIZERS.register("small")
class Small(RandomNormal):
    """N(0, 1) * 0.01: the classic textbook initialisation that starves deep networks of signal."""

    name = "small"

    def __init__(self):
        super().__init__(0.0, 0.01)

    def get_config(self):
        return {"name": self.name}


@INITIALIZERS.register("zeros")
class Zeros(Initializer):
    """All zeros: every unit of a layer computes the same thing and stays so (symmetry)."""

    name = "zeros"

    def __call__(self, shape, rng):
        return np.zeros(shape)


@INITIALIZERS.register("ones")
class Ones(Initializer):
    name = "ones"

    def __call__(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Every entry `value` (Keras' ``initializers.Constant``), e.g. a bias started below zero."""

    name = "constant"

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def __call__(self, shape, rng):
        return np.full(shape, self.value)

    def get_config(self) -> dict:
        return {"name": self.name, "value": self.value}


def get(spec) -> Initializer:
    """An Initializer from a registered name, an Initializer instance or a config dict (Constant's
    too: it is not registered, as its value is not part of a name)."""
    if isinstance(spec, dict) and spec.get("name") == Constant.name:
        return Constant(spec.get("value", 0.0))
    return INITIALIZERS.get(spec, base=Initializer)
