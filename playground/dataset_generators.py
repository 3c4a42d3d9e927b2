"""The toy datasets' generators (_GENERATORS, by dataset name), on the square DOMAIN.

playground.datasets.make_dataset validates the arguments, calls one, then shuffles and clips;
what `noise` means per dataset is in playground.datasets' docstring, which re-exports DOMAIN.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

DOMAIN = (-6.0, 6.0)


# ---------------------------------------------------------------------------------------------
# Generators. Each takes (rng, counts, noise) and returns X (n, 2) and y (n,) before shuffling
# and clipping. counts are the per-class sizes (one entry, n, for regression). The draws never
# depend on noise: noise only scales jitter or picks how many of the pre-drawn flips to apply.

_TAU = 2.0 * np.pi


def _class_counts(n: int, k: int) -> list[int]:
    return [n // k + (i < n % k) for i in range(k)]


def _labels(counts: list[int]) -> np.ndarray:
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def _jitter(rng: np.random.Generator, values: np.ndarray, noise: float) -> np.ndarray:
    return values + noise * rng.standard_normal(values.shape)


def _flip(rng: np.random.Generator, y: np.ndarray, noise: float) -> np.ndarray:
    """Give exactly round(noise * (n // 2)) points of each of the two classes the other label."""
    k = round(noise * (len(y) // 2))
    flipped = y.copy()
    for c in (0, 1):
        chosen = rng.permutation(np.flatnonzero(y == c))[:k]
        flipped[chosen] = 1 - c
    return flipped


def _polar(r: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def _circle(rng, counts, noise):
    n_ring, n_disc = counts  # class 0: ring 3.5 <= r <= 5; class 1: disc r <= 2.5 (area-uniform)
    r_ring = np.sqrt(rng.uniform(3.5**2, 5.0**2, n_ring))
    r = np.concatenate([r_ring, 2.5 * np.sqrt(rng.uniform(0, 1, n_disc))])
    X = _polar(r, rng.uniform(0, _TAU, len(r)))
    return X, _flip(rng, _labels(counts), noise)


def _xor(rng, counts, noise):
    y = _labels(counts)  # class 1 where x1 * x2 > 0
    # Distances from the axes start at 0.3, so no point sits on a quadrant border.
    X = rng.uniform(0.3, 5.5, (len(y), 2)) * rng.choice([-1.0, 1.0], size=(len(y), 1))
    X[:, 1] *= np.where(y == 1, 1.0, -1.0)
    return X, _flip(rng, y, noise)


def _sk_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def _blobs_at(rng, counts, noise, centers):
    from sklearn.datasets import make_blobs  # imported here: importing the catalogue stays fast

    X, y = make_blobs(
        n_samples=counts,
        centers=centers,
        cluster_std=0.5 + 2.0 * noise,
        shuffle=False,
        random_state=_sk_seed(rng),
    )
    return X, y.astype(np.int64)


def _gauss(rng, counts, noise):
    return _blobs_at(rng, counts, noise, np.array([[-2.0, -2.0], [2.0, 2.0]]))


def _blobs(rng, counts, noise):
    angles = np.pi / 2 + _TAU * np.arange(len(counts)) / len(counts)
    return _blobs_at(rng, counts, noise, _polar(np.full(len(counts), 3.5), angles))


def _spirals(rng, counts, noise):
    k = len(counts)
    y = _labels(counts)
    s = rng.uniform(0, 1, len(y))  # position along the arm
    # 1.75 turns from r = 0.25 to r = 5.5; arm c is rotated by c / k of a turn.
    X = _polar(0.25 + 5.25 * s, 1.75 * _TAU * s + _TAU * y / k)
    return _jitter(rng, X, noise), y


def _moons(rng, counts, noise):
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=tuple(counts), shuffle=False, noise=None)
    # sklearn's moons span [-1, 2] x [-0.5, 1]: centre them and scale by 3 into [-4.5, 4.5] x [-2.25, 2.25].
    X = (X - np.array([0.5, 0.25])) * 3.0
    return _jitter(rng, X, noise), y.astype(np.int64)


def _linear(rng, counts, noise):
    theta = rng.uniform(0, _TAU)
    w = np.array([np.cos(theta), np.sin(theta)])
    b = rng.uniform(-1.5, 1.5)
    parts = []
    for c, m in enumerate(counts):
        side = 1.0 if c == 1 else -1.0
        got = np.empty((0, 2))
        while len(got) < m:  # rejection sampling: keep points at least 0.5 away from the line
            cand = rng.uniform(-5.5, 5.5, (4 * m, 2))
            got = np.concatenate([got, cand[side * (cand @ w + b) >= 0.5]])
        parts.append(got[:m])
    return _jitter(rng, np.concatenate(parts), noise), _labels(counts)


def _checkerboard(rng, counts, noise):
    y = _labels(counts)  # a 4 x 4 board of 3 x 3 cells; cell (i, j) has class (i + j) % 2
    cells = np.array([[(i, j) for i in range(4) for j in range(4) if (i + j) % 2 == c] for c in (0, 1)])
    ij = cells[y, rng.integers(0, 8, len(y))]
    X = DOMAIN[0] + 3.0 * ij + rng.uniform(0.05, 2.95, (len(y), 2))  # 0.05 margin inside each cell
    return X, _flip(rng, y, noise)


def _rings(rng, counts, noise):
    k = len(counts)
    y = _labels(counts)
    width = 5.5 / k  # class 0 is the central disc, class c the c-th ring; 30 % of each band is gap
    lo = np.where(y == 0, 0.0, (y + 0.15) * width)
    hi = (y + 0.85) * width
    r = np.sqrt(rng.uniform(lo**2, hi**2))
    theta = rng.uniform(0, _TAU, len(y))
    return _polar(_jitter(rng, r, noise), theta), y


_BUMPS = np.array(  # x1, x2, sign of six Gaussian bumps
    [
        [-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
        [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0],
    ]
)


def _regression(target: Callable[[np.ndarray], np.ndarray]):
    def generate(rng, counts, noise):
        X = rng.uniform(*DOMAIN, (counts[0], 2))
        y = target(X) + noise * rng.standard_normal(counts[0])
        return X, np.clip(y, -1.0, 1.0)

    return generate


def _bumps(X: np.ndarray) -> np.ndarray:
    d2 = ((X[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)
    return (_BUMPS[:, 2] * np.exp(-d2 / (2 * 1.2**2))).sum(axis=1)


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gauss": _gauss,
    "spiral": _spirals,
    "moons": _moons,
    "blobs": _blobs,
    "spirals": _spirals,
    "linear": _linear,
    "checkerboard": _checkerboard,
    "rings": _rings,
    "plane": _regression(lambda X: (X[:, 0] + X[:, 1]) / 12.0),
    "gaussians": _regression(_bumps),
    "sine": _regression(lambda X: np.sin(X[:, 0])),
}
