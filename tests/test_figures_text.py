"""Chart text a class can read: integer epoch ticks, network headers that do not overlap, and
static charts whose text grows in presentation mode like the live charts'."""

import numpy as np
import plotly.graph_objects as go
import pytest

from playground import figures as F
from playground.config import Config, LayerConfig
from playground.figures.presentation import scale_text
from playground.training import Trainer
from playground.ui.presentation import LARGE_FONT_PX

BIG = LARGE_FONT_PX / 16  # what the live charts multiply font sizes by in presentation mode


def trained(epochs: int, **changes) -> Trainer:
    trainer = Trainer(Config().replace(n_samples=100, **changes))
    if epochs:
        trainer.advance(epochs=epochs)
    return trainer


# ---------------------------------------------------------------------------------------------
# Epoch axes: whole epochs only


def integer_ticks(axis) -> bool:
    """Whether a Plotly axis can only place ticks on whole numbers: an integer dtick, or an
    auto axis over a span wide enough that Plotly's 1-2-5 steps (at most 10 ticks) are >= 1."""
    if axis.dtick is not None:
        return float(axis.dtick) >= 1 and float(axis.dtick).is_integer() and float(axis.tick0 or 0).is_integer()
    return False


@pytest.mark.parametrize("epochs", [0, 1, 3, 8])
def test_loss_chart_epoch_axis_has_whole_epochs_early_on(epochs):
    history = trained(epochs).history
    assert integer_ticks(F.loss_figure(history).layout.xaxis)
    assert integer_ticks(F.compare_loss_figure([history, history], ["a", "b"]).layout.xaxis)


def test_loss_chart_epoch_axis_is_automatic_over_many_epochs():
    history = trained(40).history
    assert F.loss_figure(history).layout.xaxis.dtick is None  # Plotly's own steps are whole numbers here


# ---------------------------------------------------------------------------------------------
# Network headers


def header_boxes(fig: go.Figure, width_px: float, scale: float) -> list[tuple[float, float, float, float]]:
    """(left, right, bottom, top) in pixels of each column header, for a plot `width_px` wide whose
    x range is what binds (as in the compact live panel), with fonts times `scale`: a character is
    taken as 0.6 em wide and a line as 1.3 em high (generous for Plotly's sans-serif)."""
    x0, x1 = fig.layout.xaxis.range
    per_unit = width_px / (x1 - x0)
    boxes = []
    for note in fig.layout.annotations:
        if "more" in note.text:
            continue
        lines = note.text.replace("</span>", "").split("<br>")
        lines = [line.split(">")[-1] for line in lines]
        size = (note.font.size or 13) * scale
        width = 0.6 * size * max(len(line) for line in lines)
        height = 1.3 * size * len(lines)
        centre = (note.x - x0) * per_unit
        bottom = (note.yshift or 0) * scale
        boxes.append((centre - width / 2, centre + width / 2, bottom, bottom + height))
    return boxes


def overlaps(boxes) -> list:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]]


@pytest.mark.parametrize("layers", [2, 3, 4, 6, 8])
@pytest.mark.parametrize("scale", [1.0, BIG])
def test_compact_network_headers_do_not_overlap(layers, scale):
    trainer = trained(0, hidden=tuple(LayerConfig(4, "tanh") for _ in range(layers)))
    snapshot = trainer.snapshot()
    kernels = [layer.params["kernel"] for layer in trainer.model.layers if "kernel" in layer.params]
    fig = F.network_figure(snapshot, [4] * layers, ["x1", "x2"], kernels, compact=True, height=380)
    # The live panel's network column is about 310 px wide at 1280 x 720 (measured in Chromium).
    assert not overlaps(header_boxes(fig, 310, scale))


# ---------------------------------------------------------------------------------------------
# Static charts in presentation mode


def font_sizes(spec) -> list[float]:
    """Every explicit font size in a figure dict (the keys the live charts scale: *font.size)."""
    found = []
    if isinstance(spec, dict):
        for name, value in spec.items():
            if name.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
                found.append(value["size"])
            found += font_sizes(value)
    elif isinstance(spec, list | tuple):
        for value in spec:
            found += font_sizes(value)
    return found


def test_scale_text_grows_every_font_and_the_margins_like_the_live_charts():
    trainer = trained(5)
    fig = F.replay_figure(trainer.history, trainer.data, trainer.config)
    plain = fig.to_dict()
    big = scale_text(fig, BIG)
    assert font_sizes(big["layout"]) == pytest.approx([size * BIG for size in font_sizes(plain["layout"])])
    assert len(font_sizes(plain["layout"])) >= 3  # the base font, the slider's and its current value's
    for side in "ltb":
        assert big["layout"]["margin"][side] == pytest.approx(plain["layout"]["margin"][side] * BIG)
    assert big["layout"]["margin"]["r"] == plain["layout"]["margin"]["r"]
    assert len(big["frames"]) == len(plain["frames"])
    assert np.array_equal(big["data"][0]["z"], plain["data"][0]["z"])
    assert fig.layout.font.size == plain["layout"]["font"]["size"]  # the figure itself is left as it was
    assert scale_text(fig, 1.0) is fig
