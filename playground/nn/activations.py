"""Activation functions with their derivatives, registered under the names used in widgets and URLs.

Every activation maps pre-activations `z` (n, units) to activations `a` of the same shape and
knows its backward pass `dz = backward(z, a, da)`. Element-wise ones also expose
`derivative(z, a)` (f'(z), used by the Activations page); softmax's backward is the full
Jacobian-vector product because its outputs are coupled.
"""

from __future__ import annotations

import numpy as np

from ._scalars import ZERO
from .registry import Registry

ACTIVATIONS = Registry("activation")

_GELU_C = np.sqrt(2.0 / np.pi)
_GELU_K = 0.044715


def _into(value: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """Return `value`, copied into `out` when a destination buffer is given."""
    if out is None or out is value:
        return value
    np.copyto(out, value)
    return out


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function written as 0.5 (1 + tanh(z / 2)): exact, and no overflow for any z."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


class Activation:
    """Base class: element-wise activation; subclasses define `__call__` and `derivative`."""

    name = ""

    def __call__(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """f'(z) element-wise; `a` is f(z), passed in because many derivatives reuse it."""
        raise NotImplementedError

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray, out=None) -> np.ndarray:
        """dL/dz from dL/da (n, units)."""
        return np.multiply(da, self.derivative(z, a), out=out)

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({params})"


@ACTIVATIONS.register("linear")
class Linear(Activation):
    """Identity: a = z. Returns `z` itself (no copy); callers never write into it."""

    name = "linear"

    def __call__(self, z, out=None):
        return _into(z, out)

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, da, out=None):
        return da


@ACTIVATIONS.register("relu")
class ReLU(Activation):
    """max(z, 0); derivative 1 for z > 0 and 0 otherwise (0 at z = 0, as in Keras and PyTorch)."""

    name = "relu"

    def __call__(self, z, out=None):
        # fmax is several times cheaper than maximum on small arrays (no NaN propagation logic).
        return np.fmax(z, ZERO, out=out)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, da, out=None):
        # a = max(z, 0) >= 0, so sign(a) is the 0/1 mask of z > 0 (and cheaper than a boolean product).
        out = np.sign(a, out=out)
        out *= da
        return out


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(Activation):
    """z for z > 0, alpha * z otherwise (Keras 3's default slope 0.2)."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.2):
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"leaky_relu alpha must be in [0, 1). Received: alpha={alpha!r}")
        self.alpha = float(alpha)

    def __call__(self, z, out=None):
        return np.multiply(z, np.where(z > 0, 1.0, self.alpha), out=out)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.alpha)

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


@ACTIVATIONS.register("elu")
class ELU(Activation):
    """z for z > 0, alpha (e^z - 1) otherwise; derivative a + alpha on the negative side."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = float(alpha)

    def __call__(self, z, out=None):
        negative = self.alpha * np.expm1(np.minimum(z, 0.0))
        return _into(np.where(z > 0, z, negative), out)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, a + self.alpha)

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


@ACTIVATIONS.register("gelu")
class GELU(Activation):
    """GELU in its tanh form, 0.5 z (1 + tanh(sqrt(2/pi) (z + 0.044715 z^3))).

    This is Keras's `gelu(approximate=True)` and PyTorch's `GELU(approximate="tanh")`; it differs
    from the erf form by less than 1e-3 and has an exact derivative in closed form.
    """

    name = "gelu"

    def _tanh_term(self, z):
        return np.tanh(_GELU_C * (z + _GELU_K * z**3))

    def __call__(self, z, out=None):
        return np.multiply(0.5 * z, 1.0 + self._tanh_term(z), out=out)

    def derivative(self, z, a):
        t = self._tanh_term(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3.0 * _GELU_K * z * z)


@ACTIVATIONS.register("swish", "silu")
class Swish(Activation):
    """z * sigmoid(z) (also called SiLU); derivative s (1 + z (1 - s)) with s = sigmoid(z)."""

    name = "swish"

    def __call__(self, z, out=None):
        return np.multiply(z, sigmoid(z), out=out)

    def derivative(self, z, a):
        s = sigmoid(z)
        return s * (1.0 + z * (1.0 - s))


@ACTIVATIONS.register("softplus")
class Softplus(Activation):
    """log(1 + e^z), computed without overflow; derivative sigmoid(z)."""

    name = "softplus"

    def __call__(self, z, out=None):
        return np.logaddexp(0.0, z, out=out)

    def derivative(self, z, a):
        return sigmoid(z)


@ACTIVATIONS.register("sigmoid")
class Sigmoid(Activation):
    """1 / (1 + e^-z); derivative a (1 - a), at most 0.25."""

    name = "sigmoid"

    def __call__(self, z, out=None):
        return sigmoid(z, out=out)

    def derivative(self, z, a):
        return a * (1.0 - a)


@ACTIVATIONS.register("tanh")
class Tanh(Activation):
    """tanh(z); derivative 1 - a^2, at most 1."""

    name = "tanh"

    def __call__(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, z, a):
        return 1.0 - a * a

    def backward(self, z, a, da, out=None):
        # (1 - a^2) da as da - a (a da): three array calls, none with a Python scalar.
        out = np.multiply(a, da, out=out)
        out *= a
        return np.subtract(da, out, out=out)


@ACTIVATIONS.register("step")
class Step(Activation):
    """Heaviside step: 1 for z > 0, else 0 (the perceptron's activation).

    Its derivative is 0 everywhere it exists (and undefined at 0), so backpropagation passes no
    gradient through it: a network of step units cannot learn by gradient descent. It is here
    for the perceptron demo, whose single unit is trained by the perceptron rule instead.
    """

    name = "step"

    def __call__(self, z, out=None):
        return _into((z > 0).astype(z.dtype), out)

    def derivative(self, z, a):
        return np.zeros_like(z)


@ACTIVATIONS.register("softmax")
class Softmax(Activation):
    """Softmax over the last axis (output layers only): a_i = e^(z_i) / sum_j e^(z_j).

    Its outputs are coupled, so `backward` is the Jacobian-vector product
    dz = a * (da - sum(da * a)); `derivative` returns only the Jacobian's diagonal a (1 - a).
    """

    name = "softmax"

    def __call__(self, z, out=None):
        out = np.subtract(z, z.max(axis=-1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=-1, keepdims=True)
        return out

    def derivative(self, z, a):
        return a * (1.0 - a)

    def backward(self, z, a, da, out=None):
        return np.multiply(a, da - (da * a).sum(axis=-1, keepdims=True), out=out)


def get(spec) -> Activation:
    """An Activation from a registered name, None (linear) or an Activation instance."""
    if spec is None:
        return Linear()
    return ACTIVATIONS.get(spec, base=Activation)


def hidden_names() -> tuple[str, ...]:
    """Names allowed in hidden layers (softmax is for output layers only)."""
    return tuple(n for n in ACTIVATIONS.names() if n != "softmax")
