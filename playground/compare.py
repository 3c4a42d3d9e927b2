"""Side-by-side runs: 1-4 Trainers advanced in lockstep, "vary one thing", and the spread over seeds.

    base = Config().replace(dataset="xor", hidden=())
    comparison = Comparison([base, vary(base, layers="4tanh")], labels=["no hidden layer", "4 tanh units"])
    comparison.advance(epochs=50)            # every run ends the same epochs
    comparison.runs[1].history.test_metric   # each run is a Trainer with its own history

What the runs share, so that the one thing varied is the only difference:

- the data: the same points and the same train/test split (the data configs may differ only in
  their input features, which belong to the network); a Comparison refuses anything else;
- the network's seed (``Config.network_seed``), and with it the mini-batch order: a model's
  shuffle stream is spawned from the seed alone, independently of its layers, so every run
  visits the same batches in the same order;
- the initial weights wherever the networks have the same layer shapes and initializer: the
  weights are drawn from the seed's own stream layer by layer (runs that differ only in optimizer,
  learning rate, activation, regularization or dropout start from identical weights).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from .config import Config, LayerConfig, parse_layers
from .training import Trainer

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
    """The data fields (input features aside) on which two configs differ, and the network's seed."""
    differing = [f.name for f in fields(a.data)
                 if f.name != "features" and getattr(a.data, f.name) != getattr(b.data, f.name)]
    return differing + (["weights_seed"] if a.network_seed != b.network_seed else [])


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
                raise ValueError(f"The runs of a comparison must train on the same data from the same network "
                                 f"seed (input features may differ). Run {index} differs from run 1 in: "
                                 f"{', '.join(differing)}")
        labels = list(labels) if labels is not None else default_labels(configs)
        if len(labels) != len(configs):
            raise ValueError(f"Expected one label per run ({len(configs)}). Received: {len(labels)} labels")
        return labels

    @property
    def trainers(self) -> list[Trainer]:
        return [run.trainer for run in self.runs]

    def _ready(self) -> list[Trainer]:
        """The runs' Trainers that can still train."""
        return [run.trainer for run in self.runs if run.trainer.can_train]

    @property
    def running(self) -> bool:
        """True while at least one run can still train."""
        return bool(self._ready())

    can_train = running  # the name pacing asks a Trainer or a Comparison for

    @property
    def epoch_progress(self) -> float:
        """The share of its current epoch the run furthest behind has trained, in [0, 1)."""
        return min((t.epoch_progress for t in self._ready() if t.epoch == self.epoch), default=0.0)

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
            behind = min(self._ready(), key=lambda trainer: (trainer.epoch, trainer.epoch_progress))
            if behind.epoch >= goal:
                break
            behind.advance(epochs=1, seconds=None if deadline is None else max(0.0, deadline - time.perf_counter()))
            self._count_epochs()
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.epoch - start

    def _count_epochs(self) -> None:
        """`epoch`: the epochs every ready run has completed (kept when none is ready)."""
        ready = self._ready()
        if ready:
            self.epoch = min(trainer.epoch for trainer in ready)

    def reset(self) -> None:
        """Every run back to its initial weights and epoch 0."""
        for run in self.runs:
            run.trainer.reset()
        self.epoch = 0
