"""The sections of a Config: data, network (with its hidden layers), training and view.

Each is a frozen dataclass whose every field is checked against its entry in ``FIELDS`` once, at
construction, in field order; the few rules between fields of a section (``_rule``) see the
fields before the one they check. Values are stored in canonical form (see the package doc).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

from playground.datasets import DATASETS, DEFAULT_FEATURES
from playground.uploads import CustomData

from .constraints import ConfigError, show_value
from .fields import CUSTOM, DEFAULT_REG_RATE, DEFAULT_WEIGHT_DECAY, FIELDS, OPTIMIZER_PARAMS, SCHEDULE_PARAMS


class Section:
    """Validation, ``replace``, ``to_dict`` and ``from_dict`` shared by the sections of a Config."""

    def __post_init__(self):
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name in values:
            values[name] = self.checked(name, values)
            object.__setattr__(self, name, values[name])

    @classmethod
    def checked(cls, name: str, values: dict[str, Any]) -> Any:
        """``values[name]`` checked against ``FIELDS[name]`` and the section's rules, in canonical
        form; `values` holds the fields before it already checked. ConfigError when invalid."""
        return FIELDS[name].check(name, cls._rule(name, values))

    @classmethod
    def _rule(cls, name: str, values: dict[str, Any]) -> Any:
        """``values[name]`` after the rules between this section's fields (none by default)."""
        return values[name]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {f.name: f.default for f in dataclasses.fields(cls)}

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            if not f.metadata.get("in_links", True):
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, Section) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, d):
        check_keys(cls, d)
        kwargs = dict(d)
        for name, value in kwargs.items():
            if isinstance(value, list):  # JSON has lists where the config has tuples
                value = tuple(value)
            if name == "hidden" and isinstance(value, tuple):
                value = tuple(LayerConfig.from_dict(v) for v in value)
            kwargs[name] = value
        return cls(**kwargs)


def check_keys(cls, d) -> None:
    """ConfigError unless `d` is a mapping whose keys are fields of `cls` that links carry."""
    name = cls.__name__
    if not isinstance(d, Mapping):
        raise ConfigError(name, f"{name} must be given as a dict. Received: {show_value(d)}")
    known = [f.name for f in dataclasses.fields(cls) if f.metadata.get("in_links", True)]
    for key in d:
        if key not in known:
            raise ConfigError(str(key), f"{name} has no field {show_value(key)}; fields: {', '.join(known)}.")


@dataclass(frozen=True)
class DataConfig(Section):
    """The dataset, its size, noise, split, seed, class count and the network's input features.

    With dataset=CUSTOM the points are `custom` (n_samples, noise and n_classes are then the
    settings for generated data, unused); `custom` is None for every other dataset.
    """

    dataset: str = "circle"
    n_samples: int = 500
    noise: float = 0.0
    train_share: float = 0.5
    seed: int = 0
    n_classes: int | None = None
    features: tuple[str, ...] = DEFAULT_FEATURES
    custom: CustomData | None = field(default=None, metadata={"in_links": False})

    @classmethod
    def _rule(cls, name, values):
        value, dataset = values[name], values["dataset"]
        if name == "dataset" and value == CUSTOM and not isinstance(values["custom"], CustomData):
            raise ConfigError("dataset", "dataset='custom' is your own data (an uploaded CSV file or points "
                                         "drawn on the plot), which links and config files do not carry: load "
                                         "the file or draw the points again on the Playground page. Received: "
                                         "dataset='custom' without its data")
        if name == "custom":
            return value if dataset == CUSTOM else None
        if name != "n_classes" or dataset == CUSTOM:
            return None if name == "n_classes" else value
        info = DATASETS[dataset]  # K is the catalogue's: spelled out where it may be chosen, None where not
        if info.variable_classes:
            return info.n_classes if value is None else value
        if value is not None and (isinstance(value, bool) or not isinstance(value, Integral)):
            raise ConfigError("n_classes", f"n_classes must be an integer or None. Received: {show_value(value)}")
        return None

    @property
    def task(self) -> str:
        return self.custom.task if self.custom is not None else DATASETS[self.dataset].task

    @property
    def class_count(self) -> int:
        """Number of classes in effect (0 for regression)."""
        if self.custom is not None:
            return self.custom.n_classes
        return DATASETS[self.dataset].n_classes if self.n_classes is None else self.n_classes

    @property
    def point_count(self) -> int:
        """Number of points: the own data's, else n_samples."""
        return self.n_samples if self.custom is None else len(self.custom.y)

    @property
    def n_train(self) -> int:
        """Number of training samples: floor(point_count * train_share), as ``datasets.split`` gives."""
        return math.floor(self.point_count * self.train_share)


@dataclass(frozen=True)
class LayerConfig(Section):
    """One hidden Dense layer, optionally followed by batch norm and dropout."""

    units: int = 4
    activation: str = "tanh"
    dropout: float = 0.0
    batch_norm: bool = False


@dataclass(frozen=True)
class NetworkConfig(Section):
    """The hidden layers, the initializer, the start of every hidden bias (``bias_init``), the
    kernel regularizer (output layer: see Config) and the network's own seed: ``weights_seed``
    draws the initial weights, the batch order and the dropout masks; None means the data's seed
    (see ``Config.network_seed``)."""

    hidden: tuple[LayerConfig, ...] = (LayerConfig(4, "tanh"), LayerConfig(2, "tanh"))
    initializer: str = "glorot_uniform"
    regularization: str = "none"
    reg_rate: float | None = None
    weights_seed: int | None = None
    bias_init: float = 0.0

    @property
    def effective_reg_rate(self) -> float:
        """The penalty factor in use: 0 without a regularizer, DEFAULT_REG_RATE when unset."""
        if self.regularization == "none":
            return 0.0
        return DEFAULT_REG_RATE if self.reg_rate is None else self.reg_rate


@dataclass(frozen=True)
class TrainingConfig(Section):
    """Optimizer and its hyperparameters (Keras names and defaults), schedule, batches, stopping.

    Schedules: step and exponential multiply the rate by ``decay_rate`` every ``decay_steps``
    optimizer steps (step in stairs); cosine decays it to 0 over ``decay_steps``.
    ``rule`` is "backprop" (the optimizer's update) or "perceptron": Rosenblatt's rule on a single
    step unit, using only the learning rate and schedule (see ``playground.perceptron``).
    """

    optimizer: str = "adam"
    learning_rate: float = 0.03
    momentum: float = 0.0
    nesterov: bool = False
    beta_1: float = 0.9
    beta_2: float = 0.999
    rho: float = 0.9
    epsilon: float = 1e-7
    weight_decay: float | None = None
    schedule: str = "constant"
    decay_steps: int = 1000
    decay_rate: float = 0.5
    batch_size: int = 10
    clipnorm: float | None = None
    early_stopping: bool = False
    patience: int = 10
    rule: str = "backprop"

    @classmethod
    def _rule(cls, name, values):
        if name == "nesterov" and values[name] is True and values["momentum"] == 0:
            raise ConfigError("nesterov", "nesterov=true needs a momentum above 0 (Nesterov's look-ahead is a "
                                          "momentum method). Received: nesterov=True, momentum=0")
        return values[name]

    @property
    def effective_weight_decay(self) -> float:
        if self.weight_decay is None:
            return DEFAULT_WEIGHT_DECAY.get(self.optimizer, 0.0)
        return self.weight_decay

    def optimizer_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the optimizer class named by ``optimizer``."""
        kwargs = {"learning_rate": self.learning_rate}
        kwargs.update((name, getattr(self, name)) for name in OPTIMIZER_PARAMS[self.optimizer])
        return {**kwargs, "weight_decay": self.effective_weight_decay, "clipnorm": self.clipnorm}

    def schedule_kwargs(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in SCHEDULE_PARAMS[self.schedule]}


@dataclass(frozen=True)
class ViewConfig(Section):
    """How the run is drawn and paced live (no effect on what it learns): ``pace`` is the epochs
    per frame while playing, ``stop_at`` an epoch at which Play pauses (None: never), e.g. a
    lesson's budget."""

    show_test: bool = False
    discretize: bool = False
    grid: int = 100
    log_scale: bool = False
    pace: str = "max"
    stop_at: int | None = None


SECTIONS: dict[str, type[Section]] = {
    "data": DataConfig, "network": NetworkConfig, "training": TrainingConfig, "view": ViewConfig}
FIELD_SECTION = {f.name: name for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)}
