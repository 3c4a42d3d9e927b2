"""Your own data on the Playground: upload a CSV, or draw points by clicking on the boundary plot.

A dataset that loads becomes the session's own data (`LiveRun.own.custom`) and the Dataset widget
switches to it; one that does not gets one message and changes nothing. Drawn points live in
`LiveRun.own.drawn` as (x1, x2, class) until "Train on these points" turns them into own data.
The functions here are the only writers of `LiveRun.own`.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from playground.config import CUSTOM
from playground.datasets import DOMAIN
from playground.ui import state
from playground.ui.text import escape_markdown, flash, flashed
from playground.uploads import (
    DEFAULT_COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    MIN_ROWS,
    CustomData,
    DataError,
    drawn_data,
    load_csv,
)

UPLOAD_KEY = "own_csv"
DRAW_KEY = "own_draw"
PLACE = "own_data"                # where this panel's messages are flashed (text.flash)
DRAW_CLASSES = 6                  # classes offered for drawing (a CSV may have up to 10)
DRAW_CLASS_NAMES = tuple(str(k) for k in range(DRAW_CLASSES))
# Streamlit's colour names nearest to the first six class colours, for the class picker.
CLASS_MARKS = ("orange", "blue", "green", "violet", "blue", "red")
REMOVE_RADIUS = 0.4               # a click this close to a drawn point removes it (domain units)


def _use(session: state.LiveRun, data: CustomData, note: str) -> None:
    """Make `data` the session's own data and select it (widget callbacks run before the page)."""
    session.own.custom = data
    flash(PLACE, "success", note)
    st.session_state["cfg_dataset"] = CUSTOM


def _on_upload(session: state.LiveRun) -> None:
    file = st.session_state.get(UPLOAD_KEY)
    if file is None:  # the file was removed from the uploader: keep the data and the run
        return
    try:
        data = load_csv(file.getvalue())
    except DataError as error:
        flash(PLACE, "error", f"{file.name}: {error} The current data and run are unchanged.")
        return
    _use(session, data, f"Loaded {file.name}: {len(data.y)} points. Training goes on with them.")


def on_click(session: state.LiveRun, event: dict) -> None:
    """A click on the boundary plot while drawing (see `add_or_remove`), with the chosen class."""
    add_or_remove(session.own.drawn, event.get("x"), event.get("y"), int(st.session_state.get("own_class") or 0))


def add_or_remove(drawn: list, x, y, label: int) -> None:
    """Remove the drawn point at (x, y) (within REMOVE_RADIUS), else add (x, y, label) to `drawn`.

    Clicks outside the domain land on its edge; anything but two finite numbers is ignored.
    """
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (x, y)):
        return
    x, y = min(max(float(x), DOMAIN[0]), DOMAIN[1]), min(max(float(y), DOMAIN[0]), DOMAIN[1])
    if drawn:
        points = np.array([(px, py) for px, py, _ in drawn])
        distances = np.hypot(points[:, 0] - x, points[:, 1] - y)
        nearest = int(distances.argmin())
        if distances[nearest] <= REMOVE_RADIUS:
            del drawn[nearest]
            return
    if len(drawn) < MAX_ROWS:
        drawn.append((round(x, 3), round(y, 3), int(label)))


def drawing() -> bool:
    return bool(st.session_state.get(DRAW_KEY))


def drawing_caption(session: state.LiveRun) -> str:
    counts = np.bincount([c for _, _, c in session.own.drawn], minlength=1)
    per_class = ", ".join(f"class {k}: {n}" for k, n in enumerate(counts) if n)
    total = f"{len(session.own.drawn)} point{'' if len(session.own.drawn) == 1 else 's'}"
    return (f"Drawing: {total} ({per_class or 'none yet'}; at least {MIN_ROWS} of two classes to train). Click "
            f"on the plot to add a point of the chosen class; click on a drawn point to remove it.")


def _train_on_drawn(session: state.LiveRun) -> None:
    try:
        data = drawn_data(session.own.drawn, DRAW_CLASS_NAMES)
    except DataError as error:
        flash(PLACE, "error", f"{error} The current data and run are unchanged.")
        return
    _use(session, data, f"Training on your {len(data.y)} drawn points.")


def drawn_csv(points: list) -> bytes:
    """Drawn points (x1, x2, class) as a CSV file: x1,x2,label in domain coordinates."""
    return CustomData(np.array([(x, y) for x, y, _ in points]).reshape(-1, 2),
                      np.array([c for _, _, c in points], dtype=np.int64), "classification",
                      DRAW_CLASS_NAMES, DEFAULT_COLUMNS, (), "drawn").to_csv()


def _describe(data: CustomData) -> None:
    """What the page made of the data: size, task, classes, scaling, and its first rows (the file's
    names escaped: they are the user's text)."""
    origin = "an uploaded file" if data.source == "upload" else "points you drew"
    if data.task == "classification":
        counts = np.bincount(data.y, minlength=data.n_classes)
        kind = "classification, classes " + ", ".join(f"{escape_markdown(name)} ({n})" for name, n in
                                                      zip(data.class_names, counts, strict=True))
    else:
        kind = "regression (a numeric target)"
    st.markdown(f"**Own data** from {origin}: {len(data.y)} points, {kind}.")
    if data.scaling:
        st.caption("Scaled into the plot: " + escape_markdown("; ".join(data.scaling)))
    with st.popover("Preview the first rows"):
        labels = [data.class_names[k] for k in data.y[:8]] if data.task == "classification" else data.y[:8]
        first, second, label = data.column_names
        st.dataframe({f"{first} (scaled)": data.X[:8, 0], f"{second} (scaled)": data.X[:8, 1], label: labels},
                     hide_index=True)


def panel(session: state.LiveRun) -> None:
    """The "Your own data" expander: upload, draw, and what is loaded."""
    with st.container(key="panel_own_data"), st.expander("Your own data", expanded=drawing()):
        upload, draw = st.columns(2)
        with upload:
            st.file_uploader(f"Upload a CSV (at most {MAX_ROWS:,} rows, {MAX_BYTES // 2**20} MB)",
                             type=["csv", "tsv", "txt"], key=UPLOAD_KEY, on_change=_on_upload, args=(session,),
                             max_upload_size=MAX_BYTES // 2**20,
                             help="Two feature columns and a label column (class names or numbers), or a "
                                  "numeric target for regression; header optional; comma, semicolon or tab "
                                  "separated. Features are rescaled to the plot.")
        with draw:
            st.toggle("Draw points on the plot", key=DRAW_KEY)
            if drawing():
                st.segmented_control("Class of new points", list(range(DRAW_CLASSES)), key="own_class",
                                     format_func=lambda k: f":{CLASS_MARKS[k]}[●] {k}", default=0)
                # Clicks on the plot rerun only the live panel, so these buttons read the points when
                # pressed rather than showing a count drawn with the page.
                left, middle, right = st.columns(3)
                left.button("Train on these", key="own_train", on_click=_train_on_drawn, args=(session,),
                            type="primary", help=f"At least {MIN_ROWS} points of two classes or more.")
                middle.button("Clear", key="own_clear", on_click=session.own.drawn.clear)
                right.download_button("CSV", lambda: drawn_csv(list(session.own.drawn)), "drawn-points.csv",
                                      "text/csv", key="own_download", icon=":material/download:",
                                      help="The drawn points as x1,x2,label")
        flashed(PLACE)  # shown once, on the run that follows the upload or the button
        if session.own.custom is not None:
            _describe(session.own.custom)
