"""The overfitting explorer's figures, from hand-made records."""

import pytest

from playground.config import Config
from playground.figures.sweeps import epoch_figure, sweep_curve_figure
from playground.sweeps.engine import RunRecord
from playground.sweeps.report import figures


def record(value, seed, train, test, n_samples=100):
    config = Config().replace(n_samples=n_samples, seed=seed)
    return RunRecord("reg_rate", value, seed, train, test, 1 - train / 2, 1 - test / 2, 3, "ready", config,
                     (0, 1, 2), (1.0, 0.5, train), (1.0, 0.6, test))


RECORDS = [record(1e-4, 0, 0.1, 0.9), record(1e-4, 1, 0.1, 0.7), record(1e-2, 0, 0.3, 0.4), record(1e-2, 1, 0.3, 0.5),
           record(1.0, 0, 0.7, 0.8), record(1.0, 1, 0.7, 0.8)]


def test_the_u_curve_marks_the_best_value_on_a_log_axis():
    fig = sweep_curve_figure(RECORDS, "reg_rate")
    assert fig.layout.xaxis.type == "log" and fig.layout.annotations[0].text == "best: reg_rate=0.01"
    assert fig.layout.xaxis.exponentformat == "e"  # 1e-05 on the ticks, not the SI prefix 10µ
    assert fig.layout.shapes[0].x0 == 0.01
    test_mean = next(t for t in fig.data if t.name == "test mean")
    assert list(test_mean.y) == [0.8, 0.45, 0.8] and list(test_mean.customdata) == [0, 2, 4]
    dots = next(t for t in fig.data if t.name == "test, each seed")
    assert list(dots.customdata) == list(range(6))  # a click names its record
    errors = sweep_curve_figure(RECORDS, "reg_rate", error=True)
    assert list(next(t for t in errors.data if t.name == "test mean").y) == pytest.approx([0.4, 0.225, 0.4])


def test_the_learning_curve_is_drawn_against_training_points():
    records = [record(n, 0, 0.1, 0.5, n_samples=n) for n in (100, 200)]
    fig = sweep_curve_figure(records, "samples", x="n_train")
    assert fig.layout.xaxis.type == "linear" and fig.layout.xaxis.title.text == "training points"
    assert list(next(t for t in fig.data if t.name == "train mean").x) == [50, 100]


def test_the_epoch_view_has_a_line_per_value_and_the_report_every_figure():
    fig = epoch_figure(RECORDS, "reg_rate")
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["0.0001", "0.01", "1"]
    assert list(lines[1].y) == [1.0, 0.6000000238418579, 0.44999998807907104]
    assert len(figures(RECORDS, "reg_rate")) == 3 and len(figures(RECORDS, "samples")) == 4
