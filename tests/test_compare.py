"""Comparisons: lockstep runs on the same data, the same batches and (where shapes match) the same
initial weights; "vary one thing"; the spread of a config over seeds."""

import numpy as np
import pytest

from playground.compare import Comparison, default_labels, vary
from playground.config import Config, ConfigError, LayerConfig
from playground.spread import Band, SpreadJob, seed_spread, seed_trainer
from playground.training import Trainer

BASE = Config().replace(dataset="xor", n_samples=100, seed=3, hidden=(LayerConfig(4, "tanh"),), grid=50)


class RecordingRng:
    """Stands in for a model's shuffle stream and keeps every permutation it hands out."""

    def __init__(self, rng):
        self.rng, self.drawn = rng, []

    def permutation(self, n):
        order = self.rng.permutation(n)
        self.drawn.append(order.copy())
        return order


def same_weights(a, b) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


# ---------------------------------------------------------------------------------------------
# vary


def test_vary_changes_one_thing_and_has_layer_shorthands():
    assert vary(BASE, learning_rate=0.1) == BASE.replace(learning_rate=0.1)
    leaky = vary(BASE.replace(hidden=(LayerConfig(8, "relu"), LayerConfig(4, "relu", 0.1))), activation="leaky_relu")
    assert leaky.network.hidden == (LayerConfig(8, "leaky_relu"), LayerConfig(4, "leaky_relu", 0.1))
    assert vary(BASE, dropout=0.5, batch_norm=True).network.hidden == (LayerConfig(4, "tanh", 0.5, True),)
    assert vary(BASE, layers="16relu,8relu-bn").network.hidden == (LayerConfig(16, "relu"),
                                                                   LayerConfig(8, "relu", batch_norm=True))
    assert vary(BASE, layers="0").network.hidden == ()
    assert vary(BASE, layers="3relu", units=5).network.hidden == (LayerConfig(5, "relu"),)
    assert BASE.network.hidden == (LayerConfig(4, "tanh"),)  # the base is untouched
    with pytest.raises(ConfigError):
        vary(BASE, activation="nope")
    with pytest.raises(ConfigError):
        vary(BASE, speed=3)


@pytest.mark.parametrize("text", ["16bogus", "8relu-d2", "0relu", "8relu-bn-bn", "x", ",".join(["2relu"] * 9)])
def test_vary_refuses_a_bad_layer_spec_with_the_urls_message(text):
    with pytest.raises(ConfigError) as varied:
        vary(BASE, layers=text)
    with pytest.raises(ConfigError) as linked:
        Config.from_query({"layers": text})
    assert str(varied.value) == str(linked.value) and varied.value.field == linked.value.field


def test_default_labels_name_what_differs_from_the_first_run():
    labels = default_labels([BASE, vary(BASE, optimizer="sgd", momentum=0.9), BASE])
    assert labels == ["run 1", "momentum=0.9, opt=sgd", "run 3"]


# ---------------------------------------------------------------------------------------------
# The lockstep guarantee


def test_matching_architectures_start_from_the_same_weights_and_others_do_not():
    configs = [BASE, vary(BASE, optimizer="sgd", learning_rate=0.5), vary(BASE, activation="relu", dropout=0.2),
               vary(BASE, regularization="l2")]
    comparison = Comparison(configs)
    first = comparison.runs[0]
    for run in comparison.runs[1:]:
        assert run.same_start(first)
        assert same_weights(run.trainer.model.get_weights(), first.trainer.model.get_weights())
    other = Comparison([BASE, vary(BASE, initializer="he_normal"), vary(BASE, units=5)])
    assert not other.runs[1].same_start(other.runs[0])  # another initializer: other weights
    assert not other.runs[2].same_start(other.runs[0])  # another shape
    # Same seed and same shapes are what make the start equal: a new Trainer gives it again.
    assert same_weights(Comparison([BASE, BASE]).runs[1].initial_weights, first.initial_weights)


def test_every_run_sees_the_same_batches_in_the_same_order_whatever_its_architecture():
    configs = [vary(BASE, layers="0"), vary(BASE, layers="16relu-d0.3,16relu-bn"),
               vary(BASE, features=("x1", "x2", "x1x2"), batch_size=7), vary(BASE, layers="8sigmoid", optimizer="sgd")]
    comparison = Comparison(configs)
    recorders = []
    for trainer in comparison.trainers:
        trainer.model.shuffle_rng = RecordingRng(trainer.model.shuffle_rng)
        recorders.append(trainer.model.shuffle_rng)
    comparison.advance(epochs=3)
    assert [len(r.drawn) for r in recorders] == [3, 3, 3, 3]
    for recorder in recorders[1:]:
        for mine, first in zip(recorder.drawn, recorders[0].drawn, strict=True):
            assert np.array_equal(mine, first)
    assert not np.array_equal(recorders[0].drawn[0], recorders[0].drawn[1])  # a new order every epoch
    # ... and on the same data: the same points, split and labels.
    for trainer in comparison.trainers[1:]:
        assert np.array_equal(trainer.data.X_train, comparison.trainers[0].data.X_train)
        assert np.array_equal(trainer.data.y_test, comparison.trainers[0].data.y_test)


def test_advancing_keeps_the_epochs_equal():
    comparison = Comparison([BASE, vary(BASE, layers="16relu,16relu"), vary(BASE, batch_size=1)], ["a", "b", "c"])
    assert comparison.advance(epochs=3) == 3
    assert [t.epoch for t in comparison.trainers] == [3, 3, 3] and comparison.epoch == 3
    assert comparison.advance() == 1
    done = comparison.advance(seconds=0.05)
    epochs = [t.epoch for t in comparison.trainers]  # timed: the runs end within one epoch of each other
    assert min(epochs) == comparison.epoch == 4 + done and max(epochs) - min(epochs) <= 1
    comparison.advance(epochs=1)  # the runs behind catch up first
    assert [t.epoch for t in comparison.trainers] == [comparison.epoch] * 3 == [5 + done] * 3
    assert all(t.history.epochs == list(range(comparison.epoch + 1)) for t in comparison.trainers)
    comparison.reset()
    assert [t.epoch for t in comparison.trainers] == [0, 0, 0] and comparison.epoch == 0
    assert all(run.same_start(run) and same_weights(run.trainer.model.get_weights(), run.initial_weights)
               for run in comparison.runs)


def test_a_timed_advance_stops_inside_an_epoch_too_long_for_its_time():
    """A large run's epoch is trained over several frames instead of holding the page for all of it."""
    big = vary(Config().replace(n_samples=4000, batch_size=1), layers="32relu,32relu")
    comparison = Comparison([big, vary(big, learning_rate=0.01)], ["a", "b"])
    assert comparison.advance(seconds=0.01) == 0
    assert comparison.epoch == 0 and all(t.epoch == 0 for t in comparison.trainers)
    assert 0 < max(t.epoch_progress for t in comparison.trainers) < 1
    comparison.advance(seconds=0.01)
    assert 0 < max(t.epoch_progress for t in comparison.trainers) < 1


def test_a_diverging_run_stops_while_the_others_go_on():
    plane = Config().replace(dataset="plane", n_samples=100, hidden=(), optimizer="sgd", learning_rate=0.01)
    comparison = Comparison([plane, vary(plane, learning_rate=3.0)], ["lr 0.01", "lr 3"])
    comparison.advance(epochs=5)
    calm, wild = comparison.runs
    assert wild.status == "diverged" and "learning rate 3" in wild.trainer.message
    assert calm.status == "ready" and calm.trainer.epoch == 5 == comparison.epoch
    assert comparison.running


def test_a_comparison_needs_the_same_data_and_one_to_four_runs():
    with pytest.raises(ValueError, match="same data.*noise"):
        Comparison([BASE, vary(BASE, noise=0.1)])
    with pytest.raises(ValueError, match="seed"):
        Comparison([BASE, vary(BASE, seed=4)])
    Comparison([BASE, vary(BASE, features=("x1sq", "x2sq"))])  # features belong to the network
    for count in (0, 5):
        with pytest.raises(ValueError, match="1 to 4"):
            Comparison([BASE] * count)
    (alone,) = Comparison([BASE], ["A"]).runs  # one run: the start of a comparison
    assert alone.label == "A" and alone.config == BASE
    with pytest.raises(ValueError, match="one label per run"):
        Comparison([BASE, BASE], labels=["only one"])


# ---------------------------------------------------------------------------------------------
# Seed spread


def test_seed_trainer_varies_the_initial_weights_and_keeps_the_data():
    trainers = [seed_trainer(BASE, BASE.data.seed + i) for i in range(5)]
    weights = [t.model.get_weights() for t in trainers]
    for i in range(5):
        for j in range(i):
            assert not same_weights(weights[i], weights[j])  # 5 seeds, 5 different starts
        assert np.array_equal(trainers[i].data.X_train, trainers[0].data.X_train)
    assert same_weights(weights[0], Comparison([BASE, BASE]).runs[0].initial_weights)  # seed 0 of 5 is the config's
    assert same_weights(seed_trainer(BASE, 7).model.get_weights(), seed_trainer(BASE, 7).model.get_weights())
    moved = seed_trainer(BASE, 7, vary="all")
    assert moved.config.data.seed == 7 and not np.array_equal(moved.data.X_train, trainers[0].data.X_train)
    with pytest.raises(ValueError, match="vary"):
        seed_trainer(BASE, 1, vary="data")


def test_seed_spread_shapes_and_ranges():
    spread = seed_spread(BASE, seeds=5, epochs=6, grid=40)
    assert spread.seeds == (3, 4, 5, 6, 7) and spread.statuses == ("ready",) * 5
    assert spread.epochs.tolist() == list(range(7))
    for band in (spread.train_loss, spread.test_loss, spread.train_metric, spread.test_metric):
        for array in (band.mean, band.std, band.low, band.high):
            assert array.shape == (7,) and np.all(np.isfinite(array))
        assert np.all(band.low <= band.mean + 1e-12) and np.all(band.mean <= band.high + 1e-12)
    assert np.all(spread.train_loss.std > 0)  # different starts, different curves
    assert spread.grid_mean.shape == spread.grid_std.shape == (40, 40)
    assert np.all((spread.grid_mean >= 0) & (spread.grid_mean <= 1))
    assert spread.class_share.shape == (2, 40, 40)
    assert np.allclose(spread.class_share.sum(axis=0), 1.0)
    assert set(np.unique(spread.class_share * 5).round(9)) <= {0, 1, 2, 3, 4, 5}
    assert np.all(spread.agreement >= 0.6) and spread.agreement.shape == (40, 40)
    # The mean boundary is the mean of the seeds' boundaries: the first seed's own run agrees.
    single = seed_spread(BASE, seeds=[3], epochs=6, grid=40)
    assert np.array_equal(single.train_loss.mean, np.array(seed_trainer_history(BASE, 6)))


def seed_trainer_history(config, epochs):
    trainer = seed_trainer(config, config.data.seed)
    trainer.advance(epochs=epochs)
    return trainer.history.train_loss


def test_seed_spread_for_multiclass_and_regression():
    blobs = Config().replace(dataset="blobs", n_classes=3, n_samples=90, hidden=(LayerConfig(4, "relu"),))
    spread = seed_spread(blobs, seeds=3, epochs=2, grid=50)
    assert spread.class_share.shape == (3, 50, 50) and np.allclose(spread.class_share.sum(axis=0), 1.0)
    plane = Config().replace(dataset="plane", n_samples=60, hidden=())
    spread = seed_spread(plane, seeds=2, epochs=2, grid=50, vary="all")
    assert spread.class_share is None and spread.agreement is None and spread.grid_mean.shape == (50, 50)
    with pytest.raises(ValueError, match="seeds"):
        seed_spread(plane, seeds=0)


@pytest.mark.parametrize("dataset", ["xor", "blobs"])
def test_seed_spread_reports_progress_after_each_seed_without_changing_the_spread(dataset, monkeypatch):
    config = Config().replace(dataset=dataset, n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"),))
    whole = seed_spread(config, seeds=3, epochs=4)
    log = []
    advance = Trainer.advance

    def logged_advance(self, *args, **kwargs):
        log.append(("trained", self.model.seed))
        return advance(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "advance", logged_advance)
    shown = seed_spread(config, seeds=3, epochs=4, on_seed=lambda done, seeds: log.append((done, seeds)))
    seeds = whole.seeds
    assert seeds == (0, 1, 2)
    assert log == [(0, seeds), ("trained", 0), (1, seeds), ("trained", 1), (2, seeds), ("trained", 2), (3, seeds)]
    assert shown.seeds == whole.seeds and shown.statuses == whole.statuses
    np.testing.assert_array_equal(shown.epochs, whole.epochs)
    for name in ("train_loss", "test_loss", "train_metric", "test_metric"):
        for part in ("mean", "std", "low", "high"):
            np.testing.assert_array_equal(getattr(getattr(shown, name), part), getattr(getattr(whole, name), part))
    for name in ("grid_mean", "grid_std", "class_share", "agreement"):
        np.testing.assert_array_equal(getattr(shown, name), getattr(whole, name))


def test_a_band_skips_the_epochs_a_stopped_seed_did_not_reach():
    band = Band.of(np.array([[1.0, 2.0, 3.0], [3.0, np.nan, np.nan]]))
    assert band.mean.tolist() == [2.0, 2.0, 3.0]
    assert band.low.tolist() == [1.0, 2.0, 3.0] and band.high.tolist() == [3.0, 2.0, 3.0]
    assert band.std.tolist() == [1.0, 0.0, 0.0]
    empty = Band.of(np.full((2, 2), np.nan))
    assert np.all(np.isnan(empty.mean)) and np.all(np.isnan(empty.high))


def test_a_spread_job_trains_in_slices_to_the_same_spread_and_stops_with_the_seeds_it_finished():
    config = Config().replace(n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"),))
    whole = seed_spread(config, seeds=3, epochs=5)
    job = SpreadJob(config, seeds=3, epochs=5)
    slices, progress = 0, [0.0]
    while not job.advance(seconds=0.0):  # one batch a slice
        slices += 1
        progress.append(job.progress)
        assert job._trainer is None or len(job.finished) < 3  # never more than one Trainer alive
    assert slices > 15 and progress == sorted(progress) and job.progress == 1.0
    sliced = job.result()
    for name in ("train_loss", "test_loss"):
        np.testing.assert_array_equal(getattr(sliced, name).mean, getattr(whole, name).mean)
    np.testing.assert_array_equal(sliced.grid_mean, whole.grid_mean)

    stopped = SpreadJob(config, seeds=3, epochs=5)
    with pytest.raises(ValueError, match="No seed has finished"):
        stopped.result()
    while len(stopped.finished) < 2:
        stopped.advance(seconds=0.0)
    partial = stopped.result()
    assert partial.seeds == whole.seeds[:2] and len(partial.statuses) == 2
