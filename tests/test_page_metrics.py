"""The Playground's metric cards: they describe the data on screen, in a readable number format.

After a data change (a new noise level, a new seed, an uploaded file) the network keeps its weights,
so the numbers above the plot must be those of the same weights on the new data, not the last
epoch's on the old data.
"""

from __future__ import annotations

from apptest_helpers import click, open_playground, run

from playground.figures.numbers import format_number


def metric(at, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one {label!r} metric, found {[m.label for m in at.metric]}"
    return values[0]


def test_metrics_follow_a_data_change_without_training():
    at = open_playground({"dataset": "circle", "layers": "8relu", "samples": "100", "grid": "40"}, steps=3)
    before = metric(at, "Train accuracy")
    at.slider(key="cfg_noise").set_value(0.5)
    run(at)
    trainer = at.session_state["playground_session"].trainer
    assert trainer.epoch == 3
    snapshot = trainer.snapshot()
    assert metric(at, "Train accuracy") == format_number(snapshot.train_metric, 3)
    assert metric(at, "Train loss") == format_number(snapshot.train_loss)
    assert metric(at, "Train loss") != format_number(trainer.history.train_loss[-1]), \
        f"the train loss still shows the old data's value ({before} accuracy before)"


def test_new_seed_updates_the_metrics():
    at = open_playground({"dataset": "circle", "layers": "8relu", "samples": "100", "grid": "40"}, steps=2)
    click(at, "regenerate")
    snapshot = at.session_state["playground_session"].trainer.snapshot()
    assert metric(at, "Test loss") == format_number(snapshot.test_loss)
