"""Lessons: each one trained headlessly for its own budget shows, in numbers, what it promises.
Also the perceptron rule behind two of them, lesson URLs and presentation flags."""

from __future__ import annotations

import contextlib
import functools
import re

import numpy as np
import pytest

from playground.compare import Comparison
from playground.config import Config, ConfigError
from playground.perceptron import PerceptronRule
from playground.presets import (
    HIDEABLE,
    LESSONS,
    PAGES,
    PANELS,
    Lesson,
    PresentationFlags,
    lesson_from_query,
    lesson_query,
)
from playground.training import Trainer

try:  # BLAS threads only fight each other over these tiny matrices on a busy 2-core machine
    from threadpoolctl import threadpool_limits
except ImportError:  # pragma: no cover
    threadpool_limits = None


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    with threadpool_limits(1) if threadpool_limits else contextlib.nullcontext():
        yield


@functools.cache
def trained(config: Config, epochs: int) -> Trainer:
    """The config trained for `epochs` (each distinct run once per test session).

    Snapshots (the boundary grid, neuron tiles and layer statistics a page draws) are made at
    epoch 0 and, where a promise asks for one, at the end, at the smallest grid: they never change
    the training, and one every epoch was ~97 % of the cost of these small runs (a 3 x 64 network
    for 200 epochs: 4.5 s with them, 0.14 s without).
    """
    trainer = Trainer(config.replace(grid=50), snapshots=False)
    trainer.advance(epochs=epochs)
    return trainer


def runs(key: str) -> list[Trainer]:
    lesson = LESSONS[key]
    return [trained(config, lesson.epochs) for config in lesson.runs]


def accuracy(trainer: Trainer) -> float:
    return trainer.history.test_metric[-1]


def dead_share(trainer: Trainer) -> float:
    layers = trainer.snapshot().layers
    return sum(layer.dead_count for layer in layers) / sum(layer.units for layer in layers)


def kinds(trainer: Trainer) -> set[str]:
    return {finding.kind for finding in trainer.findings()}


# ---------------------------------------------------------------------------------------------
# The gallery itself


def test_the_gallery_has_every_lesson_well_formed():
    assert len(LESSONS) >= 13
    for key, lesson in LESSONS.items():
        assert key == lesson.key and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)
        assert lesson.page in PAGES and lesson.panel_id in PANELS
        assert len(re.findall(r"[.!?](\s|$)", lesson.watch)) == 2, (key, lesson.watch)  # two sentences
        assert lesson.outcome.endswith(".") and lesson.title
        assert (lesson.page == "compare") == lesson.is_comparison
        assert len(lesson.labels) == (len(lesson.runs) if lesson.is_comparison else 0)
        assert 2 <= len(lesson.runs) <= 4 if lesson.is_comparison else lesson.config is lesson.configs
        if lesson.is_comparison:
            Comparison(lesson.runs, lesson.labels)  # same data in every run, so a fair comparison
        for config in lesson.runs:
            assert Config.from_query(config.to_query()) == config  # each run is also a URL


def test_a_malformed_lesson_is_refused():
    config = Config()
    good = dict(key="k", title="t", watch="a. b.", configs=config, page="playground", panel="loss curves",
                outcome="o.", epochs=1)
    Lesson(**good)
    for change in [dict(key="Bad Key"), dict(configs=(config,)), dict(configs=(config,) * 5),
                   dict(configs=(config, config)), dict(labels=("one",)), dict(page="nowhere"),
                   dict(panel="the moon"), dict(epochs=0), dict(configs="circle")]:
        with pytest.raises(ValueError):
            Lesson(**{**good, **change})
    Lesson(**{**good, "configs": (config, config), "page": "compare", "labels": ("a", "b")})


# ---------------------------------------------------------------------------------------------
# Each lesson's promise, for its own budget, on seeds it was not tuned on
#
# A lecturer presses New data on stage, or opens a lesson on a laptop whose seed differs: the
# lesson must still show what it promises. Each promise below is checked at the lesson's own
# seed after New data (other points, the same network), and on ten seeds the lessons were never
# tuned on (points and initial weights both new), of which at least nine must hold. The settings
# were tuned on seeds 0-20; TEST_SEEDS are far from them.

TEST_SEEDS = range(101, 111)
NEW_DATA_SEED = 987_654  # what New data might draw


def with_seed(config: Config, seed: int) -> Config:
    """The config with data and network both drawn from `seed`."""
    return config.replace(seed=seed, weights_seed=None)


def after_new_data(config: Config) -> Config:
    """What New data does: other points, the same network seed."""
    return config.replace(seed=NEW_DATA_SEED, weights_seed=config.network_seed)


def xor_needs_hidden(linear, hidden):
    assert linear.config.network.hidden == () and len(hidden.config.network.hidden) == 1
    assert accuracy(linear) <= 0.65, accuracy(linear)  # measured <= 0.6 on seeds 0-19 and 101-110
    assert accuracy(hidden) >= 0.9, accuracy(hidden)   # measured >= 0.985


def feature_engineering(trainer):
    assert trainer.config.network.hidden == () and trainer.config.data.features == ("x1sq", "x2sq")
    assert accuracy(trainer) >= 0.9, accuracy(trainer)  # measured 0.98-1.0


def perceptron(trainer):
    assert trainer.model.layers[-1].activation.name == "step" and len(trainer.model.layers) == 1
    mistakes = trainer.rule.mistakes
    assert len(mistakes) == trainer.epoch and 0 in mistakes, mistakes
    converged = mistakes.index(0)
    # Several corrections to watch: at least 4 epochs (frames at pace 1) before the first one without
    # a mistake, each moving the line (an epoch with a mistake changes the weights). Measured: 4-31.
    assert converged >= 4 and all(mistakes[:converged]), mistakes
    assert trainer.history.train_metric[-1] == 1.0
    assert trainer.history.train_loss[-1] == 0.0  # the loss of a perceptron run is its error rate


def perceptron_xor(trainer):
    assert max(trainer.history.train_metric) < 0.8, max(trainer.history.train_metric)  # measured <= 0.77
    assert min(trainer.rule.mistakes) > 0, trainer.rule.mistakes
    losses, metrics = np.array(trainer.history.train_loss), np.array(trainer.history.train_metric)
    assert np.allclose(losses, 1.0 - metrics)


def overfitting(trainer):
    history = trainer.history
    assert history.train_loss[-1] < 0.1, history.train_loss[-1]
    assert history.test_loss[-1] >= 1.5 * min(history.test_loss), (history.test_loss[-1], min(history.test_loss))
    assert "overfitting" in kinds(trainer)


def gap(trainer):
    """Test loss minus training loss at the latest recorded epoch."""
    return trainer.history.test_loss[-1] - trainer.history.train_loss[-1]


def l2_cures_overfitting(plain, cured):
    assert cured.history.test_loss[-1] <= 0.7 * plain.history.test_loss[-1], (
        cured.history.test_loss[-1], plain.history.test_loss[-1])
    assert gap(cured) < 0.5 * gap(plain)


def dropout_cures_overfitting(plain, cured):
    assert cured.history.test_loss[-1] <= 0.7 * plain.history.test_loss[-1], (
        cured.history.test_loss[-1], plain.history.test_loss[-1])  # measured 0.15-0.69, median 0.38
    # "the dropout run's training loss stays high": it does not memorise the flipped labels
    assert cured.history.train_loss[-1] >= 0.1 > plain.history.train_loss[-1], (
        cured.history.train_loss[-1], plain.history.train_loss[-1])  # measured >= 0.155 and <= 0.092


def dying_relu(relu, leaky):
    assert dead_share(relu) >= 0.5, dead_share(relu)  # measured 0.71-0.92
    assert "dead" in kinds(relu) and accuracy(relu) <= 0.6, accuracy(relu)  # a constant output: 0.5
    assert leaky.status == "ready" and np.all(np.isfinite(leaky.history.train_loss))
    assert accuracy(leaky) >= 0.9, accuracy(leaky)  # measured 0.93-1.0
    assert dead_share(leaky) == 0.0


def vanishing_gradients(sigmoid, relu):
    snapshot = sigmoid.snapshot()
    assert accuracy(sigmoid) <= 0.65, accuracy(sigmoid)
    assert snapshot.output_gradient_norm >= 100 * snapshot.layers[0].kernel_gradient_norm
    assert "vanishing" in kinds(sigmoid)
    assert accuracy(relu) >= 0.9, accuracy(relu)


def batch_norm_rescues(plain, normalised):
    assert all(layer.batch_norm for layer in normalised.config.network.hidden)
    assert accuracy(plain) <= 0.65 and accuracy(normalised) >= 0.9, (accuracy(plain), accuracy(normalised))


def optimizer_race(sgd, momentum, rmsprop, adam):
    final = [run.history.train_loss[-1] for run in (sgd, momentum, rmsprop, adam)]
    assert max(final[1:]) <= 0.5 * final[0], final  # measured: SGD 0.6, the others below 0.05


def learning_rate_too_high(trainer):
    assert trainer.status == "diverged", trainer.history.train_loss
    assert "the learning rate 1.5 is too high" in trainer.message and "try 0.15" in trainer.message
    losses = trainer.history.train_loss
    assert np.all(np.isfinite(losses)) and max(losses) > 100 * losses[0]  # the climb stays on screen


def initialisation_matters(zeros, small, he):
    for layer in zeros.hidden:
        kernel, bias = layer.dense.params["kernel"], layer.dense.params["bias"]
        assert np.ptp(kernel, axis=1).max() < 1e-12 and np.ptp(bias) < 1e-12  # every unit the same ...
        assert np.abs(kernel).max() > 0.0  # ... although the weights moved
    assert accuracy(zeros) < 0.9 and accuracy(small) < 0.9, (accuracy(zeros), accuracy(small))
    assert accuracy(he) >= 0.9, accuracy(he)


def spiral_depth_width(small, big):
    assert accuracy(small) <= 0.8 and accuracy(big) >= 0.9, (accuracy(small), accuracy(big))  # measured <= 0.66


PROMISES = {
    "xor-needs-hidden": xor_needs_hidden, "feature-engineering": feature_engineering, "perceptron": perceptron,
    "perceptron-xor": perceptron_xor, "overfitting": overfitting,
    "l2-cures-overfitting": l2_cures_overfitting, "dropout-cures-overfitting": dropout_cures_overfitting,
    "dying-relu": dying_relu,
    "vanishing-gradients": vanishing_gradients, "batch-norm-rescues": batch_norm_rescues,
    "optimizer-race": optimizer_race, "learning-rate-too-high": learning_rate_too_high,
    "initialisation-matters": initialisation_matters, "spiral-depth-width": spiral_depth_width,
}


def check(key: str, configs) -> str:
    """"" when the lesson's promise holds for these runs, else what failed."""
    try:
        PROMISES[key](*(trained(config, LESSONS[key].epochs) for config in configs))
    except AssertionError as error:
        return str(error).splitlines()[0] or "failed"
    return ""


# A sweep's lesson promises what a sweep shows (seeds averaged): tests/test_sweep_presets.py checks it.
SWEPT = {"find-the-sweet-spot"}


def test_every_lesson_has_a_promise():
    assert set(PROMISES) | SWEPT == set(LESSONS) and not set(PROMISES) & SWEPT


@pytest.mark.lessons
@pytest.mark.parametrize("key", list(PROMISES))
def test_the_lesson_keeps_its_promise_at_its_seed_after_new_data_and_on_nine_of_ten_new_seeds(key):
    lesson = LESSONS[key]
    assert check(key, lesson.runs) == ""
    assert check(key, [after_new_data(config) for config in lesson.runs]) == ""
    failed = {seed: why for seed in TEST_SEEDS if (why := check(key, [with_seed(c, seed) for c in lesson.runs]))}
    assert len(failed) <= 1, failed


def test_the_regularization_lessons_start_from_the_overfitting_run():
    for key in ("l2-cures-overfitting", "dropout-cures-overfitting"):
        assert LESSONS[key].runs[0] == LESSONS["overfitting"].config
    assert LESSONS["batch-norm-rescues"].runs[0] == LESSONS["vanishing-gradients"].runs[0]
    lesson = LESSONS["optimizer-race"]
    comparison = Comparison(lesson.runs, lesson.labels)
    assert all(run.same_start(comparison.runs[0]) for run in comparison.runs)  # the same initial weights


def test_a_lesson_sets_its_pace_and_stops_at_its_budget():
    for lesson in LESSONS.values():
        for config in lesson.runs:
            assert config.view.stop_at == lesson.epochs and config.view.pace == lesson.pace
            assert Config.from_query(config.to_query()).view == config.view  # the URL carries both
    assert LESSONS["perceptron"].pace == "1" and LESSONS["learning-rate-too-high"].pace == "1"


def test_a_lesson_trains_the_same_way_twice():
    lesson = LESSONS["dying-relu"]  # the most chaotic one: a large learning rate
    first = Comparison(lesson.runs, lesson.labels)
    first.advance(epochs=15)
    again = Comparison(lesson.runs, lesson.labels)
    again.advance(epochs=15)
    for a, b in zip(first.trainers, again.trainers, strict=True):
        assert a.history.train_loss == b.history.train_loss
        assert np.array_equal(a.model.flat_params, b.model.flat_params)


# ---------------------------------------------------------------------------------------------
# The perceptron rule


PERCEPTRON = Config().replace(dataset="linear", n_samples=50, hidden=(), rule="perceptron", optimizer="sgd",
                              learning_rate=0.5, batch_size=2, initializer="zeros")


def test_the_perceptron_rule_by_hand():
    trainer = Trainer(PERCEPTRON)
    rule, dense = trainer.rule, trainer.model.layers[0]
    assert isinstance(rule, PerceptronRule)
    dense.params["kernel"][...] = [[1.0], [-1.0]]
    dense.params["bias"][...] = [0.5]
    X = np.array([[1.0, 2.0], [3.0, 0.0]])  # z = -0.5 (y_hat 0) and 3.5 (y_hat 1)
    Y = np.array([[1.0], [1.0]])             # the first point is a mistake
    assert rule.step(X, Y) == 0.5            # the batch's error rate before the update
    # w <- w + lr * mean((y - y_hat) * x): lr 0.5 * (1 * [1, 2] + 0 * [3, 0]) / 2
    assert dense.params["kernel"].ravel().tolist() == [1.25, -0.5]
    assert dense.params["bias"].tolist() == [0.75]
    assert rule.step(X, Y) == 0.0 and dense.params["bias"].tolist() == [0.75]  # right: nothing moves
    assert trainer.model.optimizer.iterations == 2


def test_a_perceptron_run_counts_mistakes_changes_live_and_resets():
    trainer = Trainer(PERCEPTRON)
    assert trainer.model.loss.name == "mse" and trainer.config.output_activation == "step"
    trainer.advance(epochs=3)
    assert len(trainer.rule.mistakes) == 3
    assert trainer.apply(trainer.config.replace(learning_rate=0.1)).kind == "live"
    assert trainer.model.optimizer.learning_rate == 0.1 and len(trainer.rule.mistakes) == 3
    trainer.reset()
    assert trainer.rule.mistakes == [] and trainer.epoch == 0
    rebuilt = trainer.apply(trainer.config.replace(rule="backprop"))
    assert rebuilt.kind == "rebuilt" and trainer.rule is None
    assert trainer.model.layers[-1].activation.name == "sigmoid"
    trainer.advance(epochs=1)  # backprop as before


def test_the_perceptron_rule_needs_one_unit_and_two_classes():
    with pytest.raises(ConfigError, match=r"no hidden layers.*Received: 2 hidden layers") as info:
        Config().replace(rule="perceptron")
    assert info.value.field == "rule"
    with pytest.raises(ConfigError, match="regression"):
        PERCEPTRON.replace(dataset="plane")
    with pytest.raises(ConfigError, match="3 classes"):
        PERCEPTRON.replace(dataset="blobs")
    PERCEPTRON.replace(dataset="blobs", n_classes=2)
    with pytest.raises(ConfigError, match="rule must be one of backprop, perceptron"):
        Config().replace(rule="hebb")
    with pytest.raises(ConfigError):
        Config.from_query({"rule": "perceptron"})
    config, notes = Config.from_query_lenient({"rule": "perceptron", "data": "spirals"})
    assert config.training.rule == "backprop" and config.data.dataset == "spirals"
    assert any("Used rule='backprop' instead" in note for note in notes)
    query = PERCEPTRON.to_query()
    assert query["rule"] == "perceptron" and query["layers"] == "0"
    assert Config.from_query(query) == PERCEPTRON and Config.from_dict(PERCEPTRON.to_dict()) == PERCEPTRON
    with pytest.raises(ValueError, match="one Dense"):
        PerceptronRule(Trainer(Config()).model)


# ---------------------------------------------------------------------------------------------
# Lessons as URLs, with presentation flags


def test_every_lesson_is_a_url():
    for lesson in LESSONS.values():
        query = lesson_query(lesson)
        assert query == {"lesson": lesson.key}
        assert lesson_from_query(query) is lesson
        assert lesson_from_query({"lesson": [lesson.key.upper()]}) is lesson
    flags = PresentationFlags(True, frozenset({"export", "sidebar"}))
    query = lesson_query(LESSONS["dying-relu"], flags)
    assert query == {"lesson": "dying-relu", "big": "1", "hide": "export,sidebar"}
    assert lesson_from_query(query) is LESSONS["dying-relu"]
    assert PresentationFlags.from_query(query) == (flags, [])
    for params in [{}, {"lesson": "nope"}, {"lesson": ""}, {"lesson": []}, {"lesson": None}, "lesson", None]:
        assert lesson_from_query(params) is None


def test_presentation_flags_are_read_leniently():
    assert PresentationFlags.from_query({}) == (PresentationFlags(), [])
    assert PresentationFlags.from_query({"big": "true", "hide": " Share, loss-curves ,,"}) == (
        PresentationFlags(True, frozenset({"share", "loss_curves"})), [])
    flags, notes = PresentationFlags.from_query({"big": "huge", "hide": "share,the-moon,xyz", "data": "xor"})
    assert flags == PresentationFlags(False, frozenset({"share"}))
    assert len(notes) == 2 and "big='huge'" in notes[0] and "the_moon, xyz" in notes[1]
    assert PresentationFlags.from_query({"big": ["0", "1"]})[0].large_fonts
    for hostile in [{"hide": None}, {"hide": 3}, {"hide": "x" * 10_000}, {"big": None}, None, "big=1"]:
        flags, _ = PresentationFlags.from_query(hostile)
        assert not flags.hidden and not flags.large_fonts
    assert flags.to_query() == {}
    assert all(name == name.lower() and " " not in name for name in HIDEABLE)
    assert PresentationFlags(hidden=frozenset({"sidebar"})).hides("sidebar")

