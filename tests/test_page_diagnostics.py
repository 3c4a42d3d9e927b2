"""The Diagnostics page with streamlit.testing.v1.AppTest: it shows the Playground's own run.

Runs are set up the way a user does it (a link, Step clicks on the Playground, then a switch to
Diagnostics); the charts are read back through their Plotly JSON and compared with the trainer
held in the session.
"""

from __future__ import annotations

import json

import numpy as np
from apptest_helpers import open_playground, run
from streamlit.testing.v1 import AppTest

from playground.diagnostics import THRESHOLDS

SESSION_KEY = "playground_session"
PAGE = "app_pages/diagnostics.py"
DYING = {"data": "circle", "samples": "200", "seed": "1", "layers": "8relu,8relu,8relu", "lr": "0.3", "batch": "25"}
DIVERGING = {"data": "plane", "samples": "200", "layers": "8tanh,8relu", "opt": "sgd", "lr": "3", "batch": "25"}
LAYER_CHARTS = ("diag_dead", "diag_saturation", "diag_gradient_norm", "diag_update_ratio", "diag_activations",
                "diag_gradients", "diag_activity")


def playground(params: dict[str, str] | None = None, steps: int = 0) -> AppTest:
    """A session opened on the Playground at `?<params>`, after `steps` clicks on Step."""
    return open_playground(params, steps)


def diagnostics(at: AppTest) -> AppTest:
    at.switch_page(PAGE)
    run(at)
    assert at.title[0].value == "Diagnostics"
    return at


def charts(at: AppTest) -> dict[str, dict]:
    """Each chart's figure JSON, by the chart's key."""
    found = {}
    for chart in at.get("plotly_chart"):
        key = chart.proto.id.split("-", 2)[2]
        found[key] = json.loads(chart.proto.spec)
    return found


def test_the_default_run_after_a_few_steps():
    at = diagnostics(playground(steps=3))
    trainer = at.session_state[SESSION_KEY].trainer
    assert trainer.epoch == 3
    figures = charts(at)
    assert set(figures) == {*LAYER_CHARTS, "diag_signal"}
    snapshots = trainer.history.snapshots
    assert [s.epoch for s in snapshots] == [0, 1, 2, 3]
    dead = figures["diag_dead"]["data"]
    assert [t["name"] for t in dead] == ["layer 1", "layer 2"]
    medians = [t for t in figures["diag_activations"]["data"] if t["name"] == "median"]
    for index, median in enumerate(medians):
        assert np.allclose(median["y"], [s.layers[index].activation_percentiles[4] for s in snapshots])
    signal = figures["diag_signal"]["data"][0]
    assert np.allclose(signal["y"], trainer.signal_gains)
    table = at.table[0].value
    assert list(table["threshold"]) == list(THRESHOLDS)
    assert list(table["value"]) == [f"{v:g}" for v in THRESHOLDS.values()]
    assert len([c for c in at.caption if c.value.startswith("Healthy:")]) == len(LAYER_CHARTS) + 1


def test_step_and_ten_epochs_on_the_page_train_the_playground_run():
    at = diagnostics(playground())
    at.button(key="diag_step").click()
    run(at)
    at.button(key="diag_ten").click()
    run(at)
    trainer = at.session_state[SESSION_KEY].trainer
    assert trainer.epoch == 11
    dead = charts(at)["diag_dead"]["data"][0]
    assert dead["x"][-1] == 11
    at.switch_page("app_pages/playground.py")
    run(at)
    assert [m.value for m in at.metric if m.label == "Epoch"] == ["11"]


def test_a_run_without_hidden_layers():
    at = diagnostics(playground({"layers": "0"}, steps=2))
    assert set(charts(at)) == {"diag_signal"}
    assert any("no hidden layers" in info.value for info in at.info)
    assert charts(at)["diag_signal"]["data"][0]["x"] == ["output"]


def test_a_deep_relu_run_whose_units_died():
    at = diagnostics(playground(DYING))
    for _ in range(3):
        at.button(key="diag_ten").click()
        run(at)
    trainer = at.session_state[SESSION_KEY].trainer
    assert trainer.epoch == 30
    heatmaps = [t for t in charts(at)["diag_activity"]["data"] if t["type"] == "heatmap"]
    assert len(heatmaps) == 3
    for index, heatmap in enumerate(heatmaps):
        z = np.array(heatmap["z"])
        assert np.array_equal(z[:, -1], trainer.history.snapshots[-1].layers[index].activity)
    last_layer = np.array(heatmaps[2]["z"])
    assert (last_layer[:, -1] == 0).sum() >= 4  # the dead units show as zeros
    died = [t for t in charts(at)["diag_activity"]["data"] if t.get("name") == "died"]
    assert died and all(x >= 0 for trace in died for x in trace["x"])
    text = " ".join(m.value for m in at.markdown)
    assert "units dead: unit" in text
    assert any("are dead since epoch" in w.value for w in at.warning)  # the finding, with dead_since


def test_after_divergence():
    at = playground(DIVERGING)
    at.button(key="step").click()
    run(at)
    at.button(key="step").click()
    run(at)
    trainer = at.session_state[SESSION_KEY].trainer
    assert trainer.status == "diverged"
    diagnostics(at)
    assert any("too high" in e.value for e in at.error)
    assert at.button(key="diag_step").disabled and at.button(key="diag_ten").disabled
    figures = charts(at)
    assert set(figures) == {*LAYER_CHARTS, "diag_signal"}


def test_a_playing_run_is_shown_as_it_was_and_not_trained_here():
    at = playground(steps=1)
    at.session_state[SESSION_KEY].clock.running = True  # as if Play were on when the user switched pages
    diagnostics(at)
    assert any("playing on the Playground" in info.value for info in at.info)
    epoch = at.session_state[SESSION_KEY].trainer.epoch
    at.button(key="diag_refresh").click()
    run(at)
    assert at.session_state[SESSION_KEY].trainer.epoch == epoch


def test_presentation_flags_reach_the_diagnostics_page():
    at = diagnostics(playground({"big": "1", "hide": "findings,gradient_norms"}, steps=1))
    css = "\n".join(element.proto.body for element in at.html)
    assert ".st-key-panel_findings" in css and ".st-key-panel_gradient_norms" in css and "font-size" in css
