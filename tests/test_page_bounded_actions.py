"""Every click returns promptly: a Step whose epoch does not fit in one click trains on in frames.

`pacing.ACTION_SECONDS` is what a click may train before the page answers, `pacing.TRAIN_SECONDS`
what a frame may; set to 0 here, a click and every frame train one batch each, whatever this
machine's speed, so a Step's epoch spans many frames. (AppTest runs no timers: each `run` is one
frame of the live fragment.)
"""

from __future__ import annotations

import pytest
from apptest_helpers import APP, click, open_playground, run
from streamlit.testing.v1 import AppTest

from playground.ui import pacing
from playground.ui.state import SESSION_KEY

LARGE = {"samples": "60", "batch": "5", "layers": "8relu"}  # 30 training points: 6 batches an epoch


@pytest.fixture
def slow_clicks(monkeypatch):
    monkeypatch.setattr(pacing, "ACTION_SECONDS", 0.0)
    monkeypatch.setattr(pacing, "TRAIN_SECONDS", (0.0, 0.0))


def progress_texts(at: AppTest) -> list[str]:
    return [bar.proto.text for bar in at.get("progress")]


def frames_until_idle(at: AppTest, session, limit: int = 2000) -> int:
    frames = 0
    while session.running and frames < limit:
        run(at)
        frames += 1
    return frames


def test_a_step_too_long_for_its_click_trains_on_in_frames_to_exactly_one_epoch(slow_clicks):
    at = open_playground(LARGE)
    session = at.session_state[SESSION_KEY]
    click(at, "step")
    assert session.trainer.epoch == 0 and session.clock.goal == 1 and session.running
    assert 0 < session.trainer.epoch_progress < 1
    assert any("Training epoch 1 of 1" in text for text in progress_texts(at))
    assert at.button(key="pause")  # the way to stop it
    assert frames_until_idle(at, session) >= 1
    assert session.trainer.epoch == 1 and session.clock.goal is None and not session.running
    assert session.trainer.history.epochs == [0, 1]
    assert not progress_texts(at)


def test_pause_stops_a_long_step_where_it_is(slow_clicks):
    at = open_playground(LARGE)
    session = at.session_state[SESSION_KEY]
    click(at, "step")
    click(at, "pause")
    assert session.clock.goal is None and not session.running and session.trainer.epoch == 0
    progress = session.trainer.epoch_progress
    run(at)
    assert session.trainer.epoch_progress == progress  # nothing trains after Stop


def test_diagnostics_ten_epochs_go_on_in_frames_with_a_stop_button(slow_clicks):
    at = open_playground(LARGE)
    session = at.session_state[SESSION_KEY]
    at.switch_page("app_pages/diagnostics.py")
    run(at)
    click(at, "diag_ten")
    assert session.clock.goal == 10 and session.trainer.epoch < 10
    assert at.button(key="steps_stop")
    click(at, "steps_stop")
    assert session.clock.goal is None and not session.running
    epoch = session.trainer.epoch
    click(at, "diag_step")
    assert frames_until_idle(at, session) >= 1
    assert session.trainer.epoch == epoch + 1


def test_compare_step_goes_on_in_frames_and_keeps_the_runs_in_step(slow_clicks):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(LARGE)
    run(at)
    at.switch_page("app_pages/compare.py")
    run(at)
    click(at, "compare_add")
    current = at.session_state["compare_session"]
    click(at, "compare_step")
    assert current.clock.goal == 1 and current.running and current.comparison.epoch == 0
    frames_until_idle(at, current)
    assert current.clock.goal is None and [t.epoch for t in current.comparison.trainers] == [1, 1]


def test_compare_draws_a_sample_of_a_large_data_set_and_says_so():
    """Compare's boundaries keep to the live drawing budget (figures.MAX_POINTS_DRAWN) as the
    Playground's does, with the same caption."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"samples": "5000", "train": "0.9", "layers": "4relu"})
    run(at)
    at.switch_page("app_pages/compare.py")
    run(at)
    assert any("draws 500 of the 4,500 training points" in caption.value for caption in at.caption)


def test_how_it_learns_traces_once_per_state_and_a_huge_batch_on_its_first_rows(monkeypatch):
    from playground import tracing
    from playground.ui import step_trace

    traced = []
    original = tracing.trace_step

    def counted(model, X, y):
        traced.append(X.shape[0])
        return original(model, X, y)

    monkeypatch.setattr(tracing, "trace_step", counted)
    at = open_playground({"samples": "400", "batch": "200", "layers": "16relu,16relu"})
    at.switch_page("app_pages/how_it_learns.py")
    run(at)
    click(at, "hil_next")
    click(at, "hil_next")
    assert traced == [200]  # three runs of the page, one trace
    monkeypatch.setattr(step_trace, "TRACE_MACS", 50 * at.session_state[SESSION_KEY].trainer.model.count_params())
    click(at, "hil_prev")
    assert traced == [200, 50]
    assert any("traced on the first 50 of the batch's 200 points" in c.value for c in at.caption)
    at.switch_page("app_pages/playground.py")
    run(at)
    click(at, "step")
    at.switch_page("app_pages/how_it_learns.py")
    run(at)
    assert traced == [200, 50, 50]  # new weights: traced again


def test_the_seed_spread_trains_in_slices_and_stop_keeps_the_seeds_it_finished(slow_clicks):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"samples": "60", "batch": "10"})
    run(at)
    at.switch_page("app_pages/compare.py")
    run(at)
    at.number_input(key="spread_epochs").set_value(2)
    click(at, "run_spread")
    spread = at.session_state["compare_spread"]
    job = spread.job
    assert job is not None and spread.result is None
    assert any("Training seed" in text for text in progress_texts(at))
    while len(job.finished) < 2:
        run(at)
    click(at, "spread_stop")
    assert spread.job is None
    config, epochs, spread = spread.result
    assert epochs == 2 and spread.seeds == job.seeds[:len(job.finished)] and len(spread.seeds) >= 2


def test_the_app_process_uses_one_blas_thread():
    from threadpoolctl import threadpool_info

    open_playground()
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_the_bounds_link_opens_plays_and_steps_within_its_memory_budget():
    """The largest run a link accepts (benchmarks/bounds.py): the page opens, says how it draws the
    boundary (a coarser grid, a sample of the points), and a Step answers at once; the memory the
    session allocates stays in its budget."""
    import tracemalloc

    from bounds import BOUNDS_QUERY

    tracemalloc.start()
    try:
        at = open_playground(BOUNDS_QUERY)
        session = at.session_state[SESSION_KEY]
        assert session.trainer.grid_size < 200 and session.trainer.snapshot().grid.shape[0] == session.trainer.grid_size
        assert any("drawn on a" in caption.value and "instead of 200×200" in caption.value for caption in at.caption)
        assert any("draws 500 of the 4,500 training points" in caption.value for caption in at.caption)
        click(at, "step")  # one epoch of 4,500 batches cannot fit in a click: it goes on in frames
        assert session.clock.goal == 1 and session.trainer.epoch == 0
        run(at)
        click(at, "pause")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 300 * 2**20, f"{peak / 2**20:.0f} MB"


def test_the_code_tab_writes_a_script_once_and_shows_a_long_one_cut(monkeypatch):
    from playground import export

    written = []
    original = export.script

    def counted(*args, **kwargs):
        written.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(export, "script", counted)
    at = open_playground({"samples": "2000"})
    at.button_group(key="code_framework").set_value("playground")
    run(at)
    run(at)
    assert written.count("playground") == 1
    code = [element for element in at.code if "import" in element.value][0]
    assert len(code.value.splitlines()) == 300
    assert any("the download has it all" in caption.value for caption in at.caption)
