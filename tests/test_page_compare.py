"""Page tests of Compare with streamlit.testing.v1.AppTest (no browser, no JavaScript).

The tests drive the page as a user does (buttons and form widgets by key) and check the
Comparison held in `st.session_state["compare_session"]`: the runs' initial weights, their batch
order, their epochs. Every page run must end without an exception. The live charts and the
Play timer need a browser (see the screenshots in the final report).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from apptest_helpers import APP, click, run, shown
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from playground.compare import vary
from playground.config import Config, LayerConfig
from playground.export import load_config_json
from playground.ui.presentation import LARGE_FONT_PX

PAGE = "app_pages/compare.py"
SESSION_KEY = "compare_session"
SMALL = {"samples": "100", "grid": "50"}  # run A: the Playground's run from this link, cheap to train


# ---------------------------------------------------------------------------------------------
# Helpers


def open_compare(query: dict[str, str] | None = None, **session_state) -> AppTest:
    """A fresh browser session opened on the Compare page at `?<query>` (SMALL by default)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(SMALL if query is None else query)
    for key, value in session_state.items():
        at.session_state[key] = value
    at.switch_page(PAGE)
    return run(at)


def comparison(at: AppTest):
    return at.session_state[SESSION_KEY].comparison


def runs(at: AppTest):
    return comparison(at).runs


def add_run(at: AppTest, **form) -> AppTest:
    """Press Add run, then (with `form` values by field name) change the new run's settings and apply."""
    click(at, "compare_add")
    if form:
        index = len(runs(at)) - 1
        for name, value in form.items():
            _widget(at, f"compare_form_{name}_{index}").set_value(value)
        click(at, f"compare_form_apply_{index}")
    return at


def _widget(at: AppTest, key: str):
    for kind in ("select_slider", "selectbox", "number_input", "text_input"):
        try:
            return getattr(at, kind)(key=key)
        except KeyError:
            continue
    raise KeyError(key)


def captions(at: AppTest) -> list[str]:
    return [str(c.value) for c in at.caption]


def table(at: AppTest):
    return at.dataframe[0].value


def weights(run) -> list[np.ndarray]:
    return [w.copy() for w in run.trainer.model.get_weights()]


def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def shuffle_state(run) -> dict:
    return run.trainer.model.shuffle_rng.bit_generator.state


# ---------------------------------------------------------------------------------------------
# The default page


def test_the_page_opens_with_run_a_the_playgrounds_run():
    at = open_compare()
    (only,) = runs(at)
    assert only.config == at.session_state["playground_session"].config
    assert only.config.data.n_samples == 100 and only.trainer.epoch == 0
    assert not at.button(key="compare_add").disabled and not at.button(key="compare_play").disabled
    assert any(c.startswith("Add a run to compare") for c in captions(at))
    assert list(table(at)["Epoch"]) == [0]
    assert not at.error


def test_add_run_and_a_new_learning_rate_gives_two_runs_from_the_same_weights_and_batches():
    at = open_compare()
    add_run(at, learning_rate=0.1)
    a, b = runs(at)
    assert (a.config.training.learning_rate, b.config.training.learning_rate) == (0.03, 0.1)
    assert b.config == vary(a.config, learning_rate=0.1) and b.label == "lr=0.1"
    assert a.same_start(b) and same(a.initial_weights, b.initial_weights)
    assert "Same data, same initial weights (runs A, B), same batch order." in captions(at)
    assert shuffle_state(a) == shuffle_state(b)
    click(at, "compare_step")
    a, b = runs(at)
    assert shuffle_state(a) == shuffle_state(b)  # the same permutations were drawn, in the same order
    assert not same(weights(a), weights(b))       # ... but the steps differ


def test_step_advances_every_run_by_exactly_one_epoch():
    at = open_compare()
    add_run(at, optimizer="sgd")
    add_run(at, layers="8relu")
    for expected in (1, 2):
        click(at, "compare_step")
        assert [run.trainer.epoch for run in runs(at)] == [expected] * 3
        assert [len(run.history.epochs) for run in runs(at)] == [expected + 1] * 3
        assert comparison(at).epoch == expected
        assert list(table(at)["Epoch"]) == [expected] * 3


def test_reset_restores_the_initial_weights_of_every_run():
    at = open_compare()
    add_run(at, optimizer="rmsprop", learning_rate=0.01)
    add_run(at, layers="6relu,3relu")
    click(at, "compare_step")
    click(at, "compare_step")
    assert all(not same(weights(run), run.initial_weights) for run in runs(at))
    click(at, "compare_reset")
    assert all(same(weights(run), run.initial_weights) and run.trainer.epoch == 0 for run in runs(at))
    assert comparison(at).epoch == 0


def test_at_most_four_runs_and_remove_keeps_the_others_progress():
    at = open_compare()
    add_run(at, learning_rate=0.1)
    add_run(at, activation="relu")
    add_run(at, dropout=0.2)
    assert len(runs(at)) == 4 and at.button(key="compare_add").disabled
    assert [run.label for run in runs(at)][1:] == ["lr=0.1", "layers=4relu,2relu", "layers=4tanh-d0.2,2tanh-d0.2"]
    click(at, "compare_step")
    click(at, "compare_remove_2")
    assert [run.label for run in runs(at)] == ["the Playground's run", "lr=0.1", "layers=4tanh-d0.2,2tanh-d0.2"]
    assert [run.trainer.epoch for run in runs(at)] == [1, 1, 1]
    assert not at.button(key="compare_add").disabled
    assert len([key for key in (b.key for b in at.button) if key.startswith("compare_remove_")]) == 2


def test_another_architecture_starts_from_other_weights_and_the_caption_says_so():
    at = open_compare()
    add_run(at, batch_size=20)
    add_run(at, layers="16relu,8relu")
    a, b, c = runs(at)
    assert a.same_start(b) and not a.same_start(c)
    assert c.config.network.hidden == (LayerConfig(16, "relu"), LayerConfig(8, "relu"))
    assert ("Same data, same initial weights (runs A, B), other weights for C (another architecture), "
            "same batch order.") in captions(at)


def test_the_all_layers_settings_and_regularization_apply_together():
    at = open_compare()
    add_run(at, units=6, batch_norm="on", regularization="l2", reg_rate=0.03, initializer="he_normal")
    b = runs(at)[1]
    assert b.config.network.hidden == (LayerConfig(6, "tanh", batch_norm=True),) * 2
    assert (b.config.network.regularization, b.config.network.reg_rate) == ("l2", 0.03)
    assert b.config.network.initializer == "he_normal"


def test_a_regularization_rate_of_zero_shows_as_zero_and_stays_zero():
    base = Config().replace(dataset="xor", n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"),))
    at = open_compare(compare_configs=((base, vary(base, regularization="l2", reg_rate=0.0)), ("a", "zero")))
    assert at.select_slider(key="compare_form_reg_rate_1").value == 0.0
    click(at, "compare_form_apply_1")
    assert runs(at)[1].config.network.reg_rate == 0.0 and "Run B: nothing changed." in shown(at.info[0].value)
    at.select_slider(key="compare_form_learning_rate_1").set_value(0.1)
    click(at, "compare_form_apply_1")
    b = runs(at)[1]
    assert (b.config.network.regularization, b.config.network.reg_rate) == ("l2", 0.0)
    assert b.config.training.learning_rate == 0.1
    assert at.select_slider(key="compare_form_reg_rate_1").value == 0.0


def test_an_invalid_layer_spec_is_refused_and_the_run_kept():
    at = open_compare()
    add_run(at, layers="16bogus")
    a, b = runs(at)
    assert b.config == a.config and b.label == "copy of A"
    assert at.error and "Run B keeps its settings" in shown(at.error[0].value)


def test_the_layers_field_shows_the_exact_dropout_and_editing_it_keeps_it():
    base = Config().replace(dataset="xor", n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh", 0.1234567),))
    at = open_compare(compare_configs=((base, vary(base, optimizer="sgd")), ("a", "b")))
    field = at.text_input(key="compare_form_layers_1")
    assert field.value == "4tanh-d0.1234567"
    field.set_value(field.value + ",8relu")
    click(at, "compare_form_apply_1")
    assert runs(at)[1].config.network.hidden == (LayerConfig(4, "tanh", 0.1234567), LayerConfig(8, "relu"))


def test_play_trains_inside_the_page_run_and_pause_stops():
    at = open_compare()
    add_run(at, learning_rate=0.1)
    click(at, "compare_play")
    assert at.session_state[SESSION_KEY].running
    assert [run.trainer.epoch for run in runs(at)][0] >= 1  # the fragment trained once during this run
    epochs = [run.trainer.epoch for run in runs(at)]
    assert max(epochs) - min(epochs) <= 1  # a frame may end with one run an epoch ahead
    click(at, "compare_pause")
    assert not at.session_state[SESSION_KEY].running


@pytest.mark.parametrize("dataset", ["blobs", "sine"])
def test_multiclass_and_regression_runs_compare_and_spread(dataset):
    at = open_compare({**SMALL, "data": dataset})
    add_run(at, optimizer="sgd")
    click(at, "compare_step")
    assert [run.trainer.epoch for run in runs(at)] == [1, 1]
    metric = "Test R²" if dataset == "sine" else "Test accuracy"
    assert metric in table(at).columns
    at.number_input(key="spread_epochs").set_value(2)
    click(at, "run_spread")
    spread_done(at)
    spread = at.session_state["compare_spread"].result[2]
    assert (spread.class_share is None) == (dataset == "sine")


# ---------------------------------------------------------------------------------------------
# Hand-over from the Lessons page and from the Playground


def test_configs_handed_over_by_a_lesson_become_the_runs():
    base = Config().replace(dataset="xor", n_samples=100, grid=50, hidden=(LayerConfig(4, "tanh"),))
    configs = (base, vary(base, activation="relu"), vary(base, optimizer="sgd", learning_rate=0.3))
    at = open_compare(compare_configs=(configs, ("tanh", "relu", "plain SGD")))
    assert [run.config for run in runs(at)] == list(configs)
    assert [run.label for run in runs(at)] == ["tanh", "relu", "plain SGD"]
    assert "compare_configs" not in at.session_state  # consumed
    assert at.session_state[SESSION_KEY].origin is None
    run(at)
    assert [run.label for run in runs(at)] == ["tanh", "relu", "plain SGD"]  # not taken over twice


def test_a_hand_over_on_different_data_is_refused_with_a_message():
    base = Config().replace(n_samples=100, grid=50)
    at = open_compare(compare_configs=((base, base.replace(noise=0.3)), ("a", "b")))
    assert len(runs(at)) == 1 and at.error and "could not be compared" in shown(at.error[0].value)
    empty = open_compare(compare_configs=((), None))
    assert len(runs(empty)) == 1 and empty.error and "could not be compared" in empty.error[0].value
    assert "1 to 4" in empty.error[0].value
    add_run(empty, learning_rate=0.1)
    empty.session_state["compare_configs"] = ((base, base.replace(noise=0.3)), ("a", "b"))
    run(empty)  # refused in a session with runs: they are kept
    assert [r.label for r in runs(empty)] == ["the Playground's run", "lr=0.1"]
    assert empty.error and "could not be compared" in empty.error[0].value


def test_a_changed_playground_run_can_become_the_new_run_a():
    at = open_compare()
    add_run(at, learning_rate=0.1)
    at.switch_page("app_pages/playground.py")
    run(at)
    at.slider(key="cfg_noise").set_value(0.2)  # the Playground's run changes ...
    run(at)
    at.switch_page(PAGE)
    run(at)
    click(at, "compare_from_playground")
    (only,) = runs(at)
    assert only.config.data.noise == 0.2
    assert "compare_from_playground" not in [b.key for b in at.button]


# ---------------------------------------------------------------------------------------------
# Seed spread and downloads


def spread_done(at: AppTest, frames: int = 200) -> None:
    """Run the page (each run is one slice of the spread's fragment) until the spread is trained."""
    while at.session_state["compare_spread"].job is not None and frames:
        run(at)
        frames -= 1
    assert at.session_state["compare_spread"].job is None


def test_seed_spread_trains_run_a_over_five_seeds_and_draws_the_band():
    at = open_compare()
    at.number_input(key="spread_epochs").set_value(3)
    click(at, "run_spread")
    spread_done(at)
    config, epochs, spread = at.session_state["compare_spread"].result
    assert config == runs(at)[0].config and epochs == 3
    assert spread.seeds == (0, 1, 2, 3, 4) and len(spread.statuses) == 5
    assert list(spread.epochs) == [0, 1, 2, 3] and spread.test_loss.mean.shape == (4,)
    assert np.all(spread.train_loss.high >= spread.train_loss.low)
    charts = {chart.proto.id.rsplit("-", 1)[-1] for chart in at.get("plotly_chart")}
    assert {"spread_boundary", "spread_band_chart"} <= charts
    assert any("After 3 epochs, seeds 0, 1, 2, 3, 4" in str(m.value) for m in at.markdown)
    at.radio(key="spread_band").set_value("range")
    at.radio(key="spread_curve").set_value("accuracy")
    run(at)


@pytest.fixture
def downloads(monkeypatch) -> dict[str, dict]:
    """What the download buttons hand to the media file manager during the test, by file name:
    "stored" the bytes built during a page run, "deferred" the callables that build them on click."""
    files: dict[str, dict] = {"stored": {}, "deferred": {}}
    load, add_deferred = MemoryMediaFileStorage.load_and_get_id, MediaFileManager.add_deferred

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None:
            files["stored"][filename] = path_or_data
        return load(self, path_or_data, mimetype, kind, filename)

    def record_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files["deferred"][file_name] = data_callable
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def test_every_run_has_config_weights_and_history_downloads_built_on_click(downloads):
    at = open_compare()
    add_run(at, learning_rate=0.1)
    click(at, "compare_step")
    buttons = at.get("download_button")
    assert [b.label for b in buttons] == ["Config JSON", "Weights .npz", "History CSV"] * 2
    assert not any(b.proto.disabled for b in buttons)
    assert all(b.proto.deferred_file_id for b in buttons)
    a, b = runs(at)
    stem = f"playground-compare-{{}}-{a.config.data.dataset}-seed{a.config.data.seed}"
    names = [f"{stem.format(letter)}-{kind}" for letter in "ab" for kind in ("config.json", "weights.npz",
                                                                              "history.csv")]
    assert set(names) <= set(downloads["deferred"]) and not set(names) & set(downloads["stored"])  # none built yet
    made = {name: downloads["deferred"][name]() for name in names}
    for letter, compared in (("a", a), ("b", b)):
        assert load_config_json(made[f"{stem.format(letter)}-config.json"]) == compared.config
        assert made[f"{stem.format(letter)}-history.csv"].decode().count("\n") == 3  # header, epochs 0 and 1
        assert made[f"{stem.format(letter)}-weights.npz"][:2] == b"PK"


def test_downloads_are_disabled_while_the_runs_train(downloads):
    at = open_compare()
    click(at, "compare_play")
    assert at.session_state[SESSION_KEY].running
    buttons = at.get("download_button")
    assert buttons and all(b.proto.disabled and not b.proto.deferred_file_id for b in buttons)
    assert "Pause to download the runs as they are now." in captions(at)


def test_seed_spread_text_is_large_in_presentation_mode():
    sizes = {}
    for big in (False, True):
        at = open_compare({"big": "1"} if big else None)
        at.number_input(key="spread_epochs").set_value(1)
        click(at, "run_spread")
        spread_done(at)
        charts = {chart.proto.id.rsplit("-", 1)[-1]: json.loads(chart.proto.spec) for chart in at.get("plotly_chart")}
        sizes[big] = [charts[key]["layout"]["font"]["size"] for key in ("spread_boundary", "spread_band_chart")]
    assert sizes[True] == pytest.approx([size * LARGE_FONT_PX / 16 for size in sizes[False]])
