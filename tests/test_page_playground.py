"""Page tests of the Playground with streamlit.testing.v1.AppTest (no browser, no JavaScript).

Each test drives the page the way a user does (widgets by key, buttons by key, links by query
parameters) and checks what the user would notice: the metrics, messages, the address bar, and
the run held in `st.session_state["playground_session"]`. Every page run must end without an
exception. Browser-only behaviour (live charts, timers, replay playback) is in
tests/test_browser_playground.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from apptest_helpers import click, open_playground, run, shown
from streamlit.testing.v1 import AppTest

from playground.config import (
    BOUNDS,
    FIELD_SECTION,
    HIDDEN_ACTIVATIONS,
    OPTIMIZERS,
    QUERY_KEYS,
    Config,
    DataConfig,
    LayerConfig,
)
from playground.datasets import DATASETS
from playground.training import Trainer

SESSION_KEY = "playground_session"
SMALL = {"samples": "100", "grid": "50"}  # a cheap run for the smoke tests


# ---------------------------------------------------------------------------------------------
# Helpers


def open_page(query: dict[str, str] | None = None) -> AppTest:
    """A fresh browser session on the Playground, opened at `?<query>`."""
    return open_playground(query)


def session(at: AppTest):
    return at.session_state[SESSION_KEY]


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one {label!r} metric, found {[m.label for m in at.metric]}"
    return values[0]


def epoch_shown(at: AppTest) -> int:
    return int(metric(at, "Epoch").replace(",", ""))


def weights(at: AppTest) -> list[np.ndarray]:
    return [w.copy() for w in session(at).trainer.model.get_weights()]


def same_weights(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def texts(elements) -> list[str]:
    return [shown(e.value) for e in elements]


def field_value(config: Config, name: str):
    return getattr(getattr(config, FIELD_SECTION[name]), name)


# ---------------------------------------------------------------------------------------------
# The default page, Step and Reset


def test_default_page_starts_at_epoch_zero():
    at = open_page()
    assert epoch_shown(at) == 0
    assert session(at).trainer.epoch == 0 and not session(at).running
    assert session(at).config.network.hidden == Config().network.hidden
    assert not at.warning and not at.error
    assert {b.key for b in at.button} >= {"play", "step", "reset", "add_layer", "remove_layer", "regenerate"}
    assert metric(at, "Train loss") != "–" and metric(at, "Test accuracy") != "–"


def test_default_page_keeps_the_address_bar_clean():
    """The default run's link is the bare address: Config().to_query() is empty."""
    at = open_page()
    assert at.query_params == Config().to_query() == {}


def test_step_trains_exactly_one_epoch():
    at = open_page()
    before, loss_before = weights(at), metric(at, "Train loss")
    click(at, "step")
    assert epoch_shown(at) == session(at).trainer.epoch == 1
    assert not same_weights(before, weights(at))
    assert metric(at, "Train loss") != loss_before
    click(at, "step")
    assert epoch_shown(at) == session(at).trainer.epoch == 2
    assert session(at).trainer.history.epochs == [0, 1, 2]


def test_reset_restores_the_initial_weights():
    at = open_page()
    initial, loss = weights(at), metric(at, "Train loss")
    click(at, "step")
    click(at, "step")
    assert not same_weights(initial, weights(at))
    click(at, "reset")
    assert epoch_shown(at) == session(at).trainer.epoch == 0
    assert same_weights(initial, weights(at))
    assert metric(at, "Train loss") == loss
    assert session(at).trainer.history.epochs == [0]


# ---------------------------------------------------------------------------------------------
# Every dataset, activation, optimizer and the layer bounds: the page runs and Step trains


def _step_once(at: AppTest) -> None:
    epoch = session(at).trainer.epoch
    click(at, "step")
    assert session(at).trainer.epoch == epoch_shown(at) == epoch + 1
    assert session(at).trainer.status == "ready", session(at).trainer.message


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_dataset_runs_and_steps(dataset):
    at = open_page(SMALL)
    at.selectbox(key="cfg_dataset").set_value(dataset)
    run(at)
    config = session(at).config
    assert config.data.dataset == dataset and session(at).trainer.config == config
    kind = "R²" if DATASETS[dataset].task == "regression" else "accuracy"
    assert metric(at, f"Train {kind}") != "–"
    _step_once(at)


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_every_hidden_activation_runs_and_steps(activation):
    at = open_page(SMALL)
    at.selectbox(key="cfg_layer0_activation").set_value(activation)
    at.selectbox(key="cfg_layer1_activation").set_value(activation)
    run(at)
    assert [h.activation for h in session(at).config.network.hidden] == [activation, activation]
    _step_once(at)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_optimizer_runs_and_steps(optimizer):
    at = open_page(SMALL)
    at.selectbox(key="cfg_optimizer").set_value(optimizer)
    run(at)
    assert session(at).config.training.optimizer == optimizer
    _step_once(at)
    assert session(at).trainer.model.optimizer.iterations > 0


def test_no_hidden_layer_runs_and_steps():
    at = open_page(SMALL)
    while session(at).config.network.hidden:
        click(at, "remove_layer")
    assert BOUNDS["hidden"].low == 0
    assert at.button(key="remove_layer").disabled
    assert not [w for w in at.number_input if w.key and w.key.startswith("cfg_layer")]
    _step_once(at)


def test_eight_hidden_layers_run_and_step():
    at = open_page(SMALL)
    while len(session(at).config.network.hidden) < BOUNDS["hidden"].high:
        click(at, "add_layer")
    assert len(session(at).config.network.hidden) == 8
    assert at.button(key="add_layer").disabled
    assert at.number_input(key="cfg_layer7_units").value == 2  # a new layer copies the last one
    _step_once(at)


@pytest.mark.parametrize("units", [BOUNDS["units"].low, BOUNDS["units"].high])
def test_units_at_their_bounds_run_and_step(units):
    at = open_page(SMALL)
    at.number_input(key="cfg_layer0_units").set_value(units)
    run(at)
    assert session(at).config.network.hidden[0].units == units
    assert session(at).trainer.model.get_weights()[0].shape == (2, units)
    _step_once(at)


# ---------------------------------------------------------------------------------------------
# Links: query parameters in, address bar out

LINK = {"data": "spiral", "noise": "0.1", "layers": "8relu,8relu", "opt": "sgd", "lr": "0.01", "seed": "7"}


def test_link_fills_the_widgets():
    at = open_page(LINK)
    assert not at.warning
    assert at.selectbox(key="cfg_dataset").value == "spiral"
    assert at.slider(key="cfg_noise").value == pytest.approx(0.1)
    assert at.number_input(key="cfg_seed").value == 7
    assert at.selectbox(key="cfg_optimizer").value == "sgd"
    assert at.select_slider(key="cfg_learning_rate").value == pytest.approx(0.01)
    for index in (0, 1):
        assert at.number_input(key=f"cfg_layer{index}_units").value == 8
        assert at.selectbox(key=f"cfg_layer{index}_activation").value == "relu"
    assert not [w for w in at.number_input if w.key == "cfg_layer2_units"]


def test_link_restores_the_config():
    at = open_page(LINK)
    expected = Config.from_query(LINK)
    got = session(at).config
    assert got == expected, f"the page turned {LINK} into {got.to_query()} (expected {expected.to_query()})"


def test_link_builds_the_same_run_as_a_trainer_of_its_config():
    """Same seed, same data and initial weights: the epoch-0 loss equals a Trainer's built directly."""
    at = open_page(LINK)
    trainer = Trainer(Config.from_query(LINK))
    assert same_weights(weights(at), trainer.model.get_weights())
    assert metric(at, "Train loss") == f"{trainer.history.train_loss[-1]:.4f}"


def test_widget_change_puts_the_new_config_in_the_address_bar():
    at = open_page(LINK)
    at.slider(key="cfg_noise").set_value(0.3)
    run(at)
    config = session(at).config
    assert config.data.noise == pytest.approx(0.3)
    assert at.query_params == config.to_query()
    assert at.query_params["noise"] == "0.3"
    assert Config.from_query(at.query_params) == config  # the address bar is a working share link
    at.selectbox(key="cfg_layer1_activation").set_value("tanh")
    run(at)
    assert at.query_params["layers"] == "8relu,8tanh" == session(at).config.to_query()["layers"]


# Bad links: a message naming the field, never a traceback, and a valid config.
GARBAGE = "".join(chr(33 + (i * 7919) % 94) for i in range(10_000))  # 10 kB of printable junk


@pytest.mark.parametrize(("query", "field", "check"), [
    ({"layers": "1000000000relu"}, "units", lambda c: c.network.hidden == (LayerConfig(256, "relu"),)),
    ({"lr": "abc"}, "learning_rate", lambda c: c.training.learning_rate == Config().training.learning_rate),
    ({"data": "nope"}, "dataset", lambda c: c.data.dataset == Config().data.dataset),
    ({"batch": "999999"}, "batch_size", lambda c: c.training.batch_size == c.data.n_train == 250),
    ({"noise": GARBAGE}, "noise", lambda c: c.data.noise == 0.0),
    ({"layers": GARBAGE}, "layer", lambda c: c.network.hidden == ()),
    ({GARBAGE[:500]: GARBAGE}, "Unknown URL parameter", lambda c: c.data == DataConfig() and c.training == Config(
        ).training),
], ids=["huge-units", "lr-not-a-number", "unknown-dataset", "huge-batch", "garbage-noise", "garbage-layers",
        "garbage-key"])
def test_bad_link_shows_a_message_not_a_traceback(query, field, check):
    at = open_page(query)
    messages = texts(at.warning)
    assert messages and any(field in m for m in messages), messages
    assert all(len(m) < 1000 for m in messages), "the message echoes the whole bad value"
    config = session(at).config
    assert check(config), config
    assert at.query_params == config.to_query()  # the address bar now holds the config in use
    run(at)
    assert not at.warning  # said once


# Links the config accepts, at the edges of every range the widgets offer: they must open as given
# (or say what changed), never as a traceback. Grouped by the widgets a value needs to be shown.
EDGE_LINKS = [
    {"samples": "50", "noise": "0", "train": "0.1", "seed": "0", "batch": "1", "grid": "50"},
    {"samples": "5000", "noise": "0.5", "train": "0.9", "seed": str(2**31 - 1), "batch": "4500", "grid": "200"},
    {"data": "blobs", "classes": "2"},
    {"data": "rings", "classes": "6"},
    {"lr": "1e-05", "eps": "1e-12"},
    {"lr": "10", "eps": "0.1"},
    {"reg": "l1l2", "reg_rate": "1"},
    {"beta1": "0", "beta2": "0"},
    {"beta1": "0.999", "beta2": "0.9999"},
    {"opt": "rmsprop", "rho": "0.9999"},
    {"opt": "adamw", "wd": "1"},
    {"opt": "sgd", "momentum": "0.999"},
    {"opt": "sgd", "momentum": "0.5", "nesterov": "true"},
    {"schedule": "step", "decay_steps": "1", "decay_rate": "0.01"},
    {"schedule": "exponential", "decay_steps": "1000000", "decay_rate": "1"},
    {"clip": "0.001"},
    {"clip": "100", "early_stop": "true", "patience": "1000"},
]


@pytest.mark.parametrize("query", EDGE_LINKS, ids=["&".join(f"{k}={v}" for k, v in q.items()) for q in EDGE_LINKS])
def test_link_at_the_edge_of_a_range_opens_as_given(query):
    Config.from_query(query)  # a valid link
    at = open_page(query)
    expected, got = Config.from_query(query), session(at).config
    messages = " ".join(texts(at.warning))
    for key in query:
        name = QUERY_KEYS[key]
        assert field_value(got, name) == field_value(expected, name) or name in messages, (
            f"{key}={query[key]} became {name}={field_value(got, name)!r} without a word")
    _step_once(at)


# ---------------------------------------------------------------------------------------------
# Live changes, invalid combinations, rebuilds


def test_learning_rate_change_applies_while_running_without_reset():
    at = open_page()
    click(at, "step")
    click(at, "play")  # the full rerun runs the live fragment once: it trains a chunk
    run_ = session(at)
    trainer, epoch, iterations = run_.trainer, run_.trainer.epoch, run_.trainer.model.optimizer.iterations
    assert run_.running and epoch >= 1
    at.select_slider(key="cfg_learning_rate").set_value(0.1)
    run(at)
    assert run_.config.training.learning_rate == 0.1
    assert run_.trainer is trainer and run_.running, "the change stopped or replaced the run"
    assert trainer.model.optimizer.learning_rate == 0.1
    assert trainer.epoch >= epoch and trainer.history.epochs[: epoch + 1] == list(range(epoch + 1)), "reset"
    assert trainer.model.optimizer.iterations >= iterations, "the optimizer state was reset"
    assert not at.toast and not at.error
    assert at.button(key="pause") and at.query_params["lr"] == "0.1"
    click(at, "pause")
    assert not run_.running and at.button(key="play")


def test_removing_every_input_feature_shows_an_error_and_keeps_the_config():
    at = open_page()
    click(at, "step")
    before, query = session(at).config, dict(at.query_params)
    at.checkbox(key="cfg_feature_x1").uncheck()
    at.checkbox(key="cfg_feature_x2").uncheck()
    run(at)
    errors = texts(at.error)
    assert errors and "feature" in errors[0], errors
    assert session(at).config == before and session(at).trainer.epoch == epoch_shown(at) == 1
    assert dict(at.query_params) == query
    at.checkbox(key="cfg_feature_x1x2").check()
    run(at)
    assert not at.error and session(at).config.data.features == ("x1x2",)


def test_noise_keeps_the_weights_but_units_rebuild_the_network():
    at = open_page()
    click(at, "step")
    click(at, "step")
    trained = weights(at)
    at.slider(key="cfg_noise").set_value(0.2)
    run(at)
    assert session(at).trainer.epoch == epoch_shown(at) == 2
    assert same_weights(trained, weights(at))
    assert not at.toast
    at.number_input(key="cfg_layer0_units").set_value(6)
    run(at)
    assert session(at).trainer.epoch == epoch_shown(at) == 0
    assert weights(at)[0].shape == (2, 6)
    assert any("rebuilt" in t for t in texts(at.toast)), texts(at.toast)


def test_new_data_keeps_the_network_new_weights_keeps_the_data_and_a_link_reproduces_the_run():
    at = open_page(SMALL)
    start = weights(at)
    click(at, "step")
    click(at, "regenerate")  # new data: the same network goes on training
    data_seed = at.number_input(key="cfg_seed").value
    assert session(at).config.data.seed == data_seed != 0 and at.number_input(key="cfg_weights_seed").value == 0
    assert at.query_params["wseed"] == "0" and epoch_shown(at) == 1
    click(at, "reset")
    assert same_weights(start, weights(at))
    click(at, "step")
    sender = session(at).trainer.history.train_loss
    receiver = open_page(dict(at.query_params))  # the link, opened elsewhere
    click(receiver, "step")
    assert session(receiver).trainer.history.train_loss == sender

    points = session(at).trainer.data.X_train.copy()
    click(at, "new_weights")  # the same data, another start
    assert np.array_equal(session(at).trainer.data.X_train, points) and epoch_shown(at) == 0
    assert not same_weights(start, weights(at)) and at.number_input(key="cfg_weights_seed").value != 0
    assert any("initial weights of seed" in t for t in texts(at.toast)), texts(at.toast)
    at.number_input(key="cfg_weights_seed").set_value(0)  # and back to the first start
    run(at)
    assert same_weights(start, weights(at)) and at.query_params["wseed"] == "0"


def test_a_bias_start_below_zero_kills_relu_units_from_the_first_epoch():
    at = open_page({**SMALL, "layers": "8relu,8relu", "bias": "-2"})
    assert at.number_input(key="cfg_bias_init").value == -2.0
    assert np.all(weights(at)[1] == -2.0) and np.all(weights(at)[-1] == 0.0)  # hidden biases only
    at.number_input(key="cfg_bias_init").set_value(0.0)
    run(at)
    assert np.all(weights(at)[1] == 0.0) and "bias" not in at.query_params


def test_too_high_learning_rate_diverges_and_reset_recovers():
    # Plain SGD: with the default Adam, lr=10 on `plane` does not blow up (its steps are bounded by lr).
    at = open_page({"data": "plane", "lr": "10", "opt": "sgd"})
    for _ in range(5):
        click(at, "step")
        if session(at).trainer.status != "ready":
            break
    assert session(at).trainer.status == "diverged"
    errors = texts(at.error)
    assert errors and "learning rate" in errors[0] and "Reset" in errors[0], errors
    assert at.button(key="play").disabled and at.button(key="step").disabled
    assert np.isfinite(np.concatenate([w.ravel() for w in weights(at)])).all()
    click(at, "reset")
    assert session(at).trainer.status == "ready" and not at.error
    assert not at.button(key="play").disabled and epoch_shown(at) == 0
    at.select_slider(key="cfg_learning_rate").set_value(0.01)
    run(at)
    _step_once(at)


def test_two_sessions_do_not_see_each_others_runs():
    first, second = open_page(LINK), open_page({"data": "xor", "seed": "3"})
    click(first, "step")
    click(second, "step")
    second.slider(key="cfg_noise").set_value(0.25)
    run(second)
    click(first, "step")
    click(first, "step")
    click(second, "reset")
    assert session(first) is not session(second)
    assert epoch_shown(first) == session(first).trainer.epoch == 3
    assert epoch_shown(second) == session(second).trainer.epoch == 0
    assert session(first).config.data.dataset == "spiral" and session(first).config.data.noise == 0.1
    assert session(second).config.data.dataset == "xor" and session(second).config.data.noise == 0.25
    assert first.query_params["data"] == "spiral" and second.query_params["data"] == "xor"
    alone = Trainer(Config.from_query(LINK))  # the first run is exactly what it would be on its own
    for _ in range(3):
        alone.advance(epochs=1)
    assert same_weights(weights(first), alone.model.get_weights())
