"""The Playground page's Export panel: every download is there, named after the run, and correct."""

import io
import json

import numpy as np
from apptest_helpers import open_playground
from streamlit.testing.v1 import AppTest

from playground.config import Config


def paused_page_after_steps(steps: int = 3) -> AppTest:
    return open_playground({"data": "xor", "seed": "4"}, steps)


def downloads(at: AppTest) -> dict:
    return {element.proto.label: element for element in at.get("download_button")}


def test_downloads_are_offered_for_the_paused_run_with_the_run_in_their_names():
    at = paused_page_after_steps()
    found = downloads(at)
    assert {"Config (JSON)", "Weights (.npz)", "History (CSV)", "Animated GIF", "Replay (offline HTML)",
            "Download the script"} <= set(found)
    session = at.session_state["playground_session"]
    assert session.config == Config().replace(dataset="xor", seed=4)
    assert found["Config (JSON)"].proto.url.endswith(".json")  # served as the config's JSON file


def test_code_tab_shows_a_script_that_compiles():
    at = paused_page_after_steps(1)
    scripts = [code.value for code in at.code if "import" in code.value]
    assert scripts, "no script shown"
    compile(scripts[0], "exported.py", "exec")


def test_png_export_explains_why_it_is_unavailable_or_is_offered():
    from playground import export

    at = paused_page_after_steps(1)
    available, reason = export.static_export_available()
    png = [b for b in at.button if b.label == "Boundary (PNG)"] + [
        d for d in at.get("download_button") if d.proto.label == "Boundary (PNG)"]
    assert png
    if not available:
        assert png[0].disabled and any(reason in c.value for c in at.caption)


def test_exported_files_round_trip_into_the_library():
    from playground import export
    from playground.training import Trainer

    at = paused_page_after_steps(2)
    session = at.session_state["playground_session"]
    config = export.load_config_json(export.config_json(session.config))
    assert config == session.config
    clone = Trainer(config)
    export.load_weights_npz(clone.model, export.weights_npz(session.trainer.model))
    grid = np.random.default_rng(0).uniform(-6, 6, (20, 2))
    features = clone.data.features(grid, config.data.features)
    assert np.array_equal(clone.model.predict(features), session.trainer.model.predict(features))
    history = export.history_csv(session.trainer.history).decode().splitlines()
    assert history[0].startswith("epoch,train_loss,test_loss") and len(history) == 1 + 3  # epochs 0..2
    assert json.loads(export.config_json(session.config))["data"]["dataset"] == "xor"
    assert io.BytesIO(export.weights_npz(session.trainer.model)).getbuffer().nbytes > 0
