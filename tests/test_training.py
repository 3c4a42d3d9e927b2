"""Trainer: bounded chunks, reset, live changes, the divergence guard, early stopping, memory."""

import time

import numpy as np
import pytest

from playground.config import Config, LayerConfig
from playground.training import MAX_SNAPSHOTS, Trainer


def config(**changes):
    return Config().replace(**changes)


def test_advance_by_epochs_runs_exactly_that_many_and_records_each():
    trainer = Trainer(config(n_samples=100))
    assert trainer.advance(epochs=3) == 3
    assert trainer.epoch == 3
    assert trainer.history.epochs == [0, 1, 2, 3]
    assert trainer.advance() == 1  # no argument: one epoch (the Step button)
    assert trainer.epoch == 4


def test_advance_by_seconds_returns_promptly_even_when_an_epoch_is_long():
    # 4,500 training points at batch size 1 on a wide net: one epoch takes far longer than 50 ms.
    trainer = Trainer(config(n_samples=5000, train_share=0.9, batch_size=1,
                             hidden=(LayerConfig(64, "relu"), LayerConfig(64, "relu"))))
    start = time.perf_counter()
    completed = trainer.advance(seconds=0.05)
    elapsed = time.perf_counter() - start
    assert completed == 0 and trainer.epoch == 0
    assert elapsed < 0.5
    assert 0 < trainer._cursor < 4500  # partway through the epoch, to be continued


def test_reset_gives_the_same_initial_weights_and_the_same_trajectory():
    trainer = Trainer(config(n_samples=200))
    initial = trainer.model.get_weights()
    trainer.advance(epochs=5)
    first_run = list(trainer.history.train_loss)
    trainer.reset()
    assert trainer.epoch == 0 and trainer.history.epochs == [0]
    for a, b in zip(initial, trainer.model.get_weights(), strict=True):
        assert np.array_equal(a, b)
    trainer.advance(epochs=5)
    assert trainer.history.train_loss == first_run
    assert Trainer(config(n_samples=200)).model.get_weights()[0].tolist() == initial[0].tolist()


def test_a_live_learning_rate_change_applies_without_reset():
    trainer = Trainer(config(n_samples=200, optimizer="sgd", learning_rate=0.01, momentum=0.9))
    trainer.advance(epochs=2)
    momentum = trainer.model.optimizer.slots["momentum"].copy()
    weights = trainer.model.flat_params.copy()
    change = trainer.apply(trainer.config.replace(learning_rate=0.5))
    assert change.kind == "live"
    assert trainer.epoch == 2 and np.array_equal(trainer.model.flat_params, weights)
    assert np.array_equal(trainer.model.optimizer.slots["momentum"], momentum)
    assert trainer.model.optimizer.learning_rate == 0.5
    trainer.advance(epochs=1)
    assert trainer.history.learning_rate[-1] == 0.5


def new_data(trainer: Trainer, seed: int) -> None:
    """What the sidebar's New data does: a new data seed, the network's seed kept."""
    trainer.apply(trainer.config.replace(seed=seed, weights_seed=trainer.config.network_seed))


def test_changing_the_structure_rebuilds_and_says_so_while_new_data_keeps_the_weights():
    trainer = Trainer(config(n_samples=200))
    trainer.advance(epochs=2)
    weights = trainer.model.flat_params.copy()
    change = trainer.apply(trainer.config.replace(noise=0.2))
    assert change.kind == "data"
    assert np.array_equal(trainer.model.flat_params, weights) and trainer.epoch == 2
    new_data(trainer, seed=5)
    assert trainer.config.data.seed == 5 and np.array_equal(trainer.model.flat_params, weights)
    change = trainer.apply(trainer.config.replace(hidden=(LayerConfig(3, "relu"),)))
    assert change.kind == "rebuilt" and "rebuilt" in change.message
    assert trainer.epoch == 0 and trainer.model.layers[0].units == 3


def test_a_share_link_reproduces_the_run_after_new_data_and_new_weights():
    trainer = Trainer(config(n_samples=200))
    start = trainer.model.flat_params.copy()
    trainer.advance(epochs=2)
    new_data(trainer, seed=5)  # new data, the same network
    assert trainer.config.data.seed == 5 and trainer.config.network_seed == 0
    trainer.reset()
    assert np.array_equal(trainer.model.flat_params, start)
    trainer.advance(epochs=3)
    link = Config.from_query(trainer.config.to_query())  # what the Share panel's link opens
    assert link.to_query()["wseed"] == "0" and link == trainer.config
    receiver = Trainer(link)
    receiver.advance(epochs=3)
    assert receiver.history.train_loss == trainer.history.train_loss

    change = trainer.new_weights(seed=9)  # the same data, another start
    assert change.kind == "rebuilt" and "seed 9" in change.message and trainer.epoch == 0
    assert np.array_equal(trainer.data.X_train, receiver.data.X_train)
    assert not np.array_equal(trainer.model.flat_params, start)
    trainer.new_weights(seed=0)  # and back
    assert np.array_equal(trainer.model.flat_params, start) and trainer.config == link


def test_regularization_rate_changes_live():
    trainer = Trainer(config(n_samples=200, regularization="l2", reg_rate=0.001))
    trainer.advance(epochs=1)
    trainer.apply(trainer.config.replace(reg_rate=0.1))
    assert trainer.model.layers[0].kernel_regularizer.l2 == 0.1
    assert trainer.model.penalty() == pytest.approx(
        0.1 * sum(float(np.sum(w ** 2)) for w in trainer.model.get_weights()[::2]))


def deep_sigmoid(**changes):
    return config(n_samples=200, hidden=(LayerConfig(8, "sigmoid"),) * 6, **changes)


def test_a_learning_rate_of_10_trips_the_guard_and_keeps_the_history_and_last_good_weights():
    trainer = Trainer(deep_sigmoid(dataset="plane", optimizer="sgd", learning_rate=0.01))
    trainer.advance(epochs=5)
    good_weights = trainer.model.flat_params.copy()
    trainer.apply(trainer.config.replace(learning_rate=10.0))
    trainer.advance(epochs=100)
    assert trainer.status == "diverged"
    assert trainer.message.startswith("The loss grew from ")
    assert "at epoch 6, more than 1,000 times its best: the learning rate 10 is too high" in trainer.message
    assert np.array_equal(trainer.model.flat_params, good_weights)  # the last good epoch's weights
    assert trainer.history.epochs == [0, 1, 2, 3, 4, 5]
    assert np.all(np.isfinite(trainer.history.train_loss))
    assert trainer.advance(epochs=5) == 0  # stays stopped until reset
    trainer.reset()
    assert trainer.status == "ready"


def test_a_loss_that_explodes_while_the_weights_stay_small_trips_the_guard():
    # Gradient descent on a linear model with squared loss overshoots once the rate passes
    # 2 / (the loss's steepest curvature), here 2 / 2 = 1 on standardised inputs: at 1.5 each step
    # doubles the error, so the loss grows 4x an epoch while the weights stay far below 1e6.
    trainer = Trainer(config(dataset="plane", n_samples=200, hidden=(), optimizer="sgd", learning_rate=1.5,
                             batch_size=100))
    trainer.advance(epochs=100)
    assert trainer.status == "diverged"
    assert np.abs(trainer.model.flat_params).max() < 1e3
    losses = trainer.history.train_loss
    # the curve keeps the climb up to the last good epoch (measured 1.9 -> 3.3e3 in 4 epochs), not the
    # epoch that tripped the guard
    assert 100 * min(losses) < max(losses) < 1e5 * min(losses) and np.all(np.isfinite(losses))
    assert 3 <= trainer.epoch <= 10
    best, _, rest = trainer.message.partition("The loss grew from ")[2].partition(" to ")
    assert float(best) == pytest.approx(min(losses), rel=0.05)
    assert "the learning rate 1.5 is too high for this network; try 0.15" in trainer.message
    assert f"the weights of epoch {trainer.epoch} are kept" in trainer.message


def test_the_guard_leaves_alone_a_loss_that_is_tiny_and_noisy():
    # A near-perfect fit whose loss jitters by orders of magnitude near zero is not diverging:
    # the guard asks for a loss above the untrained network's as well.
    trainer = Trainer(config(dataset="plane", n_samples=200, hidden=(), optimizer="adam", learning_rate=0.1,
                             batch_size=10))
    trainer.advance(epochs=200)
    losses = np.array(trainer.history.train_loss)
    assert trainer.status == "ready" and losses.min() < 1e-4


def test_turning_the_default_runs_rate_up_one_notch_spikes_the_loss_but_does_not_stop_the_run():
    # Adam after a near-perfect fit has tiny second moments, so a 3x larger rate overshoots once: the
    # loss jumps from ~1e-4 to about the untrained network's (measured 0.8-1.25) and comes back down.
    # A student moving the slider one notch must not see "too high" and a stopped run.
    trainer = Trainer(Config())
    trainer.advance(epochs=160)
    trainer.apply(trainer.config.replace(learning_rate=0.1))
    trainer.advance(epochs=60)
    losses = trainer.history.train_loss
    assert trainer.status == "ready", trainer.message
    assert max(losses[161:]) > 1000 * min(losses[:161])  # the spike the guard must leave alone
    assert losses[-1] < 0.1 * losses[0]


def test_early_stopping_stops_and_restores_the_best_epoch():
    trainer = Trainer(config(dataset="xor", n_samples=60, noise=0.3, early_stopping=True, patience=20,
                             learning_rate=0.1, hidden=(LayerConfig(64, "relu"),) * 3))
    trainer.advance(epochs=2000)
    assert trainer.status == "stopped"
    best = trainer.history.best_epoch
    assert trainer.epoch - best == 20
    assert "best epoch" in trainer.message


def test_memory_stays_bounded_over_a_long_run():
    trainer = Trainer(config(n_samples=50, train_share=0.2, batch_size=10))
    trainer.advance(epochs=10_000)
    assert trainer.epoch == 10_000
    assert len(trainer.history.snapshots) <= MAX_SNAPSHOTS
    snapshots = trainer.history.snapshots
    held = sum(a.nbytes for s in snapshots for a in (s.grid, s.grid_class, s.tiles, s.weights) if a is not None)
    assert held < 30 * 2**20
    epochs = [s.epoch for s in trainer.history.snapshots]
    assert epochs[0] == 0 and epochs[-1] > 9_000  # the whole run keeps its shape


def test_snapshot_holds_the_boundary_tiles_and_diagnostics():
    trainer = Trainer(config(n_samples=200, grid=60))
    trainer.advance(epochs=20)
    snapshot = trainer.snapshot()
    assert snapshot.epoch == 20
    assert snapshot.grid.shape == (60, 60) and snapshot.grid.dtype == np.uint8 and snapshot.grid.max() <= 200
    assert snapshot.tiles.shape[0] == 4 + 2 and snapshot.tiles.shape[1] == trainer.tile_size
    assert [layer.units for layer in snapshot.layers] == [4, 2]
    # The grid is the network's own prediction: the cell nearest a training point agrees with predict().
    point = trainer.data.X_train[:1]
    probability = trainer.model.predict(trainer.data.features(point, trainer.config.data.features))[0, 0]
    column, row = (np.rint((point[0] + 6) / 12 * 59)).astype(int)
    assert abs(snapshot.grid[row, column] / 200 - probability) < 0.15


def test_multiclass_and_regression_runs_report_their_metrics():
    spirals = Trainer(config(dataset="blobs", n_classes=4, n_samples=200))
    spirals.advance(epochs=30)
    assert spirals.snapshot().grid_class.max() <= 3
    assert spirals.history.test_metric[-1] > 0.8
    plane = Trainer(config(dataset="plane", n_samples=200))
    plane.advance(epochs=30)
    assert plane.model.loss.name == "mse"
    assert plane.history.test_metric[-1] > 0.9  # R^2


def test_thinned_history_keeps_first_last_and_best_epochs():
    trainer = Trainer(config(n_samples=100))
    trainer.advance(epochs=300)
    thin = trainer.history.thinned(50)
    assert 50 <= len(thin.epochs) <= 51
    assert thin.epochs[0] == 0 and thin.epochs[-1] == 300
    assert thin.best_epoch == trainer.history.best_epoch
    index = trainer.history.epochs.index(thin.epochs[10])
    assert thin.train_loss[10] == trainer.history.train_loss[index]


def test_snapshot_follows_the_weights_mid_epoch_and_is_made_once_per_point():
    # 2,000 steps an epoch: 5 ms of training always ends mid-epoch (400 points were few enough for
    # the faster engine to finish the epoch in 5 ms).
    trainer = Trainer(config(n_samples=4000, batch_size=1, learning_rate=0.1))
    trainer.advance(epochs=1)
    assert trainer.snapshot() is trainer.history.snapshots[-1]  # the end of epoch 1, recorded
    trainer.advance(seconds=0.005)  # a few batches into epoch 2
    assert trainer.epoch == 1 and trainer._cursor > 0
    mid = trainer.snapshot()
    assert mid is trainer.snapshot()  # asked twice in one frame, made once
    assert np.array_equal(mid.grid, trainer._make_snapshot().grid)  # the current weights, not epoch 1's
    assert not np.array_equal(mid.grid, trainer.history.snapshots[-1].grid)
    trainer.apply(trainer.config.replace(learning_rate=0.2))
    assert trainer.snapshot() is not mid  # a live change is a new point of the run


def test_a_downloaded_script_trains_as_long_as_the_run_or_its_lesson_suggests():
    from playground.presets import LESSONS
    from playground.ui.export_panel import DEFAULT_SCRIPT_EPOCHS, script_epochs

    fresh = Trainer(config(n_samples=100))
    assert script_epochs(fresh) == DEFAULT_SCRIPT_EPOCHS == 100  # was 1: max(1, 0) or 100
    assert script_epochs(Trainer(LESSONS["dying-relu"].config)) == LESSONS["dying-relu"].epochs
    fresh.advance(epochs=3)
    assert script_epochs(fresh) == 3
