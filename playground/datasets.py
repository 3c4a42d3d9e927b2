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
into training. The generators live in playground.dataset_generators, the features, standardiser
and split in playground.features, the ranges and checks in playground.data_checks; this module
holds the catalogue and make_dataset, and re-exports the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data_checks import (
    N_CLASSES_RANGE,
    N_SAMPLES_RANGE,
    NOISE_RANGE,
    SEED_RANGE,
    TRAIN_SHARE_RANGE,
    _check_float,
    _check_int,
    _known,
    _show,
)
from .dataset_generators import _GENERATORS, DOMAIN, _class_counts
from .features import (
    DEFAULT_FEATURES,
    FEATURES,
    FeatureInfo,
    Split,
    Standardizer,
    can_stratify,
    make_features,
    split,
)

__all__ = ["DATASETS", "DEFAULT_FEATURES", "DOMAIN", "FEATURES", "NOISE_RANGE", "N_CLASSES_RANGE", "N_SAMPLES_RANGE",
           "SEED_RANGE", "TRAIN_SHARE_RANGE", "DatasetInfo", "FeatureInfo", "Split", "Standardizer", "can_stratify",
           "list_datasets", "make_dataset", "make_features", "split"]

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
