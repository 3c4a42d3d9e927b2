"""Optimizers with Keras's argument names and defaults and torch.optim's documented update rules.

    from playground.nn.optimizers import SGD, RMSprop, Adam, AdamW, Adagrad

One file per rule (sgd.py, rmsprop.py, adam.py, adagrad.py); what they share (learning rate or
schedule, weight decay, gradient clipping, slot state) is in base.py.
"""

from __future__ import annotations

from ..registry import Registry
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .base import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

OPTIMIZERS = Registry("optimizer")  # in the order users see them
for _rule in (SGD, RMSprop, Adam, AdamW, Adagrad):
    OPTIMIZERS.register(_rule.name)(_rule)

__all__ = ["OPTIMIZERS", "SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "from_config", "get"]


def get(spec, **kwargs) -> Optimizer:
    """An Optimizer from a registered name (with keyword arguments) or an Optimizer instance."""
    return OPTIMIZERS.get(spec, base=Optimizer, **kwargs)


def from_config(config: dict) -> Optimizer:
    """Rebuild an optimizer from `get_config()` output (without its slot state)."""
    from .. import schedules

    config = dict(config)
    name = config.pop("name")
    lr = config.get("learning_rate")
    if isinstance(lr, dict):
        lr = dict(lr)
        config["learning_rate"] = schedules.get(lr.pop("name"), **lr)
    return get(name, **config)
