"""Exports: config JSON and weights .npz round trips, history CSV, GIF and offline HTML animations,
static images (kaleido optional), file names and MIME types."""

import csv
import dataclasses
import io
import json
import re
import time

import numpy as np
import pytest
from PIL import Image

from playground import export
from playground.config import Config, ConfigError, LayerConfig
from playground.export import animation, files, images
from playground.figures import replay_figure
from playground.network import build_model
from playground.training import RunHistory, Trainer, grid_points

BINARY = Config().replace(n_samples=200, hidden=(LayerConfig(6, "tanh"), LayerConfig(4, "relu")))
NORMED = Config().replace(dataset="spiral", n_samples=200, noise=0.1, optimizer="sgd", momentum=0.9,
                          hidden=(LayerConfig(8, "relu", 0.2, True), LayerConfig(4, "elu", 0.0, True)))
MULTI = Config().replace(dataset="blobs", n_classes=4, n_samples=200, show_test=True, hidden=(LayerConfig(8, "relu"),))
REGRESSION = Config().replace(dataset="sine", n_samples=200, hidden=(LayerConfig(8, "tanh"),))


@pytest.fixture(scope="module")
def runs():
    trained = {}
    for name, config in (("binary", BINARY), ("normed", NORMED), ("multi", MULTI), ("regression", REGRESSION)):
        trainer = Trainer(config)
        trainer.advance(epochs=40)
        trained[name] = trainer
    return trained


# ---------------------------------------------------------------------------------------------
# Config JSON


@pytest.mark.parametrize("config", [BINARY, NORMED, MULTI, REGRESSION, Config().replace(
    dataset="rings", n_classes=5, features=("x1", "x2", "x1sq", "sinx2"), optimizer="adamw", weight_decay=0.01,
    schedule="cosine", decay_steps=300, clipnorm=2.5, regularization="l1l2", reg_rate=3e-4, grid=64)])
def test_config_json_round_trip_gives_the_same_config_and_the_same_predictions(config):
    data = export.config_json(config)
    assert isinstance(data, bytes)
    loaded = export.load_config_json(data)
    assert loaded == config
    points = np.random.default_rng(0).normal(size=(50, len(config.data.features)))
    X = build_model(config).predict(points)
    assert np.array_equal(build_model(loaded).predict(points), X)


@pytest.mark.parametrize("data,field,message", [
    (b"\xff\xfe\x00garbage", "file", "UTF-8"),
    (b"this is not json", "file", "not valid JSON"),
    (b"[1, 2, 3]", "file", "JSON object"),
    (b'"a string"', "file", "JSON object"),
    (b"{" + b" " * 100_001 + b"}", "file", "at most 100 kB"),
    (b'{"data": 5}', "DataConfig", "must be given as a dict"),
    (b'{"colour": "red"}', "colour", "no field"),
    (b'{"data": {"noise": 3}}', "noise", "noise must be between 0 and 0.5"),
    (b'{"network": {"hidden": [7]}}', "LayerConfig", "must be given as a dict"),
    (b'{"data": {"dataset": "circle", "n_samples": NaN}}', "n_samples", "n_samples"),
    (b"[" * 100_000 + b"]" * 100, "file", "kB"),
    ("[" * 30_000, "file", "not valid JSON"),
], ids=["not-utf8", "not-json", "list", "string", "oversize", "section-not-dict", "unknown-section", "bad-value",
        "layer-not-dict", "nan", "deep-oversize", "deep-nesting"])
def test_load_config_json_refuses_what_is_not_a_config_with_a_clear_config_error(data, field, message):
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        export.load_config_json(data)
    assert info.value.field == field


def test_load_config_json_accepts_a_byte_order_mark_and_a_partial_config():
    config = export.load_config_json(b"\xef\xbb\xbf" + b'{"data": {"dataset": "xor"}}')
    assert config == Config().replace(dataset="xor")


# ---------------------------------------------------------------------------------------------
# Weights .npz


@pytest.mark.parametrize("name", ["binary", "normed", "multi", "regression"])
def test_weights_round_trip_gives_identical_predictions(runs, name):
    trainer = runs[name]
    data = export.weights_npz(trainer.model)
    fresh = build_model(trainer.config)
    export.load_weights_npz(fresh, data)
    points = trainer.data.features(grid_points(20), trainer.config.data.features)
    assert np.array_equal(fresh.predict(points), trainer.model.predict(points))
    for a, b in zip(fresh.get_weights(), trainer.model.get_weights(), strict=True):  # incl. moving statistics
        assert np.array_equal(a, b)
    other = build_model(trainer.config)
    other.load_weights(io.BytesIO(data))  # the engine's own reader takes the same file
    assert np.array_equal(other.flat_params, trainer.model.flat_params)


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_weights_of_another_network_are_refused_and_the_model_is_unchanged(runs):
    target = build_model(NORMED)
    before = [w.copy() for w in target.get_weights()]
    wider = build_model(NORMED.replace(hidden=(LayerConfig(9, "relu", 0.2, True), LayerConfig(4, "elu", 0.0, True))))
    other_depth = build_model(BINARY)
    valid = export.weights_npz(runs["normed"].model)
    broken = dict(np.load(io.BytesIO(valid)))
    broken["w003"] = np.full_like(broken["w003"], np.nan)
    cases = [
        (export.weights_npz(wider), "should have shape"),
        (export.weights_npz(other_depth), "arrays"),
        (b"not an archive at all", "Not a weights .npz file"),
        (b"", "Not a weights .npz file"),
        (_npz(kernel=np.zeros((2, 8))), "named w000"),
        (_npz(**{f"w{i:03d}": w.astype(str) for i, w in enumerate(target.get_weights())}), "real numbers"),
        (_npz(**{f"w{i:03d}": np.array([None] * w.size, dtype=object) for i, w in enumerate(target.get_weights())}),
         "not a plain numeric array"),
        (_npz(**broken), "NaN"),
    ]
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    cases.append((buffer.getvalue(), "Expected an .npz archive"))
    for data, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            export.load_weights_npz(target, data)
        for a, b in zip(target.get_weights(), before, strict=True):
            assert np.array_equal(a, b)


# ---------------------------------------------------------------------------------------------
# History CSV


def test_history_csv_has_a_row_per_recorded_epoch_and_layer_diagnostics_at_snapshots():
    trainer = Trainer(BINARY.replace(n_samples=100))
    trainer.advance(epochs=210)  # past 200 snapshots: every other epoch keeps one
    history = trainer.history
    rows = list(csv.DictReader(io.StringIO(export.history_csv(history).decode("utf-8"))))
    assert [int(r["epoch"]) for r in rows] == history.epochs
    header = list(rows[0])
    assert header[:6] == ["epoch", "train_loss", "test_loss", "train_metric", "test_metric", "learning_rate"]
    assert header[6:] == [f"layer{i}_{name}" for i in (1, 2) for name in
                          ("dead_share", "saturation", "kernel_grad_norm", "update_ratio")]
    snapshots = {s.epoch: s for s in history.snapshots}
    assert history.snapshot_every == 2
    for row, index in zip(rows, range(len(rows)), strict=True):
        epoch = int(row["epoch"])
        assert float(row["train_loss"]) == history.train_loss[index]
        assert float(row["test_metric"]) == history.test_metric[index]
        assert float(row["learning_rate"]) == history.learning_rate[index]
        if epoch in snapshots:
            layers = snapshots[epoch].layers
            assert float(row["layer1_saturation"]) == layers[0].saturation  # tanh saturates
            assert row["layer2_saturation"] == ""                          # relu does not
            assert float(row["layer2_dead_share"]) == layers[1].dead_share
            assert float(row["layer1_kernel_grad_norm"]) == layers[0].kernel_gradient_norm
            assert row["layer1_update_ratio"] == ("" if layers[0].update_ratio is None
                                                  else repr(layers[0].update_ratio))
        else:
            assert all(row[name] == "" for name in header[6:])
    assert rows[0]["layer1_update_ratio"] == ""  # no step taken at epoch 0


# ---------------------------------------------------------------------------------------------
# GIF


def test_gif_has_one_frame_per_snapshot_at_the_requested_size(runs):
    for name in ("binary", "multi", "regression", "normed"):
        trainer = runs[name]
        data = export.animation_gif(trainer.history, trainer.data, trainer.config, size=200, fps=12)
        image = Image.open(io.BytesIO(data))
        assert image.format == "GIF"
        assert image.n_frames == len(trainer.history.snapshots) == 41
        assert image.size == (200, 200)
        assert image.info["loop"] == 0


def test_gif_colours_follow_the_boundary_palette(runs):
    trainer = runs["binary"]  # the circle, learned: class 1 (blue) inside, class 0 (orange) outside
    image = Image.open(io.BytesIO(export.animation_gif(trainer.history, trainer.data, trainer.config, size=240)))
    image.seek(image.n_frames - 1)
    rgb = np.asarray(image.convert("RGB")).astype(int)
    centre, corner = rgb[110:130, 110:130].mean(axis=(0, 1)), rgb[-20:, -20:].mean(axis=(0, 1))
    assert centre[2] > centre[0] + 40   # blue
    assert corner[0] > corner[2] + 40   # orange
    colours = set(map(tuple, rgb.reshape(-1, 3)))
    assert len(colours) <= 256


def test_gif_of_200_snapshots_is_fast_and_capped():
    trainer = Trainer(BINARY.replace(n_samples=100))
    trainer.advance(epochs=199)
    history = trainer.history
    assert len(history.snapshots) == 200
    start = time.perf_counter()
    data = export.animation_gif(history, trainer.data, trainer.config)
    elapsed = time.perf_counter() - start
    print(f"GIF of 200 frames at 320 px: {elapsed:.2f} s, {len(data) / 1e6:.2f} MB")
    assert Image.open(io.BytesIO(data)).n_frames == 200
    assert elapsed < 10
    more = RunHistory(snapshots=[dataclasses.replace(history.snapshots[i % 200], epoch=i) for i in range(250)])
    assert Image.open(io.BytesIO(export.animation_gif(more, trainer.data, trainer.config, size=64))).n_frames == 200
    twice = RunHistory(snapshots=history.snapshots[:3] + history.snapshots[2:3])  # a data change at one epoch
    assert Image.open(io.BytesIO(export.animation_gif(twice, trainer.data, trainer.config, size=64))).n_frames == 3


@pytest.mark.parametrize("kwargs,message", [({"size": 10}, "size"), ({"size": 320.0}, "size"),
                                            ({"fps": 0}, "fps"), ({"fps": 100}, "fps")])
def test_gif_arguments_are_checked(runs, kwargs, message):
    trainer = runs["binary"]
    with pytest.raises(ValueError, match=message):
        export.animation_gif(trainer.history, trainer.data, trainer.config, **kwargs)


def test_gif_of_an_empty_history_is_refused(runs):
    with pytest.raises(ValueError, match="no snapshots"):
        export.animation_gif(RunHistory(), runs["binary"].data, BINARY)


def test_palette_colours_match_the_heatmap_colourscale():
    scale = [[0.0, "#000000"], [0.5, "#FFFFFF"], [1.0, "#0000FF"]]
    colours = animation.scale_colors(scale, np.array([0.0, 0.25, 0.5, 0.75, 1.0]))
    assert colours.tolist() == [[0, 0, 0], [128, 128, 128], [255, 255, 255], [128, 128, 255], [0, 0, 255]]


# ---------------------------------------------------------------------------------------------
# Offline HTML


def test_html_replay_holds_every_frame_and_opens_offline(runs):
    trainer = runs["multi"]
    start = time.perf_counter()
    data = export.animation_html(trainer.history, trainer.data, trainer.config)
    print(f"HTML replay of {len(trainer.history.snapshots)} frames: {len(data) / 1e6:.2f} MB, "
          f"{time.perf_counter() - start:.2f} s")
    html = data.decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "Plotly.newPlot" in html
    start = html.index("[", html.index("Plotly.addFrames("))
    frames, _ = json.JSONDecoder().raw_decode(html, start)  # the frames as plotly.js receives them
    assert [frame["name"] for frame in frames] == [str(s.epoch) for s in trainer.history.snapshots]
    assert all(frame["data"][0]["type"] == "heatmap" for frame in frames)
    assert len(data) > 3_000_000  # plotly.js inline
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed)\b[^>]*>", html, flags=re.IGNORECASE)
    assert tags and not [t for t in tags if re.search(r"\b(?:src|href)\s*=", t, flags=re.IGNORECASE)]
    assert not re.search(r"<script[^>]*src=|<link[^>]*href=|@import\s+url\(\s*['\"]?https?:", html, re.IGNORECASE)
    assert "cdn.plot.ly/plotly" not in " ".join(tags)
    assert "MathJax.js" not in html


# ---------------------------------------------------------------------------------------------
# Static images


def test_static_export_without_kaleido_explains_why(monkeypatch, runs):
    real = images.importlib.util.find_spec
    monkeypatch.setattr(images.importlib.util, "find_spec",
                        lambda name, *a: None if name == "kaleido" else real(name, *a))
    available, reason = export.static_export_available()
    assert not available and "kaleido" in reason and "HTML export" in reason
    figure = replay_figure(runs["binary"].history, runs["binary"].data, BINARY)
    with pytest.raises(export.StaticExportUnavailable, match="PNG export needs the kaleido package"):
        export.static_image(figure, "png")
    with pytest.raises(export.StaticExportUnavailable, match="SVG export"):
        export.static_image(figure, "svg")


def test_static_export_without_a_browser_explains_why(monkeypatch, runs, tmp_path):
    monkeypatch.setattr(images.importlib.util, "find_spec", lambda name, *a: object())
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    available, reason = export.static_export_available("svg")
    assert not available and "Chromium" in reason and "BROWSER_PATH" in reason
    with pytest.raises(export.StaticExportUnavailable, match="Chromium"):
        export.static_image(replay_figure(runs["binary"].history, runs["binary"].data, BINARY), "svg")


def test_static_export_refuses_an_unknown_format(runs):
    with pytest.raises(ValueError, match="fmt must be one of png, svg"):
        export.static_image(replay_figure(runs["binary"].history, runs["binary"].data, BINARY), "jpeg")


@pytest.mark.skipif(not export.static_export_available()[0], reason=export.static_export_available()[1])
def test_static_export_writes_png_and_svg(runs):
    from playground.figures import loss_figure

    figure = loss_figure(runs["binary"].history)
    png = export.static_image(figure, "png", width=400, height=300, scale=1)
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == (400, 300)
    svg = export.static_image(figure, "svg", width=400, height=300)
    assert b"<svg" in svg[:200]


# ---------------------------------------------------------------------------------------------
# Download metadata


def test_file_names_and_mime_types_cover_every_export():
    assert export.file_name("config", BINARY) == "playground-circle-seed0-config.json"
    assert export.file_name("gif") == "playground-training.gif"
    assert export.MIME_TYPES["html"] == "text/html" and export.MIME_TYPES["gif"] == "image/gif"
    assert set(export.MIME_TYPES) == set(export.FILE_TYPES)
    with pytest.raises(ValueError, match="kind must be one of"):
        export.file_name("pdf")
    json.loads(export.config_json(BINARY))  # what a page offers is plain JSON


def test_files_module_limits_are_as_documented():
    assert files.MAX_CONFIG_BYTES == 100_000
