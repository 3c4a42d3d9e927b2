"""Config: a whole training run, made of its four sections, with the rules between sections.

    config = Config().replace(dataset="spiral", learning_rate=0.01)
    Config.from_json(config.to_json()) == config
    Config.from_query(config.to_query()) == config
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .constraints import ConfigError, Range, show_value
from .fields import BOUNDS
from .sections import FIELD_SECTION, SECTIONS, DataConfig, NetworkConfig, TrainingConfig, ViewConfig, check_keys


def perceptron_error(training: TrainingConfig, data: DataConfig, network: NetworkConfig) -> ConfigError | None:
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


def batch_size_error(batch_size: int, data: DataConfig) -> ConfigError:
    """The error of a batch larger than the training split."""
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
            raise batch_size_error(self.training.batch_size, self.data)
        error = perceptron_error(self.training, self.data, self.network)
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
        check_keys(cls, d)
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

    # -- URL query (the codec is query.py; the lenient reading lenient.py) ---------------------

    def to_query(self) -> dict[str, str]:
        """The fields that differ from their defaults, as short URL parameters (see the package doc)."""
        from .query import to_query

        return to_query(self)

    @classmethod
    def from_query(cls, params: Mapping[str, str | list[str]]) -> Config:
        """The config a URL describes; ConfigError for anything unknown or invalid."""
        from .query import from_query

        return from_query(params)

    @classmethod
    def from_query_lenient(cls, params: Mapping[str, str | list[str]]) -> tuple[Config, list[str]]:
        """The best valid config a URL describes, and a message for each value changed or ignored."""
        from .lenient import from_query_lenient

        return from_query_lenient(params)
