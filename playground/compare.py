"""Side-by-side runs: 1-4 Trainers advanced in lockstep, "vary one thing", and the spread over seeds.

    base = Config().replace(dataset="xor", hidden=())
    comparison = Comparison([base, vary(base, layers="4tanh")], labels=["no hidden layer", "4 tanh units"])
    comparison.advance(epochs=50)            # every run ends the same epochs
    comparison.runs[1].history.test_metric   # each run is a Trainer with its own history

What the runs share, so that the one thing varied is the only difference:

- the data: the same points and the same train/test split (the data configs may differ only in
  their input features, which belong to the network); a Comparison refuses anything else;
- the mini-batch order: a model's shuffle stream is spawned from the seed alone, independently
  of its layers, so every run with the same seed visits the same batches in the same order;
- the initial weights wherever the networks have the same layer shapes and initializer: the
  weights are drawn from the seed's own stream layer by layer (runs that differ only in optimizer,
  learning rate, activation, regularization or dropout start from identical weights).

``seed_spread`` answers "is this luck?": the same config over several seeds, with the mean and
the range of its curves and of its decision boundary.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields

import numpy as np

from .config import BOUNDS, Config, LayerConfig, parse_layers
from .training import Trainer, grid_points

MIN_RUNS, MAX_RUNS = 1, 4
_LAYER_FIELDS = tuple(f.name for f in fields(LayerConfig))  # units, activation, dropout, batch_norm


# ---------------------------------------------------------------------------------------------
# Vary one thing


def vary(base: Config, **changes) -> Config:
    """A copy of `base` with `changes`, as ``Config.replace``, plus shorthands for the hidden layers.

    ``units``, ``activation``, ``dropout`` and ``batch_norm`` apply to every hidden layer, and
    ``layers`` takes the URL form (``"8relu,8relu-bn"``, ``"0"`` for none)::

        vary(base, activation="leaky_relu")     # the same network with leaky ReLUs
        vary(base, dropout=0.5)                 # dropout after every hidden layer
        vary(base, layers="16relu,16relu")      # another architecture
    """
    layer_changes = {name: changes.pop(name) for name in _LAYER_FIELDS if name in changes}
    if "layers" in changes:
        changes["hidden"] = parse_layers(changes.pop("layers"))
    hidden = changes.get("hidden", base.network.hidden)
    if layer_changes:
        changes["hidden"] = tuple(layer.replace(**layer_changes) for layer in hidden)
    return base.replace(**changes)


def _data_differences(a: Config, b: Config) -> list[str]:
    """The data fields (input features aside) on which two configs differ."""
    return [f.name for f in fields(a.data)
            if f.name != "features" and getattr(a.data, f.name) != getattr(b.data, f.name)]


def default_labels(configs: Sequence[Config]) -> list[str]:
    """Short labels naming what differs from the first config (e.g. "optimizer=sgd, momentum=0.9")."""
    first = configs[0].to_query()
    labels = []
    for index, config in enumerate(configs):
        query = config.to_query()
        keys = sorted(set(first) | set(query))
        diff = [f"{key}={query.get(key, 'default')}" for key in keys if query.get(key) != first.get(key)]
        labels.append(", ".join(diff) if diff and index else f"run {index + 1}")
    return labels


# ---------------------------------------------------------------------------------------------
# Lockstep comparison


@dataclass
class CompareRun:
    """One run of a comparison: its label, its Trainer and the weights it started from."""

    label: str
    trainer: Trainer
    initial_weights: list[np.ndarray]

    @property
    def config(self) -> Config:
        return self.trainer.config

    @property
    def history(self):
        return self.trainer.history

    @property
    def status(self) -> str:
        return self.trainer.status

    def same_start(self, other: CompareRun) -> bool:
        """True when both runs started from exactly the same weights."""
        mine, theirs = self.initial_weights, other.initial_weights
        return len(mine) == len(theirs) and all(a.shape == b.shape and np.array_equal(a, b)
                                                for a, b in zip(mine, theirs, strict=True))


class Comparison:
    """1-4 runs on the same data, advanced by the same number of epochs (see the module docstring).

    A run that diverges or stops early stays at its last epoch (its status says why); the others
    go on. ``epoch`` is the number of epochs every ready run has completed.
    """

    def __init__(self, configs: Sequence[Config], labels: Sequence[str] | None = None):
        configs = list(configs)
        labels = self.check(configs, labels)
        self.runs: list[CompareRun] = []
        for label, config in zip(labels, configs, strict=True):
            trainer = Trainer(config)
            self.runs.append(CompareRun(str(label), trainer, trainer.model.get_weights()))
        self.epoch = 0

    @staticmethod
    def check(configs: Sequence[Config], labels: Sequence[str] | None = None) -> list[str]:
        """The runs' labels if `configs` and `labels` make a comparison; ValueError saying why not.
        Nothing is built, so a caller can check before it frees the comparison it replaces."""
        configs = list(configs)
        if not MIN_RUNS <= len(configs) <= MAX_RUNS or not all(isinstance(c, Config) for c in configs):
            raise ValueError(f"A comparison needs {MIN_RUNS} to {MAX_RUNS} Config objects. "
                             f"Received: {len(configs)} items")
        for index, config in enumerate(configs[1:], 2):
            differing = _data_differences(configs[0], config)
            if differing:
                raise ValueError(f"The runs of a comparison must train on the same data (input features may "
                                 f"differ). Run {index} differs from run 1 in: {', '.join(differing)}")
        labels = list(labels) if labels is not None else default_labels(configs)
        if len(labels) != len(configs):
            raise ValueError(f"Expected one label per run ({len(configs)}). Received: {len(labels)} labels")
        return labels

    @property
    def trainers(self) -> list[Trainer]:
        return [run.trainer for run in self.runs]

    @property
    def running(self) -> bool:
        """True while at least one run can still train."""
        return any(run.status == "ready" for run in self.runs)

    @property
    def epoch_progress(self) -> float:
        """The share of its current epoch the run furthest behind has trained, in [0, 1)."""
        ready = [run.trainer for run in self.runs if run.status == "ready"]
        return min((t.epoch_progress for t in ready if t.epoch == self.epoch), default=0.0)

    def advance(self, epochs: int | None = None, seconds: float | None = None) -> int:
        """Advance every ready run by `epochs` more whole epochs, or for `seconds`, whichever ends
        first; with neither, one epoch. The run furthest behind always trains next, one epoch at most
        at a time, so no run is ever more than one epoch ahead of another and a large network's epoch
        is trained over several calls. Returns the number of epochs every ready run has gained."""
        if epochs is None and seconds is None:
            epochs = 1
        deadline = None if seconds is None else time.perf_counter() + seconds
        start = self.epoch
        goal = math.inf if epochs is None else start + epochs
        while self.running:
            behind = min((run.trainer for run in self.runs if run.status == "ready"),
                         key=lambda trainer: (trainer.epoch, trainer.epoch_progress))
            if behind.epoch >= goal:
                break
            behind.advance(epochs=1, seconds=None if deadline is None else max(0.0, deadline - time.perf_counter()))
            self._count_epochs()
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.epoch - start

    def _count_epochs(self) -> None:
        """`epoch`: the epochs every ready run has completed (kept when none is ready)."""
        ready = [run.trainer.epoch for run in self.runs if run.status == "ready"]
        if ready:
            self.epoch = min(ready)

    def reset(self) -> None:
        """Every run back to its initial weights and epoch 0."""
        for run in self.runs:
            run.trainer.reset()
        self.epoch = 0


# ---------------------------------------------------------------------------------------------
# Spread over seeds


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


def seed_trainer(config: Config, seed: int, vary: str = "init") -> Trainer:
    """A Trainer for `config` whose network is drawn from `seed`.

    vary="init": the data stay those of the config's own seed, and only the initial weights,
    the batch order and the dropout masks come from `seed` (the model's seed feeds exactly those).
    vary="all": the config with data.seed=`seed`, so the points change too.
    """
    if vary == "all":
        return Trainer(config.replace(seed=seed))
    if vary != "init":
        raise ValueError(f"vary must be 'init' or 'all'. Received: vary={vary!r}")
    trainer = Trainer(config)
    if seed != config.data.seed:
        trainer.model.seed = seed
        trainer.reset()  # redraws the weights and the random streams from the model's seed
    return trainer


def _curve(values: list[float], length: int) -> np.ndarray:
    out = np.full(length, np.nan)
    out[:len(values)] = values
    return out


def seed_spread(config: Config, seeds: int | Sequence[int] = 5, epochs: int = 100, vary: str = "init",
                grid: int | None = None,
                on_seed: Callable[[int, tuple[int, ...]], None] | None = None) -> SeedSpread:
    """Train `config` from several seeds for `epochs` epochs and summarise the spread.

    seeds: a count (the config's seed and the next ones) or the seeds themselves. vary: "init"
    (default: the same points, different initial weights and batch order) or "all" (the points
    change with the seed too). grid: the boundary's resolution (default: the config's view.grid).
    on_seed: called as on_seed(done, seeds) before the first seed trains (done=0) and after each
    seed is trained (done=1, 2, ...), e.g. to show progress.
    """
    if isinstance(seeds, int):
        if seeds < 1:
            raise ValueError(f"seeds must be at least 1. Received: seeds={seeds}")
        top = int(BOUNDS["seed"].high) + 1
        seeds = [(config.data.seed + i) % top for i in range(seeds)]
    seeds = tuple(int(s) for s in seeds)
    size = config.view.grid if grid is None else int(grid)
    trainers = []
    for seed in seeds:
        if on_seed is not None:
            on_seed(len(trainers), seeds)
        trainer = seed_trainer(config, seed, vary)
        trainer.advance(epochs=epochs)
        trainers.append(trainer)
    if on_seed is not None:
        on_seed(len(trainers), seeds)
    longest = max(trainers, key=lambda t: len(t.history.epochs))
    length = len(longest.history.epochs)
    bands = {name: Band.of(np.array([_curve(getattr(t.history, name), length) for t in trainers]))
             for name in ("train_loss", "test_loss", "train_metric", "test_metric")}
    outputs = np.array([_grid_outputs(t, size) for t in trainers])  # (seeds, g * g, units)
    classification = config.data.task == "classification"
    class_share = agreement = None
    if classification:
        k = config.data.class_count
        winners = outputs.argmax(axis=2) if outputs.shape[2] > 1 else (outputs[:, :, 0] > 0.5).astype(int)
        class_share = np.stack([(winners == c).mean(axis=0) for c in range(k)]).reshape(k, size, size)
        agreement = class_share.max(axis=0)
    if outputs.shape[2] > 1:  # multi-class: the probability of the class that wins on average
        values = outputs[:, np.arange(outputs.shape[1]), outputs.mean(axis=0).argmax(axis=1)]
    else:
        values = outputs[:, :, 0]
    return SeedSpread(seeds, tuple(t.status for t in trainers), np.array(longest.history.epochs), **bands,
                      grid_mean=values.mean(axis=0).reshape(size, size),
                      grid_std=values.std(axis=0).reshape(size, size),
                      class_share=class_share, agreement=agreement)


def _grid_outputs(trainer: Trainer, size: int) -> np.ndarray:
    """The network's outputs (g * g, units) over a size x size grid of the domain."""
    features = trainer.data.features(grid_points(size), trainer.config.data.features)
    with np.errstate(all="ignore"):
        return trainer.model.predict(features)

