"""A snapshot's cost is bounded: a network too large for the budgets gets a coarser grid, layer
statistics from fewer points and, mid-epoch, the last epoch's evaluation; a default run is not
touched by any of it."""

from __future__ import annotations

import numpy as np
import pytest

from playground import training
from playground.compare import vary
from playground.config import Config
from playground.figures import predicted_classes
from playground.training import Trainer

SMALL = Config().replace(n_samples=2000, batch_size=1)


def test_a_default_run_keeps_its_grid_every_statistics_row_and_fresh_evaluations():
    trainer = Trainer(Config())
    assert trainer.grid_size == Config().view.grid
    assert trainer.snapshot().grid.shape == (trainer.grid_size,) * 2
    assert trainer._stats_rows >= trainer.data.F_train.shape[0] and not trainer.evaluation_sampled
    trainer.advance(seconds=0.0)  # one batch
    assert trainer.epoch == 0 and trainer.epoch_progress > 0
    assert trainer.snapshot().train_loss != trainer.history.train_loss[-1]  # evaluated mid-epoch


def test_the_largest_network_gets_a_bounded_grid_and_statistics_sample():
    config = vary(Config().replace(grid=200, n_samples=5000), layers=",".join(["256relu-bn"] * 8))
    trainer = Trainer(config)
    cost = trainer.model.count_params()
    assert training.MIN_GRID <= trainer.grid_size < 200
    assert trainer.grid_size ** 2 * cost <= training.GRID_MACS
    assert trainer._stats_rows * cost <= max(training.STATS_MACS, training.MIN_ROWS * cost)
    assert trainer.snapshot().grid.shape == (trainer.grid_size,) * 2


def test_a_mid_epoch_snapshot_of_a_costly_run_reuses_the_last_epochs_evaluation(monkeypatch):
    monkeypatch.setattr(training, "SNAPSHOT_EVALUATION_MACS", 0)
    trainer = Trainer(SMALL)
    trainer.advance(epochs=1)
    trainer.advance(seconds=0.001)
    assert 0 < trainer.epoch_progress < 1
    snapshot = trainer.snapshot()
    history = trainer.history
    assert (snapshot.train_loss, snapshot.test_loss) == (history.train_loss[-1], history.test_loss[-1])
    assert np.array_equal(snapshot.train_classes, history.snapshots[-1].train_classes)


@pytest.mark.parametrize("dataset", ["circle", "blobs"])
def test_a_snapshot_carries_the_predicted_classes_of_its_points(dataset):
    trainer = Trainer(Config().replace(dataset=dataset, n_samples=200))
    trainer.advance(epochs=3)
    snapshot = trainer.snapshot()
    data = trainer.data
    assert np.array_equal(snapshot.train_classes, predicted_classes(trainer.model.predict(data.F_train)))
    assert np.array_equal(snapshot.test_classes, predicted_classes(trainer.model.predict(data.F_test)))


def test_a_regression_snapshot_has_no_classes():
    snapshot = Trainer(Config().replace(dataset="sine", n_samples=100)).snapshot()
    assert snapshot.train_classes is None and snapshot.test_classes is None


def test_the_largest_network_measures_its_losses_on_the_first_rows_of_each_set(monkeypatch):
    monkeypatch.setattr(training, "EPOCH_EVALUATION_MACS", 100 * Trainer(SMALL).model.count_params())
    trainer = Trainer(SMALL)
    assert trainer.evaluation_rows == 100 and trainer.evaluation_sampled
    data = trainer.data
    trainer.advance(epochs=1)
    expected = trainer.model.evaluate(data.F_train[:100], data.y_train[:100]) - trainer.model.penalty()
    assert trainer.history.train_loss[-1] == pytest.approx(expected, rel=1e-12)
    assert trainer.snapshot().train_classes is None  # the boundary reads the other points' classes from the grid
