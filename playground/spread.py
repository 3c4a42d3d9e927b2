"""The spread over seeds: "is this luck?" The same config trained from several seeds, with the
mean and the range of its curves and of its decision boundary.

    job = SpreadJob(config, seeds=5, epochs=100)
    while not job.advance(seconds=0.25):   # one seed after another, in slices of bounded time
        show(job.progress)
    spread = job.result()                  # or, stopped early, the seeds finished so far

    spread = seed_spread(config, seeds=5, epochs=100)   # the same, in one call

Only one seed's Trainer exists at a time; a finished seed keeps just its curves and its
network's outputs over the boundary grid.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .config import BOUNDS, Config
from .training import Trainer, grid_points

CURVES = ("train_loss", "test_loss", "train_metric", "test_metric")


@dataclass(frozen=True)
class Band:
    """A per-epoch curve over seeds: mean, standard deviation, minimum and maximum, each (epochs,).

    A seed whose run stopped early (diverged) counts only for the epochs it reached; epochs no
    seed reached are NaN.
    """

    mean: np.ndarray
    std: np.ndarray
    low: np.ndarray
    high: np.ndarray

    @classmethod
    def of(cls, curves: np.ndarray) -> Band:
        """From (seeds, epochs) values, NaN where a seed has no value."""
        with np.errstate(all="ignore"):
            present = np.isfinite(curves)
            count = present.sum(axis=0)
            filled = np.where(present, curves, 0.0)
            mean = np.where(count > 0, filled.sum(axis=0) / np.maximum(count, 1), np.nan)
            var = np.where(count > 0, (np.where(present, curves - mean, 0.0) ** 2).sum(axis=0)
                           / np.maximum(count, 1), np.nan)
            low = np.where(count > 0, np.where(present, curves, np.inf).min(axis=0), np.nan)
            high = np.where(count > 0, np.where(present, curves, -np.inf).max(axis=0), np.nan)
        return cls(mean, np.sqrt(var), low, high)


@dataclass(frozen=True)
class SeedSpread:
    """The same config trained from several seeds.

    epochs: (E,) the recorded epochs (0, 1, 2, ...); train_loss, test_loss, train_metric, test_metric: Bands over them.
    grid_mean, grid_std: (g, g) mean and standard deviation over seeds of the boundary's value
    (binary: probability of class 1; multi-class: the probability of the class that wins on
    average; regression: the prediction), rows along x2 and columns along x1 as Snapshot.grid.
    class_share: (K, g, g) the fraction of seeds predicting each class in each cell
    (classification; class_share[1] is "the share of seeds that say class 1"), None for regression.
    agreement: (g, g) the largest class share per cell (1: every seed agrees), None for regression.
    """

    seeds: tuple[int, ...]
    statuses: tuple[str, ...]
    epochs: np.ndarray
    train_loss: Band
    test_loss: Band
    train_metric: Band
    test_metric: Band
    grid_mean: np.ndarray
    grid_std: np.ndarray
    class_share: np.ndarray | None
    agreement: np.ndarray | None


@dataclass(frozen=True)
class _FinishedSeed:
    """What a finished seed keeps: its status, its curves by name and its grid outputs (g * g, units)."""

    status: str
    epochs: list[int]
    curves: dict[str, list[float]]
    outputs: np.ndarray


def seed_trainer(config: Config, seed: int, vary: str = "init") -> Trainer:
    """A Trainer for `config` whose network is drawn from `seed`.

    vary="init": the data stay those of the config's own seed, and only the initial weights,
    the batch order and the dropout masks come from `seed` (the config's weights_seed).
    vary="all": the config with data.seed=`seed` for both, so the points change too.
    """
    if vary == "all":
        return Trainer(config.replace(seed=seed, weights_seed=None))
    if vary != "init":
        raise ValueError(f"vary must be 'init' or 'all'. Received: vary={vary!r}")
    return Trainer(config.replace(weights_seed=seed))


def spread_seeds(config: Config, seeds: int | Sequence[int], vary: str = "init") -> tuple[int, ...]:
    """A count (the config's seed and the next ones: its network seed for vary="init", its data
    seed for vary="all") or the seeds themselves, as a tuple."""
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1. Received: seeds={seeds}")
        top = int(BOUNDS["seed"].high) + 1
        first = config.data.seed if vary == "all" else config.network_seed
        return tuple((first + i) % top for i in range(seeds))
    return tuple(int(s) for s in seeds)


class SpreadJob:
    """A seed spread trained seed after seed in slices of bounded time (see the module docstring).

    grid: the boundary's resolution (default: the first seed's Trainer's, i.e. the config's
    view.grid unless the network is too large for it).
    """

    def __init__(self, config: Config, seeds: int | Sequence[int] = 5, epochs: int = 100, vary: str = "init",
                 grid: int | None = None):
        self.config, self.seeds, self.epochs, self.vary = config, spread_seeds(config, seeds, vary), int(epochs), vary
        self.grid = grid
        self.finished: list[_FinishedSeed] = []
        self._trainer: Trainer | None = None

    @property
    def done(self) -> bool:
        return len(self.finished) == len(self.seeds)

    @property
    def current_seed(self) -> int | None:
        """The seed in training (or next to train), None when done."""
        return None if self.done else self.seeds[len(self.finished)]

    @property
    def progress(self) -> float:
        """The share of the whole job done, in [0, 1]."""
        part = 0.0
        if self._trainer is not None and self.epochs:
            part = min(1.0, (self._trainer.epoch + self._trainer.epoch_progress) / self.epochs)
        return (len(self.finished) + part) / len(self.seeds)

    def advance(self, seconds: float | None = None) -> bool:
        """Train for `seconds` (None: to the end), at least one batch; True when every seed is done."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        while not self.done:
            self._train_current(None if deadline is None else max(0.0, deadline - time.perf_counter()))
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.done

    def finish_seed(self) -> None:
        """Train the current seed to its last epoch."""
        if not self.done:
            self._train_current(None)

    def _train_current(self, seconds: float | None) -> None:
        if self._trainer is None:
            self._trainer = seed_trainer(self.config, self.current_seed, self.vary)
        trainer = self._trainer
        trainer.advance(epochs=self.epochs - trainer.epoch, seconds=seconds)
        if trainer.epoch >= self.epochs or trainer.status != "ready":
            self._finish(trainer)

    def _finish(self, trainer: Trainer) -> None:
        if self.grid is None:
            self.grid = trainer.grid_size
        history = trainer.history
        self.finished.append(_FinishedSeed(trainer.status, list(history.epochs),
                                           {name: list(getattr(history, name)) for name in CURVES},
                                           _grid_outputs(trainer, self.grid)))
        self._trainer = None  # freed before the next seed's Trainer is built

    def result(self) -> SeedSpread:
        """The spread of the seeds finished so far (all of them once `done`)."""
        if not self.finished:
            raise ValueError("No seed has finished yet: advance the job first.")
        return _summarise(self.config, self.seeds[:len(self.finished)], self.finished, self.grid)


def seed_spread(config: Config, seeds: int | Sequence[int] = 5, epochs: int = 100, vary: str = "init",
                grid: int | None = None,
                on_seed: Callable[[int, tuple[int, ...]], None] | None = None) -> SeedSpread:
    """Train `config` from several seeds for `epochs` epochs and summarise the spread, in one call.

    seeds: a count (the config's seed and the next ones) or the seeds themselves. vary: "init"
    (default: the same points, different initial weights and batch order) or "all" (the points
    change with the seed too). grid: the boundary's resolution (see SpreadJob).
    on_seed: called as on_seed(done, seeds) before the first seed trains (done=0) and after each
    seed is trained (done=1, 2, ...), e.g. to show progress.
    """
    job = SpreadJob(config, seeds, epochs, vary, grid)
    while not job.done:
        if on_seed is not None:
            on_seed(len(job.finished), job.seeds)
        job.finish_seed()
    if on_seed is not None:
        on_seed(len(job.finished), job.seeds)
    return job.result()


def _curve(values: list[float], length: int) -> np.ndarray:
    out = np.full(length, np.nan)
    out[:len(values)] = values
    return out


def _summarise(config: Config, seeds: tuple[int, ...], finished: list[_FinishedSeed], size: int) -> SeedSpread:
    longest = max(finished, key=lambda seed: len(seed.epochs))
    length = len(longest.epochs)
    bands = {name: Band.of(np.array([_curve(seed.curves[name], length) for seed in finished])) for name in CURVES}
    outputs = np.array([seed.outputs for seed in finished])  # (seeds, g * g, units)
    class_share = agreement = None
    if config.data.task == "classification":
        k = config.data.class_count
        winners = outputs.argmax(axis=2) if outputs.shape[2] > 1 else (outputs[:, :, 0] > 0.5).astype(int)
        class_share = np.stack([(winners == c).mean(axis=0) for c in range(k)]).reshape(k, size, size)
        agreement = class_share.max(axis=0)
    if outputs.shape[2] > 1:  # multi-class: the probability of the class that wins on average
        values = outputs[:, np.arange(outputs.shape[1]), outputs.mean(axis=0).argmax(axis=1)]
    else:
        values = outputs[:, :, 0]
    return SeedSpread(seeds, tuple(seed.status for seed in finished), np.array(longest.epochs), **bands,
                      grid_mean=values.mean(axis=0).reshape(size, size),
                      grid_std=values.std(axis=0).reshape(size, size),
                      class_share=class_share, agreement=agreement)


def _grid_outputs(trainer: Trainer, size: int) -> np.ndarray:
    """The network's outputs (g * g, units) over a size x size grid of the domain."""
    features = trainer.data.features(grid_points(size), trainer.config.data.features)
    with np.errstate(all="ignore"):
        return trainer.model.predict(features)
