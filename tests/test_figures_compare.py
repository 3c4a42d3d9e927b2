"""The Compare page's figures and numbers: pure functions checked against values worked out by hand."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.config import Config, LayerConfig
from playground.figures import palette
from playground.figures.compare import (
    RUN_COLORS,
    agreed_share,
    band_edges,
    band_end,
    band_figure,
    compare_loss_figure,
    describe,
    disagreement_levels,
    majority_levels,
    short,
    spread_boundary_figure,
    summary_row,
    titled_boundary,
)
from playground.spread import Band, SeedSpread, seed_spread
from playground.training import RunHistory, Trainer

SMALL = Config().replace(dataset="xor", n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"), LayerConfig(2, "relu")))


def band(rows) -> Band:
    return Band.of(np.array(rows, dtype=float))


def spread_of(class_share=None, grid_mean=None, grid_std=None, curves=((1.0, 0.5),)) -> SeedSpread:
    """A SeedSpread with the given grids (g, g) and per-seed loss curves, for the figure functions."""
    agreement = None if class_share is None else np.asarray(class_share).max(axis=0)
    size = (np.asarray(class_share).shape[1] if class_share is not None else np.asarray(grid_mean).shape[0])
    loss = band(curves)
    zeros = np.zeros((size, size))
    return SeedSpread(seeds=tuple(range(len(curves))), statuses=("ready",) * len(curves),
                      epochs=np.arange(len(curves[0])), train_loss=loss, test_loss=loss, train_metric=loss,
                      test_metric=loss, grid_mean=zeros if grid_mean is None else np.asarray(grid_mean),
                      grid_std=zeros if grid_std is None else np.asarray(grid_std),
                      class_share=None if class_share is None else np.asarray(class_share), agreement=agreement)


# ---------------------------------------------------------------------------------------------
# Live figures


def test_titled_boundary_names_the_run_in_its_colour_and_leaves_the_input_alone():
    figure = {"data": [], "layout": {"height": 300, "margin": {"l": 48, "t": 28}, "showlegend": True}}
    titled = titled_boundary(figure, 2, "lr=0.1")
    assert titled["layout"]["title"]["text"] == "<b>C</b> · lr=0.1"
    assert titled["layout"]["title"]["font"]["color"] == RUN_COLORS[2]
    assert titled["layout"]["showlegend"] is False and titled["layout"]["margin"] == {"l": 48, "t": 34}
    assert figure["layout"] == {"height": 300, "margin": {"l": 48, "t": 28}, "showlegend": True}


def test_short_cuts_long_labels_with_an_ellipsis():
    assert short("lr=0.1") == "lr=0.1"
    assert short("a" * 60, 10) == "a" * 9 + "…" and len(short("a" * 60, 10)) == 10


def test_compare_loss_figure_draws_each_run_in_its_colour_train_solid_test_dashed():
    a = RunHistory(epochs=[0, 1, 2], train_loss=[0.9, 0.5, 0.25], test_loss=[1.0, 0.6, 0.5])
    b = RunHistory(epochs=[0, 1], train_loss=[0.8, 0.4], test_loss=[math.nan, math.nan])  # no test split
    figure = compare_loss_figure([a, b], ["run 1", "lr=0.1"], as_dict=True)
    lines = [t for t in figure["data"] if t["legendgroup"] != "style"]
    assert [(t["name"], t["line"]["color"], t["line"].get("dash")) for t in lines] == [
        ("A · run 1", RUN_COLORS[0], None), ("A test", RUN_COLORS[0], "dash"), ("B · lr=0.1", RUN_COLORS[1], None)]
    np.testing.assert_array_equal(lines[0]["y"], np.float32([0.9, 0.5, 0.25]))
    np.testing.assert_array_equal(lines[1]["y"], np.float32([1.0, 0.6, 0.5]))
    np.testing.assert_array_equal(lines[2]["x"], [0, 1])
    assert [t["name"] for t in figure["data"] if t["legendgroup"] == "style"] == ["train", "test"]
    assert compare_loss_figure([a], ["x"], log_scale=True, as_dict=True)["layout"]["yaxis"]["type"] == "log"
    assert isinstance(compare_loss_figure([a, b], ["run 1", "lr=0.1"]), go.Figure)  # validates as a Figure


# ---------------------------------------------------------------------------------------------
# Text


def test_describe_names_the_usual_settings_with_the_layers_in_the_url_form():
    hidden = (LayerConfig(8, "relu", 0.2), LayerConfig(4, "tanh", batch_norm=True))
    assert "· layers 8relu-d0.2,4tanh-bn ·" in describe(SMALL.replace(hidden=hidden))
    assert "· layers 0 ·" in describe(SMALL.replace(hidden=()))
    exact = SMALL.replace(hidden=(LayerConfig(8, "relu", 0.1234567),))
    assert f"· layers {exact.to_query()['layers']} ·" in describe(exact)  # the URL form, dropout not rounded
    assert "· layers 8relu-d0.1234567 ·" in describe(exact)
    config = SMALL.replace(optimizer="sgd", learning_rate=0.1, regularization="l2", initializer="he_normal")
    assert describe(config) == "sgd · lr 0.1 · layers 4tanh,2relu · batch 10 · l2 0.01 · he_normal"


# ---------------------------------------------------------------------------------------------
# The differences table


def test_summary_row_computes_gap_dead_saturation_and_gradient_ratio():
    trainer = Trainer(SMALL)
    snapshot = trainer.snapshot()
    tanh, relu = snapshot.layers
    layers = [dataclasses.replace(tanh, activity=np.array([0.0, 0.5, 1.0, 0.0]), saturation=0.5,
                                  kernel_gradient_norm=2.0),
              dataclasses.replace(relu, activity=np.array([1.0, 0.0]), saturation=None)]
    snapshot = dataclasses.replace(snapshot, epoch=7, train_loss=0.3, test_loss=0.5, train_metric=0.9,
                                   test_metric=0.8, layers=layers, output_gradient_norm=4.0)
    history = RunHistory(epochs=[0, 5, 7], test_loss=[0.9, 0.4, 0.5])
    row = summary_row(history, snapshot)
    assert row == pytest.approx({"epoch": 7, "train_loss": 0.3, "test_loss": 0.5, "train_metric": 0.9,
                                 "test_metric": 0.8, "gap": 0.2, "best_epoch": 5, "dead_percent": 50.0,
                                 "saturated_percent": 50.0, "gradient_ratio": 0.5})


def test_summary_row_without_hidden_layers_leaves_layer_columns_empty():
    trainer = Trainer(SMALL.replace(hidden=()))
    row = summary_row(trainer.history, trainer.snapshot())
    assert row["dead_percent"] is None and row["saturated_percent"] is None and row["gradient_ratio"] is None
    assert row["epoch"] == 0 and row["best_epoch"] == 0
    assert row["gap"] == pytest.approx(trainer.history.test_loss[0] - trainer.history.train_loss[0])


# ---------------------------------------------------------------------------------------------
# Spread over seeds: numbers


def test_binary_spread_levels_are_the_share_of_seeds_and_the_outvoted_share():
    spread = spread_of(class_share=[[[1.0, 0.6], [0.4, 0.0]], [[0.0, 0.4], [0.6, 1.0]]])
    np.testing.assert_array_equal(majority_levels(spread), [[0, 80], [120, 200]])
    levels, top = disagreement_levels(spread)
    assert top == 0.5  # an even split of two classes
    np.testing.assert_array_equal(levels, [[0, 160], [160, 0]])
    assert levels.dtype == np.uint8 and agreed_share(spread) == 0.5


def test_multiclass_spread_codes_the_majority_class_with_its_share():
    share = np.array([[[0.2, 1.0]], [[0.2, 0.0]], [[0.6, 0.0]]])  # 3 classes, a 1 x 2 grid
    spread = spread_of(class_share=share)
    np.testing.assert_array_equal(majority_levels(spread), [[2 * palette.SEGMENT + 120, 0 * palette.SEGMENT + 200]])
    levels, top = disagreement_levels(spread)
    assert top == pytest.approx(2 / 3)
    np.testing.assert_array_equal(levels, [[120, 0]])  # 0.4 outvoted of at most 2/3


def test_regression_spread_levels_are_the_mean_and_the_std_of_the_prediction():
    spread = spread_of(grid_mean=[[-1.0, 0.0], [0.5, 1.0]], grid_std=[[0.0, 0.1], [0.2, 0.4]])
    np.testing.assert_array_equal(majority_levels(spread), [[0, 100], [150, 200]])
    levels, top = disagreement_levels(spread)
    assert top == 0.4
    np.testing.assert_array_equal(levels, [[0, 50], [100, 200]])
    assert agreed_share(spread) is None
    _, floor = disagreement_levels(spread_of(grid_mean=np.zeros((2, 2)), grid_std=np.full((2, 2), 0.01)))
    assert floor == 0.05  # a noise-level spread stays pale


def test_band_edges_are_mean_plus_minus_std_or_min_and_max_clipped():
    seeds = band([[1.0, 1.0], [2.0, 4.0], [3.0, 7.0]])
    lower, upper = band_edges(seeds, "std")
    np.testing.assert_allclose(lower, [2 - math.sqrt(2 / 3), 4 - math.sqrt(6)])
    np.testing.assert_allclose(upper, [2 + math.sqrt(2 / 3), 4 + math.sqrt(6)])
    lower, upper = band_edges(seeds, "range")
    np.testing.assert_array_equal(lower, [1, 1])
    np.testing.assert_array_equal(upper, [3, 7])
    lower, upper = band_edges(seeds, "std", floor=2.0, ceiling=5.0)
    np.testing.assert_allclose(lower, [2.0, 2.0])
    np.testing.assert_allclose(upper, [2 + math.sqrt(2 / 3), 5.0])
    with pytest.raises(ValueError, match="kind must be"):
        band_edges(seeds, "iqr")


def test_band_end_reads_the_last_epoch_any_seed_reached():
    assert band_end(band([[1.0, 2.0, np.nan], [3.0, 4.0, np.nan]])) == {"mean": 3.0, "std": 1.0, "low": 2.0,
                                                                         "high": 4.0}
    assert all(math.isnan(v) for v in band_end(band([[np.nan, np.nan]])).values())


# ---------------------------------------------------------------------------------------------
# Spread over seeds: figures


def test_spread_boundary_figure_shows_the_levels_on_two_panels_with_the_points():
    spread = spread_of(class_share=[[[1.0, 0.6], [0.4, 0.0]], [[0.0, 0.4], [0.6, 1.0]]])
    trainer = Trainer(SMALL)
    figure = spread_boundary_figure(spread, trainer.data, SMALL, as_dict=True)
    left, right, *points = figure["data"]
    np.testing.assert_array_equal(left["z"], majority_levels(spread))
    np.testing.assert_array_equal(right["z"], disagreement_levels(spread)[0])
    assert (left["xaxis"], right["xaxis"], right["yaxis"]) == ("x", "x2", "y2")
    assert left["dx"] == pytest.approx(12.0) and left["x0"] == -6.0  # a 2 x 2 grid spans the domain
    assert [p.get("xaxis", "x") for p in points] == ["x", "x2"]
    np.testing.assert_array_equal(points[0]["x"], np.float32(trainer.data.X_train[:, 0]))
    assert "class 1" in figure["layout"]["annotations"][0]["text"]
    assert spread_boundary_figure(spread, as_dict=True)["data"][2:] == []  # no data, no points


@pytest.mark.parametrize("dataset", ["xor", "blobs", "sine"])
def test_spread_panel_titles_fit_over_their_panels_at_presentation_size(dataset):
    # In presentation mode at 1280 x 720 the two one-line titles ran into each other (the
    # multi-class one is 46 characters over a ~270 px panel at 18 px type), and the right panel's
    # x2 axis title ran into the left panel.
    config = Config().replace(dataset=dataset, n_samples=60, grid=50, hidden=(LayerConfig(2, "tanh"),))
    figure = spread_boundary_figure(seed_spread(config, seeds=2, epochs=1), as_dict=True)
    lines = [line for note in figure["layout"]["annotations"] for line in note["text"].split("<br>")]
    assert len(lines) == 4 and max(map(len, lines)) <= 26, lines
    assert figure["layout"]["yaxis2"].get("title") is None


@pytest.mark.parametrize("dataset", ["xor", "blobs", "sine"])
def test_spread_figures_of_a_real_spread_validate_as_plotly_figures(dataset):
    config = Config().replace(dataset=dataset, n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"),))
    spread = seed_spread(config, seeds=3, epochs=2)
    trainer = Trainer(config)
    assert isinstance(spread_boundary_figure(spread, trainer.data, config), go.Figure)
    assert isinstance(band_figure(spread, metric=True, metric_name="R²" if dataset == "sine" else "accuracy"),
                      go.Figure)


def test_band_figure_draws_a_band_and_the_mean_for_train_and_test():
    curves = ((0.9, 0.5, 0.2), (0.7, 0.5, 0.4))  # mean 0.8, 0.5, 0.3; std 0.1, 0, 0.1
    spread = spread_of(class_share=np.ones((2, 1, 1)) / 2, curves=curves)
    figure = band_figure(spread, as_dict=True)
    upper, lower, mean = figure["data"][:3]
    assert len(figure["data"]) == 6 and lower["fill"] == "tonexty" and mean["name"] == "train mean"
    assert lower["fillcolor"] == "rgba(0,114,178,0.2)"  # the train colour, #0072B2, at BAND_ALPHA
    np.testing.assert_allclose(mean["y"], np.float32([0.8, 0.5, 0.3]))
    np.testing.assert_allclose(upper["y"], np.float32([0.9, 0.5, 0.4]))
    np.testing.assert_allclose(lower["y"], np.float32([0.7, 0.5, 0.2]))
    ranged = band_figure(spread, kind="range", as_dict=True)["data"]
    np.testing.assert_allclose(ranged[0]["y"], np.float32([0.9, 0.5, 0.4]))
    assert ranged[1]["name"] == "train min – max"


def test_band_figure_keeps_an_accuracy_band_within_0_and_1_and_a_log_loss_band_positive():
    curves = ((0.9, 1.0), (0.5, 1.0), (0.1, 0.98))  # std of the first epoch is about 0.33
    spread = spread_of(class_share=np.ones((2, 1, 1)) / 2, curves=curves)
    accuracy = band_figure(spread, metric=True, as_dict=True)["data"]
    assert accuracy[0]["y"].max() <= 1.0 and accuracy[1]["y"].min() >= 0.0
    skewed = spread_of(class_share=np.ones((2, 1, 1)) / 2, curves=((0.1, 0.1), (0.1, 0.1), (3.0, 0.1)))
    assert skewed.train_loss.mean[0] - skewed.train_loss.std[0] < 0
    loss = band_figure(skewed, log_scale=True, as_dict=True)["data"]
    np.testing.assert_allclose(loss[1]["y"], np.float32([0.1, 0.1]))  # where mean - std <= 0: the minimum
