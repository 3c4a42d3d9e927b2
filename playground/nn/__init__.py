"""A small, exact NumPy neural-network engine with Keras's vocabulary and torch.optim's arithmetic.

    from playground.nn import Sequential, Dense, Dropout, BatchNorm
    from playground.nn.optimizers import Adam
    from playground.nn.regularizers import L2

Imports nothing from the rest of the project and nothing but NumPy.
"""

from .history import Callback, EarlyStopping, History
from .layers import Activation, BatchNorm, Dense, Dropout, Layer
from .model import Sequential

__all__ = ["Activation", "BatchNorm", "Callback", "Dense", "Dropout", "EarlyStopping", "History", "Layer",
           "Sequential"]
