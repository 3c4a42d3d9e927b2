"""Activation functions with their derivatives, registered under the names used in widgets and URLs.

Every activation maps pre-activations z (n, units) to activations a = f(z) of the same shape and
knows its backward pass dL/dz = backward(z, a, dL/da). Element-wise ones also give f'(z) as
`derivative(z, a)` (the Activations page plots it); softmax's backward is the full
Jacobian-vector product because its outputs are coupled. Each carries its formula and its
derivative's as LaTeX (`formula`, `derivative_formula`) for the pages that show them.
"""

from __future__ import annotations

import numpy as np

from .registry import Registry

ACTIVATIONS = Registry("activation")

_GELU_C = np.sqrt(2.0 / np.pi)
_GELU_K = 0.044715


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written as 0.5 (1 + tanh(z / 2)): the same value, and no overflow for any z."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class Activation:
    """Base class: an element-wise activation; subclasses define `__call__` and `derivative`."""

    name = ""
    formula = ""             # f(z) in LaTeX
    derivative_formula = ""  # f'(z) in LaTeX (a stands for f(z))
    output_range: tuple[float, float] | None = None  # (low, high) of a bounded activation's outputs

    def __call__(self, z: np.ndarray) -> np.ndarray:
        """a = f(z), shaped like z."""
        raise NotImplementedError

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """f'(z) element-wise; `a` is f(z), passed in because many derivatives reuse it."""
        raise NotImplementedError

    def backward(self, z: np.ndarray, a: np.ndarray, da: np.ndarray) -> np.ndarray:
        """dL/dz = dL/da * f'(z) (n, units), by the chain rule."""
        return da * self.derivative(z, a)

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({params})"


@ACTIVATIONS.register("linear")
class Linear(Activation):
    """Identity: a = z (returned as is, no copy); f'(z) = 1."""

    name = "linear"
    formula = "z"
    derivative_formula = "1"

    def __call__(self, z):
        return z

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, da):
        return da


@ACTIVATIONS.register("relu")
class ReLU(Activation):
    """max(z, 0); f'(z) = 1 for z > 0, else 0 (0 at z = 0, as in Keras and PyTorch)."""

    name = "relu"
    formula = r"\max(0, z)"
    derivative_formula = r"\mathbf{1}[z > 0]"

    def __call__(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, da):
        return da * (z > 0)


@ACTIVATIONS.register("leaky_relu")
class LeakyReLU(Activation):
    """z for z > 0, alpha * z otherwise (Keras 3's default slope 0.2); f'(z) = 1 or alpha."""

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.2):
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"leaky_relu alpha must be in [0, 1). Received: alpha={alpha!r}")
        self.alpha = float(alpha)

    @property
    def formula(self):
        return rf"\max({self.alpha:g}z, z)"

    @property
    def derivative_formula(self):
        return rf"1 \text{{ if }} z > 0 \text{{ else }} {self.alpha:g}"

    def __call__(self, z):
        return np.where(z > 0, z, self.alpha * z)

    def derivative(self, z, a):
        return np.where(z > 0, 1.0, self.alpha)

    def get_config(self):
        return {"name": self.name, "alpha": self.alpha}


@ACTIVATIONS.register("elu")
class ELU(Activation):
    """z for z > 0, alpha (e^z - 1) otherwise; f'(z) = 1, or a + alpha on the negative side."""

    name = "elu"

    def __init__(self, alpha: float = 1.0):
        self.alpha = float(alpha)

    @property
    def formula(self):
        return rf"z \text{{ if }} z > 0 \text{{ else }} {self.alpha:g}\,(e^{{z}} - 1)"

    @property
    def derivative_formula(self):
        return rf"1 \text{{ if }} z > 0 \text{{ else }} a + {self.alpha:g}"

    def __call__(self, z):
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0.0)))  # min: no overflow in the unused branch

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
    formula = r"\tfrac{1}{2} z \big(1 + \tanh\big(\sqrt{2/\pi}\,(z + 0.044715 z^3)\big)\big)"
    derivative_formula = (r"\tfrac{1}{2}(1 + t) + \tfrac{1}{2} z (1 - t^2) \sqrt{2/\pi}\,(1 + 3 \cdot 0.044715 z^2),"
                          r"\ t = \tanh\big(\sqrt{2/\pi}\,(z + 0.044715 z^3)\big)")

    def _tanh_term(self, z):
        return np.tanh(_GELU_C * (z + _GELU_K * z**3))

    def __call__(self, z):
        return 0.5 * z * (1.0 + self._tanh_term(z))

    def derivative(self, z, a):
        t = self._tanh_term(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3.0 * _GELU_K * z * z)


@ACTIVATIONS.register("swish", "silu")
class Swish(Activation):
    """z sigmoid(z) (also called SiLU); f'(z) = s (1 + z (1 - s)) with s = sigmoid(z)."""

    name = "swish"
    formula = r"z\,\sigma(z)"
    derivative_formula = r"\sigma(z)\,(1 + z(1 - \sigma(z)))"

    def __call__(self, z):
        return z * sigmoid(z)

    def derivative(self, z, a):
        s = sigmoid(z)
        return s * (1.0 + z * (1.0 - s))


@ACTIVATIONS.register("softplus")
class Softplus(Activation):
    """log(1 + e^z), computed as logaddexp(0, z) without overflow; f'(z) = sigmoid(z)."""

    name = "softplus"
    formula = r"\log(1 + e^{z})"
    derivative_formula = r"\sigma(z)"

    def __call__(self, z):
        return np.logaddexp(0.0, z)

    def derivative(self, z, a):
        return sigmoid(z)


@ACTIVATIONS.register("sigmoid")
class Sigmoid(Activation):
    """1 / (1 + e^-z); f'(z) = a (1 - a), at most 0.25."""

    name = "sigmoid"
    output_range = (0.0, 1.0)
    formula = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
    derivative_formula = r"a\,(1 - a)"

    def __call__(self, z):
        return sigmoid(z)

    def derivative(self, z, a):
        return a * (1.0 - a)


@ACTIVATIONS.register("tanh")
class Tanh(Activation):
    """tanh(z); f'(z) = 1 - a^2, at most 1."""

    name = "tanh"
    output_range = (-1.0, 1.0)
    formula = r"\tanh(z)"
    derivative_formula = r"1 - a^2"

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a


@ACTIVATIONS.register("step")
class Step(Activation):
    """Heaviside step: 1 for z > 0, else 0 (the perceptron's activation).

    Its derivative is 0 everywhere it exists (and undefined at 0), so backpropagation passes no
    gradient through it: a network of step units cannot learn by gradient descent. It is here
    for the perceptron demo, whose single unit is trained by the perceptron rule instead.
    """

    name = "step"
    output_range = (0.0, 1.0)
    formula = r"\mathbf{1}[z > 0]"
    derivative_formula = "0"

    def __call__(self, z):
        return (z > 0).astype(z.dtype)

    def derivative(self, z, a):
        return np.zeros_like(z)


@ACTIVATIONS.register("softmax")
class Softmax(Activation):
    """Softmax over the last axis (output layers only): a_j = e^(z_j) / sum_k e^(z_k).

    Computed from z - max(z), which gives the same a without overflow. Its outputs are coupled,
    so `backward` is the Jacobian-vector product dz = a * (da - sum_k(da_k a_k)); `derivative`
    returns only the Jacobian's diagonal a (1 - a).
    """

    name = "softmax"
    formula = r"\frac{e^{z_j}}{\sum_k e^{z_k}}"
    derivative_formula = r"\frac{\partial a_j}{\partial z_i} = a_j\,(\mathbf{1}[i = j] - a_i)"

    def __call__(self, z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def derivative(self, z, a):
        return a * (1.0 - a)

    def backward(self, z, a, da):
        return a * (da - (da * a).sum(axis=-1, keepdims=True))


def get(spec) -> Activation:
    """An Activation from a registered name, None (linear) or an Activation instance."""
    if spec is None:
        return Linear()
    return ACTIVATIONS.get(spec, base=Activation)


def hidden_names() -> tuple[str, ...]:
    """Names allowed in hidden layers (softmax is for output layers only)."""
    return tuple(n for n in ACTIVATIONS.names() if n != "softmax")
