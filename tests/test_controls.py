"""The sidebar's table (playground/ui/controls.CONTROLS): every field it edits round-trips
config -> widget values -> config unchanged."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from test_config import FAST, configs

from playground.config import FIELDS, Config, ConfigError, LayerConfig
from playground.ui.controls import CONTROLS, LAYER_FIELDS, config_from_values, widget_values

NOT_IN_THE_SIDEBAR = {"pace", "stop_at", "rule", "custom"}  # the toolbar, lessons and own data set these


def round_trip(config: Config) -> Config:
    return config_from_values(widget_values(config), config, config.data.custom)


def test_the_table_covers_every_field_but_the_toolbars():
    edited = {control.field for control in CONTROLS} | {"features", "hidden", *LAYER_FIELDS}
    assert set(FIELDS) - edited == NOT_IN_THE_SIDEBAR
    assert len({control.key for control in CONTROLS}) == len(CONTROLS)


@pytest.mark.parametrize("config", [
    Config(),
    Config().replace(dataset="spirals", n_classes=5, regularization="l2", reg_rate=0.1, optimizer="sgd",
                     momentum=0.9, nesterov=True, clipnorm=2.0, weights_seed=7, features=("x1", "x1x2"),
                     hidden=(LayerConfig(8, "relu", 0.2, True), LayerConfig(3, "gelu"), LayerConfig(2, "step")),
                     schedule="cosine", decay_steps=300, early_stopping=True, patience=4, show_test=True,
                     discretize=True, grid=150, log_scale=True, bias_init=-1.5),
    Config().replace(dataset="sine", optimizer="adamw", weight_decay=0.01, train_share=0.8, hidden=(),
                     regularization="l1", learning_rate=3e-4, epsilon=1e-9),
    Config().replace(optimizer="rmsprop", rho=0.95, regularization="l1l2", reg_rate=None, n_samples=1000,
                     seed=12, noise=0.3),
])
def test_examples_round_trip(config):
    assert round_trip(config) == config


@FAST
@given(configs())
def test_any_config_the_sidebar_can_show_round_trips(config):
    try:  # the training share is a whole percent in the sidebar
        config = config.replace(train_share=round(config.data.train_share * 100) / 100)
    except ConfigError:
        assume(False)
    assert round_trip(config) == config


def test_a_changed_widget_changes_only_its_field():
    values = widget_values(Config())
    values["cfg_learning_rate"] = 0.1
    values["cfg_layer1_activation"] = "relu"
    assert config_from_values(values, Config(), None) == Config().replace(
        learning_rate=0.1, hidden=(LayerConfig(4, "tanh"), LayerConfig(2, "relu")))
