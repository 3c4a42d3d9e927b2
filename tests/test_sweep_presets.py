"""Each sweep preset shows what it says, trained in full (serially: the numbers do not depend on it)."""

import functools

import numpy as np

from playground.presets import LESSONS, PAGES
from playground.sweeps import backends
from playground.sweeps.presets import PRESETS
from playground.sweeps.summary import best_value, summarize


@functools.cache
def table(key: str):
    spec = PRESETS[key].spec()
    return summarize(list(backends.records(spec.tasks())))


def column(rows, name: str) -> np.ndarray:
    return np.array([row.mean[name] for row in rows])


def interior_best(rows, name: str = "test_loss") -> bool:
    best = best_value(rows, name)
    return best is not rows[0] and best is not rows[-1]


def test_l2_strength_has_its_sweet_spot_inside_and_train_loss_rises():
    rows = table("l2")
    train, test = column(rows, "train_loss"), column(rows, "test_loss")
    assert np.all(np.diff(train) > 0)                       # measured 0.030 ... 0.693
    assert interior_best(rows)                              # measured: best at 0.01
    assert 3e-3 <= best_value(rows).value <= 3e-2
    assert test.min() < 0.5 * test[0] and test.min() < 0.8 * test[-1]


def test_dropout_lowers_the_test_loss_until_it_underfits():
    rows = table("dropout")
    train, test, test_error = column(rows, "train_loss"), column(rows, "test_loss"), column(rows, "test_error")
    assert np.all(np.diff(train) > 0)
    assert test.min() < 0.5 * test[0]                       # measured 2.2 -> ~0.6
    assert column(rows, "train_error")[-1] > 0.2            # 0.9: the training points are no longer fitted
    assert test_error[-1] > test_error.min() + 0.1


def test_width_overfits_past_a_few_units():
    rows = table("width")
    train, test = column(rows, "train_loss"), column(rows, "test_loss")
    assert np.all(np.diff(train) < 0)
    assert interior_best(rows)                              # measured: best at 4 units
    assert test[-1] > 2 * test.min()


def test_training_set_size_gives_a_learning_curve():
    rows = table("samples")
    train_error, test_error = column(rows, "train_error"), column(rows, "test_error")
    assert [row.n_train for row in rows] == [30, 60, 120, 240, 480]
    assert train_error[-1] > train_error[0] + 0.05 and test_error[-1] < test_error[0] - 0.03
    gap = test_error - train_error  # measured with 3 seeds: test error 0.150 -> 0.110, train 0.011 -> 0.097
    assert gap[-1] < 0.5 * gap[0]


def test_the_sweet_spot_lesson_is_the_l2_preset():
    lesson, preset = LESSONS["find-the-sweet-spot"], PRESETS["l2"]
    assert lesson.page == "overfitting" and "overfitting" in PAGES
    assert lesson.config == preset.config and lesson.epochs == preset.epochs
    assert "0.01" in lesson.outcome and best_value(table("l2")).value == 0.01
