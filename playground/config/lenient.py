"""The lenient reading of a link: the best valid config it describes, and a note per change.

One pass per section: each value is checked against its field's constraint (and the section's
rules, which see the fields before it); a rejected value is clamped into its range, or replaced
by the default when nothing is near, and the change is noted; then the section is constructed
once. The rules between sections (batch size against the training split, the perceptron's
needs) are repaired the same way, by name. Never raises.
"""

from __future__ import annotations

from typing import Any

from playground.datasets import DATASETS, FEATURES

from .constraints import ConfigError, show_number, show_value
from .fields import BOUNDS, FIELDS
from .query import layer_kwargs, layer_tokens, parse_value, query_texts, too_many_layers
from .run import Config, batch_size_error, perceptron_error
from .sections import FIELD_SECTION, SECTIONS, DataConfig, LayerConfig, NetworkConfig, Section, TrainingConfig


def repaired(cls: type[Section], given: dict[str, Any], notes: list[str], prefix: str = "") -> Section:
    """``cls(**given)`` with each rejected value clamped (or set to its default) and noted."""
    values = {**cls.defaults(), **given}
    for name in values:
        try:
            values[name] = cls.checked(name, values)
        except ConfigError as error:
            values[name] = _nearest(cls, name, values)
            notes.append(f"{prefix}{error}. Used {name}={show_number(values[name])} instead.")
    return cls(**values)


def _nearest(cls: type[Section], name: str, values: dict[str, Any]) -> Any:
    """The checked value nearest the rejected ``values[name]``: clamped into range, else the default."""
    clamped = FIELDS[name].clamp(values[name])
    if clamped is not None:
        try:
            return cls.checked(name, {**values, name: clamped})
        except ConfigError:
            pass
    return cls.checked(name, {**values, name: cls.defaults()[name]})


def read_layers(text: str, notes: list[str]) -> tuple[LayerConfig, ...]:
    """Hidden layers from their URL text: the first 8, each repaired; a layer that does not read
    as one is dropped. Every change is noted."""
    tokens = layer_tokens(text)
    error = too_many_layers(tokens)
    if error:
        limit = int(BOUNDS["hidden"].high)
        notes.append(f"{error}. Used the first {limit}.")
        tokens = tokens[:limit]
    layers = []
    for index, token in enumerate(tokens, 1):
        try:
            kwargs = layer_kwargs(index, token)
        except ConfigError as error:
            notes.append(f"{error}. Dropped it.")
            continue
        layers.append(repaired(LayerConfig, kwargs, notes, prefix=f"layer {index}: "))
    return tuple(layers)


def _features(text: str, notes: list[str]) -> tuple[str, ...] | None:
    """The known feature names of a `features=` value (None: none known); a note when any was dropped."""
    value = parse_value("features", text)
    kept = tuple(dict.fromkeys(v for v in value if v in FEATURES))
    if kept != value:
        used = ",".join(kept or DataConfig().features)
        notes.append(f"features must be distinct names from {', '.join(FEATURES)}. "
                     f"Received: features={show_value(text)}. Used {used} instead.")
    return kept or None


def _values(params, notes: list[str]) -> dict[str, dict[str, Any]]:
    """Typed values per section; what cannot be read is noted and left out."""
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for name, text in query_texts(params, lambda field, message: notes.append(message + ". Ignored.")):
        if name == "hidden":
            value = read_layers(text, notes)
        elif name == "features":
            value = _features(text, notes)
            if value is None:
                continue
        else:
            value = parse_value(name, text)
        values[FIELD_SECTION[name]][name] = value
    return values


def _read(params, notes: list[str]) -> Config:
    values = _values(params, notes)
    data = repaired(DataConfig, values["data"], notes)
    asked = values["data"].get("n_classes")
    if asked is not None and data.n_classes is None:
        variable = ", ".join(k for k, info in DATASETS.items() if info.variable_classes)
        notes.append(f"n_classes can be chosen only for {variable}, not for {data.dataset!r}. "
                     f"Received: n_classes={show_value(asked)}. Ignored.")
    network = repaired(NetworkConfig, values["network"], notes)
    batch_size = values["training"].get("batch_size")
    if isinstance(batch_size, int) and batch_size > data.n_train:  # one note, with the real cap
        notes.append(f"{batch_size_error(batch_size, data)}. Used batch_size={data.n_train} instead.")
        values["training"]["batch_size"] = data.n_train
    training = repaired(TrainingConfig, values["training"], notes)
    if training.batch_size > data.n_train:  # the default batch size exceeds a tiny training split
        notes.append(f"{batch_size_error(training.batch_size, data)}. Used batch_size={data.n_train} instead.")
        training = training.replace(batch_size=data.n_train)
    error = perceptron_error(training, data, network)
    if error:
        notes.append(f"{error}. Used rule='backprop' instead.")
        training = training.replace(rule="backprop")
    return Config(data, network, training, repaired(SECTIONS["view"], values["view"], notes))


def from_query_lenient(params) -> tuple[Config, list[str]]:
    """The best valid config a URL describes, and a message for each value changed or ignored."""
    notes: list[str] = []
    try:
        return _read(params, notes), notes
    except Exception as exc:  # a safety net: a page must always get a config
        notes.append(f"Internal error while reading the URL ({type(exc).__name__}: {exc}); "
                     "used the default config.")
        return Config(), notes
