"""The Diagnostics page's figures: every number drawn is the number the trainer recorded.

Each test reads the values back out of the figure (trace by trace, cell by cell) and compares
them with the snapshots' LayerStats and the trainer's dead_since and signal_gains."""

import json
import math

import numpy as np
import plotly.io as pio
import pytest

from playground.config import Config, LayerConfig
from playground.diagnostics import PERCENTILES, THRESHOLDS, signal_propagation
from playground.figures import diagnostics as D
from playground.figures import palette
from playground.training import Trainer

# The dying-ReLU lesson's ReLU run: most units die within a few epochs.
DYING = Config().replace(dataset="circle", n_samples=200, seed=1, hidden=(LayerConfig(8, "relu"),) * 3,
                         optimizer="adam", learning_rate=0.3, batch_size=25)


@pytest.fixture(scope="module")
def dying():
    trainer = Trainer(DYING)
    trainer.advance(epochs=80)
    return trainer


@pytest.fixture(scope="module")
def mixed():
    """A tanh and a relu layer (only the tanh one saturates), trained a little."""
    trainer = Trainer(Config().replace(n_samples=200, hidden=(LayerConfig(6, "tanh"), LayerConfig(5, "relu"))))
    trainer.advance(epochs=6)
    return trainer


@pytest.fixture(scope="module")
def flat():
    trainer = Trainer(Config().replace(n_samples=100, hidden=()))
    trainer.advance(epochs=3)
    return trainer


def traces_named(fig, name):
    return [t for t in fig.data if t.name == name]


def as_list(values):
    return [None if v is None else float(v) for v in values]


def close(a, b):
    """Equal lists of floats or None (figures store floats; tolerance for float32 round trips)."""
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (x is None) == (y is None), (a, b)
        if x is not None:
            assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), (a, b)


# ---------------------------------------------------------------------------------------------
# Time series


def test_dead_series_are_the_dead_shares_of_every_snapshot(dying):
    snapshots = dying.history.snapshots
    fig = D.layer_series_figure(snapshots, "dead")
    assert [t.name for t in fig.data] == ["layer 1", "layer 2", "layer 3"]
    for index, trace in enumerate(fig.data):
        assert list(trace.x) == [s.epoch for s in snapshots]
        close(as_list(trace.y), [100.0 * s.layers[index].dead_count / s.layers[index].units for s in snapshots])
    assert max(fig.data[2].y) > 50  # the lesson's point: units die


def test_gradient_norm_series_on_a_log_axis_with_the_output_layer(mixed):
    snapshots = mixed.history.snapshots
    fig = D.layer_series_figure(snapshots, "gradient_norm")
    assert fig.layout.yaxis.type == "log"
    for index in range(2):
        close(as_list(fig.data[index].y), [s.layers[index].kernel_gradient_norm for s in snapshots])
    (output,) = traces_named(fig, "output")
    close(as_list(output.y), [s.output_gradient_norm for s in snapshots])


def test_zero_gradients_are_left_out_of_the_log_axis_and_named(dying):
    snapshots = dying.history.snapshots
    fig = D.layer_series_figure(snapshots, "gradient_norm")
    last = snapshots[-1].layers[2].kernel_gradient_norm
    assert last == 0.0  # the last layer is all dead: no gradient reaches its kernel
    assert fig.data[2].y[-1] is None
    assert any("exactly 0 now" in a.text and "layer 3" in a.text for a in fig.layout.annotations)


def test_update_ratio_starts_undefined_and_has_the_reference_line(mixed):
    snapshots = mixed.history.snapshots
    fig = D.layer_series_figure(snapshots, "update_ratio")
    assert fig.data[0].y[0] is None  # epoch 0: no step yet
    close(as_list(fig.data[0].y[1:]), [s.layers[0].update_ratio for s in snapshots[1:]])
    levels = sorted(shape.y0 for shape in fig.layout.shapes)
    assert levels == sorted([-3.0, THRESHOLDS["update_ratio_high"], THRESHOLDS["update_ratio_low"]])
    low, high = fig.layout.yaxis.range
    assert low <= THRESHOLDS["update_ratio_low"] and high >= THRESHOLDS["update_ratio_high"]


def test_update_ratio_axis_stops_at_the_floor_for_a_run_whose_steps_vanished(dying):
    fig = D.layer_series_figure(dying.history.snapshots, "update_ratio")
    values = [v for t in fig.data for v in t.y if v is not None]
    assert min(values) < D.UPDATE_RATIO_FLOOR  # Adam's steps decay geometrically once the gradients are 0
    assert fig.layout.yaxis.range[0] == D.UPDATE_RATIO_FLOOR
    assert any("run off the chart" in a.text for a in fig.layout.annotations)


def test_saturation_only_for_layers_that_can_saturate(mixed, dying):
    snapshots = mixed.history.snapshots
    fig = D.layer_series_figure(snapshots, "saturation")
    assert [t.name for t in fig.data] == ["layer 1"]  # tanh; the relu layer cannot saturate
    close(as_list(fig.data[0].y), [100.0 * s.layers[0].saturation for s in snapshots])
    relu_only = D.layer_series_figure(dying.history.snapshots, "saturation")
    assert not relu_only.data and "nothing saturates" in relu_only.layout.annotations[0].text


def test_unknown_metric_is_refused(mixed):
    with pytest.raises(ValueError, match="metric must be one of"):
        D.layer_series_figure(mixed.history.snapshots, "loss")


# ---------------------------------------------------------------------------------------------
# Distributions


@pytest.mark.parametrize("kind", ["activation", "gradient"])
def test_band_chart_median_and_bands_are_the_snapshot_percentiles(mixed, kind):
    snapshots = mixed.history.snapshots
    fig = D.distribution_figure(snapshots, kind)
    medians = traces_named(fig, "median")
    assert len(medians) == 2
    per_layer = len(fig.data) // 2
    assert per_layer == 2 * len(D.BANDS) + 1
    for index, median in enumerate(medians):
        expected = [getattr(s.layers[index], f"{kind}_percentiles")[PERCENTILES.index(50)] for s in snapshots]
        close(as_list(median.y), expected)
        assert median.yaxis == ("y" if index == 0 else f"y{index + 1}")
        band_traces = fig.data[index * per_layer: index * per_layer + 2 * len(D.BANDS)]
        for (low, high), (lower, upper) in zip(D.BANDS, zip(band_traces[::2], band_traces[1::2], strict=True),
                                               strict=True):
            table = np.array([getattr(s.layers[index], f"{kind}_percentiles") for s in snapshots])
            close(as_list(lower.y), list(table[:, low]))
            close(as_list(upper.y), list(table[:, high]))
            assert upper.fill == "tonexty" and lower.fill is None
    assert (PERCENTILES[0], PERCENTILES[-1]) == (0, 100)


def test_band_chart_rows_share_the_epoch_axis(mixed):
    fig = D.distribution_figure(mixed.history.snapshots, "activation")
    assert fig.layout.xaxis2.matches == "x"
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert bottom[1] < top[0]  # row 2 below row 1, without overlap


# ---------------------------------------------------------------------------------------------
# Activity map


def test_activity_cell_is_the_snapshot_activity_of_the_unit(dying):
    snapshots = dying.history.snapshots
    fig = D.activity_figure(snapshots, dying.dead_since)
    heatmaps = [t for t in fig.data if t.type == "heatmap"]
    assert len(heatmaps) == 3
    for index, heatmap in enumerate(heatmaps):
        z = np.array(heatmap.z)
        assert z.shape == (8, len(snapshots))
        for s, snapshot in enumerate(snapshots):
            for u in range(8):
                assert z[u, s] == snapshot.layers[index].activity[u]
        assert list(heatmap.x) == [s.epoch for s in snapshots]
    last = np.array(heatmaps[2].z)[:, -1]
    assert (last == 0).sum() == snapshots[-1].layers[2].dead_count > 0  # the dead units show as zeros


def test_activity_marks_each_dead_unit_at_the_epoch_it_died(dying):
    fig = D.activity_figure(dying.history.snapshots, dying.dead_since)
    marks = traces_named(fig, "died")
    layers_with_dead = [i for i, since in enumerate(dying.dead_since) if (since >= 0).any()]
    assert len(marks) == len(layers_with_dead)
    for mark, index in zip(marks, layers_with_dead, strict=True):
        since = dying.dead_since[index]
        dead = np.flatnonzero(since >= 0)
        assert list(mark.y) == [u + 1 for u in dead]
        assert list(mark.x) == [int(since[u]) for u in dead]


def test_activity_colours_zero_as_dead_and_anything_else_as_alive():
    scale = D.activity_scale()
    dead_stops = [position for position, colour in scale if colour == palette.DEAD_COLOR]
    assert dead_stops[0] == 0.0
    assert max(dead_stops) < 1 / 4500  # one active point of the largest training set is already "alive"
    assert scale[-1] == [1.0, D.ACTIVE_COLOR]


def test_dead_summary_names_units_and_epochs(dying):
    lines = D.dead_summary(dying.dead_since)
    since = dying.dead_since[2]
    assert any(line.startswith(f"Layer 3: {(since >= 0).sum()} of 8 units dead") for line in lines)
    assert f"unit 1 since epoch {since[0]}" in lines[-1] or since[0] < 0


# ---------------------------------------------------------------------------------------------
# Signal propagation


def test_signal_bars_are_the_gains_with_a_reference_at_one(dying):
    fig = D.signal_figure(dying.signal_gains, now=signal_propagation(dying.model))
    bars, now = fig.data
    assert list(bars.x) == ["layer 1", "layer 2", "layer 3", "output"]
    close(as_list(bars.y), dying.signal_gains)
    close(as_list(now.y), signal_propagation(dying.model))
    assert fig.layout.yaxis.type == "log"
    assert any(shape.type == "line" and shape.y0 == shape.y1 == 1 for shape in fig.layout.shapes)


def test_signal_bars_outside_the_thresholds_are_marked_and_zero_is_labelled():
    gains = [THRESHOLDS["signal_low"] / 10, 1.0, 0.0]
    fig = D.signal_figure(gains)
    bars = fig.data[0]
    assert list(bars.marker.color) == [palette.DEAD_COLOR, palette.BLUE, palette.DEAD_COLOR]
    assert bars.y[2] is None  # 0 has no place on a log axis ...
    assert any(a.text == "0" and a.x == "output" for a in fig.layout.annotations)  # ... so it is written


# ---------------------------------------------------------------------------------------------
# Tables, empty runs, payloads


def test_threshold_rows_are_the_thresholds_with_a_meaning_each():
    rows = D.threshold_rows()
    assert {row["threshold"]: row["value"] for row in rows} == THRESHOLDS
    assert all(row["meaning"] for row in rows)
    assert set(D.HEALTHY) == {*D.SERIES, "activation", "gradient", "activity", "signal"}


def test_a_network_without_hidden_layers_draws_empty_charts_that_say_so(flat):
    snapshots = flat.history.snapshots
    figures = [D.layer_series_figure(snapshots, metric) for metric in D.SERIES]
    figures += [D.distribution_figure(snapshots, "activation"), D.activity_figure(snapshots, flat.dead_since)]
    for fig in figures:
        assert [t for t in fig.data if t.name != "output"] == []
        assert any("no hidden layers" in a.text for a in fig.layout.annotations)
    assert list(D.signal_figure(flat.signal_gains).data[0].x) == ["output"]


def test_a_diverged_run_draws_valid_json():
    trainer = Trainer(Config().replace(dataset="plane", n_samples=200, hidden=(LayerConfig(8, "tanh"),
                                                                                LayerConfig(8, "relu")),
                                       optimizer="sgd", learning_rate=3.0, batch_size=25))
    trainer.advance(epochs=10)
    assert trainer.status == "diverged"
    snapshots = [*trainer.history.snapshots, trainer.snapshot()]
    for fig in (*(D.layer_series_figure(snapshots, m) for m in D.SERIES), D.activity_figure(snapshots),
                D.distribution_figure(snapshots, "gradient"), D.signal_figure(trainer.signal_gains)):
        text = pio.to_json(fig)
        assert "NaN" not in text and "Infinity" not in text
        json.loads(text)


def test_dict_and_figure_forms_agree(mixed):
    snapshots = mixed.history.snapshots
    as_dict = D.distribution_figure(snapshots, "gradient", as_dict=True)
    fig = D.distribution_figure(snapshots, "gradient")
    assert len(as_dict["data"]) == len(fig.data)
    assert [t.get("name") for t in as_dict["data"]] == [t.name for t in fig.data]
