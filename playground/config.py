"""The experiment config: one frozen, validated object that describes a whole training run.

``Config(data, network, training, view)`` is made of frozen dataclasses holding only tuples, so a
config hashes and compares by value. Every constructor validates in ``__post_init__`` and raises
``ConfigError`` (a ``ValueError``) naming the field, what is allowed and what was received, so no
invalid config can exist. All numeric bounds and name sets live in ``BOUNDS``; the UI reads its
slider ranges from there (``Config.bound("batch_size")`` adds the dynamic cap ``n_train``).

Canonical forms, so equal runs give equal configs: ints and floats are stored as ``int`` and
``float`` (``-0.0`` as ``0.0``), lists as tuples, ``features`` in catalogue order (it is a set),
and ``n_classes`` as the chosen K for datasets with a variable K (None: the catalogue's K) and
None for all others, whatever was passed (``class_count`` is the count in effect). Otherwise
``None`` means "the default for the context": ``reg_rate`` None is 0.001 once a regularizer is chosen,
``weight_decay`` None is Keras's (0.004 for AdamW, else 0), ``clipnorm`` None is no clipping,
``weights_seed`` None is the data's seed (a weights_seed equal to the data's seed is stored as None).

Round trips are exact: ``to_dict``/``from_dict``, ``to_json``/``from_json`` and
``to_query``/``from_query``. The URL form leaves defaults out and uses the short keys of
``QUERY_KEYS``; floats are written in their shortest exact form, booleans as true/false.
Hidden layers are ``layers=<layer>,<layer>,...`` with ``<units><activation>[-d<dropout>][-bn]``
per layer, e.g. ``8relu``, ``8relu-d0.2``, ``8relu-bn``, ``16tanh-d0.1-bn``; ``0`` (also ``none``
or empty) is no hidden layer. Example::

    ?data=spiral&noise=0.1&layers=8relu-d0.2,8relu-bn&opt=sgd&lr=0.01&momentum=0.9

``from_query`` raises ``ConfigError`` for anything wrong (unknown keys too); ``from_query_lenient``
never raises and returns the best valid config plus one message per change it made.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any

from playground.datasets import DATASETS, DEFAULT_FEATURES, FEATURES
from playground.uploads import CustomData

# The dataset name of a user's own data (an uploaded CSV or drawn points). The data itself rides
# in DataConfig.custom, never in a link or a config file, which carry only this name.
CUSTOM = "custom"

# Names the engine registers (a test of the engine checks these tables against its registries).
HIDDEN_ACTIVATIONS = ("linear", "relu", "leaky_relu", "elu", "gelu", "swish", "silu", "softplus",
                      "sigmoid", "tanh", "step")
INITIALIZERS = ("glorot_uniform", "glorot_normal", "he_normal", "he_uniform", "lecun_normal",
                "random_normal", "small", "zeros", "ones")
REGULARIZATIONS = ("none", "l1", "l2", "l1l2")
OPTIMIZERS = ("sgd", "rmsprop", "adam", "adamw", "adagrad")
SCHEDULES = ("constant", "step", "exponential", "cosine")
PACES = ("1", "2", "5", "10", "25", "max")  # live epochs per frame ("max": as many as fit between frames)
RULES = ("backprop", "perceptron")  # how the weights learn; "perceptron": see playground/perceptron.py

# Which hyperparameters each optimizer and schedule reads (Keras argument names); the UI shows
# only these, `optimizer_kwargs`/`schedule_kwargs` pass only these.
OPTIMIZER_PARAMS = {"sgd": ("momentum", "nesterov"), "rmsprop": ("rho", "momentum", "epsilon"),
                    "adam": ("beta_1", "beta_2", "epsilon"), "adamw": ("beta_1", "beta_2", "epsilon"),
                    "adagrad": ("epsilon",)}
SCHEDULE_PARAMS = {"constant": (), "step": ("decay_steps", "decay_rate"),
                   "exponential": ("decay_steps", "decay_rate"), "cosine": ("decay_steps",)}
DEFAULT_REG_RATE = 0.01  # Keras l2()'s default; 1e-3 changed nothing visible when switched on mid-run
DEFAULT_WEIGHT_DECAY = {"adamw": 0.004}  # Keras 3; every other optimizer: 0


@dataclass(frozen=True)
class Range:
    """The numbers from ``low`` to ``high`` inclusive (``low`` excluded when ``low_open``)."""

    low: float
    high: float
    low_open: bool = False

    def __contains__(self, value) -> bool:  # NaN is in no range
        return (self.low < value if self.low_open else self.low <= value) and value <= self.high

    def describe(self) -> str:
        if self.low_open:
            return f"greater than {_num(self.low)} and at most {_num(self.high)}"
        return f"between {_num(self.low)} and {_num(self.high)}"


BOUNDS: dict[str, Range | tuple[str, ...]] = {
    "dataset": (*DATASETS, CUSTOM),
    "n_samples": Range(50, 5000),
    "noise": Range(0.0, 0.5),
    "train_share": Range(0.1, 0.9),
    "seed": Range(0, 2**31 - 1),
    "weights_seed": Range(0, 2**31 - 1),
    "n_classes": Range(2, 6),  # datasets with variable_classes only
    "features": tuple(FEATURES),
    "hidden": Range(0, 8),  # number of hidden layers
    "units": Range(1, 256),
    "activation": HIDDEN_ACTIVATIONS,
    "dropout": Range(0.0, 0.9),
    "initializer": INITIALIZERS,
    "bias_init": Range(-5.0, 5.0),
    "regularization": REGULARIZATIONS,
    "reg_rate": Range(0.0, 1.0),
    "optimizer": OPTIMIZERS,
    "learning_rate": Range(1e-5, 10.0),
    "momentum": Range(0.0, 0.999),
    "beta_1": Range(0.0, 0.999),
    "beta_2": Range(0.0, 0.9999),
    "rho": Range(0.0, 0.9999),
    "epsilon": Range(1e-12, 0.1),
    "weight_decay": Range(0.0, 1.0),
    "schedule": SCHEDULES,
    "rule": RULES,
    "decay_steps": Range(1, 1_000_000),
    "decay_rate": Range(0.0, 1.0, low_open=True),
    "batch_size": Range(1, 4500),  # further capped by n_train; 4500 = the largest n_train
    "clipnorm": Range(0.0, 100.0, low_open=True),
    "patience": Range(1, 1000),
    "grid": Range(50, 200),
    "pace": PACES,
    "stop_at": Range(1, 1_000_000),
}


class ConfigError(ValueError):
    """An invalid config value; ``field`` names the offending field (or URL parameter)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    def __reduce__(self):  # keeps `field` through pickling
        return type(self), (self.field, str(self))


def _num(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return show_value(value)


def show_value(value) -> str:
    """A value as an error message shows it: its repr, cut to 60 characters."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        text = f"<int of {value.bit_length()} bits>"
    return text if len(text) <= 60 else text[:57] + "..."


# ---------------------------------------------------------------------------------------------
# Field checks, picked by the field's annotation. Each normalises the value it accepts.


def _check_number(obj, name: str, integer: bool, optional: bool = False) -> None:
    value, bound = getattr(obj, name), BOUNDS[name]
    if optional and value is None:
        return
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, Integral if integer else Real):
        kind += f" {bound.describe()}" + (" (or None)" if optional else "")
        raise ConfigError(name, f"{name} must be {kind}. Received: {name}={show_value(value)}")
    if value not in bound:
        raise ConfigError(name, f"{name} must be {bound.describe()}. Received: {name}={_num(value)}")
    object.__setattr__(obj, name, int(value) if integer else float(value) + 0.0)  # + 0.0: -0.0 -> 0.0


def _check_choice(obj, name: str) -> None:
    value, allowed = getattr(obj, name), ", ".join(BOUNDS[name])
    if not isinstance(value, str) or value not in BOUNDS[name]:
        raise ConfigError(name, f"{name} must be one of {allowed}. Received: {name}={show_value(value)}")


def _check_bool(obj, name: str) -> None:
    value = getattr(obj, name)
    if not isinstance(value, bool):
        raise ConfigError(name, f"{name} must be True or False. Received: {name}={show_value(value)}")


_CHECKS = {
    "int": lambda obj, name: _check_number(obj, name, integer=True),
    "float": lambda obj, name: _check_number(obj, name, integer=False),
    "float | None": lambda obj, name: _check_number(obj, name, integer=False, optional=True),
    "int | None": lambda obj, name: _check_number(obj, name, integer=True, optional=True),
    "str": _check_choice,
    "bool": _check_bool,
}


class _Section:
    """Validation, ``replace`` and ``to_dict`` shared by the sections of a Config."""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            check = _CHECKS.get(f.type)
            if check is not None:
                check(self, f.name)
        self._check()

    def _check(self) -> None:
        """Checks beyond one field's annotation."""

    def replace(self, **changes):
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            if not f.metadata.get("in_links", True):
                continue
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = [v.to_dict() if isinstance(v, _Section) else v for v in value]
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, d):
        _check_keys(cls, d)
        kwargs = dict(d)
        for name, value in kwargs.items():
            if isinstance(value, list):  # JSON has lists where the config has tuples
                value = tuple(value)
            if name == "hidden" and isinstance(value, tuple):
                value = tuple(LayerConfig.from_dict(v) for v in value)
            kwargs[name] = value
        return cls(**kwargs)


def _check_keys(cls, d) -> None:
    name = cls.__name__
    if not isinstance(d, Mapping):
        raise ConfigError(name, f"{name} must be given as a dict. Received: {show_value(d)}")
    known = [f.name for f in dataclasses.fields(cls) if f.metadata.get("in_links", True)]
    for key in d:
        if key not in known:
            raise ConfigError(str(key), f"{name} has no field {show_value(key)}; fields: {', '.join(known)}.")


# ---------------------------------------------------------------------------------------------
# The config


@dataclass(frozen=True)
class DataConfig(_Section):
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

    def _check(self):
        if self.dataset == CUSTOM:
            if not isinstance(self.custom, CustomData):
                raise ConfigError("dataset", "dataset='custom' is your own data (an uploaded CSV file or points "
                                             "drawn on the plot), which links and config files do not carry: load "
                                             "the file or draw the points again on the Playground page. Received: "
                                             "dataset='custom' without its data")
            object.__setattr__(self, "n_classes", None)
        else:
            object.__setattr__(self, "custom", None)
            self._check_n_classes()
        self._check_features()

    def _check_n_classes(self):
        info, k = DATASETS[self.dataset], self.n_classes
        if info.variable_classes and k is not None:
            _check_number(self, "n_classes", integer=True)
        elif k is not None and (isinstance(k, bool) or not isinstance(k, Integral)):
            raise ConfigError("n_classes", f"n_classes must be an integer or None. Received: {show_value(k)}")
        else:  # K is the catalogue's: spelled out where it may be chosen, None where it may not
            object.__setattr__(self, "n_classes", info.n_classes if info.variable_classes else None)

    def _check_features(self):
        names, allowed = self.features, BOUNDS["features"]
        valid = isinstance(names, tuple | list) and 0 < len(names) == len(set(names)) <= len(allowed)
        if not valid or not all(isinstance(name, str) and name in allowed for name in names):
            raise ConfigError("features", f"features must be a non-empty tuple of distinct names from "
                                          f"{', '.join(allowed)}. Received: features={show_value(names)}")
        object.__setattr__(self, "features", tuple(sorted(names, key=allowed.index)))

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
class LayerConfig(_Section):
    """One hidden Dense layer, optionally followed by batch norm and dropout."""

    units: int = 4
    activation: str = "tanh"
    dropout: float = 0.0
    batch_norm: bool = False


@dataclass(frozen=True)
class NetworkConfig(_Section):
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

    def _check(self):
        hidden, bound = self.hidden, BOUNDS["hidden"]
        if not isinstance(hidden, tuple | list) or not all(isinstance(h, LayerConfig) for h in hidden):
            raise ConfigError("hidden", f"hidden must be a tuple of LayerConfig. Received: {show_value(hidden)}")
        if len(hidden) not in bound:
            raise ConfigError("hidden", f"hidden must have {bound.describe()} layers. "
                                        f"Received: {len(hidden)} layers")
        object.__setattr__(self, "hidden", tuple(hidden))

    @property
    def effective_reg_rate(self) -> float:
        """The penalty factor in use: 0 without a regularizer, DEFAULT_REG_RATE when unset."""
        if self.regularization == "none":
            return 0.0
        return DEFAULT_REG_RATE if self.reg_rate is None else self.reg_rate


@dataclass(frozen=True)
class TrainingConfig(_Section):
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

    def _check(self):
        if self.nesterov and self.momentum == 0:
            raise ConfigError("nesterov", "nesterov=true needs a momentum above 0 (Nesterov's look-ahead is a "
                                          "momentum method). Received: nesterov=True, momentum=0")

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
class ViewConfig(_Section):
    """How the run is drawn and paced live (no effect on what it learns): ``pace`` is the epochs
    per frame while playing, ``stop_at`` an epoch at which Play pauses (None: never), e.g. a
    lesson's budget."""

    show_test: bool = False
    discretize: bool = False
    grid: int = 100
    log_scale: bool = False
    pace: str = "max"
    stop_at: int | None = None


SECTIONS: dict[str, type[_Section]] = {
    "data": DataConfig, "network": NetworkConfig, "training": TrainingConfig, "view": ViewConfig}
FIELD_SECTION = {f.name: name for name, cls in SECTIONS.items() for f in dataclasses.fields(cls)}


def _perceptron_error(training: TrainingConfig, data: DataConfig, network: NetworkConfig) -> ConfigError | None:
    """Why the perceptron rule, if chosen, cannot train this data and network (None when it can)."""
    if training.rule != "perceptron":
        return None
    if network.hidden:
        problem = f"{len(network.hidden)} hidden layer{'s' if len(network.hidden) > 1 else ''}"
    elif data.task == "regression":
        problem = f"dataset={data.dataset!r} (regression)"
    elif data.class_count != 2:
        problem = f"dataset={data.dataset!r} with {data.class_count} classes"
    else:
        return None
    return ConfigError("rule", "rule='perceptron' trains a single step unit, so it needs no hidden layers and a "
                               f"two-class dataset. Received: {problem}")


def _batch_size_error(batch_size: int, data: DataConfig) -> ConfigError:
    n_train = f"n_train = floor(n_samples * train_share) = floor({data.point_count} * {data.train_share})"
    return ConfigError("batch_size", f"batch_size must be between 1 and {data.n_train} ({n_train}). "
                                     f"Received: batch_size={batch_size}")


@dataclass(frozen=True)
class Config:
    """A whole training run. The output layer and loss follow from the dataset's task."""

    data: DataConfig = field(default_factory=DataConfig)
    network: NetworkConfig = field(default_factory=NetworkConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    view: ViewConfig = field(default_factory=ViewConfig)

    def __post_init__(self):
        for name, cls in SECTIONS.items():
            value = getattr(self, name)
            if not isinstance(value, cls):
                raise ConfigError(name, f"{name} must be a {cls.__name__}. Received: {name}={show_value(value)}")
        if self.training.batch_size > self.data.n_train:
            raise _batch_size_error(self.training.batch_size, self.data)
        error = _perceptron_error(self.training, self.data, self.network)
        if error:
            raise error
        if self.network.weights_seed == self.data.seed:  # canonical: the same run, the same config
            object.__setattr__(self, "network", self.network.replace(weights_seed=None))

    @property
    def network_seed(self) -> int:
        """The seed of the network's initial weights, batch order and dropout masks: its own
        ``weights_seed``, or the data's seed when it has none."""
        return self.data.seed if self.network.weights_seed is None else self.network.weights_seed

    @property
    def output_units(self) -> int:
        return self.data.class_count if self.data.class_count > 2 else 1

    @property
    def output_activation(self) -> str:
        if self.training.rule == "perceptron":
            return "step"
        if self.data.task == "regression":
            return "linear"
        return "softmax" if self.data.class_count > 2 else "sigmoid"

    @property
    def loss(self) -> str:
        """The loss the model is compiled with (perceptron: mse, which on 0/1 outputs is the error rate)."""
        if self.data.task == "regression" or self.training.rule == "perceptron":
            return "mse"
        return "sparse_categorical_crossentropy" if self.data.class_count > 2 else "binary_crossentropy"

    def bound(self, name: str) -> Range | tuple[str, ...]:
        """``BOUNDS[name]``, with batch_size capped at this config's n_train."""
        if name == "batch_size":
            return Range(1, self.data.n_train)
        return BOUNDS[name]

    def replace(self, **changes) -> Config:
        """A copy with whole sections (``data=...``) and/or single fields (``noise=0.1``) replaced."""
        sections = {name: getattr(self, name) for name in SECTIONS}
        per_section: dict[str, dict[str, Any]] = {}
        for name, value in changes.items():
            if name in SECTIONS:
                sections[name] = value
            elif name in FIELD_SECTION:
                per_section.setdefault(FIELD_SECTION[name], {})[name] = value
            else:
                raise ConfigError(name, f"Config has no field {name!r}; fields: {', '.join(FIELD_SECTION)}.")
        for name, fields in per_section.items():
            sections[name] = dataclasses.replace(sections[name], **fields)
        return Config(**sections)

    # -- dict and JSON ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name).to_dict() for name in SECTIONS}

    @classmethod
    def from_dict(cls, d) -> Config:
        _check_keys(cls, d)
        return cls(**{name: SECTIONS[name].from_dict(value) for name, value in d.items()})

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text) -> Config:
        try:
            d = json.loads(text)
        except (TypeError, ValueError, RecursionError) as exc:
            raise ConfigError("json", f"Expected JSON text ({exc}). Received: {show_value(text)}") from None
        return cls.from_dict(d)

    # -- URL query ----------------------------------------------------------------------------

    def to_query(self) -> dict[str, str]:
        """The fields that differ from their defaults, as short URL parameters (see module doc)."""
        out, plain = {}, Config()
        same_data = DataConfig(self.data.dataset, custom=self.data.custom)  # K's default: the dataset's
        for key, name in QUERY_KEYS.items():
            section = FIELD_SECTION[name]
            default = same_data if name == "n_classes" else getattr(plain, section)
            value = getattr(getattr(self, section), name)
            if value != getattr(default, name):
                out[key] = _format(name, value)
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, str | list[str]]) -> Config:
        """The config a URL describes; ConfigError for anything unknown or invalid."""
        return _from_query(params, None)

    @classmethod
    def from_query_lenient(cls, params: Mapping[str, str | list[str]]) -> tuple[Config, list[str]]:
        """The best valid config a URL describes, and a message for each value changed or ignored."""
        notes: list[str] = []
        try:
            return _from_query(params, notes), notes
        except Exception as exc:  # a safety net: a page must always get a config
            notes.append(f"Internal error while reading the URL ({type(exc).__name__}: {exc}); "
                         "used the default config.")
            return cls(), notes


# ---------------------------------------------------------------------------------------------
# URL query format

QUERY_KEYS = {  # URL parameter -> field
    "data": "dataset", "samples": "n_samples", "noise": "noise", "train": "train_share",
    "seed": "seed", "wseed": "weights_seed", "classes": "n_classes", "features": "features",
    "layers": "hidden", "init": "initializer", "bias": "bias_init", "reg": "regularization", "reg_rate": "reg_rate",
    "opt": "optimizer", "lr": "learning_rate", "momentum": "momentum", "nesterov": "nesterov",
    "beta1": "beta_1", "beta2": "beta_2", "rho": "rho", "eps": "epsilon", "wd": "weight_decay",
    "schedule": "schedule", "decay_steps": "decay_steps", "decay_rate": "decay_rate",
    "batch": "batch_size", "clip": "clipnorm", "early_stop": "early_stopping", "patience": "patience",
    "rule": "rule",
    "test": "show_test", "discretize": "discretize", "grid": "grid", "log_scale": "log_scale",
    "pace": "pace", "stop": "stop_at",
}
_FIELD_TYPE = {f.name: f.type for cls in (*SECTIONS.values(), LayerConfig) for f in dataclasses.fields(cls)}
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")  # URL booleans
_LAYER = re.compile(r"(\d+)([a-z_]+)((?:-(?:bn|d[0-9.]+(?:e[+-]?\d+)?))*)")
_LAYER_OPTION = re.compile(r"-(bn|d([0-9.]+(?:e[+-]?\d+)?))")
_LAYER_FORMAT = "<units><activation>[-d<dropout>][-bn], e.g. 8relu-d0.2-bn"
_MAX_LAYER_CHARS = 100


def _format_float(x: float) -> str:
    text = repr(x)  # the shortest string that reads back as the same float
    return text[:-2] if text.endswith(".0") else text


def _format(name: str, value) -> str:
    if name == "hidden":
        return format_layers(value)
    if name == "features":
        return ",".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "none"
    return _format_float(value) if isinstance(value, float) else str(value)


def format_layers(layers: tuple[LayerConfig, ...]) -> str:
    """Hidden layers as the URL writes them, e.g. "8relu-d0.2-bn,4tanh" ("0" for none)."""
    return ",".join(_format_layer(layer) for layer in layers) or "0"


def _format_layer(layer: LayerConfig) -> str:
    text = f"{layer.units}{layer.activation}"
    if layer.dropout:
        text += f"-d{_format_float(layer.dropout)}"
    return text + ("-bn" if layer.batch_norm else "")


def _parse(name: str, text: str):
    """A typed value from URL text; text that does not parse is returned as is, for the
    constructor to reject with the usual message."""
    text, kind = text.strip(), _FIELD_TYPE[name]
    try:
        if kind == "bool" and text.lower() in TRUE_WORDS + FALSE_WORDS:
            return text.lower() in TRUE_WORDS
        if kind in ("float | None", "int | None") and text.lower() in ("", "none"):
            return None
        if kind in ("int", "int | None"):
            return int(text)
        if kind in ("float", "float | None"):
            return float(text)
    except ValueError:
        return text
    if name == "features":
        return tuple(part.strip().lower() for part in text.split(","))
    return text.lower() if kind == "str" else text


def _layer_kwargs(index: int, token: str) -> dict[str, Any]:
    match = _LAYER.fullmatch(token) if len(token) <= _MAX_LAYER_CHARS else None
    options = _LAYER_OPTION.findall(match.group(3)) if match else []
    if not match or len({opt[0][0] for opt in options}) < len(options):
        raise ConfigError("hidden", f"layer {index} must read {_LAYER_FORMAT}. Received: {show_value(token)}")
    kwargs: dict[str, Any] = {"units": int(match.group(1)), "activation": match.group(2)}
    for option, dropout in options:
        if option == "bn":
            kwargs["batch_norm"] = True
        else:
            kwargs["dropout"] = _parse("dropout", dropout)
    return kwargs


def parse_layers(text: str, notes: list[str] | None = None) -> tuple[LayerConfig, ...]:
    """Hidden layers from their URL text (see format_layers). With `notes`, what cannot be used
    is dropped or clamped and noted; without, it raises ConfigError."""
    text = text.strip().lower()
    if text in ("", "0", "none"):
        return ()
    tokens, bound = text.split(","), BOUNDS["hidden"]
    if len(tokens) > bound.high:
        error = ConfigError("hidden", f"hidden must have {bound.describe()} layers. Received: {len(tokens)} "
                                      f"layers in layers={show_value(text)}")
        if notes is None:
            raise error
        notes.append(f"{error}. Used the first {bound.high}.")
        tokens = tokens[: bound.high]
    layers = []
    for index, token in enumerate(tokens, 1):
        try:
            kwargs = _layer_kwargs(index, token.strip())
            if notes is None:
                layers.append(LayerConfig(**kwargs))
            else:
                layers.append(_make(LayerConfig, kwargs, notes, prefix=f"layer {index}: "))
        except ConfigError as error:
            if notes is None and error.field == "hidden":
                raise
            if notes is None:
                raise ConfigError(error.field, f"layer {index}: {error}") from None
            notes.append(f"{error}. Dropped it.")
    return tuple(layers)


def url_value(raw):
    """A URL parameter's value: the last of repeated values (None when the list is empty)."""
    if isinstance(raw, list | tuple):
        return raw[-1] if raw else None
    return raw


def _query_values(params, notes: list[str] | None) -> dict[str, dict[str, Any]]:
    """Typed values per section; problems raise (strict) or become notes (lenient)."""
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}

    def problem(key: str, message: str) -> None:
        if notes is None:
            raise ConfigError(key, message)
        notes.append(message + ". Ignored.")

    if not isinstance(params, Mapping):
        problem("query", f"URL parameters must be a mapping of names to text. Received: {show_value(params)}")
        return values
    for key, raw in params.items():
        name = QUERY_KEYS.get(key) if isinstance(key, str) else None
        if name is None:
            label = key if isinstance(key, str) and len(key) <= 40 else show_value(key)
            problem(str(key), f"Unknown URL parameter {show_value(key)}; known: {', '.join(QUERY_KEYS)}. "
                              f"Received: {label}={show_value(raw)}")
            continue
        raw = url_value(raw)
        if not isinstance(raw, str):
            problem(name, f"URL parameter {key} ({name}) must be text. Received: {key}={show_value(raw)}")
            continue
        value = parse_layers(raw, notes) if name == "hidden" else _parse(name, raw)
        if name == "features" and notes is not None:  # keep the known names, drop the rest
            kept = tuple(dict.fromkeys(v for v in value if v in FEATURES))
            if kept != value:
                used = ",".join(kept or DataConfig().features)
                notes.append(f"features must be distinct names from {', '.join(FEATURES)}. "
                             f"Received: features={show_value(raw)}. Used {used} instead.")
            if not kept:
                continue
            value = kept
        values[FIELD_SECTION[name]][name] = value
    return values


def _clamped(name: str, value):
    """``value`` moved into its range, or None when there is nothing sensible to move."""
    bound = BOUNDS.get(name)
    if not isinstance(bound, Range) or isinstance(value, bool) or not isinstance(value, Real):
        return None
    if not isinstance(value, Integral) and not math.isfinite(value):
        return None
    value = min(max(value, bound.low), bound.high)
    return None if bound.low_open and value == bound.low else value


def _make(cls, values: dict[str, Any], notes: list[str], prefix: str = ""):
    """``cls(**values)``, clamping or dropping (to the default) each value it rejects."""
    rejected: dict[str, str] = {}
    for _ in range(2 * len(values) + 1):
        try:
            obj = cls(**values)
            break
        except ConfigError as error:
            if error.field not in values:
                raise
            fixed = _clamped(error.field, values.pop(error.field))
            if fixed is not None:
                values[error.field] = fixed
            rejected.setdefault(error.field, str(error))
    else:
        obj = cls()
    for name, message in rejected.items():
        notes.append(f"{prefix}{message}. Used {name}={_num(getattr(obj, name))} instead.")
    return obj


def _from_query(params, notes: list[str] | None) -> Config:
    values = _query_values(params, notes)
    if notes is None:
        return Config(**{name: cls(**values[name]) for name, cls in SECTIONS.items()})
    data = _make(DataConfig, values["data"], notes)
    asked = values["data"].get("n_classes")
    if asked is not None and data.n_classes is None:
        variable = ", ".join(k for k, info in DATASETS.items() if info.variable_classes)
        notes.append(f"n_classes can be chosen only for {variable}, not for {data.dataset!r}. "
                     f"Received: n_classes={show_value(asked)}. Ignored.")
    network = _make(NetworkConfig, values["network"], notes)
    batch_size = values["training"].get("batch_size")
    if isinstance(batch_size, int) and batch_size > data.n_train:  # one note, with the real cap
        notes.append(f"{_batch_size_error(batch_size, data)}. Used batch_size={data.n_train} instead.")
        values["training"]["batch_size"] = data.n_train
    training = _make(TrainingConfig, values["training"], notes)
    if training.batch_size > data.n_train:  # the default batch size exceeds a tiny training split
        notes.append(f"{_batch_size_error(training.batch_size, data)}. Used batch_size={data.n_train} instead.")
        training = training.replace(batch_size=data.n_train)
    error = _perceptron_error(training, data, network)
    if error:
        notes.append(f"{error}. Used rule='backprop' instead.")
        training = training.replace(rule="backprop")
    return Config(data, network, training, _make(ViewConfig, values["view"], notes))
