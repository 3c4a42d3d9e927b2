"""The knobs a sweep can turn: what each one changes in a Config, its bounds and default values.

A knob is a share link's numeric key (``reg_rate``, ``lr``, ``samples``, ``train``, ``noise``,
``batch``, ...; the names of ``config.QUERY_KEYS``) or one of four sweep-only knobs: ``width``
(units of every hidden layer), ``depth`` (number of hidden layers, copies of the first),
``dropout`` (every hidden layer's rate) and ``epochs`` (the run's length, not part of a config).

    apply_knob(config, "reg_rate", 1e-3)   # a Config (reg_rate on a run without a regularizer: L2)
    parse_values("log:1e-5:1:6", "reg_rate")  # (1e-05, 0.0001, 0.001, 0.01, 0.1, 1.0)
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..config import BOUNDS, QUERY_KEYS, Config, ConfigError, LayerConfig, Range, show_value

# URL keys that are not knobs: the seed is the sweep's own axis, the grid only draws, and the
# class count exists for some datasets only.
_NOT_KNOBS = ("seed", "grid", "classes")
_NUMERIC_TYPES = ("int", "float", "float | None")
_FIELD_TYPES = {f.name: f.type for section in (Config().data, Config().network, Config().training)
                for f in dataclasses.fields(section)}
URL_KNOBS = {key: name for key, name in QUERY_KEYS.items()
             if key not in _NOT_KNOBS and _FIELD_TYPES.get(name) in _NUMERIC_TYPES}
SWEEP_KNOBS = {"width": "units", "depth": "hidden", "dropout": "dropout", "epochs": "epochs"}
KNOBS = (*URL_KNOBS, *SWEEP_KNOBS)
EPOCHS_RANGE = Range(1, 5000)
# Knobs whose values span orders of magnitude: drawn on a log axis, defaults spaced by factors.
RATE_KNOBS = ("reg_rate", "lr", "eps", "wd", "decay_rate", "clip")
INTEGER_KNOBS = tuple(k for k in KNOBS if k in ("width", "depth", "epochs")
                      or _FIELD_TYPES.get(URL_KNOBS.get(k)) == "int")
LABELS = {"reg_rate": "regularization rate", "lr": "learning rate", "samples": "points in the dataset",
          "train": "training share", "noise": "noise", "batch": "batch size", "width": "units per hidden layer",
          "depth": "hidden layers", "dropout": "dropout rate", "epochs": "epochs"}
DEFAULT_VALUES = {
    "reg_rate": (1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 1e-1), "lr": (1e-4, 1e-3, 1e-2, 1e-1, 1.0),
    "samples": (50, 100, 200, 400, 800), "train": (0.1, 0.3, 0.5, 0.7, 0.9), "noise": (0.0, 0.1, 0.2, 0.3, 0.5),
    "batch": (1, 4, 10, 30), "width": (1, 2, 4, 8, 16, 32, 64), "depth": (0, 1, 2, 3, 4),
    "dropout": (0.0, 0.1, 0.2, 0.3, 0.5, 0.7), "epochs": (10, 30, 100, 300),
}


def check_knob(knob) -> str:
    if knob not in KNOBS:
        raise ConfigError("param", f"param must be one of {', '.join(KNOBS)}. Received: param={show_value(knob)}")
    return knob


def label(knob: str) -> str:
    """The knob as an axis title, e.g. "regularization rate (reg_rate)"."""
    name = LABELS.get(knob) or URL_KNOBS.get(knob, knob).replace("_", " ")
    return f"{name} ({knob})"


def bound(knob: str) -> Range:
    if knob == "epochs":
        return EPOCHS_RANGE
    return BOUNDS[{"width": "units", "depth": "hidden"}.get(knob) or URL_KNOBS.get(knob, knob)]


def apply_knob(config: Config, knob: str, value) -> Config:
    """`config` with the knob at `value` (epochs: unchanged, the run's length is not in a config).

    ``reg_rate`` on a run without a regularizer turns on L2, else the knob would change nothing;
    ``samples`` and ``train`` cap the batch size at the new training split. ConfigError for a value
    the config refuses, naming the knob.
    """
    check_knob(knob)
    value = _typed(knob, value)
    try:
        if knob == "epochs":
            if value not in EPOCHS_RANGE:
                raise ConfigError("epochs", f"epochs must be {EPOCHS_RANGE.describe()}. Received: epochs={value}")
            return config
        if knob in ("width", "dropout"):
            return _every_layer(config, knob, SWEEP_KNOBS[knob], value)
        if knob == "depth":
            first = config.network.hidden[0] if config.network.hidden else LayerConfig(8, "relu")
            return config.replace(hidden=(first,) * value)
        changes = {URL_KNOBS[knob]: value}
        if knob == "reg_rate" and config.network.regularization == "none":
            changes["regularization"] = "l2"
        if knob in ("samples", "train"):
            data = dataclasses.replace(config.data, **changes)
            return config.replace(data=data, batch_size=max(1, min(config.training.batch_size, data.n_train)))
        return config.replace(**changes)
    except ConfigError as error:
        raise ConfigError(knob, f"{knob}={show_value(value)} cannot be used: {error}") from None


def _every_layer(config: Config, knob: str, name: str, value) -> Config:
    if not config.network.hidden:
        raise ConfigError(knob, f"{knob} needs a network with hidden layers. Received: a network without "
                                "hidden layers (layers=0)")
    return config.replace(hidden=tuple(layer.replace(**{name: value}) for layer in config.network.hidden))


def _typed(knob: str, value):
    """The value as the knob's type: an int for integer knobs (2.0 is 2, 2.5 is refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ConfigError(knob, f"{knob} must be a number. Received: {knob}={show_value(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ConfigError(knob, f"{knob} must be a finite number. Received: {knob}={show_value(value)}")
    if knob in INTEGER_KNOBS:
        if not value.is_integer():
            raise ConfigError(knob, f"{knob} must be a whole number. Received: {knob}={show_value(value)}")
        return int(value)
    return value


def parse_values(text: str, knob: str) -> tuple:
    """Values from ``"0,1e-4,1e-3"``, ``"log:1e-5:1:9"`` (9 values spaced by equal factors) or
    ``"lin:1:64:8"`` (8 evenly spaced; integer knobs round them and drop repeats). ConfigError when
    the text does not read, or a value is outside the knob's bounds or not whole for an integer knob."""
    check_knob(knob)
    text = str(text).strip()
    kind, _, rest = text.partition(":")
    try:
        if kind in ("log", "lin") and rest:
            low, high, count = rest.split(":")
            low, high, count = float(low), float(high), int(count)
            if not 2 <= count <= 100 or (kind == "log" and not 0 < low < high) or not low < high:
                raise ValueError
            raw = np.geomspace(low, high, count) if kind == "log" else np.linspace(low, high, count)
        else:
            raw = [float(part) for part in text.split(",")]
    except ValueError:
        raise ConfigError("values", "values must read like 0,1e-4,1e-3 or log:<low>:<high>:<count> (low > 0) or "
                                    f"lin:<low>:<high>:<count> (low < high, 2 to 100 values). "
                                    f"Received: values={show_value(text)}") from None
    values = [float(f"{v:.12g}") for v in raw]  # geomspace's 0.0009999999999 is 0.001
    if knob in INTEGER_KNOBS and kind in ("log", "lin"):
        values = [round(v) for v in values]
    return check_values(knob, values)


def check_values(knob: str, values) -> tuple:
    """The distinct values in ascending order, each checked against the knob's bounds."""
    values = sorted(set(_typed(knob, v) for v in values))
    if not values:
        raise ConfigError("values", f"a sweep needs at least one value. Received: values=() for {knob}")
    rng = bound(knob)
    for value in values:
        if value not in rng:
            raise ConfigError("values", f"{knob} must be {rng.describe()}. Received: {knob}={value:g}")
    return tuple(values)


def current_value(config: Config, knob: str, epochs: int):
    """The knob's value in `config` (the run the page starts from); None when it has none."""
    if knob == "epochs":
        return epochs
    hidden = config.network.hidden
    if knob == "width":
        return hidden[0].units if hidden else None
    if knob == "depth":
        return len(hidden)
    if knob == "dropout":
        return hidden[0].dropout if hidden else None
    if knob == "reg_rate":
        return config.network.effective_reg_rate
    name = URL_KNOBS[knob]
    section = {f.name: s for s in ("data", "network", "training") for f in dataclasses.fields(getattr(config, s))}
    return getattr(getattr(config, section[name]), name)


def default_values(knob: str, base=None) -> tuple:
    """Sensible values for the knob: its table entry, else factors around `base` within the bounds."""
    check_knob(knob)
    if knob in DEFAULT_VALUES:
        return DEFAULT_VALUES[knob]
    rng = bound(knob)
    center = base if isinstance(base, int | float) and base > 0 else max(rng.low, 1e-3)
    factors = (0.1, 0.3, 1, 3, 10) if knob in RATE_KNOBS else (0.5, 0.75, 1, 1.5, 2)
    values = {min(max(center * f, rng.low), rng.high) for f in factors}
    return check_values(knob, [round(v) if knob in INTEGER_KNOBS else float(f"{v:.6g}") for v in values])
