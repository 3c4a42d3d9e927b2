"""The How it learns page's trace of one optimizer step: bounded in cost, made once per state.

A trace keeps every layer's values for every example of the batch, so its cost is about
(examples x parameters) multiply-adds and as many floats. A batch of a very large network is
traced on its first rows; and the page's reruns (every Next step click) reuse the trace as long
as the network, its optimizer and the traced points are the same.
"""

from __future__ import annotations

import hashlib

import numpy as np

from playground import tracing
from playground.nn import Sequential
from playground.ui.memo import last_made

TRACE_MACS = 2e8          # the default network traces any batch; 8 x 256 units, ~370 examples
CACHE_KEY = "hil_trace"   # session_state: (state digest, StepTrace)


def traced_rows(model: Sequential, rows: int) -> int:
    """How many of `rows` examples a trace of `model` may hold (at least one)."""
    return max(1, min(rows, int(TRACE_MACS // max(1, model.count_params()))))


def _digest(*arrays: np.ndarray) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for array in arrays:
        hasher.update(np.ascontiguousarray(array).tobytes())
    return hasher.hexdigest()


def cached_trace(model: Sequential, X: np.ndarray, y: np.ndarray) -> tracing.StepTrace:
    """`tracing.trace_step(model, X, y)`, reused while the weights, the optimizer's step count
    and the points are those of the last trace of this session."""
    key = (_digest(model.flat_params, X, y), model.optimizer.iterations, repr(model.optimizer.get_config()))
    return last_made(CACHE_KEY, key, lambda: tracing.trace_step(model, X, y))
