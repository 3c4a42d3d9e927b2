"""Central finite differences, the independent reference for every analytic gradient."""

import numpy as np

STEP = 1e-6


def numerical_gradient(f, x: np.ndarray, step: float = STEP) -> np.ndarray:
    """d f / d x by central differences; `f` reads `x`, which is perturbed in place and restored."""
    grad = np.zeros_like(x)
    flat_x, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        original = flat_x[i]
        flat_x[i] = original + step
        plus = f()
        flat_x[i] = original - step
        minus = f()
        flat_x[i] = original
        flat_grad[i] = (plus - minus) / (2 * step)
    return grad


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """||a - n|| / (||a|| + ||n||); 0 when both vanish."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale < 1e-300 else float(np.linalg.norm(analytic - numeric) / scale)
