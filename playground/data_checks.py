"""The data settings' ranges and their Keras-style checks ("Expected ... Received: name=value").

Used by playground.datasets (make_dataset) and playground.features (split); both re-export the ranges.
"""

from __future__ import annotations

import numpy as np

N_SAMPLES_RANGE = (50, 5000)
NOISE_RANGE = (0.0, 0.5)
N_CLASSES_RANGE = (2, 6)
TRAIN_SHARE_RANGE = (0.1, 0.9)
SEED_RANGE = (0, 2**32 - 1)


def _show(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _known(names) -> str:
    return ", ".join(repr(k) for k in names)


def _check_int(name: str, value, bounds: tuple[int, int]) -> int:
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= value <= hi:
        raise ValueError(
            f"Expected `{name}` to be an integer in [{lo}, {hi}]. Received: {name}={_show(value)}"
        )
    return int(value)


def _check_float(name: str, value, bounds: tuple[float, float]) -> float:
    lo, hi = bounds
    ok = not isinstance(value, bool) and isinstance(value, int | float | np.integer | np.floating)
    if not ok or not lo <= value <= hi:  # NaN fails the comparison too
        raise ValueError(f"Expected `{name}` to be a number in [{lo}, {hi}]. Received: {name}={_show(value)}")
    return float(value)

