"""Input features, their standardisation (fitted on the training split only) and the train/test split.

    F = make_features(X, ("x1", "x2", "x1sq"))   # (n, 2) -> (n, 3)
    standardizer = Standardizer.fit(F_train); standardizer.transform(F_test)
    parts = split(X, y, train_share, seed, stratify=can_stratify(y, train_share))

Re-exported from playground.datasets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .data_checks import SEED_RANGE, TRAIN_SHARE_RANGE, _check_float, _check_int, _known, _show


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
