"""The field table (playground/config/fields.py) and the lenient pass's clamp notes."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from playground.config import (
    BOUNDS,
    FIELDS,
    OPTIMIZER_PARAMS,
    SCHEDULE_PARAMS,
    SECTIONS,
    Config,
    ConfigError,
    LayerConfig,
    TrainingConfig,
)
from playground.config.constraints import Flag, Number
from playground.config.lenient import repaired
from playground.nn import optimizers, schedules

SECTION_CLASSES = (*SECTIONS.values(), LayerConfig)
ALL_FIELDS = [(cls, f.name) for cls in SECTION_CLASSES for f in dataclasses.fields(cls)]


def test_every_field_of_every_section_has_a_constraint_and_nothing_else_does():
    names = [name for _, name in ALL_FIELDS]
    missing = [name for name in names if name not in FIELDS]
    assert missing == [], f"fields without a constraint in FIELDS: {missing}"
    assert len(names) == len(set(names)), "a field name used in two sections"
    assert set(FIELDS) == set(names), f"constraints for no field: {set(FIELDS) - set(names)}"


@pytest.mark.parametrize(("cls", "name"), ALL_FIELDS, ids=[name for _, name in ALL_FIELDS])
def test_every_default_passes_its_own_constraint(cls, name):
    default = cls.defaults()[name]
    if name == "n_classes" or name == "custom":  # None: the dataset decides
        assert default is None
    else:
        assert FIELDS[name].check(name, default) == default


NUMBERS = [(cls, name) for cls, name in ALL_FIELDS if isinstance(FIELDS[name], Number) and name != "n_classes"]


@pytest.mark.parametrize(("cls", "name"), NUMBERS, ids=[name for _, name in NUMBERS])
def test_every_number_is_checked_whatever_its_annotation(cls, name):
    """An optional field (annotated `float | None`) is checked like any other: the table decides."""
    bound = FIELDS[name].bound
    for bad in (bound.high + 1, bound.low - 1, float("nan"), "3", True):
        with pytest.raises(ConfigError) as error:
            cls(**{name: bad})
        assert error.value.field == name and f"Received: {name}=" in str(error.value)
    if FIELDS[name].optional:
        assert getattr(cls(**{name: None}), name) is None
    else:
        with pytest.raises(ConfigError, match=f"Received: {name}=None"):
            cls(**{name: None})


@pytest.mark.parametrize("name", [name for _, name in ALL_FIELDS if isinstance(FIELDS[name], Flag)])
def test_every_flag_takes_only_booleans(name):
    cls = next(cls for cls, field in ALL_FIELDS if field == name)
    with pytest.raises(ConfigError, match=f"{name} must be True or False"):
        cls(**{name: 1})


def test_bounds_is_the_table_seen_by_the_ui():
    assert set(BOUNDS) == {name for name, c in FIELDS.items() if c.bound is not None}
    assert all(BOUNDS[name] is FIELDS[name].bound for name in BOUNDS)


def test_exposed_optimizer_and_schedule_parameters_are_their_classes_arguments():
    assert tuple(OPTIMIZER_PARAMS) == optimizers.OPTIMIZERS.names()
    assert tuple(SCHEDULE_PARAMS) == schedules.SCHEDULES.names()
    for name, params in OPTIMIZER_PARAMS.items():
        arguments = inspect.signature(type(optimizers.get(name))).parameters
        assert set(params) <= set(arguments), name
    for name, params in SCHEDULE_PARAMS.items():
        arguments = inspect.signature(type(schedules.get(name, 0.1))).parameters
        assert set(params) <= set(arguments), name


# ---------------------------------------------------------------------------------------------
# The lenient pass: clamp, note, construct once


@pytest.mark.parametrize(("given", "used", "note"), [
    ({"learning_rate": 99.0}, {"learning_rate": 10.0},
     "learning_rate must be between 1e-05 and 10. Received: learning_rate=99. Used learning_rate=10 instead."),
    ({"momentum": -3}, {"momentum": 0.0},
     "momentum must be between 0 and 0.999. Received: momentum=-3. Used momentum=0 instead."),
    ({"patience": 10**9}, {"patience": 1000},
     "patience must be between 1 and 1000. Received: patience=1000000000. Used patience=1000 instead."),
    ({"decay_rate": 0.0}, {"decay_rate": 0.5},  # an open end: clamping lands outside, so the default
     "decay_rate must be greater than 0 and at most 1. Received: decay_rate=0. Used decay_rate=0.5 instead."),
    ({"epsilon": float("inf")}, {"epsilon": 1e-7},  # nothing finite is near infinity
     "epsilon must be between 1e-12 and 0.1. Received: epsilon=inf. Used epsilon=1e-07 instead."),
    ({"optimizer": "adamax"}, {"optimizer": "adam"},
     "optimizer must be one of sgd, rmsprop, adam, adamw, adagrad. Received: optimizer='adamax'. "
     "Used optimizer='adam' instead."),
    ({"clipnorm": 500.0}, {"clipnorm": 100.0},
     "clipnorm must be greater than 0 and at most 100. Received: clipnorm=500. Used clipnorm=100 instead."),
])
def test_each_rejected_value_is_clamped_or_defaulted_with_one_note(given, used, note):
    notes = []
    training = repaired(TrainingConfig, given, notes)
    assert notes == [note]
    assert {name: getattr(training, name) for name in used} == used


def test_a_rule_between_fields_sees_the_repaired_fields_before_it():
    notes = []
    training = repaired(TrainingConfig, {"momentum": 5.0, "nesterov": True}, notes)  # momentum clamped first
    assert (training.momentum, training.nesterov) == (0.999, True) and len(notes) == 1
    notes = []
    training = repaired(TrainingConfig, {"momentum": 0.0, "nesterov": True}, notes)
    assert training.nesterov is False and notes[0].endswith("Used nesterov=False instead.")


def test_valid_values_pass_untouched_and_without_notes():
    notes = []
    given = {"optimizer": "sgd", "momentum": 0.9, "nesterov": True, "clipnorm": None}
    assert repaired(TrainingConfig, given, notes) == TrainingConfig(**given) and notes == []


def test_a_link_gets_one_note_per_clamped_value():
    config, notes = Config.from_query_lenient({"lr": "99", "noise": "-1", "layers": "300relu-d5", "grid": "10"})
    assert (config.training.learning_rate, config.data.noise, config.view.grid) == (10.0, 0.0, 50)
    assert config.network.hidden == (LayerConfig(256, "relu", 0.9),)
    assert len(notes) == 5 and notes[1].startswith("layer 1: dropout must be between 0 and 0.9")
