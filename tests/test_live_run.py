"""One model of a live run (playground.ui.state.LiveRun) on the Playground and Compare, with AppTest.

Both pages hold the same shape, share the toolbar, the fragment and the callbacks (so Compare
trains under the session lock too), flash their messages one way, and show the lesson a run came
from; pages only call functions.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

from apptest_helpers import APP, click, run, shown
from streamlit.testing.v1 import AppTest

from playground.presets import LESSONS
from playground.ui.state import LiveRun

PAGES = Path(__file__).resolve().parents[1] / "app_pages"
SMALL = {"samples": "60", "grid": "50", "batch": "10"}


class CountingLock:
    """An RLock that counts how often it was taken."""

    def __init__(self):
        self.lock, self.taken = threading.RLock(), 0

    def __enter__(self):
        self.lock.acquire()
        self.taken += 1
        return self

    def __exit__(self, *exc):
        self.lock.release()


def open_page(page: str, query: dict[str, str], first: bool = False) -> AppTest:
    """A fresh session at `?<query>` on `page`, after the Playground (unless opened `first` there)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    if not first:
        run(at)
    at.switch_page(page)
    return run(at)


def test_both_pages_hold_a_live_run_whose_config_is_the_runs_own():
    at = open_page("app_pages/compare.py", SMALL)
    playground, compare = at.session_state["playground_session"], at.session_state["compare_session"]
    assert isinstance(playground, LiveRun) and isinstance(compare, LiveRun)
    assert playground.config is playground.run.config  # derived, not a copy to keep in step
    assert compare.config is compare.runs[0].trainer.config
    assert compare.origin == playground.config and compare.own is None and playground.own is not None


def test_compare_trains_under_the_session_lock():
    at = open_page("app_pages/compare.py", SMALL)
    live = at.session_state["compare_session"]
    lock = live.lock = CountingLock()
    click(at, "compare_step")
    stepped = lock.taken
    assert stepped >= 1 and live.comparison.epoch == 1
    click(at, "compare_play")  # the page run draws the first frame in the fragment
    assert lock.taken > stepped and live.running
    click(at, "compare_reset")
    assert live.comparison.epoch == 0 and not live.running


def test_a_single_run_lesson_shows_its_text_on_compare_too():
    lesson = LESSONS["overfitting"]
    at = open_page("app_pages/compare.py", {"lesson": lesson.key})
    (box,) = [info for info in at.info if lesson.title in shown(info.value)]
    assert lesson.watch in shown(box.value)
    assert [run.config for run in at.session_state["compare_session"].runs] == [lesson.config]
    click(at, "compare_add")  # run A is still the lesson's: its text stays
    assert any(lesson.title in shown(info.value) for info in at.info)


def test_a_flashed_message_waits_for_its_page_and_shows_once():
    at = open_page("app_pages/diagnostics.py", {"lr": "99"}, first=True)  # out of bounds: noted for the Playground
    assert not any("out of bounds" in shown(w.value) for w in at.warning)
    at.switch_page("app_pages/playground.py")
    run(at)
    assert sum("out of bounds" in shown(w.value) for w in at.warning) == 1
    run(at)
    assert not any("out of bounds" in shown(w.value) for w in at.warning)


def test_pages_call_functions_and_never_assign_fields():
    for page in PAGES.glob("*.py"):
        tree = ast.parse(page.read_text())
        targets = [target for node in ast.walk(tree) if isinstance(node, ast.Assign | ast.AugAssign)
                   for target in (node.targets if isinstance(node, ast.Assign) else [node.target])]
        flat = [t for target in targets for t in (target.elts if isinstance(target, ast.Tuple) else [target])]
        assigned = [ast.unparse(t) for t in flat if isinstance(t, ast.Attribute)]
        assert not assigned, f"{page.name} assigns {assigned}"
