"""The How-it-learns page (AppTest, no browser): stepping through one training step of the session's run.

Each test opens the app (optionally at a share link's query), lets the Playground create the
session's run, switches to the page and drives it as a user does. The loss the page shows is
checked against an independent run of the engine: a fresh Trainer of the same config (the
engine is deterministic) taking the same step with `train_on_batch`.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_helpers import open_playground, run
from streamlit.testing.v1 import AppTest

from playground.training import Trainer

SESSION_KEY = "playground_session"
MULTICLASS = {"data": "blobs", "layers": "6relu-d0.2,4tanh-bn", "reg": "l2"}


def open_page(query: dict[str, str] | None = None, epochs: int = 0) -> AppTest:
    """The app at `?query`, trained `epochs` epochs with the Playground's Step button, then this page."""
    at = open_playground(query, epochs)
    at.switch_page("app_pages/how_it_learns.py")
    return run(at)


def session(at: AppTest):
    return at.session_state[SESSION_KEY]


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, [m.label for m in at.metric]
    return values[0]


def engine_loss(at: AppTest, rows: slice, epochs: int = 0) -> float:
    """The loss train_on_batch reports on these training rows, from an independent Trainer of the same config."""
    trainer = Trainer(session(at).config)
    if epochs:
        trainer.advance(epochs=epochs)
    return trainer.model.train_on_batch(trainer.data.F_train[rows], trainer.data.y_train[rows])


def step_through(at: AppTest) -> list[str]:
    """Click Next until it is disabled; the titles of the steps seen (from step 1)."""
    titles = [at.subheader[0].value]
    while not at.button(key="hil_next").disabled:
        at.button(key="hil_next").click()
        run(at)
        assert at.session_state["hil_step"] == len(titles) + 1
        titles.append(at.subheader[0].value)
        assert at.latex, f"no formula at step {titles[-1]!r}"
    assert at.slider(key="hil_step").value == at.slider(key="hil_step").max == len(titles)
    return titles


def shown_loss_markdown(at: AppTest) -> str:
    found = [m.value for m in at.markdown if "train_on_batch reports" in m.value]
    assert len(found) == 1
    return found[0]


def check_loss_shown(at: AppTest, rows: slice, epochs: int = 0) -> None:
    """The metric and the loss step's text show the loss the engine reports for the page's batch."""
    expected = engine_loss(at, rows, epochs)
    assert metric(at, "Batch loss") == f"{expected:.6g}"
    at.slider(key="hil_step").set_value(loss_step_number(at))
    run(at)
    assert at.subheader[0].value == "The loss"
    assert f"**{expected:.10g}**" in shown_loss_markdown(at)


def loss_step_number(at: AppTest) -> int:
    from playground.tracing import trace_step
    from playground.walkthrough import walkthrough_steps

    trainer, batch = session(at).trainer, session(at).config.training.batch_size
    trace = trace_step(trainer.model, trainer.data.F_train[:batch], trainer.data.y_train[:batch])
    return 1 + [step.phase for step in walkthrough_steps(trace)].index("loss")


def weights_and_optimizer(at: AppTest):
    model = session(at).trainer.model
    return model.flat_params.copy(), model.optimizer.iterations, {k: v.copy() for k, v in model.optimizer.slots.items()}


def assert_unchanged(before, after) -> None:
    assert np.array_equal(before[0], after[0]) and before[1] == after[1]
    assert before[2].keys() == after[2].keys() and all(np.array_equal(before[2][k], after[2][k]) for k in before[2])


# ---------------------------------------------------------------------------------------------


def test_default_network_every_step_and_back_without_changing_the_run():
    at = open_page()
    before = weights_and_optimizer(at)
    assert at.button(key="hil_prev").disabled and at.get("plotly_chart")
    titles = step_through(at)
    assert titles[0] == "The mini-batch" and titles[-1].startswith("The update (adam, step t = 1)")
    assert len(titles) == 15  # batch, 3 x (z, a), loss, output error, 3 x gradients, 2 x delta, update
    while not at.button(key="hil_prev").disabled:
        at.button(key="hil_prev").click()
        run(at)
    assert at.session_state["hil_step"] == 1
    assert_unchanged(before, weights_and_optimizer(at))
    assert session(at).trainer.epoch == 0


def test_loss_shown_equals_the_engines_after_training():
    at = open_page(epochs=2)
    batch = session(at).config.training.batch_size
    check_loss_shown(at, slice(0, batch), epochs=2)
    assert metric(at, "Optimizer step t") == str(session(at).trainer.model.optimizer.iterations + 1)


def test_multiclass_network_with_dropout_batch_norm_and_l2():
    at = open_page(MULTICLASS, epochs=1)
    titles = step_through(at)
    assert any("dropout" in t for t in titles) and any("batch norm" in t for t in titles)
    assert "The penalty's gradient" in titles
    assert float(metric(at, "Penalty")) > 0
    batch = session(at).config.training.batch_size
    check_loss_shown(at, slice(0, batch), epochs=1)


def test_no_hidden_layer():
    at = open_page({"layers": "0"})
    titles = step_through(at)
    assert titles == ["The mini-batch", "Forward, output layer: pre-activations", "Forward, output layer: activations",
                      "The loss", "Backward: the output error", "Backward, output layer: weight gradients",
                      "The update (adam, step t = 1)"]
    check_loss_shown(at, slice(0, session(at).config.training.batch_size))


def test_regression_without_hidden_layers():
    at = open_page({"data": "sine", "layers": "0"})
    titles = step_through(at)
    assert "Forward, output layer: activations" not in titles  # a linear output has no activation step
    check_loss_shown(at, slice(0, session(at).config.training.batch_size))


def test_one_point_and_the_last_batch():
    at = open_page()
    n_train = session(at).trainer.data.F_train.shape[0]
    at.radio(key="hil_mode").set_value("One point")
    run(at)
    point = at.number_input(key="hil_point")
    point.set_value(point.max)
    run(at)
    assert point.max == n_train
    assert metric(at, "Batch loss") == f"{engine_loss(at, slice(n_train - 1, n_train)):.6g}"
    assert not any(w.key == "hil_row" for w in at.number_input)  # one example: nothing to pick
    at.radio(key="hil_mode").set_value("A mini-batch")
    run(at)
    batch = at.number_input(key="hil_batch")
    batch.set_value(batch.max)
    run(at)
    size = session(at).config.training.batch_size
    count = int(batch.max)
    last = slice((count - 1) * size, min(count * size, n_train))
    assert metric(at, "Batch loss") == f"{engine_loss(at, last):.6g}"
    at.number_input(key="hil_row").set_value(size)
    run(at)


def test_large_network_is_summarised_per_layer():
    at = open_page({"layers": "32relu,16relu,8tanh,4tanh"})
    assert [json.loads(c.proto.spec)["layout"]["uirevision"] for c in at.get("plotly_chart")] == ["walkthrough-layers"]
    titles = step_through(at)
    assert len(titles) == 1 + 2 * 5 + 2 + 5 + 4 + 1
    assert not any(w.key == "hil_row" for w in at.number_input)  # no graph, so no example to pick


@pytest.mark.parametrize("query", [{"opt": "sgd", "momentum": "0.9"}, {"opt": "rmsprop"}, {"opt": "adagrad"}])
def test_other_optimizers_update_step(query):
    at = open_page(query, epochs=1)
    at.slider(key="hil_step").set_value(at.slider(key="hil_step").max)
    run(at)
    assert at.subheader[0].value.startswith(f"The update ({query['opt']}")
    check_loss_shown(at, slice(0, session(at).config.training.batch_size), epochs=1)
