"""Layers: Dense, Dropout, BatchNorm and Activation, with Keras's names and arguments.

Every layer has `forward(X, training)` and `backward(dY)` on batches (n, features), and keeps
its trainable parameters and their gradients in `params` and `grads` under matching names
(Dense: kernel, bias; BatchNorm: gamma, beta). Inside a Sequential model these arrays are views
into one flat buffer, so the optimizer updates the whole network in a few vectorised calls.
For the diagnostics, each layer remembers its last input, output and output gradient.
"""

from __future__ import annotations

from .activation import Activation
from .base import Layer
from .batch_norm import BatchNorm
from .dense import Dense
from .dropout import Dropout

__all__ = ["LAYERS", "Activation", "BatchNorm", "Dense", "Dropout", "Layer", "from_config"]

LAYERS = {cls.__name__: cls for cls in (Dense, Activation, Dropout, BatchNorm)}


def from_config(class_name: str, config: dict) -> Layer:
    """Rebuild a layer from its class name and `get_config()` output."""
    if class_name not in LAYERS:
        raise ValueError(f"Unknown layer class. Expected one of: {', '.join(LAYERS)}. "
                         f"Received: class_name={class_name!r}")
    return LAYERS[class_name](**config)
