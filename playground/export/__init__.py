"""Export a run: config JSON, weights .npz, history CSV, GIF and offline HTML animations, static
PNG/SVG images and runnable Keras / PyTorch / playground.nn scripts. Every exporter returns
`bytes` (or `str` for scripts); `file_name` and `MIME_TYPES` give what `st.download_button` needs:

    st.download_button("Config", export.config_json(config), export.file_name("config", config),
                       export.MIME_TYPES["config"])
    st.download_button("GIF", lambda: export.animation_gif(history, data, config),   # built on click
                       export.file_name("gif", config), export.MIME_TYPES["gif"])
"""

from __future__ import annotations

from ..config import Config
from .animation import animation_gif, animation_html
from .codegen import keras_script, playground_script, pytorch_script, script
from .files import config_json, history_csv, load_config_json, load_weights_npz, weights_npz
from .images import StaticExportUnavailable, static_export_available, static_image

# kind -> (file suffix, MIME type)
FILE_TYPES = {
    "config": ("config.json", "application/json"),
    "weights": ("weights.npz", "application/octet-stream"),
    "history": ("history.csv", "text/csv"),
    "gif": ("training.gif", "image/gif"),
    "html": ("replay.html", "text/html"),
    "png": ("figure.png", "image/png"),
    "svg": ("figure.svg", "image/svg+xml"),
    "keras": ("keras.py", "text/x-python"),
    "pytorch": ("pytorch.py", "text/x-python"),
    "playground": ("playground_nn.py", "text/x-python"),
}
MIME_TYPES = {kind: mime for kind, (_, mime) in FILE_TYPES.items()}


def file_name(kind: str, config: Config | None = None) -> str:
    """A download file name such as 'playground-spiral-seed0-config.json' for a kind of FILE_TYPES."""
    if kind not in FILE_TYPES:
        raise ValueError(f"kind must be one of {', '.join(FILE_TYPES)}. Received: kind={kind!r}")
    stem = "playground" if config is None else f"playground-{config.data.dataset}-seed{config.data.seed}"
    return f"{stem}-{FILE_TYPES[kind][0]}"


__all__ = ["FILE_TYPES", "MIME_TYPES", "StaticExportUnavailable", "animation_gif", "animation_html", "config_json",
           "file_name", "history_csv", "keras_script", "load_config_json", "load_weights_npz", "playground_script",
           "pytorch_script", "script", "static_export_available", "static_image", "weights_npz"]
