"""The URL codec: a Config to short query parameters and back (strictly; lenient.py repairs).

Defaults are left out; keys are the short ones of ``QUERY_KEYS``; floats are written in their
shortest exact form, booleans as true/false, None as none. Hidden layers are
``layers=<layer>,<layer>,...`` with ``<units><activation>[-d<dropout>][-bn]`` per layer, e.g.
``8relu-d0.2,16tanh-d0.1-bn``; ``0`` (also ``none`` or empty) is no hidden layer. Each value
is parsed by its field's kind in ``FIELDS``; text that does not parse is passed on as is, for
the field's check to reject with the usual message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .constraints import ConfigError, Flag, Names, Number, show_value
from .fields import BOUNDS, FIELDS
from .run import Config
from .sections import FIELD_SECTION, SECTIONS, DataConfig, LayerConfig

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
TRUE_WORDS, FALSE_WORDS = ("true", "1", "yes", "on"), ("false", "0", "no", "off")  # URL booleans
_LAYER = re.compile(r"(\d+)([a-z_]+)((?:-(?:bn|d[0-9.]+(?:e[+-]?\d+)?))*)")
_LAYER_OPTION = re.compile(r"-(bn|d([0-9.]+(?:e[+-]?\d+)?))")
_LAYER_FORMAT = "<units><activation>[-d<dropout>][-bn], e.g. 8relu-d0.2-bn"
_MAX_LAYER_CHARS = 100


# ---------------------------------------------------------------------------------------------
# Writing


def _format_float(x: float) -> str:
    text = repr(x)  # the shortest string that reads back as the same float
    return text[:-2] if text.endswith(".0") else text


def format_value(name: str, value) -> str:
    """A field's value as the URL writes it."""
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


def to_query(config: Config) -> dict[str, str]:
    """The fields of `config` that differ from their defaults, as short URL parameters."""
    out, plain = {}, Config()
    same_data = DataConfig(config.data.dataset, custom=config.data.custom)  # K's default: the dataset's
    for key, name in QUERY_KEYS.items():
        section = FIELD_SECTION[name]
        default = same_data if name == "n_classes" else getattr(plain, section)
        value = getattr(getattr(config, section), name)
        if value != getattr(default, name):
            out[key] = format_value(name, value)
    return out


# ---------------------------------------------------------------------------------------------
# Reading


def parse_value(name: str, text: str):
    """A typed value for field `name` from URL text, by the field's kind in FIELDS."""
    constraint, text = FIELDS[name], text.strip()
    if isinstance(constraint, Flag):
        word = text.lower()
        return word in TRUE_WORDS if word in TRUE_WORDS + FALSE_WORDS else text
    if isinstance(constraint, Number):
        if constraint.optional and text.lower() in ("", "none"):
            return None
        try:
            return int(text) if constraint.integer else float(text)
        except ValueError:
            return text
    if isinstance(constraint, Names):
        return tuple(part.strip().lower() for part in text.split(","))
    return text.lower()


def layer_tokens(text: str) -> list[str]:
    """The layers of a `layers=` value, one text each (none for "", "0" or "none")."""
    text = text.strip().lower()
    return [] if text in ("", "0", "none") else text.split(",")


def too_many_layers(tokens: list[str]) -> ConfigError | None:
    bound = BOUNDS["hidden"]
    if len(tokens) <= bound.high:
        return None
    return ConfigError("hidden", f"hidden must have {bound.describe()} layers. Received: {len(tokens)} "
                                 f"layers in layers={show_value(','.join(tokens))}")


def layer_kwargs(index: int, token: str) -> dict[str, Any]:
    """LayerConfig's arguments from one layer's text (index from 1, for the message)."""
    token = token.strip()
    match = _LAYER.fullmatch(token) if len(token) <= _MAX_LAYER_CHARS else None
    options = _LAYER_OPTION.findall(match.group(3)) if match else []
    if not match or len({opt[0][0] for opt in options}) < len(options):
        raise ConfigError("hidden", f"layer {index} must read {_LAYER_FORMAT}. Received: {show_value(token)}")
    kwargs: dict[str, Any] = {"units": int(match.group(1)), "activation": match.group(2)}
    for option, dropout in options:
        if option == "bn":
            kwargs["batch_norm"] = True
        else:
            kwargs["dropout"] = parse_value("dropout", dropout)
    return kwargs


def parse_layers(text: str) -> tuple[LayerConfig, ...]:
    """Hidden layers from their URL text (see format_layers); ConfigError for anything wrong."""
    tokens = layer_tokens(text)
    error = too_many_layers(tokens)
    if error:
        raise error
    layers = []
    for index, token in enumerate(tokens, 1):
        kwargs = layer_kwargs(index, token)
        try:
            layers.append(LayerConfig(**kwargs))
        except ConfigError as error:
            raise ConfigError(error.field, f"layer {index}: {error}") from None
    return tuple(layers)


def url_value(raw):
    """A URL parameter's value: the last of repeated values (None when the list is empty)."""
    if isinstance(raw, list | tuple):
        return raw[-1] if raw else None
    return raw


def query_texts(params, problem: Callable[[str, str], None]) -> Iterator[tuple[str, str]]:
    """(field, text) for each URL parameter; anything else (not a mapping, an unknown key, a
    value that is not text) goes to ``problem(field, message)``."""
    if not isinstance(params, Mapping):
        problem("query", f"URL parameters must be a mapping of names to text. Received: {show_value(params)}")
        return
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
        yield name, raw


def _raise(field: str, message: str) -> None:
    raise ConfigError(field, message)


def from_query(params) -> Config:
    """The config a URL describes; ConfigError for anything unknown or invalid."""
    values: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for name, text in query_texts(params, _raise):
        values[FIELD_SECTION[name]][name] = parse_layers(text) if name == "hidden" else parse_value(name, text)
    return Config(**{name: cls(**values[name]) for name, cls in SECTIONS.items()})
