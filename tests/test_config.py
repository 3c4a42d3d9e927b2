"""The experiment config: defaults, bounds, derived output layer, exact round trips, hostile URLs."""

from __future__ import annotations

import ast
import dataclasses
import json
import math
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import datasets
from playground.config import (
    BOUNDS,
    CUSTOM,
    DATASETS,
    FEATURES,
    HIDDEN_ACTIVATIONS,
    INITIALIZERS,
    OPTIMIZERS,
    QUERY_KEYS,
    REGULARIZATIONS,
    SCHEDULES,
    Config,
    ConfigError,
    DataConfig,
    LayerConfig,
    NetworkConfig,
    Range,
    TrainingConfig,
    ViewConfig,
)

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INTERNAL = "Internal error"  # the lenient parser's safety net must never be what answers


# ---------------------------------------------------------------------------------------------
# Defaults and derived values


def test_defaults_are_a_pleasant_first_run():
    c = Config()
    assert c.data.dataset == "circle" and c.data.n_samples == 500 and c.data.features == ("x1", "x2")
    assert c.network.hidden == (LayerConfig(4, "tanh"), LayerConfig(2, "tanh"))
    assert c.training.optimizer == "adam" and c.training.learning_rate == 0.03
    assert c.training.batch_size == 10 and c.data.n_train == 250
    t = c.training
    assert (t.beta_1, t.beta_2, t.rho, t.epsilon, t.weight_decay) == (0.9, 0.999, 0.9, 1e-7, None)
    assert c.view == ViewConfig(show_test=False, discretize=False, grid=100, log_scale=False)
    assert c.to_query() == {}
    assert hash(c) == hash(Config())


@pytest.mark.parametrize(
    ("dataset", "n_classes", "units", "activation", "loss"),
    [
        ("circle", None, 1, "sigmoid", "binary_crossentropy"),
        ("spiral", None, 1, "sigmoid", "binary_crossentropy"),
        ("blobs", 2, 1, "sigmoid", "binary_crossentropy"),
        ("blobs", None, 3, "softmax", "sparse_categorical_crossentropy"),
        ("spirals", 5, 5, "softmax", "sparse_categorical_crossentropy"),
        ("rings", 6, 6, "softmax", "sparse_categorical_crossentropy"),
        ("plane", None, 1, "linear", "mse"),
        ("sine", None, 1, "linear", "mse"),
    ],
)
def test_output_layer_and_loss_follow_the_task(dataset, n_classes, units, activation, loss):
    c = Config().replace(dataset=dataset, n_classes=n_classes)
    assert (c.output_units, c.output_activation, c.loss) == (units, activation, loss)


def test_every_dataset_gets_an_output_layer():
    for name, info in DATASETS.items():
        c = Config().replace(dataset=name)
        assert c.data.class_count == info.n_classes
        assert c.output_units == (info.n_classes if info.n_classes > 2 else 1)


def test_n_classes_is_the_chosen_k():
    assert DataConfig("blobs").n_classes == DATASETS["blobs"].n_classes == 3
    assert DataConfig("blobs", n_classes=5).class_count == 5
    assert DataConfig("circle", n_classes=5) == DataConfig("circle")  # ignored: fixed K
    assert DataConfig("circle").n_classes is None and DataConfig("circle").class_count == 2
    assert DataConfig("sine").class_count == 0
    with pytest.raises(ConfigError, match="n_classes"):
        DataConfig("circle", n_classes="3")
    # switching datasets: a fixed-K dataset leaves K unset, so a variable-K one starts at its default
    assert Config().replace(dataset="blobs").data.n_classes == 3
    assert Config().replace(dataset="blobs", n_classes=5).replace(dataset="rings").data.n_classes == 5


def test_canonical_forms():
    assert DataConfig(features=["x2", "x1sq", "x1"]).features == ("x1", "x2", "x1sq")
    assert NetworkConfig(hidden=[LayerConfig(3)]).hidden == (LayerConfig(3),)
    assert isinstance(TrainingConfig(learning_rate=1).learning_rate, float)
    assert math.copysign(1.0, DataConfig(noise=-0.0).noise) == 1.0


def test_context_defaults():
    assert NetworkConfig().effective_reg_rate == 0.0
    assert NetworkConfig(regularization="l2").effective_reg_rate == 0.01  # Keras l2() default
    assert NetworkConfig(regularization="l1", reg_rate=0.01).effective_reg_rate == 0.01
    assert NetworkConfig(reg_rate=0.01).effective_reg_rate == 0.0
    assert TrainingConfig(optimizer="adamw").effective_weight_decay == 0.004
    assert TrainingConfig(optimizer="adam").effective_weight_decay == 0.0
    assert TrainingConfig(optimizer="adamw", weight_decay=0.0).effective_weight_decay == 0.0


def test_optimizer_and_schedule_kwargs():
    sgd = TrainingConfig(optimizer="sgd", momentum=0.9, nesterov=True, clipnorm=1.0)
    assert sgd.optimizer_kwargs() == {"learning_rate": 0.03, "momentum": 0.9, "nesterov": True,
                                      "weight_decay": 0.0, "clipnorm": 1.0}
    assert set(TrainingConfig(optimizer="rmsprop").optimizer_kwargs()) == {
        "learning_rate", "rho", "momentum", "epsilon", "weight_decay", "clipnorm"}
    assert TrainingConfig(optimizer="adamw").optimizer_kwargs()["weight_decay"] == 0.004
    assert TrainingConfig().schedule_kwargs() == {}
    assert TrainingConfig(schedule="step").schedule_kwargs() == {"decay_steps": 1000, "decay_rate": 0.5}
    assert TrainingConfig(schedule="cosine").schedule_kwargs() == {"decay_steps": 1000}


def test_replace_routes_fields_to_their_sections():
    c = Config().replace(dataset="spiral", learning_rate=0.1, hidden=(LayerConfig(8, "relu"),), grid=50)
    assert (c.data.dataset, c.training.learning_rate, c.view.grid) == ("spiral", 0.1, 50)
    assert c.network.hidden == (LayerConfig(8, "relu"),)
    assert Config().replace(data=DataConfig("xor"), noise=0.2).data == DataConfig("xor", noise=0.2)
    with pytest.raises(ConfigError, match="no field 'speed'"):
        Config().replace(speed=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().data.noise = 0.3  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Bounds: every one enforced, with a message naming the field and the value received


def build(name: str, value) -> object:
    """The smallest object whose validation checks `name`."""
    if name in ("units", "activation", "dropout"):
        return LayerConfig(**{name: value})
    if name == "hidden":
        return NetworkConfig(hidden=(LayerConfig(),) * value)
    if name == "n_classes":
        return DataConfig("blobs", n_classes=value)
    if name == "batch_size":  # the largest training split, so the static bound is the one in force
        return Config().replace(n_samples=5000, train_share=0.9, batch_size=value)
    return Config().replace(**{name: value})


RANGES = sorted(name for name, bound in BOUNDS.items() if isinstance(bound, Range))
CHOICES = sorted(name for name, bound in BOUNDS.items() if not isinstance(bound, Range))
INTEGER = {"n_samples", "seed", "weights_seed", "n_classes", "hidden", "units", "decay_steps", "batch_size", "patience",
           "grid"}


def outside(name: str) -> list:
    bound = BOUNDS[name]
    if name == "hidden":  # fewer than 0 layers cannot even be written down
        return [bound.high + 1]
    if name in INTEGER:
        return [bound.low - 1, bound.high + 1]
    low = bound.low if bound.low_open else math.nextafter(bound.low, -math.inf)
    return [low, math.nextafter(bound.high, math.inf), math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("name", RANGES)
def test_numeric_bounds_are_inclusive_and_enforced(name):
    bound = BOUNDS[name]
    build(name, bound.high)
    if not bound.low_open:
        build(name, bound.low)
    for value in outside(name):
        with pytest.raises(ConfigError) as info:
            build(name, value)
        message = str(info.value)
        assert info.value.field == name and message.startswith(f"{name} must ")
        if name != "hidden":
            shown = str(int(value)) if float(value).is_integer() else repr(value)
            assert message.endswith(f"Received: {name}={shown}"), message


@pytest.mark.parametrize("name", [n for n in RANGES if n != "hidden"])
@pytest.mark.parametrize("value", ["1", True, None, [1]])
def test_numeric_fields_reject_other_types(name, value):
    optional = name in ("reg_rate", "weight_decay", "clipnorm", "n_classes", "weights_seed", "stop_at")
    if value is None and optional:
        build(name, value)
        return
    with pytest.raises(ConfigError, match=f"^{name} must be .*Received: {name}="):
        build(name, value)


@pytest.mark.parametrize("name", CHOICES)
@pytest.mark.parametrize("value", ["nope", 3, None])
def test_names_come_from_their_tables(name, value):
    with pytest.raises(ConfigError) as info:
        build(name, (value,) if name == "features" else value)
    assert info.value.field == name and f"{name}=" in str(info.value)
    for allowed in BOUNDS[name][:3]:
        assert allowed in str(info.value)


def test_the_brief_example_message():
    with pytest.raises(ConfigError) as info:
        Config().replace(learning_rate=-1)
    assert str(info.value) == "learning_rate must be between 1e-05 and 10. Received: learning_rate=-1"
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(("dataset", "n_samples", "train_share"),
                         [("circle", 55, 0.5), ("circle", 100, 0.29), ("blobs", 51, 0.15), ("sine", 77, 0.7),
                          ("circle", 50, 0.1), ("xor", 5000, 0.9)])
def test_n_train_is_what_the_split_gives(dataset, n_samples, train_share):
    data = DataConfig(dataset, n_samples=n_samples, train_share=train_share)
    X, y = datasets.make_dataset(dataset, n_samples, n_classes=data.n_classes)
    parts = datasets.split(X, y, train_share, seed=0, stratify=data.task == "classification")
    assert len(parts.X_train) == data.n_train


def test_batch_size_is_capped_by_the_training_split():
    c = Config().replace(n_samples=100, train_share=0.3)
    assert c.data.n_train == 30 and c.bound("batch_size") == Range(1, 30)
    c.replace(batch_size=30)
    with pytest.raises(ConfigError, match=r"between 1 and 30 .*Received: batch_size=31$"):
        c.replace(batch_size=31)


def test_structure_errors():
    with pytest.raises(ConfigError, match="features"):
        DataConfig(features=())
    with pytest.raises(ConfigError, match="features"):
        DataConfig(features=("x1", "x1"))
    with pytest.raises(ConfigError, match="features"):
        DataConfig(features="x1")
    with pytest.raises(ConfigError, match="hidden"):
        NetworkConfig(hidden=({"units": 3},))
    with pytest.raises(ConfigError, match="data must be a DataConfig"):
        Config(data={"dataset": "xor"})
    error = pickle.loads(pickle.dumps(ConfigError("noise", "noise must be ...")))
    assert (error.field, str(error)) == ("noise", "noise must be ...")


def test_tables_agree_with_the_datasets_module():
    assert set(BOUNDS["dataset"]) == {*datasets.DATASETS, CUSTOM}
    assert set(BOUNDS["features"]) == set(datasets.FEATURES)
    for name, (low, high) in [("n_samples", datasets.N_SAMPLES_RANGE), ("noise", datasets.NOISE_RANGE),
                              ("train_share", datasets.TRAIN_SHARE_RANGE), ("seed", datasets.SEED_RANGE),
                              ("n_classes", datasets.N_CLASSES_RANGE)]:
        assert low <= BOUNDS[name].low and BOUNDS[name].high <= high, name
    assert BOUNDS["batch_size"].high == math.floor(BOUNDS["n_samples"].high * BOUNDS["train_share"].high)
    assert BOUNDS["hidden"] == Range(0, 8) and BOUNDS["units"] == Range(1, 256)
    assert BOUNDS["learning_rate"] == Range(1e-5, 10.0)
    assert "softmax" not in HIDDEN_ACTIVATIONS and len(INITIALIZERS) == 9
    assert REGULARIZATIONS == ("none", "l1", "l2", "l1l2")
    assert OPTIMIZERS == ("sgd", "rmsprop", "adam", "adamw", "adagrad")
    assert SCHEDULES == ("constant", "step", "exponential", "cosine")


def test_config_imports_no_ui_or_sklearn():
    package = Path(__file__).parents[1].joinpath("playground", "config")
    imported = set()
    nodes = [node for path in package.glob("*.py") for node in ast.walk(ast.parse(path.read_text()))]
    for node in nodes:
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"streamlit", "plotly", "sklearn"}
    code = "import sys, playground.config; print(sorted({'streamlit', 'plotly'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parents[1])
    assert out.stdout.strip() == "[]"


# ---------------------------------------------------------------------------------------------
# Round trips


def ranged(name: str):
    bound = BOUNDS[name]
    if name in INTEGER:
        return st.integers(bound.low, bound.high)
    return st.floats(bound.low, bound.high, exclude_min=bound.low_open)


def maybe(default, strategy):
    return st.one_of(st.just(default), strategy)


layers = st.builds(
    LayerConfig,
    units=maybe(4, ranged("units")),
    activation=st.sampled_from(HIDDEN_ACTIVATIONS),
    dropout=maybe(0.0, ranged("dropout")),
    batch_norm=st.booleans(),
)


@st.composite
def configs(draw) -> Config:
    data = DataConfig(
        dataset=draw(st.sampled_from(tuple(DATASETS))),
        n_samples=draw(maybe(500, ranged("n_samples"))),
        noise=draw(maybe(0.0, ranged("noise"))),
        train_share=draw(maybe(0.5, ranged("train_share"))),
        seed=draw(maybe(0, ranged("seed"))),
        n_classes=draw(st.none() | ranged("n_classes")),
        features=draw(st.lists(st.sampled_from(tuple(FEATURES)), min_size=1, unique=True)),
    )
    network = NetworkConfig(
        hidden=tuple(draw(st.lists(layers, max_size=8))),
        initializer=draw(st.sampled_from(INITIALIZERS)),
        regularization=draw(st.sampled_from(REGULARIZATIONS)),
        reg_rate=draw(st.none() | ranged("reg_rate")),
        weights_seed=draw(st.none() | ranged("weights_seed")),
    )
    fields = {name: draw(maybe(getattr(TrainingConfig(), name), ranged(name)))
              for name in ("learning_rate", "momentum", "beta_1", "beta_2", "rho", "epsilon",
                           "decay_steps", "decay_rate", "patience")}
    training = TrainingConfig(
        optimizer=draw(st.sampled_from(OPTIMIZERS)),
        nesterov=draw(st.booleans()) and fields["momentum"] > 0,
        weight_decay=draw(st.none() | ranged("weight_decay")),
        schedule=draw(st.sampled_from(SCHEDULES)),
        batch_size=draw(st.integers(1, data.n_train)),
        clipnorm=draw(st.none() | ranged("clipnorm")),
        early_stopping=draw(st.booleans()),
        **fields,
    )
    view = ViewConfig(draw(st.booleans()), draw(st.booleans()), draw(ranged("grid")), draw(st.booleans()))
    return Config(data, network, training, view)


@FAST
@given(configs())
def test_dict_and_json_round_trips_are_exact(c):
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d  # plain JSON-able
    assert Config.from_dict(d) == c and Config.from_dict(d).to_dict() == d
    assert Config.from_json(c.to_json()) == c
    assert Config.from_json(c.to_json(indent=2)) == c
    assert hash(Config.from_dict(d)) == hash(c)


@FAST
@given(configs())
def test_query_round_trip_is_exact(c):
    q = c.to_query()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in q.items())
    assert set(q) <= set(QUERY_KEYS)
    back = Config.from_query(q)
    assert back == c and back.to_dict() == c.to_dict()
    assert Config.from_query({k: [v] for k, v in q.items()}) == c
    assert Config.from_query_lenient(q) == (c, [])


def test_query_format_example():
    c = Config().replace(
        dataset="spiral", noise=0.1, learning_rate=0.01, optimizer="sgd", momentum=0.9,
        hidden=(LayerConfig(8, "relu", dropout=0.2), LayerConfig(8, "relu", batch_norm=True),
                LayerConfig(16, "leaky_relu", dropout=1e-5, batch_norm=True)))
    assert c.to_query() == {"data": "spiral", "noise": "0.1",
                            "layers": "8relu-d0.2,8relu-bn,16leaky_relu-d1e-05-bn",
                            "opt": "sgd", "lr": "0.01", "momentum": "0.9"}
    assert Config.from_query(c.to_query()) == c
    none = Config().replace(hidden=())
    assert none.to_query() == {"layers": "0"}
    for text in ("0", "", "none", " 0 "):
        assert Config.from_query({"layers": text}) == none
    assert Config().replace(learning_rate=1.0).to_query() == {"lr": "1"}
    assert Config().replace(dataset="blobs", n_classes=5).to_query() == {"data": "blobs", "classes": "5"}
    assert Config().replace(dataset="blobs").to_query() == {"data": "blobs"}
    assert Config.from_query({"test": "true", "nesterov": "1", "momentum": "0.9", "log_scale": "off"}).view.show_test


def test_strict_query_reports_everything():
    cases = {"speed": "3", "lr": "abc", "layers": "8relu,"*9, "samples": "10", "data": "", "clip": "0",
             "features": "x1,zz", "layers ": "8relu"}
    for key, value in cases.items():
        with pytest.raises(ConfigError):
            Config.from_query({key: value})
    with pytest.raises(ConfigError, match=r"layer 2: units must be between 1 and 256\. Received: units=1000"):
        Config.from_query({"layers": "8relu,1000relu"})
    with pytest.raises(ConfigError, match=r"layer 1 must read"):
        Config.from_query({"layers": "relu8"})
    with pytest.raises(ConfigError, match="Unknown URL parameter 'speed'"):
        Config.from_query({"speed": "3"})


def test_from_dict_and_json_reject_garbage():
    for bad in (None, [], {"data": {"nope": 1}}, {"nope": {}}, {"network": {"hidden": [3]}}, {"data": 3}):
        with pytest.raises(ConfigError):
            Config.from_dict(bad)
    for text in ("", "{", "[" * 100_000, "null", '{"data": {"noise": NaN}}', b"\xff", None):
        with pytest.raises(ConfigError):
            Config.from_json(text)


# ---------------------------------------------------------------------------------------------
# Lenient reading: the best valid config and a message for each change


def lenient(params):
    config, notes = Config.from_query_lenient(params)
    assert isinstance(config, Config)
    assert not any(INTERNAL in note for note in notes), notes
    return config, notes


@pytest.mark.parametrize(
    ("params", "field", "expected", "words"),
    [
        ({"layers": "1000000000relu"}, "hidden", (LayerConfig(256, "relu"),),
         ["layer 1", "units=1000000000", "units=256"]),
        ({"layers": "8relu-d5-bn"}, "hidden", (LayerConfig(8, "relu", 0.9, True),), ["dropout=5", "0.9"]),
        ({"layers": "8relu," * 500}, "hidden", (LayerConfig(8, "relu"),) * 8, ["501 layers", "first 8"]),
        ({"layers": "8relu,x,4sigmoid"}, "hidden", (LayerConfig(8, "relu"), LayerConfig(4, "sigmoid")),
         ["layer 2", "'x'"]),
        ({"lr": "abc"}, "learning_rate", 0.03, ["learning_rate='abc'", "learning_rate=0.03"]),
        ({"lr": "100"}, "learning_rate", 10.0, ["learning_rate=100", "learning_rate=10"]),
        ({"lr": "nan"}, "learning_rate", 0.03, ["learning_rate=nan", "learning_rate=0.03"]),
        ({"noise": "-1"}, "noise", 0.0, ["noise=-1", "noise=0"]),
        ({"samples": "1e9"}, "n_samples", 500, ["n_samples='1e9'"]),
        ({"samples": "999999999"}, "n_samples", 5000, ["n_samples=999999999", "n_samples=5000"]),
        ({"batch": "300"}, "batch_size", 250, ["batch_size=300", "batch_size=250"]),
        ({"batch": "0"}, "batch_size", 1, ["batch_size=0", "batch_size=1"]),
        ({"samples": "50", "train": "0.1"}, "batch_size", 5, ["between 1 and 5", "batch_size=10"]),
        ({"data": "mnist"}, "dataset", "circle", ["dataset='mnist'", "dataset='circle'"]),
        ({"data": "blobs", "classes": "40"}, "n_classes", 6, ["n_classes=40", "n_classes=6"]),
        ({"classes": "4"}, "n_classes", None, ["n_classes=4", "blobs"]),
        ({"clip": "0"}, "clipnorm", None, ["clipnorm=0", "clipnorm=None"]),
        ({"clip": "1e9"}, "clipnorm", 100.0, ["clipnorm=1000000000", "clipnorm=100"]),
        ({"features": "x1,zz,x1,sinx2"}, "features", ("x1", "sinx2"), ["'x1,zz,x1,sinx2'", "x1,sinx2"]),
        ({"features": "zz"}, "features", ("x1", "x2"), ["features='zz'", "x1,x2"]),
        ({"test": "maybe"}, "show_test", False, ["show_test='maybe'"]),
        ({"grid": "10"}, "grid", 50, ["grid=10", "grid=50"]),
        ({"speed": "3"}, "dataset", "circle", ["'speed'", "speed='3'", "Ignored"]),
        ({"lr": 3}, "learning_rate", 0.03, ["lr=3", "text"]),
        ({"lr": []}, "learning_rate", 0.03, ["lr=None"]),
    ],
)
def test_lenient_clamps_or_defaults_with_a_message(params, field, expected, words):
    config, notes = lenient(params)
    section = {"hidden": config.network, "learning_rate": config.training, "batch_size": config.training,
               "clipnorm": config.training, "show_test": config.view, "grid": config.view}
    section = section.get(field, config.data)
    assert getattr(section, field) == expected
    assert notes, "a change must come with a message"
    text = " | ".join(notes)
    for word in words:
        assert word in text, (word, notes)


def test_lenient_keeps_what_is_valid():
    config, notes = lenient({"data": "spiral", "lr": "abc", "layers": "8relu,1000tanh", "opt": "sgd"})
    assert config.data.dataset == "spiral" and config.training.optimizer == "sgd"
    assert config.network.hidden == (LayerConfig(8, "relu"), LayerConfig(256, "tanh"))
    assert len(notes) == 2
    assert lenient("not a mapping")[0] == Config()


# ---------------------------------------------------------------------------------------------
# Hostile input: strict raises only ConfigError; lenient never raises


HOSTILE = [
    "", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e-400", "9" * 5000,
    "1" * 10_000, "x" * 10_000, "8relu," * 500, "1000000000relu", "0relu", "-1", "0", "1e9", "10**9",
    "\x00", "\u202e", "\uff10", "\u0663", "true", "None", "null", "[]", "{}", "8relu-d-bn", "8relu-dnan",
    "8relu-d1e-05-bn-bn", "8relu-d0.1-d0.2", ",,,", "8RELU", "8relu-d1e400", "8relu-d" + "9" * 5000,
    "x1," * 3000, "4294967296", "2147483648", "0.1.2", "1_000", "+5", " 5 ",
]
layer_like = st.lists(  # near-misses of the layer spec: odd units, names and options
    st.tuples(st.sampled_from(["0", "1", "8", "256", "257", "1000000000", ""]),
              st.sampled_from(HIDDEN_ACTIVATIONS + ("", "softmax", "Relu", "x")),
              st.lists(st.sampled_from(["-bn", "-d0.2", "-d", "-d1e-05", "-d0.95", "-x", "-d.", "-bn-bn"]),
                       max_size=3)),
    max_size=10,
).map(lambda parts: ",".join(u + a + "".join(o) for u, a, o in parts))
hostile_text = st.one_of(st.text(), st.sampled_from(HOSTILE), st.floats().map(repr), st.integers().map(str),
                         layer_like)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, max_size=3), st.none(), st.integers(),
                          st.floats())
known_keys = st.sampled_from(tuple(QUERY_KEYS))


def only_config_errors(params) -> None:
    try:
        config = Config.from_query(params)
    except ConfigError:
        return
    assert isinstance(config, Config)


@FAST
@given(st.dictionaries(st.text(), st.text()))
def test_any_text_dictionary(params):
    only_config_errors(params)
    lenient(params)


@FAST
@given(st.dictionaries(known_keys, hostile_text, max_size=12))
def test_hostile_values_for_known_keys(params):
    only_config_errors(params)
    config, _ = lenient(params)
    assert Config.from_dict(config.to_dict()) == config


@FAST
@given(st.dictionaries(st.one_of(known_keys, st.text(), st.integers(), st.none()), hostile_value, max_size=8))
def test_hostile_mappings(params):
    only_config_errors(params)
    lenient(params)


def test_every_key_with_every_hostile_value():
    for key in QUERY_KEYS:
        for value in HOSTILE:
            config, notes = lenient({key: value})
            try:
                assert Config.from_query({key: value}) == config
            except ConfigError:
                assert notes, f"lenient must explain what strict rejected: {key}={value[:40]!r}"


@pytest.mark.parametrize("params", [None, "abc", 3, ["data"], {"data": None}, {None: "x"}, {"lr": [[]]}])
def test_not_even_a_mapping_of_text(params):
    only_config_errors(params)
    lenient(params)


def test_name_tables_match_the_engine_registries():
    from playground.nn import activations, initializers, optimizers, schedules

    assert set(HIDDEN_ACTIVATIONS) == set(activations.hidden_names())
    assert set(INITIALIZERS) == set(initializers.INITIALIZERS.names())
    assert set(OPTIMIZERS) == set(optimizers.OPTIMIZERS.names())
    assert set(SCHEDULES) == set(schedules.SCHEDULES.names())


def test_nesterov_needs_momentum_and_a_link_without_it_is_corrected_with_a_note():
    with pytest.raises(ConfigError, match="nesterov=true needs a momentum above 0"):
        TrainingConfig(optimizer="sgd", nesterov=True)
    config, notes = Config.from_query_lenient({"opt": "sgd", "nesterov": "true"})
    assert config.training.nesterov is False and config.training.optimizer == "sgd"
    assert any("nesterov" in note for note in notes)
    assert Config.from_query({"opt": "sgd", "momentum": "0.9", "nesterov": "true"}).training.nesterov is True
