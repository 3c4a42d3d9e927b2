"""Toy 2-D datasets, input features and the train/test split.

Every dataset lives on the square ``DOMAIN = (-6, 6)`` in both coordinates; points are clipped
into it after any jitter. Generators are deterministic for a given ``seed``: each call builds one
``numpy.random.Generator`` from the seed (scikit-learn generators get a ``random_state`` drawn
from it), and nothing touches global ``np.random``. The random draws do not depend on ``noise``,
so moving the noise slider with a fixed seed keeps the underlying points and only adds noise.

Classes are balanced: class counts differ by at most one. Rows are shuffled.

What ``noise`` (0..0.5) means, per dataset:

==============  ===========================================================================
circle, xor,    label flips: exactly ``round(noise * (n // 2))`` points of *each* class get
checkerboard    the other label, so a ``noise`` fraction of all labels is wrong (0.5: none
                of the labels says anything) and the classes stay balanced.
spiral,         position jitter: Gaussian noise with std ``noise`` (domain units) added to
spirals,        both coordinates.
moons, linear
rings           radial jitter: Gaussian noise with std ``noise`` added to each radius.
gauss, blobs    spread: every cluster is Gaussian with std ``0.5 + 2 * noise``.
plane,          target noise: Gaussian noise with std ``noise`` added to the target, which is
gaussians,      then clipped back into [-1, 1].
sine
==============  ===========================================================================

Input features (``FEATURES``) are computed on the raw domain coordinates. ``Standardizer`` is
fitted on the training split only and then applied to both splits, so no test statistics leak
into training.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

DOMAIN = (-6.0, 6.0)
N_SAMPLES_RANGE = (50, 5000)
NOISE_RANGE = (0.0, 0.5)
N_CLASSES_RANGE = (2, 6)
TRAIN_SHARE_RANGE = (0.1, 0.9)
SEED_RANGE = (0, 2**32 - 1)

_FLIP = "A `noise` fraction of the labels is flipped (the same number in each class)."
_JITTER = "Gaussian jitter with std `noise` is added to both coordinates of every point."
_SPREAD = "Each cluster's standard deviation grows: 0.5 + 2 x noise."
_TARGET = "Gaussian noise with std `noise` is added to the target (then clipped to [-1, 1])."


@dataclass(frozen=True)
class DatasetInfo:
    """Catalogue entry of one toy dataset.

    ``name`` is the key used in configs and URLs; ``n_classes`` is the default class count
    (0 for regression); ``variable_classes`` says whether the user may choose K in 2..6.
    """

    name: str
    label: str
    task: str
    n_classes: int
    variable_classes: bool
    noise_meaning: str
    description: str


def _info(name, label, task, n_classes, variable, noise, description) -> tuple[str, DatasetInfo]:
    return name, DatasetInfo(name, label, task, n_classes, variable, noise, description)


DATASETS: dict[str, DatasetInfo] = dict(
    [
        _info("circle", "Circle", "classification", 2, False, _FLIP,
              "An inner disc surrounded by a ring."),
        _info("xor", "Exclusive or", "classification", 2, False, _FLIP,
              "Opposite quadrants share a class."),
        _info("gauss", "Gaussian", "classification", 2, False, _SPREAD,
              "Two Gaussian blobs on the diagonal."),
        _info("spiral", "Spiral", "classification", 2, False, _JITTER,
              "Two interleaved spiral arms."),
        _info("moons", "Two moons", "classification", 2, False, _JITTER,
              "Two interleaving half circles."),
        _info("blobs", "Blobs (K classes)", "classification", 3, True, _SPREAD,
              "K Gaussian blobs placed around a circle."),
        _info("spirals", "Spiral (K arms)", "classification", 3, True, _JITTER,
              "K interleaved spiral arms."),
        _info("linear", "Linearly separable", "classification", 2, False, _JITTER,
              "Two classes on either side of a line, with a margin."),
        _info("checkerboard", "Checkerboard", "classification", 2, False, _FLIP,
              "A 4 x 4 board of alternating cells."),
        _info("rings", "Rings (K classes)", "classification", 3, True,
              "Gaussian jitter with std `noise` is added to every point's radius.",
              "K concentric rings around a central disc."),
        _info("plane", "Plane", "regression", 0, False, _TARGET,
              "The target rises linearly along the diagonal."),
        _info("gaussians", "Multi-Gaussian", "regression", 0, False, _TARGET,
              "Six Gaussian bumps of alternating sign."),
        _info("sine", "Sine", "regression", 0, False, _TARGET,
              "The target is sin(X_1): waves along the first axis."),
    ]
)


class FeatureInfo(NamedTuple):
    """An input feature: the label shown to users and ``fn``, mapping X (n, 2) to (n,)."""

    label: str
    fn: Callable[[np.ndarray], np.ndarray]


FEATURES: dict[str, FeatureInfo] = {
    "x1": FeatureInfo("x₁", lambda X: X[:, 0]),
    "x2": FeatureInfo("x₂", lambda X: X[:, 1]),
    "x1sq": FeatureInfo("x₁²", lambda X: X[:, 0] ** 2),
    "x2sq": FeatureInfo("x₂²", lambda X: X[:, 1] ** 2),
    "x1x2": FeatureInfo("x₁x₂", lambda X: X[:, 0] * X[:, 1]),
    "sinx1": FeatureInfo("sin x₁", lambda X: np.sin(X[:, 0])),
    "sinx2": FeatureInfo("sin x₂", lambda X: np.sin(X[:, 1])),
    "cosx1": FeatureInfo("cos x₁", lambda X: np.cos(X[:, 0])),
    "cosx2": FeatureInfo("cos x₂", lambda X: np.cos(X[:, 1])),
}

DEFAULT_FEATURES = ("x1", "x2")


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Per-column standardisation ``(F - mean) / scale``, fitted on the training split only.

    ``mean`` and ``scale`` have shape (n_features,). A column that is constant on the training
    split gets ``scale = 1`` so it maps to zeros instead of dividing by zero.
    """

    mean: np.ndarray
    scale: np.ndarray

    @classmethod
    def fit(cls, F_train: np.ndarray) -> Standardizer:
        """Fit on the training features ``F_train`` (n, n_features), n >= 1."""
        F = np.asarray(F_train, dtype=np.float64)
        if F.ndim != 2 or F.shape[0] < 1:
            raise ValueError(
                f"Expected `F_train` of shape (n, n_features) with n >= 1. Received: F_train.shape={F.shape}"
            )
        mean = F.mean(axis=0)
        std = F.std(axis=0)
        # Rounding leaves a constant column with a std of ~1e-16 * |mean|; treat that as zero.
        scale = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
        return cls(mean=mean, scale=scale)

    def transform(self, F: np.ndarray) -> np.ndarray:
        """Standardise ``F`` (n, n_features) with the fitted statistics; returns float64 (n, n_features)."""
        F = np.asarray(F, dtype=np.float64)
        if F.ndim != 2 or F.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"Expected `F` of shape (n, {self.mean.shape[0]}). Received: F.shape={F.shape}"
            )
        return (F - self.mean) / self.scale


@dataclass(frozen=True, eq=False)
class Split:
    """A train/test split: X_* of shape (n_*, 2), y_* of shape (n_*,)."""

    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


# ---------------------------------------------------------------------------------------------
# Validation (Keras-style messages: what was expected, then "Received: name=value").


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


def _get_info(name) -> DatasetInfo:
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(f"Unknown dataset. Expected one of {_known(DATASETS)}. Received: name={_show(name)}")
    return DATASETS[name]


def _check_n_classes(info: DatasetInfo, n_classes) -> int:
    if n_classes is None:
        return info.n_classes
    if info.variable_classes:
        return _check_int("n_classes", n_classes, N_CLASSES_RANGE)
    if isinstance(n_classes, bool) or n_classes != info.n_classes:
        raise ValueError(
            f"Dataset {info.name!r} has a fixed number of classes ({info.n_classes}); pass None or "
            f"{info.n_classes}. Received: n_classes={_show(n_classes)}"
        )
    return info.n_classes


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


# ---------------------------------------------------------------------------------------------
# Public functions


def list_datasets() -> list[DatasetInfo]:
    """All catalogue entries, in picker order."""
    return list(DATASETS.values())


def make_dataset(
    name: str, n_samples: int = 500, noise: float = 0.0, seed: int = 0, n_classes: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Generate a toy dataset on the square ``DOMAIN`` x ``DOMAIN``.

    Parameters
    ----------
    name : a key of ``DATASETS``.
    n_samples : number of points, 50..5000.
    noise : 0..0.5; its meaning per dataset is in the module docstring and ``noise_meaning``.
    seed : 0..2**32 - 1; the same arguments always give the same data.
    n_classes : K in 2..6 for datasets with ``variable_classes``; otherwise None or the fixed count.

    Returns
    -------
    X : (n_samples, 2) float64, every value in [-6, 6].
    y : (n_samples,) int64 labels 0..K-1 for classification; float64 in [-1, 1] for regression.
    """
    info = _get_info(name)
    n = _check_int("n_samples", n_samples, N_SAMPLES_RANGE)
    noise = _check_float("noise", noise, NOISE_RANGE)
    seed = _check_int("seed", seed, SEED_RANGE)
    k = _check_n_classes(info, n_classes)
    rng = np.random.default_rng(seed)
    counts = _class_counts(n, k) if info.task == "classification" else [n]
    X, y = _GENERATORS[name](rng, counts, noise)
    order = rng.permutation(n)
    X = np.clip(np.asarray(X, dtype=np.float64)[order], *DOMAIN)
    y = y[order].astype(np.int64 if info.task == "classification" else np.float64)
    return X, y


def make_features(X: np.ndarray, features) -> np.ndarray:
    """Stack the named input features of ``X`` (n, 2) into (n, len(features)), in the order given."""
    keys = tuple(features) if isinstance(features, Iterable) and not isinstance(features, str) else ()
    if not keys:
        raise ValueError(
            f"Expected `features` to be a non-empty sequence of feature names from {_known(FEATURES)}. "
            f"Received: features={_show(features)}"
        )
    for key in keys:
        if not isinstance(key, str) or key not in FEATURES:
            raise ValueError(
                f"Unknown feature. Expected one of {_known(FEATURES)}. Received: feature={_show(key)}"
            )
    if len(set(keys)) != len(keys):
        raise ValueError(f"Expected each feature at most once. Received: features={_show(list(keys))}")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Expected `X` of shape (n, 2). Received: X.shape={X.shape}")
    return np.column_stack([FEATURES[key].fn(X) for key in keys])


def can_stratify(y: np.ndarray, train_share: float) -> bool:
    """Whether a stratified split of the integer labels y (n,) is possible: every class has two
    points or more, and each side gets at least one point per class."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    n_train = math.floor(len(y) * train_share)
    return bool(counts.min() >= 2 and min(n_train, len(y) - n_train) >= len(counts))


def split(X: np.ndarray, y: np.ndarray, train_share: float, seed: int, stratify: bool) -> Split:
    """Shuffle and split into train and test with scikit-learn's ``train_test_split``.

    The training split gets ``floor(train_share * n)`` rows. With ``stratify`` (use it for
    classification; ``y`` must hold integer labels) each class is split in the same proportion,
    to within one sample.
    """
    train_share = _check_float("train_share", train_share, TRAIN_SHARE_RANGE)
    seed = _check_int("seed", seed, SEED_RANGE)
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2 or y.ndim != 1 or len(X) != len(y):
        raise ValueError(
            "Expected `X` of shape (n, d) and `y` of shape (n,). "
            f"Received: X.shape={X.shape}, y.shape={y.shape}"
        )
    if stratify and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"Expected integer class labels `y` to stratify. Received: y.dtype={y.dtype}")
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, train_size=train_share, random_state=seed, shuffle=True, stratify=y if stratify else None
    )
    return Split(X_train, X_test, y_train, y_test)
