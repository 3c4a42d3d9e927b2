"""Take the run with you: downloads (config, weights, history, animation, image, code) and the
matching uploads (a config JSON, a weights file), on the Playground page."""

from __future__ import annotations

import streamlit as st

from playground import export, figures
from playground.config import ConfigError
from playground.ui import state
from playground.ui.memo import last_made
from playground.ui.text import note

FRAMEWORKS = {"keras": "Keras 3", "pytorch": "PyTorch", "playground": "playground.nn"}
MAX_SCRIPT_EPOCHS = 100_000
DEFAULT_SCRIPT_EPOCHS = 100  # a fresh run without a suggested budget
SHOWN_SCRIPT_LINES = 300    # a longer script (its embedded data) is shown cut; the download is whole
SCRIPT_KEY = "code_script"  # session_state: the last script made, with what it was made from


def _download(label: str, kind: str, data, config, key: str) -> None:
    st.download_button(label, data=data, file_name=export.file_name(kind, config), mime=export.MIME_TYPES[kind],
                       key=key, width="stretch", on_click="ignore")


def _files(session: state.LiveRun) -> None:
    trainer, config = session.trainer, session.config
    first, second, third = st.columns(3)
    with first:
        _download("Config (JSON)", "config", export.config_json(config), config, "dl_config")
    with second:
        _download("Weights (.npz)", "weights", lambda: export.weights_npz(trainer.model), config, "dl_weights")
    with third:
        _download("History (CSV)", "history", lambda: export.history_csv(trainer.history), config, "dl_history")
    if config.data.custom is not None:
        st.caption("The config file names your own data but does not hold it (nor does a link): keep your CSV, "
                   "or download drawn points as CSV, to train on them again.")
    left, right = st.columns(2)
    config_file = left.file_uploader("Load a config (JSON)", type=["json"], key="up_config")
    if config_file is not None and st.session_state.get("up_config_done") != config_file.file_id:
        st.session_state["up_config_done"] = config_file.file_id
        try:
            state.load_config(session, export.load_config_json(config_file.getvalue()))
            st.rerun()
        except ConfigError as error:
            note("error", f"This config file cannot be used; the run is unchanged. {error}", where=left)
    weights_file = right.file_uploader("Load weights (.npz)", type=["npz"], key="up_weights")
    if weights_file is not None and st.session_state.get("up_weights_done") != weights_file.file_id:
        st.session_state["up_weights_done"] = weights_file.file_id
        try:
            with session.lock:
                export.load_weights_npz(trainer.model, weights_file.getvalue())
                trainer.restart_history()
            note("success", "Weights loaded; the run starts again from them at epoch 0.", where=right)
        except ValueError as error:
            note("error", f"These weights do not fit this network; nothing changed. {error}", where=right)


def _animation(session: state.LiveRun) -> None:
    trainer, config = session.trainer, session.config
    if not trainer.history.snapshots:
        st.caption("Train a few epochs first: the animation is made of the run's snapshots.")
        return
    left, right = st.columns(2)
    with left:
        _download("Animated GIF", "gif", lambda: export.animation_gif(trainer.history, trainer.data, config),
                  config, "dl_gif")
    with right:
        _download("Replay (offline HTML)", "html", lambda: export.animation_html(trainer.history, trainer.data,
                                                                                 config), config, "dl_html")
    available, reason = export.static_export_available()
    left, right = st.columns(2)
    boundary = lambda: figures.boundary_figure(trainer.snapshot(), trainer.data, config)  # noqa: E731
    for column, fmt in ((left, "png"), (right, "svg")):
        with column:
            if available:
                _download(f"Boundary ({fmt.upper()})", fmt, lambda fmt=fmt: export.static_image(boundary(), fmt),
                          config, f"dl_{fmt}")
            else:
                st.button(f"Boundary ({fmt.upper()})", disabled=True, key=f"dl_{fmt}", width="stretch", help=reason)
    if not available:
        st.caption(reason)


def script_epochs(trainer) -> int:
    """The epochs a downloaded script trains by default: as many as the run has trained, else the
    budget its config suggests (a lesson's stop_at), else DEFAULT_SCRIPT_EPOCHS."""
    epochs = trainer.epoch or trainer.config.view.stop_at or DEFAULT_SCRIPT_EPOCHS
    return min(max(1, epochs), MAX_SCRIPT_EPOCHS)


def _code(session: state.LiveRun) -> None:
    config = session.config
    left, right = st.columns([2, 1])
    framework = left.segmented_control("Framework", list(FRAMEWORKS), format_func=FRAMEWORKS.get,
                                       default="keras", key="code_framework")
    epochs = right.number_input("Epochs", 1, MAX_SCRIPT_EPOCHS, value=script_epochs(session.trainer),
                                key="code_epochs")
    try:
        source = _script(framework or "keras", config, int(epochs), session.trainer.data)
    except ValueError as error:
        note("info", f"No script for this run: {error}")
        return
    _download("Download the script", framework or "keras", source, config, "dl_script")
    shown = source.splitlines()
    if len(shown) > SHOWN_SCRIPT_LINES:
        st.caption(f"The first {SHOWN_SCRIPT_LINES} of the script's {len(shown):,} lines (the rest is the data); "
                   "the download has it all.")
        source = "\n".join(shown[:SHOWN_SCRIPT_LINES])
    st.code(source, language="python", height=360)


def _script(framework: str, config, epochs: int, data) -> str:
    """`export.script(...)`, made once per (framework, config, epochs, data): a script that embeds
    5,000 points is ~1 MB and 0.15 s to write, and the page reruns on every widget change."""
    return last_made(SCRIPT_KEY, (framework, config, epochs, id(data)),
                     lambda: export.script(framework, config, epochs, data=data))


def export_panel(session: state.LiveRun) -> None:
    """The Export expander: files, animation and image, and code."""
    with st.expander("Export and import"):
        files, animation, code = st.tabs(["Files", "Animation and image", "Code"])
        with files:
            _files(session)
        with animation:
            _animation(session)
        with code:
            _code(session)
