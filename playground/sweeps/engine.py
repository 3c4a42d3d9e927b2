"""Sweeps: many trainings of one config, one knob turned over values, each value over several seeds.

    spec = SweepSpec(config, "reg_rate", (0.0, 1e-3, 1e-2), seeds=3, epochs=200)
    records = [run_task(task) for task in spec.tasks()]   # or backends.run(spec, "loky", n_jobs=2)

A task carries everything its run needs, its seed included (seed = base seed + seed index, which
draws other data, split, initial weights and batch order), so a record never depends on the
worker, the process or the order in which tasks run: serial, joblib processes and Dask give
identical records, to the last bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..config import BOUNDS, Config, ConfigError
from ..training import Trainer
from . import knobs

MAX_SEEDS = 20


@dataclass(frozen=True)
class SweepTask:
    """One run of a sweep: the knob at `value`, seed index `seed_index`, its full config and length."""

    index: int
    param: str
    value: float
    seed_index: int
    config: Config
    epochs: int


@dataclass(frozen=True)
class RunRecord:
    """What one run gives: final losses and metrics (accuracy or R²), the best test epoch, the
    per-epoch curves (tuples of floats, epochs 0..epochs) and the run's status."""

    param: str
    value: float
    seed: int
    train_loss: float
    test_loss: float
    train_metric: float
    test_metric: float
    best_epoch: int | None
    status: str
    config: Config = field(repr=False)
    epochs: tuple[int, ...] = field(repr=False, default=())
    train_curve: tuple[float, ...] = field(repr=False, default=())
    test_curve: tuple[float, ...] = field(repr=False, default=())

    @property
    def n_train(self) -> int:
        return self.config.data.n_train


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: `config` with knob `param` at each of `values`, each over `seeds` seeds, `epochs` long
    (for param='epochs', each value is the length). Values are checked and sorted on creation."""

    config: Config
    param: str
    values: tuple
    seeds: int = 3
    epochs: int = 200

    def __post_init__(self):
        knobs.check_knob(self.param)
        object.__setattr__(self, "values", knobs.check_values(self.param, self.values))
        for name, value, high in (("seeds", self.seeds, MAX_SEEDS), ("epochs", self.epochs, knobs.EPOCHS_RANGE.high)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise ConfigError(name, f"{name} must be an integer between 1 and {high:g}. Received: {name}={value!r}")
        top = self.config.data.seed + self.seeds - 1
        if top > BOUNDS["seed"].high:
            raise ConfigError("seeds", f"seed + seeds - 1 must be at most {BOUNDS['seed'].high}. Received: {top}")
        self.configs()  # every value must make a valid config

    def configs(self) -> list[Config]:
        """The config of each value (before seeds)."""
        return [knobs.apply_knob(self.config, self.param, value) for value in self.values]

    def run_epochs(self, value) -> int:
        return int(value) if self.param == "epochs" else self.epochs

    def tasks(self) -> list[SweepTask]:
        """Every (value, seed) run, values in ascending order, seeds within each value."""
        out = []
        for value, config in zip(self.values, self.configs(), strict=True):
            for s in range(self.seeds):
                run_config = config.replace(seed=config.data.seed + s, grid=BOUNDS["grid"].low)
                out.append(SweepTask(len(out), self.param, value, s, run_config, self.run_epochs(value)))
        return out

    @property
    def runs(self) -> int:
        return len(self.values) * self.seeds

    def work(self) -> int:
        """Sample-epochs: the sum over runs of epochs x points (each epoch trains on the training
        points and evaluates all of them, so this is what a sweep's time grows with)."""
        return sum(task.epochs * task.config.data.point_count for task in self.tasks())


def run_task(task: SweepTask) -> RunRecord:
    """Train one run of a sweep to its end (or until it diverges or stops early)."""
    trainer = Trainer(task.config, snapshots=False)
    trainer.advance(epochs=task.epochs)
    history = trainer.history
    return RunRecord(task.param, task.value, task.config.data.seed, history.train_loss[-1], history.test_loss[-1],
                     history.train_metric[-1], history.test_metric[-1], history.best_epoch, trainer.status,
                     task.config, tuple(history.epochs), tuple(history.train_loss), tuple(history.test_loss))

