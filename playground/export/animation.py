"""A run as an animation: a GIF drawn with NumPy and Pillow, or the Plotly replay as offline HTML.

The GIF has one frame per snapshot (at most MAX_FRAMES), each the decision boundary with the
training points and the epoch in a corner. Colours come from the figures' palette: each
background code gets the colour the replay heatmap gives it (binary: orange - white - blue;
multi-class: per-class colour, lighter when less sure; regression: diverging). Frames are built
in palette-index space (no per-frame quantisation, ~1.5 ms a frame); the 201 confidence levels of
a grid are drawn in BACKGROUND_LEVELS steps (at most 256 // k per class), which halves the file.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..config import Config
from ..datasets import DOMAIN
from ..figures import palette, replay_figure
from ..figures.boundary import heatmap_z, marker_size
from ..training import RunData, RunHistory, Snapshot

MAX_FRAMES = 200
LAST_FRAME_MS = 1000   # the last frame is held a little so the end of the run can be seen
_FIXED = (palette.WHITE, palette.INK, "#777777")  # text box, text and test outlines, regression outlines
_TARGET_LEVELS = 21    # regression points: target colours in this many steps over [-1, 1]
BACKGROUND_LEVELS = 65  # confidence levels kept per class colour (201 in the grid; fewer compress 2x better)


def _rgb(colors) -> np.ndarray:
    """'#RRGGBB' strings -> (n, 3) float RGB."""
    return np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colors], dtype=np.float64)


def scale_colors(scale: list[list], values: np.ndarray) -> np.ndarray:
    """RGB (n, 3) uint8 of a Plotly colourscale [[position, '#rrggbb'], ...] at positions `values` in [0, 1],
    interpolated linearly in RGB as Plotly does."""
    positions = np.array([stop[0] for stop in scale], dtype=np.float64)
    colors = _rgb([stop[1] for stop in scale])
    values = np.clip(np.asarray(values, dtype=np.float64), 0.0, 1.0)
    channels = [np.interp(values, positions, colors[:, c]) for c in range(3)]
    return np.rint(np.stack(channels, axis=-1)).astype(np.uint8)


def _background_scale(config: Config) -> tuple[list[list], int]:
    """The heatmap's colourscale and zmax, as `figures.boundary.heatmap_trace` sets them."""
    data, discretize = config.data, config.view.discretize
    if data.task == "regression":
        return palette.diverging_scale(palette.BACKGROUND_STRENGTH), palette.LEVELS
    if data.class_count > 2:
        k = data.class_count
        return palette.multiclass_scale(k, discretize), palette.multiclass_zmax(k)
    return palette.binary_scale(discretize), palette.LEVELS


class _Palette:
    """The GIF's 256 colours: fixed ones, point colours, then the background codes' colours.

    `code_index` maps a heatmap code (0..zmax) to its palette index.
    """

    def __init__(self, config: Config):
        regression = config.data.task == "regression"
        if regression:
            points = scale_colors(palette.diverging_scale(), np.linspace(0.0, 1.0, _TARGET_LEVELS))
        else:
            points = _rgb(palette.class_colors(max(2, config.data.class_count))).astype(np.uint8)
        fixed = np.concatenate([_rgb(_FIXED).astype(np.uint8), points])
        self.white, self.ink, self.grey, self.first_point = 0, 1, 2, len(_FIXED)
        scale, zmax = _background_scale(config)
        codes = np.arange(zmax + 1)
        exact = scale_colors(scale, codes / zmax)  # (zmax + 1, 3): the heatmap's colour of every code
        segments = config.data.class_count if zmax > palette.LEVELS else 1
        steps = min(BACKGROUND_LEVELS, (256 - len(fixed)) // segments)
        unique, inverse = np.unique(exact, axis=0, return_inverse=True)
        if len(unique) <= steps * segments:  # discretized: a few flat colours, kept exactly
            background, index = unique, inverse.reshape(-1)
        else:  # continuous: `steps` confidence levels per segment (one segment per class)
            step_of = np.rint((codes % palette.SEGMENT) * (steps - 1) / palette.LEVELS).astype(int)
            index = (codes // palette.SEGMENT) * steps + step_of
            kept = [segment * palette.SEGMENT + round(step * palette.LEVELS / (steps - 1))
                    for segment in range(segments) for step in range(steps)]
            background = exact[kept]
        self.code_index = (len(fixed) + index).astype(np.uint8)
        colors = np.concatenate([fixed, background])
        self.bytes = colors.astype(np.uint8).tobytes() + bytes(3 * (256 - len(colors)))


def _pixel_cells(size: int, grid: int) -> np.ndarray:
    """For each of `size` pixel columns, the nearest grid column (cells centred on linspace(DOMAIN, grid))."""
    centres = DOMAIN[0] + (np.arange(size) + 0.5) * (DOMAIN[1] - DOMAIN[0]) / size
    cells = np.rint((centres - DOMAIN[0]) / ((DOMAIN[1] - DOMAIN[0]) / (grid - 1))).astype(np.intp)
    return np.clip(cells, 0, grid - 1)


def _to_pixels(X: np.ndarray, size: int) -> np.ndarray:
    """Domain points (n, 2) -> pixel coordinates (n, 2), y pointing down."""
    scaled = (np.asarray(X, dtype=np.float64) - DOMAIN[0]) / (DOMAIN[1] - DOMAIN[0]) * size
    return np.column_stack([scaled[:, 0], size - scaled[:, 1]])


def _points_layer(data: RunData, config: Config, colors: _Palette, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The data points drawn once: palette indices (size, size) uint8 and where they are (bool)."""
    overlay, mask = Image.new("L", (size, size), 0), Image.new("L", (size, size), 0)
    draw_overlay, draw_mask = ImageDraw.Draw(overlay), ImageDraw.Draw(mask)
    regression = config.data.task == "regression"
    parts = [("train", data.X_train, data.y_train)]
    if config.view.show_test:
        parts.append(("test", data.X_test, data.y_test))
    radius = max(1.5, marker_size(sum(len(p[1]) for p in parts)) * size / 380 / 2)
    for name, X, y in parts:
        if regression:
            steps = np.rint((np.clip(np.asarray(y, float), -1, 1) + 1) / 2 * (_TARGET_LEVELS - 1)).astype(int)
            fills = colors.first_point + steps
            outline = colors.grey if name == "train" else colors.ink
        else:
            fills = colors.first_point + np.asarray(y, dtype=int)
            outline = colors.white if name == "train" else colors.ink
        for (px, py), fill in zip(_to_pixels(X, size), fills, strict=True):
            if name == "train":
                box = [px - radius, py - radius, px + radius, py + radius]
                draw_overlay.ellipse(box, fill=int(fill), outline=outline)
                draw_mask.ellipse(box, fill=255, outline=255)
            else:
                r = radius + 0.5
                diamond = [(px, py - r), (px + r, py), (px, py + r), (px - r, py)]
                draw_overlay.polygon(diamond, fill=int(fill), outline=outline)
                draw_mask.polygon(diamond, fill=255, outline=255)
    return np.asarray(overlay, dtype=np.uint8), np.asarray(mask) > 0


def frame_snapshots(history: RunHistory, limit: int = MAX_FRAMES) -> list[Snapshot]:
    """The snapshots to animate: the last one of each epoch, thinned evenly to at most `limit`."""
    by_epoch = list({s.epoch: s for s in history.snapshots}.values())
    if len(by_epoch) > limit:
        index = np.unique(np.rint(np.linspace(0, len(by_epoch) - 1, limit)).astype(int))
        by_epoch = [by_epoch[i] for i in index]
    return by_epoch


def animation_gif(history: RunHistory, data: RunData, config: Config, size: int = 320, fps: int = 10) -> bytes:
    """An animated GIF (size x size pixels) of the decision boundary, one frame per snapshot.

    Parameters
    ----------
    history : its snapshots' grids (g, g) are the frames (deduplicated by epoch, at most 200).
    data : the training points X_train (n, 2), y_train (n,) (and the test points if config.view.show_test).
    config : task, class count and view options (discretize, show_test).
    size : side in pixels, 64..1024.  fps : frames per second, 1..50 (the last frame is held 1 s).
    """
    if isinstance(size, bool) or not isinstance(size, int) or not 64 <= size <= 1024:
        raise ValueError(f"size must be an integer between 64 and 1024. Received: size={size!r}")
    if isinstance(fps, bool) or not isinstance(fps, int | float) or not 1 <= fps <= 50:
        raise ValueError(f"fps must be a number between 1 and 50. Received: fps={fps!r}")
    snapshots = frame_snapshots(history)
    if not snapshots:
        raise ValueError("The history has no snapshots to animate. Received: history.snapshots=[]")
    colors = _Palette(config)
    overlay, mask = _points_layer(data, config, colors, size)
    font = ImageFont.load_default(size=max(10, size // 22))
    grid = snapshots[0].grid.shape[0]
    cols = _pixel_cells(size, grid)
    rows = cols[::-1]  # grid row 0 is the bottom of the domain, image row 0 the top
    frames = []
    for snapshot in snapshots:
        indices = colors.code_index[heatmap_z(snapshot)][np.ix_(rows, cols)]
        np.copyto(indices, overlay, where=mask)
        image = Image.fromarray(indices, mode="P")
        image.putpalette(colors.bytes)
        draw = ImageDraw.Draw(image)
        text = f"epoch {snapshot.epoch}"
        left, top, right, bottom = draw.textbbox((6, 4), text, font=font)
        draw.rectangle([left - 3, top - 2, right + 3, bottom + 2], fill=colors.white)
        draw.text((6, 4), text, fill=colors.ink, font=font)
        frames.append(image)
    frame_ms = int(round(1000 / fps))
    durations = [frame_ms] * (len(frames) - 1) + [max(frame_ms, LAST_FRAME_MS)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0,
                   optimize=False)
    return buffer.getvalue()


def animation_html(history: RunHistory, data: RunData, config: Config) -> bytes:
    """The replay figure (`figures.replay_figure`) as a self-contained HTML page that works offline:
    plotly.js is inlined (about 4.7 MB), no MathJax, no other resource. UTF-8 bytes."""
    figure = replay_figure(history, data, config)
    html = figure.to_html(include_plotlyjs=True, full_html=True, include_mathjax=False,
                          config={"displaylogo": False, "responsive": True}, default_width="100%")
    title = f"<title>Training replay: {config.data.dataset}, {len(figure.frames)} frames</title>"
    html = html.replace("<head>", f"<head>{title}", 1)
    return html.encode("utf-8")
