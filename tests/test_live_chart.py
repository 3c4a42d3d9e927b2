"""The live chart bridge without a browser: payload encoding, the plotly.js copy, the mounted element."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from playground.ui.live_chart import PLOTLY_JS_NAME, ensure_plotly_js, figure_bytes

WHEEL_PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def small_figure() -> go.Figure:
    z = np.arange(12, dtype=np.uint8).reshape(3, 4)
    fig = go.Figure(go.Heatmap(z=z, x0=-1.0, dx=0.5))
    fig.add_scatter(x=np.array([0.5, 1.5], np.float32), y=np.array([1.0, 2.0], np.float32))
    return fig


def test_figure_bytes_is_plotly_json_with_typed_arrays():
    payload = figure_bytes(small_figure())
    assert isinstance(payload, bytes)
    data = json.loads(payload)["data"]
    assert data[0]["type"] == "heatmap" and data[0]["x0"] == -1.0 and data[0]["dx"] == 0.5
    assert data[0]["z"]["dtype"] == "u1"  # base64 typed array, not a nested list of numbers
    assert data[1]["x"]["dtype"] == "f4"


def test_figure_dicts_encode_arrays_as_compactly_as_figures():
    z = (np.arange(10_000) % 201).astype(np.uint8).reshape(100, 100)
    from_dict = json.loads(figure_bytes({"data": [{"type": "heatmap", "z": z}], "layout": {}}))["data"][0]["z"]
    from_figure = json.loads(figure_bytes(go.Figure(go.Heatmap(z=z))))["data"][0]["z"]
    assert from_dict == from_figure == {"dtype": "u1", "bdata": from_figure["bdata"], "shape": "100, 100"}
    encoded = json.loads(figure_bytes({"data": [{"y": np.arange(10), "x": np.array([1e40] * 9)}],
                                       "layout": {"xaxis": {"range": np.array([0, 1])}}}))
    assert encoded["data"][0]["y"]["dtype"] == "i4"  # plotly.js has no 64-bit integers
    assert encoded["data"][0]["x"]["dtype"] == "f8"
    assert encoded["layout"]["xaxis"]["range"] == [0, 1]  # short arrays stay lists


def test_figure_bytes_passes_bytes_through_and_rejects_other_types():
    assert figure_bytes(b'{"data": []}') == b'{"data": []}'
    with pytest.raises(TypeError, match="Received: figure=str"):
        figure_bytes("not a figure")


def test_ensure_plotly_js_copies_once_and_refreshes_a_stale_copy(tmp_path):
    target = ensure_plotly_js(tmp_path)
    assert target == tmp_path / "static" / PLOTLY_JS_NAME
    assert target.read_bytes() == WHEEL_PLOTLY_JS.read_bytes()

    inode = target.stat().st_ino
    assert ensure_plotly_js(tmp_path) == target
    assert target.stat().st_ino == inode  # up to date: not rewritten

    target.write_text("stale")
    ensure_plotly_js(tmp_path)
    assert target.read_bytes() == WHEEL_PLOTLY_JS.read_bytes()
    assert not [p for p in target.parent.iterdir() if p.name != PLOTLY_JS_NAME]  # no partial files left


def _two_charts():
    import numpy as np
    import plotly.graph_objects as go

    from playground.ui.live_chart import live_chart

    live_chart(go.Figure(go.Heatmap(z=np.zeros((3, 3), np.uint8))), key="board", height=300)
    live_chart({"data": [], "layout": {}}, key="clickable", on_click=print)


def _same_key_twice():
    from playground.ui.live_chart import live_chart

    live_chart({"data": []}, key="board")
    live_chart({"data": []}, key="board")


def test_live_chart_mounts_a_keyed_component_that_carries_only_the_figure():
    at = AppTest.from_function(_two_charts, default_timeout=30).run()
    assert not at.exception
    board, clickable = (element.proto for element in at.get("bidi_component"))
    assert board.id.endswith("-board") and clickable.id.endswith("-clickable")
    assert board.WhichOneof("data") == "bytes"
    revision, figure = board.bytes.split(b"\n", 1)
    assert revision.isdigit() and json.loads(figure)["data"][0]["type"] == "heatmap"
    assert not board.isolate_styles  # Plotly's CSS lives in document.head
    for proto in (board, clickable):
        # plotly.js comes from the static route; the module itself travels with every frame
        assert "/app/static/plotly.min.js" in proto.js_content
        assert len(proto.js_content) < 4000
        assert "Plotly.react" in proto.js_content


def test_no_two_messages_of_a_live_chart_are_identical():
    """Streamlit sends an element message equal to an earlier one as a reference the browser may
    have dropped ("Cached ForwardMsg MISS"): the same figure twice must make two messages."""
    from playground.ui.live_chart import message_bytes

    figure = {"data": [{"type": "heatmap", "z": [[1, 2], [3, 4]]}], "layout": {}}
    first, second = message_bytes(figure), message_bytes(figure)
    assert first != second
    assert first.split(b"\n", 1)[1] == second.split(b"\n", 1)[1] == figure_bytes(figure)


def test_a_key_is_used_once_per_run():
    at = AppTest.from_function(_same_key_twice, default_timeout=30).run()
    assert at.exception
    assert "board" in at.exception[0].message


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to parse the component's JavaScript")
def test_the_components_javascript_parses(tmp_path):
    """A syntax error in the module (e.g. a newline escape that ends a comment) blanks every chart."""
    from playground.ui import live_chart as module

    for clickable in (False, True):
        script = tmp_path / f"component-{clickable}.mjs"
        js = module._JS.replace("__SRC__", json.dumps("/app/static/plotly.min.js"))
        script.write_text(js.replace("__CLICKS__", json.dumps(clickable)))
        checked = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
