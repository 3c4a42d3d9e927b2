"""Figures: what a user sees (cells at the right places, the right colours, the right counts) and
payload sizes, checked against the trainer's model and data rather than against the figure code."""

import dataclasses

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from playground import figures as F
from playground.config import Config, LayerConfig
from playground.datasets import DOMAIN
from playground.figures import palette
from playground.training import GRID_LEVELS, Trainer, grid_points, to_levels


def param_shapes(model):
    return [s for layer in model.layers for s in layer.param_shapes.values()]


def model_classes(trainer, part):
    outputs = trainer.model.predict(getattr(trainer.data, f"F_{part}"))
    return outputs.argmax(axis=1) if outputs.shape[1] > 1 else (outputs[:, 0] > 0.5).astype(int)


@pytest.fixture(scope="module")
def binary():
    # Label noise guarantees misclassified points.
    trainer = Trainer(Config().replace(n_samples=200, noise=0.15))
    trainer.advance(epochs=10)
    return trainer


@pytest.fixture(scope="module")
def blobs():
    trainer = Trainer(Config().replace(dataset="blobs", n_classes=4, n_samples=200, noise=0.3,
                                       hidden=(LayerConfig(6, "relu"),)))
    trainer.advance(epochs=10)
    return trainer


@pytest.fixture(scope="module")
def regression():
    trainer = Trainer(Config().replace(dataset="gaussians", n_samples=200, hidden=(LayerConfig(40, "tanh"),
                                                                                   LayerConfig(3, "tanh"))))
    trainer.advance(epochs=5)
    return trainer


def traces_named(fig, name):
    return [t for t in fig.data if t.name == name]


def colour_at(colorscale, position):
    """The two colours of the colourscale stops around `position` in [0, 1]."""
    stops = [p for p, _ in colorscale]
    right = next(i for i, p in enumerate(stops) if p >= position)
    return {colorscale[max(right - 1, 0)][1], colorscale[right][1]} if stops[right] > position else \
        {colorscale[right][1]}


# ---------------------------------------------------------------------------------------------
# Boundary


def test_boundary_heatmap_is_the_snapshot_grid_at_the_right_coordinates(binary):
    snapshot = binary.snapshot()
    fig = F.boundary_figure(snapshot, binary.data, binary.config)
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert np.asarray(heat.z).dtype == np.uint8 and np.array_equal(heat.z, snapshot.grid)
    assert (heat.zmin, heat.zmax) == (0, GRID_LEVELS)
    g = snapshot.grid.shape[0]
    points = grid_points(g)
    for i, j in [(0, 0), (3, 71), (g - 1, 5), (g - 1, g - 1)]:
        assert heat.x0 + j * heat.dx == pytest.approx(points[i * g + j, 0])
        assert heat.y0 + i * heat.dy == pytest.approx(points[i * g + j, 1])
    # Cell (i, j) is the model's output at that point (rows along x2, columns along x1).
    i, j = 12, 80
    probability = binary.model.predict(binary.data.features(points[[i * g + j]], binary.config.data.features))
    assert heat.z[i, j] == to_levels(probability[:, 0], 0.0, 1.0)[0]
    assert heat.z[i, j] != heat.z[j, i]  # the check above would not notice a transpose otherwise
    assert list(fig.layout.xaxis.range) == list(DOMAIN) and list(fig.layout.yaxis.range) == list(DOMAIN)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert fig.layout.uirevision == "boundary"
    assert heat.showscale is False


def test_boundary_while_drawing_shows_the_output_and_only_the_drawn_points(binary):
    drawn = [(-1.0, 2.0, 0), (3.5, -0.5, 1)]
    fig = F.boundary_figure(binary.snapshot(), binary.data, binary.config, drawn=drawn)
    heat, points = fig.data  # no data points, misclassification rings or legend entries
    assert heat.type == "heatmap"
    assert list(points.x) == [-1.0, 3.5] and list(points.y) == [2.0, -0.5]
    assert list(points.marker.color) == [F.palette.CLASS_COLORS[0], F.palette.CLASS_COLORS[1]]


def test_boundary_points_train_and_test(binary):
    snapshot, data = binary.snapshot(), binary.data
    without = F.boundary_figure(snapshot, data, binary.config, show_test=False)
    assert len(traces_named(without, "train")) == 2  # the points and their legend entry
    points = next(t for t in traces_named(without, "train") if t.x[0] is not None)
    assert len(points.x) == len(data.X_train) and np.asarray(points.x).dtype == np.float32
    assert np.allclose(points.x, data.X_train[:, 0]) and np.allclose(points.y, data.X_train[:, 1])
    assert np.array_equal(points.marker.color, data.y_train)
    assert not traces_named(without, "test")
    with_test = F.boundary_figure(snapshot, data, binary.config, show_test=True)
    test_points = next(t for t in traces_named(with_test, "test") if t.x[0] is not None)
    assert len(test_points.x) == len(data.X_test)
    assert test_points.marker.symbol != points.marker.symbol
    legend = [t.name for t in with_test.data if t.showlegend]
    assert legend == ["train", "test", "misclassified"]


@pytest.mark.parametrize("show_test", [False, True])
def test_misclassified_marks_match_the_model(binary, show_test):
    wrong = int(np.sum(model_classes(binary, "train") != binary.data.y_train))
    if show_test:
        wrong += int(np.sum(model_classes(binary, "test") != binary.data.y_test))
    assert wrong > 0
    predictions = {part: model_classes(binary, part) for part in ("train", "test")}
    fig = F.boundary_figure(binary.snapshot(), binary.data, binary.config, show_test=show_test,
                            predictions=predictions)
    marks = next(t for t in traces_named(fig, "misclassified") if t.x[0] is not None)
    assert len(marks.x) == wrong
    # Read from the grid instead: the same up to points within half a cell of the boundary.
    from_grid = F.boundary_figure(binary.snapshot(), binary.data, binary.config, show_test=show_test)
    marks = [t for t in traces_named(from_grid, "misclassified") if len(t.x) and t.x[0] is not None]
    assert abs(sum(len(t.x) for t in marks) - wrong) <= 3


def test_multiclass_heatmap_has_one_colour_segment_per_class(blobs):
    snapshot = blobs.snapshot()
    k = 4
    fig = F.boundary_figure(snapshot, blobs.data, blobs.config)
    heat = fig.data[0]
    assert np.array_equal(heat.z, snapshot.grid_class.astype(int) * 201 + snapshot.grid)
    assert (heat.zmin, heat.zmax) == (0, k * 201 - 1)
    families = [{palette.mix(c, "#FFFFFF", palette.UNCERTAIN_STRENGTH), palette.mix(c, "#FFFFFF",
                                                                                  palette.BACKGROUND_STRENGTH)}
                for c in palette.CLASS_COLORS[:k]]
    assert len(set().union(*families)) == 2 * k  # K distinct segments
    assert {c for _, c in heat.colorscale} == set().union(*families)
    assert len(np.unique(snapshot.grid_class)) > 1
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, snapshot.grid.shape[0], size=(50, 2)):
        assert colour_at(heat.colorscale, heat.z[i, j] / heat.zmax) <= families[snapshot.grid_class[i, j]]
    # Within a class, lightness follows confidence: full colour at P = 1, nearly white at P = 1/K.
    for cls, color in enumerate(palette.CLASS_COLORS[:k]):
        light = palette.mix(color, "#FFFFFF", palette.UNCERTAIN_STRENGTH)
        full = palette.mix(color, "#FFFFFF", palette.BACKGROUND_STRENGTH)
        assert colour_at(heat.colorscale, (cls * 201 + 200) / heat.zmax) == {full}
        assert colour_at(heat.colorscale, (cls * 201 + 200 // k) / heat.zmax) == {light}
    assert np.array_equal(heat.customdata, snapshot.grid_class)  # hover names the class
    assert F.boundary_figure(snapshot, blobs.data, blobs.config, hover_class=False).data[0].customdata is None
    points = next(t for t in traces_named(fig, "train") if t.x[0] is not None)
    assert (points.marker.cmin, points.marker.cmax) == (0, k - 1)
    assert [c for _, c in points.marker.colorscale] == list(palette.CLASS_COLORS[:k])


def test_discretize_shows_only_class_colours(binary, blobs):
    fig = F.boundary_figure(binary.snapshot(), binary.data, binary.config, discretize=True)
    full = [palette.mix(c, "#FFFFFF", palette.BACKGROUND_STRENGTH) for c in palette.CLASS_COLORS]
    assert {c for _, c in fig.data[0].colorscale} == set(full[:2])
    # Level 100 (P ~ 0.5) and below is class 0; above is class 1, as the model's P > 0.5.
    scale = fig.data[0].colorscale
    assert colour_at(scale, 100 / GRID_LEVELS) == {full[0]} and colour_at(scale, 101 / GRID_LEVELS) == {full[1]}
    multi = F.boundary_figure(blobs.snapshot(), blobs.data, blobs.config, discretize=True).data[0]
    assert {c for _, c in multi.colorscale} == set(full[:4])
    for cls in range(4):
        assert colour_at(multi.colorscale, (cls * 201 + 70) / multi.zmax) == {full[cls]}


def test_regression_boundary(regression):
    snapshot = regression.snapshot()
    fig = F.boundary_figure(snapshot, regression.data, regression.config)
    heat = fig.data[0]
    assert np.array_equal(heat.z, snapshot.grid) and heat.showscale
    assert list(heat.colorbar.ticktext) == ["-1", "0", "1"]
    points = next(t for t in traces_named(fig, "train") if t.x[0] is not None)
    assert np.allclose(points.marker.color, regression.data.y_train, atol=1e-6)
    assert (points.marker.cmin, points.marker.cmax) == (-1, 1)
    assert not traces_named(fig, "misclassified")


def test_boundary_json_is_small():
    trainer = Trainer(Config().replace(n_samples=500))  # 250 training points, 100 x 100 grid
    fig = F.boundary_figure(trainer.snapshot(), trainer.data, trainer.config)
    assert fig.data[0].z.shape == (100, 100)
    size = len(pio.to_json(fig, validate=False))
    assert size < 40_000, size


# ---------------------------------------------------------------------------------------------
# Network


def tile_at(heat, x, y, t):
    """The t x t block of the canvas whose brick edges span the tile centred at (x, y)."""
    xe, ye = np.asarray(heat.x), np.asarray(heat.y)
    left = int(np.argmin(np.abs(xe - (x - 0.5))))
    bottom = int(np.argmin(np.abs(ye - (y - 0.5))))
    assert xe[left + t] == pytest.approx(x + 0.5) and ye[bottom + t] == pytest.approx(y + 0.5)
    return np.asarray(heat.z)[bottom:bottom + t, left:left + t]


def test_network_tiles_are_one_heatmap_placed_at_their_nodes(binary):
    snapshot = binary.snapshot()
    units = [layer.units for layer in binary.config.network.hidden]
    kernels = F.kernels_from_flat(snapshot.weights, param_shapes(binary.model))
    fig = F.network_figure(snapshot, units, list(binary.config.data.features), kernels)
    heats = [t for t in fig.data if t.type == "heatmap"]
    assert len(heats) == 1 and heats[0] is fig.data[0]
    heat = heats[0]
    t = snapshot.tiles.shape[1]
    tiles = sum(units) + 2 + 1  # hidden neurons, the two inputs' features, the binary output
    assert np.count_nonzero(~np.isnan(heat.z)) == tiles * t * t
    nodes = next(tr for tr in fig.data if tr.name == "neurons")
    hover = list(nodes.text)
    # Layer 2, unit 2 is the last hidden neuron.
    index = hover.index(next(h for h in hover if h.startswith("layer 2 (tanh), unit 2")))
    assert np.array_equal(tile_at(heat, nodes.x[index], nodes.y[index], t), snapshot.tiles[-1])
    index = hover.index(next(h for h in hover if h.startswith("layer 1 (tanh), unit 3")))
    assert np.array_equal(tile_at(heat, nodes.x[index], nodes.y[index], t), snapshot.tiles[2])
    assert fig.layout.uirevision == "network"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_network_edges_carry_the_weights(binary):
    snapshot = binary.snapshot()
    kernels = F.kernels_from_flat(snapshot.weights, param_shapes(binary.model))
    expected = [w for w in binary.model.get_weights() if w.ndim == 2]
    assert len(kernels) == len(expected)
    for got, want in zip(kernels, expected, strict=True):
        assert np.allclose(got, want, atol=1e-6)
    fig = F.network_figure(snapshot, [4, 2], ["x1", "x2"], kernels)
    lines = [t for t in fig.data if t.type == "scatter" and t.mode == "lines" and "weights" in t.name]
    assert 1 <= len(lines) <= 10
    edges = sum(int(np.sum(np.isnan(np.asarray(t.x, float)))) for t in lines)
    assert edges == sum(k.size for k in kernels)
    for trace in lines:
        assert trace.line.color == (palette.POSITIVE_COLOR if trace.name.startswith("positive")
                                    else palette.NEGATIVE_COLOR)
    hover = [t for t in fig.data if t.customdata is not None and t.type == "scatter"]
    assert len(hover) == len(kernels)
    for trace, kernel in zip(hover, kernels, strict=True):
        data = np.asarray(trace.customdata)
        assert np.allclose(data[:, 0], kernel.ravel(), atol=1e-6)
        rows, cols = data[:, 1].astype(int) - 1, data[:, 2].astype(int) - 1
        assert np.allclose(kernel[rows, cols], data[:, 0], atol=1e-6)
        assert len(set(zip(trace.x, trace.y, strict=True))) == len(trace.x)  # no two hover points coincide


def test_wide_layers_show_max_units_and_a_note(regression):
    snapshot = regression.snapshot()
    kernels = F.kernels_from_flat(snapshot.weights, param_shapes(regression.model))
    fig = F.network_figure(snapshot, [40, 3], ["x1", "x2"], kernels, max_units=16)
    notes = [a.text for a in fig.layout.annotations if "more" in a.text]
    assert notes == ["+24 more"]
    t = snapshot.tiles.shape[1]
    assert np.count_nonzero(~np.isnan(fig.data[0].z)) == (16 + 3 + 2 + 1) * t * t
    hover = [tr for tr in fig.data if tr.customdata is not None and tr.type == "scatter"]
    assert np.allclose(np.asarray(hover[0].customdata)[:, 0], kernels[0][:, :16].ravel(), atol=1e-6)
    assert len(hover[1].x) == 16 * 3


def test_network_compact_canvas_and_checks(binary):
    snapshot = binary.snapshot()
    kernels = F.kernels_from_flat(snapshot.weights, param_shapes(binary.model))
    plain = F.network_figure(snapshot, [4, 2], ["x1", "x2"], kernels)
    compact = F.network_figure(snapshot, [4, 2], ["x1", "x2"], kernels, compact=True)
    z = np.asarray(compact.data[0].z)
    assert z.dtype == np.uint8
    empty = z == GRID_LEVELS + 1
    assert np.array_equal(empty, np.isnan(plain.data[0].z))
    assert np.array_equal(z[~empty], np.asarray(plain.data[0].z)[~np.isnan(plain.data[0].z)])
    assert compact.data[0].colorscale[-1][1] == "rgba(0,0,0,0)"
    assert compact.data[0].zmax == GRID_LEVELS + 1
    assert len(pio.to_json(compact, validate=False)) < len(pio.to_json(plain, validate=False)) / 2
    no_edges = F.network_figure(snapshot, [4, 2], ["x1", "x2"], None)
    assert not [t for t in no_edges.data if t.customdata is not None]
    with pytest.raises(ValueError, match="shapes"):
        F.network_figure(snapshot, [4, 2], ["x1", "x2"], kernels[::-1])
    with pytest.raises(ValueError, match="parameters"):
        F.kernels_from_flat(snapshot.weights[:-1], param_shapes(binary.model))


# ---------------------------------------------------------------------------------------------
# Curves


def test_loss_figure_marks_the_best_test_epoch(binary):
    history = binary.history
    fig = F.loss_figure(history)
    train, test = traces_named(fig, "train")[0], traces_named(fig, "test")[0]
    assert list(train.x) == history.epochs and np.allclose(train.y, history.train_loss)
    assert np.allclose(test.y, history.test_loss)
    assert (train.line.color, test.line.color) == (palette.TRAIN_COLOR, palette.TEST_COLOR)
    best = history.best_epoch
    assert traces_named(fig, "best test")[0].x[0] == best
    assert traces_named(fig, "best test")[0].y[0] == pytest.approx(min(history.test_loss))
    assert [s.x0 for s in fig.layout.shapes] == [best] and fig.layout.shapes[0].line.dash == "dot"
    assert [a.text for a in fig.layout.annotations] == ["best test"]
    assert fig.layout.uirevision == "loss" and fig.layout.yaxis.type != "log"
    assert F.loss_figure(history, log_scale=True).layout.yaxis.type == "log"
    metric = F.loss_figure(history, metric=True, marker_epoch=4)
    assert np.allclose(traces_named(metric, "train")[0].y, history.train_metric)
    assert metric.layout.yaxis.title.text == "accuracy"
    assert 4 in [s.x0 for s in metric.layout.shapes]


def test_health_figure_percentages_and_counts(binary, regression):
    stats = binary.snapshot().layers[0]
    units = stats.units
    dead = dataclasses.replace(stats, activity=np.array([0.0, 0.0, 0.0] + [0.5] * (units - 3)),
                               saturation=0.25, activation="tanh")
    relu = dataclasses.replace(stats, index=1, saturation=None, activation="relu")
    fig = F.health_figure([dead, relu])
    bars = {t.name: t for t in fig.data}
    assert list(bars["dead units"].y) == pytest.approx([300 / units, 0.0])
    assert bars["dead units"].hovertext[0].startswith(f"layer 1: 3 of {units} units dead")
    assert list(bars["saturated outputs"].y) == [25.0, None]
    assert list(fig.layout.yaxis.range) == [0, 125]  # room above 100 % for a full bar's label, under the legend
    only_relu = F.health_figure([relu])
    assert [t.name for t in only_relu.data] == ["dead units"]
    assert F.health_figure([]).layout.annotations[0].text == "no hidden layers"


# ---------------------------------------------------------------------------------------------
# Replay


def test_replay_has_a_frame_per_snapshot(binary):
    history = binary.history
    fig = F.replay_figure(history, binary.data, binary.config)
    assert len(fig.frames) == len(history.snapshots) == 11
    assert fig.data[0].type == "heatmap"
    for frame, snapshot in zip(fig.frames, history.snapshots, strict=True):
        assert list(frame.traces) == [0]  # only the heatmap: animating a second trace blanks it
        assert np.array_equal(frame.data[0].z, snapshot.grid)
        line = frame.layout.shapes[0]
        assert line.x0 == line.x1 == snapshot.epoch and line.xref == "x2"
        assert frame.name == str(snapshot.epoch)
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == [str(s.epoch) for s in history.snapshots]
    assert [s.args[0][0] for s in steps] == [f.name for f in fig.frames]
    play, pause = fig.layout.updatemenus[0].buttons
    assert play.method == "animate" and play.args[1]["frame"] == {"duration": 60, "redraw": True}
    assert play.args[1]["transition"]["duration"] == 0 and list(pause.args[0]) == [None]


def test_replay_multiclass_frames_and_caps(blobs):
    fig = F.replay_figure(blobs.history, blobs.data, blobs.config.replace(discretize=True))
    snapshot = blobs.history.snapshots[-1]
    assert np.array_equal(fig.frames[-1].data[0].z, snapshot.grid_class.astype(int) * 201 + snapshot.grid)
    assert fig.data[0].customdata is None  # frames update z only, so no stale per-cell classes
    many = dataclasses.replace(blobs.history, snapshots=blobs.history.snapshots * 30)
    assert len(F.replay_figure(many, blobs.data, blobs.config).frames) == 200


def test_figures_are_plain_plotly():
    assert isinstance(F.loss_figure(Trainer(Config().replace(n_samples=60, batch_size=10)).history), go.Figure)


def test_live_dict_figures_are_the_same_figures(binary):
    snapshot, history = binary.snapshot(), binary.history
    pairs = [
        (F.boundary_figure(snapshot, binary.data, binary.config),
         F.boundary_figure(snapshot, binary.data, binary.config, as_dict=True)),
        (F.loss_figure(history), F.loss_figure(history, as_dict=True)),
        (F.health_figure(snapshot.layers), F.health_figure(snapshot.layers, as_dict=True)),
    ]
    for built, spec in pairs:
        assert isinstance(spec, dict)
        assert pio.to_json(go.Figure(spec), validate=False) == pio.to_json(built, validate=False)
