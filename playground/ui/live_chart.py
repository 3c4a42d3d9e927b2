"""A Plotly chart that updates in place: the live chart bridge.

`st.plotly_chart` remounts its chart on every new figure (blank frames, lost zoom, growing JS
heap). `live_chart` is a small keyed `st.components.v2` component instead: it keeps one
persistent div per key and hands each new figure to `Plotly.react`, so a chart redrawn ten
times a second from an `st.fragment(run_every=...)` keeps its DOM node, its zoom and pan
(`layout.uirevision`) and a flat heap.

Usage (the lead's `app.py` calls `ensure_plotly_js` once at start-up)::

    ensure_plotly_js(Path(__file__).parent)      # the directory of the script given to `streamlit run`

    @st.fragment(run_every=0.1 if st.session_state.running else None)
    def board():
        live_chart(build_figure(...), key="boundary", on_click=add_point)

How plotly.js reaches the browser
---------------------------------
Not with the component: the component's `js` string travels with every message, so it stays
tiny and loads plotly.js itself, once per page (one `<script>` promise shared on `window`, by
every chart and every copy of the module), from Streamlit's static file route:

- `server.enableStaticServing = true` (set in `.streamlit/config.toml`) serves the files of
  `<directory of the main script>/static/` at `<server.baseUrlPath>/app/static/<file>`.
  Streamlit 1.67 (`streamlit.file_util.get_app_static_dir`) resolves that directory from the
  path of the script passed to `streamlit run`, not from the working directory: for
  `streamlit run tests/apps/live_chart_demo.py` it is `tests/apps/static/`, which is why
  `ensure_plotly_js` takes the app root as an argument and every entry script passes its own
  directory (the folder appears on the first script run, so the start-up warning "no static
  folder found" is harmless). The route answers with `X-Content-Type-Options: nosniff` and a
  JavaScript content type from `mimetypes`, so a plain `<script src>` runs it.
- `.streamlit/config.toml` is read from `~/.streamlit`, from the working directory and from
  the main script's directory, so start `streamlit run` from the project root.
- plotly.min.js (4.8 MB) ships inside the plotly wheel; `ensure_plotly_js` copies it into
  `static/` when missing or stale (size or mtime differ from the wheel's), so the copy always
  matches the installed plotly.py. The copy is gitignored.

What travels per frame
----------------------
The figure, as `bytes` of its JSON (plotly's encoder: NumPy arrays become base64 typed arrays,
also in figure dicts, so a uint8 grid costs 4/3 byte a cell), plus the component's module
(~2.8 kB: Streamlit puts `js` into every element message). Bytes reach the JS as a
`Uint8Array`, decoded with `TextDecoder` + `JSON.parse`: no double JSON encoding. If figures
arrive faster than Plotly draws, the JS draws the newest one and skips those in between. A
default-template figure carries ~7 kB of `layout.template` in every frame.

Keys
----
A key may be used once per script (or fragment) run, like any Streamlit widget key
(`StreamlitDuplicateElementKey` otherwise): draw each chart once per run, from the fragment,
never from a loop. The key is the chart's identity: the same key on the next run updates the
same div; mount the chart with its initial figure before training starts, so the first live
frame doesn't wait the ~2 s plotly.js takes to load and parse.

Two Streamlit 1.67 races this module absorbs
--------------------------------------------
- Remount on a full rerun during training. When a full rerun (Pause, any widget outside the
  fragment) meets a pending `run_every` tick, the fragment run that follows starts before the
  full run's last fragment deltas are flushed; `ForwardMsgQueue.clear` drops those deltas but
  keeps the full run's `FINISHED_SUCCESSFULLY`, so the browser sweeps the fragment's elements
  as stale and the fragment run mounts them anew (about one Pause in three in the demo). The
  component then finds its old div by the `st-key-<key>` class of its element container and
  adopts it: same node, zoom kept, no re-plot; the element is still missing for ~0.1 s.
- "Cached ForwardMsg MISS", a fatal connection error. Streamlit sends an element message at
  least 10 kB large as a reference to its hash when the browser said it holds that message. The
  browser says so in each rerun request; a fragment's timed rerun request made while the current
  run is still going is carried out after it, but the browser drops a cached message at the end
  of that run if it was not used in its last two runs of the fragment. A chart whose figure comes
  back to one it showed three or more frames earlier (a health strip whose counts flicker
  between two values, a network picture of a stuck run) is then sent as a reference to a message
  the browser has just dropped: the modal, a greyed page, the session lost. So every message of
  a live chart starts with a process-wide revision number (`message_bytes`): no two are
  identical, none is sent as a reference. The browser still skips a figure equal to the one on
  screen, comparing the figures without the revision.
- A click reported twice. The browser sometimes sends one trigger value with two consecutive
  rerun requests, which would run `on_click` twice; each click carries an id and Python
  drops the repeat (callback and return value alike).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly
import plotly.io as pio
import streamlit as st
from plotly.utils import PlotlyJSONEncoder

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["PLOTLY_JS_NAME", "ensure_plotly_js", "figure_bytes", "live_chart", "message_bytes", "plotly_js_url",
           "preload_plotly"]

PLOTLY_JS_NAME = "plotly.min.js"
_PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / PLOTLY_JS_NAME
_COMPONENT_NAME = "nn_playground_live_chart"

# The component's module. `__SRC__` and `__CLICKS__` are filled in once per process; the
# module is the same for every frame (Streamlit caches it as a blob URL by content hash).
_JS = """
const SRC = __SRC__, CLICKS = __CLICKS__, decoder = new TextDecoder();
const charts = (window.__liveCharts ||= new Map());  // Streamlit key -> chart, outlives a remount

function plotly() {
  // One <script> per page, shared by every chart (and every copy of this module).
  let p = window.__liveChartPlotly;
  if (!p) {
    p = window.__liveChartPlotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((ok, fail) => {
      const s = document.createElement("script");
      s.src = SRC;
      s.onerror = () => {
        window.__liveChartPlotly = null;
        s.remove();
        fail(new Error(`could not load ${SRC}: is server.enableStaticServing on and ensure_plotly_js called?`));
      };
      s.onload = () => (window.Plotly ? ok(window.Plotly) : s.onerror());  // e.g. an HTML page served instead
      document.head.appendChild(s);
    });
  }
  return p;
}

function scaled(o, k) {
  // Presentation mode's larger root font: every font size (and the margins and annotation shifts
  // that make room for text) times k. playground/figures/presentation.py does the same in Python.
  if (Array.isArray(o)) { o.forEach((v) => scaled(v, k)); return; }
  for (const [name, v] of Object.entries(o || {})) {
    if (v && typeof v === "object") {
      if (/font$/.test(name) && typeof v.size === "number") v.size *= k;
      if (name === "margin") for (const side of "ltb") if (typeof v[side] === "number") v[side] *= k;
      scaled(v, k);
    } else if (/^(font_size|xshift|yshift)$/.test(name) && typeof v === "number") o[name] = v * k;
  }
}

async function draw(chart) {
  chart.busy = true;
  try {
    const Plotly = await plotly();
    while (chart.next) {
      const fig = JSON.parse(decoder.decode(chart.next));
      chart.last = chart.next;
      chart.next = null;
      const layout = fig.layout || {};
      const k = parseFloat(getComputedStyle(document.documentElement).fontSize) / 16;
      if (k > 1.01) { scaled(layout, k); scaled(fig.data, k); }
      if (layout.uirevision === undefined) layout.uirevision = "live";
      const config = Object.assign({ responsive: true, displaylogo: false }, fig.config);
      if (!chart.div._fullLayout) chart.div.textContent = "";  // an earlier error message
      await Plotly.react(chart.div, fig.data || [], layout, config);
      chart.div.dataset.reacts = ++chart.reacts;
      if (CLICKS && !chart.clicks) {
        chart.clicks = true;
        chart.div.on("plotly_click", (ev) => {
          const p = ev.points && ev.points[0];
          const id = performance.timeOrigin + performance.now();  // lets Python drop a re-sent click
          if (p) chart.send("click", { x: p.x, y: p.y, curveNumber: p.curveNumber, pointIndex: p.pointIndex, id });
        });
      }
    }
    delete chart.div.dataset.error;
  } catch (err) {
    chart.div.dataset.error = err.message;
    if (!chart.div._fullLayout) chart.div.textContent = `live_chart: ${err.message}`;
    console.error("live_chart", err);
  } finally {
    chart.busy = false;
  }
}

function figureOf(data) {
  // The revision, a newline, then the figure's JSON: the revision only keeps messages unique.
  return data.subarray(data.indexOf(10) + 1);
}

function same(a, b) {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function attach(parentElement) {
  // Streamlit can drop and remount a fragment's element when a full rerun races a fragment
  // run; then adopt the old Plotly div (same node, same zoom) instead of plotting anew.
  const box = parentElement.closest("[class*='st-key-']");
  const key = box && (/(?:^|\\s)st-key-(\\S+)/.exec(box.className) || [])[1];
  let chart = key && charts.get(key);
  if (chart && !chart.div.isConnected) {
    clearTimeout(chart.reap);
  } else {
    const div = document.createElement("div");
    div.className = "live-chart";
    div.style.cssText = "width:100%;height:100%";
    div.dataset.reacts = 0;
    chart = { div, next: null, busy: false, reacts: 0, clicks: false };
    if (key) charts.set(key, chart);
  }
  parentElement.appendChild(chart.div);
  chart.key = key;
  return (parentElement.__liveChart = chart);
}

export default function ({ data, parentElement, setTriggerValue }) {
  // An empty message (preload_plotly) only loads plotly.js and draws nothing.
  if (!data?.length) return void plotly().catch(() => {});
  const chart = parentElement.__liveChart || attach(parentElement);
  chart.send = setTriggerValue;
  // A figure identical to the one on screen (a chart the page did not change) is not redrawn.
  const figure = figureOf(data);
  if (figure.length && !same(figure, chart.next || chart.last)) chart.next = figure;
  if (!chart.busy) draw(chart);
  return () => {
    // Also called for a superseded update: only a detached chart is released, after a grace
    // period in which a remount may still adopt it.
    if (parentElement.isConnected) return;
    clearTimeout(chart.reap);
    chart.reap = setTimeout(() => {
      if (chart.div.isConnected) return;
      if (window.Plotly) window.Plotly.purge(chart.div);
      if (charts.get(chart.key) === chart) charts.delete(chart.key);
    }, 10000);
  };
}
"""

_mounts: dict[bool, Callable[..., Any]] = {}
_revisions = itertools.count()  # process-wide: next() is atomic under the GIL
_SEEN_CLICKS = "_live_chart_seen_clicks"  # session_state: key -> ids of the clicks already handled

# NumPy dtypes plotly.js reads as typed arrays (it has no 64-bit integers).
_TYPED_ARRAY_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
                      "float32": "f4", "float64": "f8"}


class _FigureEncoder(PlotlyJSONEncoder):
    """Plotly's encoder, but NumPy arrays become base64 typed arrays, as `go.Figure` does itself.

    Arrays under 8 values stay lists (nothing to gain, and `range`-like attributes want lists).
    """

    def default(self, obj: Any) -> Any:
        if isinstance(obj, np.ndarray) and obj.size >= 8:
            if obj.dtype.kind == "i" and obj.dtype.itemsize == 8 and np.iinfo(np.int32).min <= obj.min() \
                    and obj.max() <= np.iinfo(np.int32).max:
                obj = obj.astype(np.int32)
            code = _TYPED_ARRAY_CODES.get(obj.dtype.name)
            if code is not None:
                raw = np.ascontiguousarray(obj, dtype=obj.dtype.newbyteorder("<"))
                spec = {"dtype": code, "bdata": base64.b64encode(raw.tobytes()).decode("ascii")}
                if obj.ndim > 1:
                    spec["shape"] = ", ".join(map(str, obj.shape))
                return spec
        return super().default(obj)


def ensure_plotly_js(app_root: Path) -> Path:
    """Copy plotly.min.js from the plotly wheel into `<app_root>/static/` unless already there.

    Parameters
    ----------
    app_root : Path
        The directory of the script given to `streamlit run` (Streamlit serves
        `<app_root>/static/` at `/app/static/`).

    Returns
    -------
    Path
        The path of the copy. It is rewritten when its size or mtime differ from the wheel's
        file (a plotly upgrade); the copy is atomic, so concurrent app starts are safe.
    """
    target = Path(app_root) / "static" / PLOTLY_JS_NAME
    source = _PLOTLY_JS_SOURCE.stat()
    try:
        have = target.stat()
    except FileNotFoundError:
        have = None
    if have is not None and have.st_size == source.st_size and abs(have.st_mtime - source.st_mtime) < 1:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{PLOTLY_JS_NAME}.{os.getpid()}.part")
    shutil.copy2(_PLOTLY_JS_SOURCE, partial)
    os.replace(partial, target)
    return target


def figure_bytes(figure: go.Figure | dict | bytes) -> bytes:
    """Encode a figure as the UTF-8 JSON that `live_chart` sends (bytes pass through).

    NumPy arrays become Plotly's base64 typed arrays (`{"dtype": "u1", "bdata": ...}`), in
    figure dicts too (a dict skips `go.Figure`'s validation: faster to build), so send grids as
    uint8 and points as float32 to keep frames small.
    """
    if isinstance(figure, bytes | bytearray | memoryview):
        return bytes(figure)
    if isinstance(figure, dict):
        return json.dumps(figure, cls=_FigureEncoder, separators=(",", ":")).encode()
    if hasattr(figure, "to_plotly_json"):
        return pio.to_json(figure, validate=False).encode()
    raise TypeError(f"Expected a plotly Figure, a figure dict or bytes. Received: figure={type(figure).__name__}")


def message_bytes(figure: go.Figure | dict | bytes) -> bytes:
    """What one `live_chart` call sends: a revision number unique in the process, a newline, then
    `figure_bytes(figure)`. The browser draws only the part after the newline (and skips it when it
    equals the figure on screen); the revision keeps any two messages from being identical."""
    return b"%d\n%s" % (next(_revisions), figure_bytes(figure))


def plotly_js_url() -> str:
    """The URL the browser loads plotly.js from: `<server.baseUrlPath>/app/static/plotly.min.js`."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, "app/static", PLOTLY_JS_NAME) if part)


def _mount(clickable: bool) -> Callable[..., Any]:
    """The component's mount function, registered once per process (with and without clicks)."""
    if clickable not in _mounts:
        js = _JS.replace("__SRC__", json.dumps(plotly_js_url())).replace("__CLICKS__", json.dumps(clickable))
        # The module travels with every frame: drop indentation and whole-line comments.
        js = "\n".join(line.strip() for line in js.splitlines() if line.strip() and not line.strip().startswith("//"))
        name = f"{_COMPONENT_NAME}_clicks" if clickable else _COMPONENT_NAME
        # Not style-isolated: Plotly puts its CSS (modebar, hover) in document.head, which a
        # shadow root would not see.
        _mounts[clickable] = st.components.v2.component(name, js=js, isolate_styles=False)
    return _mounts[clickable]


def live_chart(
    figure: go.Figure | dict | bytes,
    key: str,
    height: int = 500,
    on_click: Callable[[dict], Any] | None = None,
) -> dict | None:
    """Mount the chart under `key`, or draw `figure` into the chart already there.

    Parameters
    ----------
    figure : go.Figure, dict or bytes
        The figure; bytes are taken as already encoded by `figure_bytes`.
    key : str
        The chart's identity; use it once per script or fragment run.
    height : int
        Height of the chart in pixels.
    on_click : callable, optional
        Called as `on_click(event)` before the rerun a click on a data point triggers, with
        `event = {"x", "y", "curveNumber", "pointIndex"}` of the first point clicked. Without
        it, clicks are not sent to Python at all.

    Returns
    -------
    dict or None
        The click event that triggered this run, None on every other run (or without
        `on_click`).
    """
    payload = message_bytes(figure)
    mount = _mount(on_click is not None)
    if on_click is None:
        mount(key=key, data=payload, height=height)
        return None
    seen = st.session_state.setdefault(_SEEN_CLICKS, {}).setdefault(key, {})

    def dispatch() -> None:
        event = _fresh(_click_of(key), seen, "called")
        if event is not None:
            on_click(event)

    result = mount(key=key, data=payload, height=height, on_click_change=dispatch)
    return _fresh(result.get("click"), seen, "returned")


def preload_plotly(key: str = "plotly_preload") -> None:
    """Have the browser load and parse plotly.js now, while the script still runs, instead of when
    the first chart mounts: call it first thing in the main script, before the heavy imports.

    An empty, hidden element of the live chart component (an empty message draws nothing and only
    starts the page's one plotly.js load); its `<style>` goes to Streamlit's event container, so
    neither takes room on the page. Measured with benchmarks/first_load.py.
    """
    st.html(f"<style>.st-key-{key} {{ display: none; }}</style>")
    _mount(False)(key=key, data=b"")


def _click_of(key: str) -> dict | None:
    """The pending click of chart `key`, read inside its callback (triggers are merged into its state)."""
    state = st.session_state.get(key)
    return state.get("click") if isinstance(state, dict) else None


def _fresh(event: dict | None, seen: dict, use: str) -> dict | None:
    """`event` without its id, or None if this click was already `use`d.

    The browser sometimes sends one trigger value with two consecutive rerun requests (seen with
    a fragment timer running), which would call the callback twice for one click.
    """
    if not isinstance(event, dict) or seen.get(use) == event.get("id"):
        return None
    seen[use] = event.get("id")
    return {name: value for name, value in event.items() if name != "id"}
