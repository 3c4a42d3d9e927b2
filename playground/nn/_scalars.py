"""Read-only constant arrays for the hot element-wise calls of a training step.

A Python float passed to a NumPy ufunc is converted on every call, which costs a small-array
call about 40 % more than a 0-d array does (0.57 against 0.39 us, measured here); sums of small
arrays are cheapest as a dot product with a vector of ones.
"""

from __future__ import annotations

import functools

import numpy as np


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


ZERO = _read_only(np.zeros(()))


@functools.lru_cache(maxsize=32)
def reciprocal(n: int) -> np.ndarray:
    """1 / n as a read-only 0-d array (a batch mean's factor)."""
    return _read_only(np.array(1.0 / n))


@functools.lru_cache(maxsize=32)
def ones(n: int) -> np.ndarray:
    """A read-only vector of n ones: a dot product with it sums a small array."""
    return _read_only(np.ones(n))
