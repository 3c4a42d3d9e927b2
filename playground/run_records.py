"""A training run's records and data: Snapshots, RunHistory, RunData, and the measuring budgets.

    data = make_run_data(config)         # split, features standardised with training statistics only
    history = RunHistory()               # per-epoch curves and Snapshots, thinned to stay bounded
    grid_points(size), to_levels(values, low, high)   the drawing grid and its uint8 levels

The Trainer (playground.training) fills these; playground.training re-exports every name here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import diagnostics
from .config import Config
from .datasets import DOMAIN, Standardizer, can_stratify, make_dataset, make_features, split

MAX_SNAPSHOTS = 200          # snapshots kept; beyond, every other one is dropped and k doubles
MAX_CURVE_POINTS = 20_000    # per-epoch curve points kept; beyond, every other one is dropped
TILE_BYTES = 64 * 1024       # budget for one snapshot's neuron tiles
MAX_TILE = 24                # neuron tile side, in grid cells
WEIGHTS_IN_SNAPSHOTS = 20_000  # keep weights in snapshots for networks up to this many parameters
# What measuring a run may spend, in multiply-adds (a point through the network costs about one per
# parameter; this host does ~5e9 a second on one core). For a network too large to fit, the
# boundary grid is made coarser, the layer statistics and each epoch's losses are measured on the
# first rows of the (shuffled) sets, and a snapshot made mid-epoch reuses the last epoch's losses.
# A default run is far below every budget; the largest network a link can ask for (8 x 256 units
# with batch norm, 467k parameters) gets a 25 x 25 grid, statistics over 149 points and losses over
# 1,069 points of each set, so a live frame stays within about twice its training time and an
# epoch's end, or a new run, takes ~0.2 s.
GRID_MACS = 3e8
STATS_MACS = 7e7
EPOCH_EVALUATION_MACS = 5e8  # per set
SNAPSHOT_EVALUATION_MACS = 2e8  # both sets, mid-epoch
MIN_GRID, MIN_ROWS = 20, 64
GRID_LEVELS = 200            # grids are stored as uint8 0..200 (see DESIGN.md: payload size)
NO_SNAPSHOTS = 2**62         # snapshot_every of a run that keeps only its epoch-0 snapshot (sweeps)

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Snapshot:
    """The state of a run at one epoch.

    grid: (g, g) uint8 in 0..200, rows along x2 and columns along x1 over DOMAIN: the output
    probability of class 1 (binary), the winning class's probability (multi-class, with
    grid_class holding the class), or the prediction mapped from [-1, 1] (regression).
    tiles: (neurons, t, t) uint8, each hidden neuron's output over a coarse grid, [-1, 1] -> 0..200.
    """

    epoch: int
    train_loss: float
    test_loss: float
    train_metric: float
    test_metric: float
    grid: np.ndarray
    grid_class: np.ndarray | None
    tiles: np.ndarray
    weights: np.ndarray | None        # flat float32 parameters (small networks only)
    layers: list[diagnostics.LayerStats]
    output_gradient_norm: float
    findings: list[diagnostics.Finding]
    train_classes: np.ndarray | None = None  # (n_train,) uint8 predicted classes (classification), for the
    test_classes: np.ndarray | None = None   # boundary's misclassification marks; (n_test,)


class Evaluation(NamedTuple):
    """A data set's loss and metric (accuracy or R^2), and its predicted classes (uint8; None for regression)."""

    loss: float
    metric: float
    classes: np.ndarray | None


@dataclass
class RunHistory:
    """Per-epoch curves (kept in full up to MAX_CURVE_POINTS) and the snapshots of a run."""

    epochs: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_metric: list[float] = field(default_factory=list)
    test_metric: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    snapshot_every: int = 1
    curve_every: int = 1

    def record(self, epoch: int, train_loss, test_loss, train_metric, test_metric, learning_rate) -> None:
        if epoch % self.curve_every:
            return
        for name, value in (("epochs", epoch), ("train_loss", train_loss), ("test_loss", test_loss),
                            ("train_metric", train_metric), ("test_metric", test_metric),
                            ("learning_rate", learning_rate)):
            getattr(self, name).append(value)
        if len(self.epochs) > MAX_CURVE_POINTS:
            for name in ("epochs", "train_loss", "test_loss", "train_metric", "test_metric", "learning_rate"):
                setattr(self, name, getattr(self, name)[::2])
            self.curve_every *= 2

    def wants_snapshot(self, epoch: int) -> bool:
        return epoch % self.snapshot_every == 0

    def add_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshots.append(snapshot)
        if len(self.snapshots) > MAX_SNAPSHOTS:
            self.snapshot_every *= 2
            self.snapshots = [s for s in self.snapshots if s.epoch % self.snapshot_every == 0]

    @property
    def best_epoch(self) -> int | None:
        """The epoch of the lowest test loss."""
        index = diagnostics.best_epoch(np.asarray(self.test_loss))
        return None if index is None else self.epochs[index]

    def thinned(self, max_points: int = 1000) -> RunHistory:
        """A copy of the curves with at most about `max_points` points (first, last and the best
        test epoch always kept), for drawing; snapshots are not copied."""
        count = len(self.epochs)
        keep = np.unique(np.rint(np.linspace(0, count - 1, min(count, max_points))).astype(int)) if count else []
        best = diagnostics.best_epoch(np.asarray(self.test_loss))
        if best is not None:
            keep = np.union1d(keep, [best])
        copy = RunHistory(snapshot_every=self.snapshot_every, curve_every=self.curve_every)
        for name in ("epochs", "train_loss", "test_loss", "train_metric", "test_metric", "learning_rate"):
            values = getattr(self, name)
            setattr(copy, name, [values[i] for i in keep])
        return copy


@dataclass(frozen=True)
class Change:
    """What applying a new config did: 'none', 'live', 'data' (new data, same weights) or 'rebuilt'."""

    kind: str
    message: str = ""


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True, eq=False)
class RunData:
    """The points of a run and their standardised features, plus the drawing grids' features."""

    X_train: np.ndarray     # (n_train, 2) raw domain coordinates
    X_test: np.ndarray
    y_train: np.ndarray     # (n_train,) labels or targets
    y_test: np.ndarray
    F_train: np.ndarray     # (n_train, n_features) standardised
    F_test: np.ndarray
    standardizer: Standardizer

    def features(self, X: np.ndarray, names) -> np.ndarray:
        return self.standardizer.transform(make_features(X, names))


def grid_points(size: int) -> np.ndarray:
    """(size * size, 2) points of a regular grid over DOMAIN, x1 varying fastest."""
    axis = np.linspace(*DOMAIN, size)
    x1, x2 = np.meshgrid(axis, axis)
    return np.column_stack([x1.ravel(), x2.ravel()])


def make_run_data(config: Config) -> RunData:
    data = config.data
    if data.custom is not None:
        X, y = data.custom.X, data.custom.y
    else:
        X, y = make_dataset(data.dataset, data.n_samples, data.noise, data.seed, data.n_classes)
    stratify = data.task == "classification" and can_stratify(y, data.train_share)
    parts = split(X, y, data.train_share, data.seed, stratify=stratify)
    F_train_raw = make_features(parts.X_train, data.features)
    standardizer = Standardizer.fit(F_train_raw)
    return RunData(parts.X_train, parts.X_test, parts.y_train, parts.y_test,
                   standardizer.transform(F_train_raw),
                   standardizer.transform(make_features(parts.X_test, data.features)), standardizer)


def to_levels(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Map values in [low, high] to uint8 0..GRID_LEVELS (clipped; NaN -> middle)."""
    scaled = (np.nan_to_num(values, nan=(low + high) / 2) - low) * (GRID_LEVELS / (high - low))
    return np.clip(np.rint(scaled), 0, GRID_LEVELS).astype(np.uint8)
