"""The table of config fields: every field's type with its bounds or choices, in one place.

The name sets come from the engine's registries (`playground.nn`), so an activation, initializer,
optimizer or schedule added there is a valid config value at once. Every field of every config
section has an entry in ``FIELDS`` (a test holds this); its annotation plays no part in checking.
"""

from __future__ import annotations

from playground.datasets import DATASETS, FEATURES
from playground.nn import activations, initializers, optimizers, regularizers, schedules
from playground.uploads import CustomData

from .constraints import Choice, Constraint, Flag, Instance, Integer, Layers, Names, Range, Real

# The dataset name of a user's own data (an uploaded CSV or drawn points). The data itself rides
# in DataConfig.custom, never in a link or a config file, which carry only this name.
CUSTOM = "custom"

HIDDEN_ACTIVATIONS = activations.hidden_names()
INITIALIZERS = initializers.INITIALIZERS.names()
REGULARIZATIONS = ("none", *regularizers.REGULARIZERS.names())
OPTIMIZERS = optimizers.OPTIMIZERS.names()
SCHEDULES = schedules.SCHEDULES.names()
PACES = ("1", "2", "5", "10", "25", "max")  # live epochs per frame ("max": as many as fit between frames)
RULES = ("backprop", "perceptron")  # how the weights learn; "perceptron": see playground/perceptron.py

# Which hyperparameters of each optimizer and schedule the config exposes (Keras argument names;
# a test checks them against the classes' signatures); the UI shows only these.
OPTIMIZER_PARAMS = {"sgd": ("momentum", "nesterov"), "rmsprop": ("rho", "momentum", "epsilon"),
                    "adam": ("beta_1", "beta_2", "epsilon"), "adamw": ("beta_1", "beta_2", "epsilon"),
                    "adagrad": ("epsilon",)}
SCHEDULE_PARAMS = {"constant": (), "step": ("decay_steps", "decay_rate"),
                   "exponential": ("decay_steps", "decay_rate"), "cosine": ("decay_steps",)}
DEFAULT_REG_RATE = 0.01  # Keras l2()'s default; 1e-3 changed nothing visible when switched on mid-run
DEFAULT_WEIGHT_DECAY = {"adamw": 0.004}  # Keras 3; every other optimizer: 0


def _layer_config():
    from .sections import LayerConfig  # defined after this table, which its checks read

    return LayerConfig


FIELDS: dict[str, Constraint] = {
    # DataConfig
    "dataset": Choice(*DATASETS, CUSTOM),
    "n_samples": Integer(50, 5000),
    "noise": Real(0.0, 0.5),
    "train_share": Real(0.1, 0.9),
    "seed": Integer(0, 2**31 - 1),
    "n_classes": Integer(2, 6, optional=True),  # datasets with variable_classes only
    "features": Names(*FEATURES),
    "custom": Instance(CustomData),
    # NetworkConfig
    "hidden": Layers(Range(0, 8), of=_layer_config),  # the number of hidden layers
    "initializer": Choice(*INITIALIZERS),
    "regularization": Choice(*REGULARIZATIONS),
    "reg_rate": Real(0.0, 1.0, optional=True),
    "weights_seed": Integer(0, 2**31 - 1, optional=True),
    "bias_init": Real(-5.0, 5.0),
    # LayerConfig
    "units": Integer(1, 256),
    "activation": Choice(*HIDDEN_ACTIVATIONS),
    "dropout": Real(0.0, 0.9),
    "batch_norm": Flag(),
    # TrainingConfig
    "optimizer": Choice(*OPTIMIZERS),
    "learning_rate": Real(1e-5, 10.0),
    "momentum": Real(0.0, 0.999),
    "nesterov": Flag(),
    "beta_1": Real(0.0, 0.999),
    "beta_2": Real(0.0, 0.9999),
    "rho": Real(0.0, 0.9999),
    "epsilon": Real(1e-12, 0.1),
    "weight_decay": Real(0.0, 1.0, optional=True),
    "schedule": Choice(*SCHEDULES),
    "decay_steps": Integer(1, 1_000_000),
    "decay_rate": Real(0.0, 1.0, low_open=True),
    "batch_size": Integer(1, 4500),  # further capped by n_train; 4500 = the largest n_train
    "clipnorm": Real(0.0, 100.0, low_open=True, optional=True),
    "early_stopping": Flag(),
    "patience": Integer(1, 1000),
    "rule": Choice(*RULES),
    # ViewConfig
    "show_test": Flag(),
    "discretize": Flag(),
    "grid": Integer(50, 200),
    "log_scale": Flag(),
    "pace": Choice(*PACES),
    "stop_at": Integer(1, 1_000_000, optional=True),
}

# The UI's view of the table: each bounded field's Range or names.
BOUNDS: dict[str, Range | tuple[str, ...]] = {name: c.bound for name, c in FIELDS.items() if c.bound is not None}
