"""The sidebar: widgets for every config field, read back into a validated Config.

Widgets are keyed `cfg_<field>` (hidden layer i: `cfg_layer<i>_<field>`). Their values are set
from the config when a run is loaded and whenever Streamlit has dropped them (it forgets the
widgets of a page you leave), so the config in the session stays the single source of truth.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from playground.config import (
    BOUNDS,
    CUSTOM,
    DEFAULT_REG_RATE,
    DEFAULT_WEIGHT_DECAY,
    FIELD_SECTION,
    FIELDS,
    OPTIMIZER_PARAMS,
    SCHEDULE_PARAMS,
    Config,
    ConfigError,
    DataConfig,
    LayerConfig,
)
from playground.config.constraints import Flag, Number
from playground.datasets import DATASETS, FEATURES
from playground.uploads import CustomData

LEARNING_RATES = (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REG_RATES = (0.0, 1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0)
GRID_SIZES = (50, 100, 150, 200)
NEW_LAYER = LayerConfig(4, "tanh")


def _key(name: str) -> str:
    return f"cfg_{name}"


def _layer_key(index: int, name: str) -> str:
    return f"cfg_layer{index}_{name}"


@dataclass(frozen=True)
class Control:
    """One sidebar widget for one config field: the widget shows ``show(config)`` and gives the
    field ``read(value, widgets, previous)`` (value: the widget's; widgets: every widget by name).
    Without them the widget shows the field as it is and gives it back cast to the field's kind."""

    key: str
    field: str
    show: Callable[[Config], Any] | None = None
    read: Callable[[Any, Mapping[str, Any], Config], Any] | None = None

    def value(self, config: Config) -> Any:
        if self.show is not None:
            return self.show(config)
        return getattr(getattr(config, FIELD_SECTION[self.field]), self.field)

    def field_value(self, widgets: Mapping[str, Any], previous: Config) -> Any:
        value = widgets[self.key]
        return _cast(self.field, value) if self.read is None else self.read(value, widgets, previous)


def _cast(field: str, value) -> Any:
    """A widget's value as the field's kind in the config's table (a number input may give 3.0 for 3)."""
    kind = FIELDS[field]
    if isinstance(kind, Number):
        return int(value) if kind.integer else float(value)
    return bool(value) if isinstance(kind, Flag) else value


def _variable_classes(widgets: Mapping[str, Any]) -> bool:
    return widgets["dataset"] != CUSTOM and DATASETS[widgets["dataset"]].variable_classes


def _reg_rate(value, widgets, previous: Config) -> float | None:
    """The rate widget's value; None (the default rate) while it shows the default or is hidden."""
    if widgets["regularization"] == "none":
        return previous.network.reg_rate
    value = float(value)
    return None if value == DEFAULT_REG_RATE and previous.network.reg_rate is None else value


def _weight_decay(value, widgets, previous: Config) -> float | None:
    """AdamW's weight-decay widget; None (Keras's default) while it shows the default."""
    optimizer = widgets["optimizer"]
    if optimizer != "adamw":
        return previous.training.weight_decay
    value = float(value)
    return None if value == DEFAULT_WEIGHT_DECAY[optimizer] and previous.training.weight_decay is None else value


# The sidebar's widgets (key cfg_<key>) and the config field each edits; the input features and
# the hidden layers are below (FEATURES, LAYER_FIELDS). clipnorm has two: the Clip checkbox and
# the norm, kept while clipping is off.
CONTROLS = (
    Control("dataset", "dataset"),
    Control("n_classes", "n_classes", show=lambda c: c.data.class_count or 2,
            read=lambda v, w, _: int(v) if _variable_classes(w) else None),
    Control("noise", "noise"),
    Control("train_percent", "train_share", show=lambda c: round(c.data.train_share * 100),
            read=lambda v, w, _: v / 100),
    Control("n_samples", "n_samples"),
    Control("seed", "seed"),
    Control("weights_seed", "weights_seed", show=lambda c: c.network_seed),
    Control("initializer", "initializer"),
    Control("bias_init", "bias_init"),
    Control("regularization", "regularization"),
    Control("reg_rate", "reg_rate", show=lambda c: c.network.reg_rate if c.network.reg_rate is not None
            else DEFAULT_REG_RATE, read=_reg_rate),
    Control("optimizer", "optimizer"),
    Control("learning_rate", "learning_rate"),
    Control("momentum", "momentum"),
    Control("nesterov", "nesterov", read=lambda v, w, _: bool(v) and w["momentum"] > 0),
    Control("beta_1", "beta_1"),
    Control("beta_2", "beta_2"),
    Control("rho", "rho"),
    Control("epsilon", "epsilon"),
    Control("weight_decay", "weight_decay", show=lambda c: c.training.weight_decay
            if c.training.weight_decay is not None else DEFAULT_WEIGHT_DECAY["adamw"], read=_weight_decay),
    Control("schedule", "schedule"),
    Control("decay_steps", "decay_steps"),
    Control("decay_rate", "decay_rate"),
    Control("batch_size", "batch_size"),
    Control("clip", "clipnorm", show=lambda c: c.training.clipnorm is not None,
            read=lambda v, w, _: float(w["clipnorm"]) if v else None),
    Control("clipnorm", "clipnorm", show=lambda c: c.training.clipnorm or 1.0,
            read=lambda v, w, _: float(v) if w["clip"] else None),
    Control("early_stopping", "early_stopping"),
    Control("patience", "patience"),
    Control("show_test", "show_test"),
    Control("discretize", "discretize"),
    Control("grid", "grid"),
    Control("log_scale", "log_scale"),
)
LAYER_FIELDS = ("units", "activation", "dropout", "batch_norm")  # per hidden layer: cfg_layer<i>_<field>


def widget_values(config: Config) -> dict[str, object]:
    """Every widget key with the value that shows `config`."""
    values = {_key(control.key): control.value(config) for control in CONTROLS}
    values[_key("n_layers")] = len(config.network.hidden)
    values.update({_key(f"feature_{name}"): name in config.data.features for name in FEATURES})
    for index, layer in enumerate(config.network.hidden):
        for name in LAYER_FIELDS:
            values[_layer_key(index, name)] = getattr(layer, name)
    return values


def seed_widgets(config: Config, force: bool) -> None:
    """Set widget values from `config`: all of them when `force`, else only those Streamlit dropped."""
    for key, value in widget_values(config).items():
        if force or key not in st.session_state:
            st.session_state[key] = value


def _add_layer() -> None:
    count = st.session_state[_key("n_layers")]
    if count < BOUNDS["hidden"].high:
        source = count - 1
        for name in ("units", "activation", "dropout", "batch_norm"):
            value = st.session_state.get(_layer_key(source, name), getattr(NEW_LAYER, name))
            st.session_state[_layer_key(count, name)] = value
        st.session_state[_key("n_layers")] = count + 1


def _remove_layer() -> None:
    count = st.session_state[_key("n_layers")]
    if count > BOUNDS["hidden"].low:
        st.session_state[_key("n_layers")] = count - 1


def _new_seed(name: str) -> None:
    """A random seed for the `name` widget ("seed": new data; "weights_seed": new initial weights)."""
    st.session_state[_key(name)] = random.randrange(BOUNDS[name].high)


def _bounds(name: str) -> tuple[float, float]:
    """A number input's (min, max) from the config's bounds table; an open lower end starts just above it."""
    bound = BOUNDS[name]
    low = bound.low if not bound.low_open else max(bound.low, 0.0) + 1e-9
    return float(low), float(bound.high)


def _with_current(options: tuple, key: str) -> list:
    """The options plus the widget's current value (a URL may ask for one off the list)."""
    return sorted({*options, st.session_state[key]})


def _dataset_label(name: str) -> str:
    return "Your own data" if name == CUSTOM else DATASETS[name].label


def data_controls(custom: CustomData | None) -> None:
    """Dataset, its settings and the input features; `custom` is the session's own data, if any."""
    if custom is None and st.session_state[_key("dataset")] == CUSTOM:
        st.session_state[_key("dataset")] = DataConfig().dataset
    names = [*DATASETS, CUSTOM] if custom is not None else list(DATASETS)
    st.selectbox("Dataset", names, key=_key("dataset"), format_func=_dataset_label,
                 help="; ".join(f"{info.label}: {info.description}" for info in DATASETS.values()))
    if st.session_state[_key("dataset")] == CUSTOM:
        st.caption(f"{len(custom.y)} points of your own ({custom.task}); see 'Your own data' on the page.")
    else:
        info = DATASETS[st.session_state[_key("dataset")]]
        st.caption(info.description)
        if info.variable_classes:
            st.slider("Classes", 2, 6, key=_key("n_classes"))
        st.slider("Noise", 0.0, 0.5, step=0.01, key=_key("noise"), help=info.noise_meaning)
        st.slider("Points", 50, 5000, step=50, key=_key("n_samples"))
    st.slider("Training share (%)", 10, 90, step=5, key=_key("train_percent"))
    data_seed, weights_seed = st.columns(2, vertical_alignment="bottom")
    data_seed.number_input("Data seed", 0, BOUNDS["seed"].high, step=1, key=_key("seed"),
                           help="Draws the points and the train/test split.")
    data_seed.button("New data", on_click=_new_seed, args=("seed",), key="regenerate",
                     width="stretch", help="New points from a new data seed; the network keeps its weights.")
    weights_seed.number_input("Weights seed", 0, BOUNDS["weights_seed"].high, step=1, key=_key("weights_seed"),
                              help="Draws the network's initial weights, batch order and dropout masks. Type "
                                   "the previous seed to go back to that start.")
    weights_seed.button("New weights", on_click=_new_seed, args=("weights_seed",),
                        key="new_weights", width="stretch",
                        help="The same data, the network started again from other initial weights.")
    st.caption("Input features")
    columns = st.columns(3)
    for index, (name, feature) in enumerate(FEATURES.items()):
        columns[index % 3].checkbox(feature.label, key=_key(f"feature_{name}"))


def network_controls() -> None:
    count = st.session_state[_key("n_layers")]
    left, right = st.columns(2)
    left.button("Layer", icon=":material/add:", on_click=_add_layer, disabled=count >= BOUNDS["hidden"].high,
                key="add_layer", help="Add a hidden layer", width="stretch")
    right.button("Layer", icon=":material/remove:", on_click=_remove_layer, disabled=count <= 0,
                 key="remove_layer", help="Remove the last hidden layer", width="stretch")
    for index in range(count):
        for name, value in (("units", NEW_LAYER.units), ("activation", NEW_LAYER.activation),
                            ("dropout", 0.0), ("batch_norm", False)):
            st.session_state.setdefault(_layer_key(index, name), value)
        st.markdown(f"**Hidden layer {index + 1}**")
        units, activation = st.columns([2, 3])
        units.number_input("Units", 1, BOUNDS["units"].high, step=1, key=_layer_key(index, "units"))
        activation.selectbox("Activation", BOUNDS["activation"], key=_layer_key(index, "activation"))
        dropout, batch_norm = st.columns([3, 2], vertical_alignment="bottom")
        dropout.slider("Dropout", 0.0, 0.9, step=0.05, key=_layer_key(index, "dropout"))
        batch_norm.checkbox("Batch norm", key=_layer_key(index, "batch_norm"))
    st.selectbox("Initializer", BOUNDS["initializer"], key=_key("initializer"))
    st.number_input("Bias start", *_bounds("bias_init"), step=0.5, format="%.2f", key=_key("bias_init"),
                    help="Every hidden unit's bias starts here (0 as usual). Below zero, ReLU units may start dead.")
    st.selectbox("Regularization", BOUNDS["regularization"], key=_key("regularization"))
    if st.session_state[_key("regularization")] != "none":
        st.select_slider("Regularization rate", _with_current(REG_RATES, _key("reg_rate")), key=_key("reg_rate"))


def training_controls(n_train: int) -> None:
    st.selectbox("Optimizer", BOUNDS["optimizer"], key=_key("optimizer"))
    st.select_slider("Learning rate", _with_current(LEARNING_RATES, _key("learning_rate")),
                     key=_key("learning_rate"), help="Changes apply while training, without a reset.")
    params = OPTIMIZER_PARAMS[st.session_state[_key("optimizer")]]
    if "momentum" in params:
        st.number_input("Momentum", *_bounds("momentum"), step=0.05, format="%.3f", key=_key("momentum"))
    if "nesterov" in params:
        st.checkbox("Nesterov", key=_key("nesterov"), disabled=st.session_state[_key("momentum")] == 0)
    if "beta_1" in params:
        left, right = st.columns(2)
        left.number_input("beta_1", *_bounds("beta_1"), step=0.01, format="%.3f", key=_key("beta_1"))
        right.number_input("beta_2", *_bounds("beta_2"), step=0.001, format="%.4f", key=_key("beta_2"))
    if "rho" in params:
        st.number_input("rho", *_bounds("rho"), step=0.01, format="%.4f", key=_key("rho"))
    if "epsilon" in params:
        st.number_input("epsilon", *_bounds("epsilon"), step=1e-8, format="%.1e", key=_key("epsilon"))
    if st.session_state[_key("optimizer")] == "adamw":
        st.number_input("Weight decay", *_bounds("weight_decay"), step=0.001, format="%.4f",
                        key=_key("weight_decay"))
    st.selectbox("Schedule", BOUNDS["schedule"], key=_key("schedule"))
    schedule_params = SCHEDULE_PARAMS[st.session_state[_key("schedule")]]
    if "decay_steps" in schedule_params:
        st.number_input("Decay steps", 1, BOUNDS["decay_steps"].high, step=100, key=_key("decay_steps"))
    if "decay_rate" in schedule_params:
        st.number_input("Decay rate", *_bounds("decay_rate"), step=0.05, format="%.3g", key=_key("decay_rate"))
    st.session_state[_key("batch_size")] = min(st.session_state[_key("batch_size")], n_train)
    st.slider("Batch size", 1, max(2, n_train), key=_key("batch_size"))
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    left.checkbox("Clip", key=_key("clip"), help="Clip the global gradient norm.")
    right.number_input("Max norm", *_bounds("clipnorm"), step=0.5, format="%.3g", key=_key("clipnorm"),
                       disabled=not st.session_state[_key("clip")])
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    left.checkbox("Early stop", key=_key("early_stopping"), help="Stop when the test loss stops improving.")
    right.number_input("Patience", 1, 1000, key=_key("patience"), disabled=not st.session_state[
        _key("early_stopping")])


def view_controls() -> None:
    left, right = st.columns(2)
    left.checkbox("Show test data", key=_key("show_test"))
    right.checkbox("Discretize output", key=_key("discretize"))
    left.checkbox("Log-scale loss", key=_key("log_scale"))
    right.selectbox("Grid", GRID_SIZES if st.session_state[_key("grid")] in GRID_SIZES
                    else _with_current(GRID_SIZES, _key("grid")), key=_key("grid"))


def config_from_values(values: Mapping[str, Any], previous: Config, custom: CustomData | None) -> Config:
    """The config that the widget values (by key, as widget_values gives them) show; `custom`:
    the session's own data, used when the Dataset widget selects it. ConfigError when invalid."""
    widgets = {control.key: values[_key(control.key)] for control in CONTROLS}
    changes = {control.field: control.field_value(widgets, previous) for control in CONTROLS}
    hidden = tuple(LayerConfig(**{name: _cast(name, values[_layer_key(i, name)]) for name in LAYER_FIELDS})
                   for i in range(int(values[_key("n_layers")])))
    features = tuple(name for name in FEATURES if values[_key(f"feature_{name}")])
    return previous.replace(**changes, custom=custom, hidden=hidden, features=features)


def config_from_widgets(previous: Config, custom: CustomData | None) -> tuple[Config, str]:
    """The config the widgets show (see config_from_values); on a ConfigError, the previous config
    and the error's message."""
    try:
        return config_from_values(st.session_state, previous, custom), ""
    except ConfigError as error:
        return previous, str(error)


# Streamlit's 256 px sidebar cuts the labels of side-by-side controls ("Show test...", "Ea..."):
# 22rem holds them whole at 16 px type, New data and New weights side by side too (and scales with
# presentation mode's larger type).
SIDEBAR_CSS = '<style>[data-testid="stSidebar"][data-collapsed="false"] { min-width: 22rem; }</style>'


def sidebar(config: Config, custom: CustomData | None) -> tuple[Config, str]:
    """Draw every control in the sidebar; return the config they describe (or the previous one
    and an error message when the combination is invalid, e.g. no input feature). `custom`: the
    session's own data, offered as a dataset."""
    with st.sidebar:
        st.html(SIDEBAR_CSS)
        with st.expander("Data", expanded=True):
            data_controls(custom)
        with st.expander("Network", expanded=True):
            network_controls()
        with st.expander("Training", expanded=True):
            own = st.session_state[_key("dataset")] == CUSTOM
            points = len(custom.y) if own else st.session_state[_key("n_samples")]
            n_train = int(points * st.session_state[_key("train_percent")] / 100)
            training_controls(max(1, n_train))
        with st.expander("View"):
            view_controls()
    return config_from_widgets(config, custom)
