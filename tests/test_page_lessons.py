"""The Lessons page, lesson links and classroom presentation, with streamlit.testing.v1.AppTest.

Opening a lesson (by its button or by ``?lesson=<key>``) must leave the session ready to play it:
a single-run lesson's config in the Playground's session, a comparison's runs handed to the
Compare page. ``big=1`` and ``hide=...`` must reach the page as CSS. CSS itself needs a browser:
the screenshots in shots/lessons/ show it applied.
"""

from __future__ import annotations

import pytest
from apptest_helpers import APP, run, shown
from streamlit.testing.v1 import AppTest

from playground.presets import HIDEABLE, LESSONS, PresentationFlags
from playground.ui import presentation

SESSION_KEY = "playground_session"
LESSONS_PAGE = "app_pages/lessons.py"

PAGE_TITLES = {"playground": "Neural Network Playground", "overfitting": "Overfitting explorer"}


def open_app(params: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    """A fresh browser session opened at `?<params>` (on `page`, else the app's root)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params or {})
    if page:
        at.switch_page(page)
    return run(at)


def query(at: AppTest) -> dict[str, str]:
    """The address bar's query string as {name: value}."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in dict(at.query_params).items()}


def styles(at: AppTest) -> str:
    return "\n".join(element.proto.body for element in at.html)


def assert_comparison_handed_over(at: AppTest, lesson) -> None:
    """The comparison's runs reached the Compare page (or wait for it, if it has not run yet)."""
    state = at.session_state
    if "compare_configs" in state:
        assert state["compare_configs"] == (lesson.runs, lesson.labels, lesson.key)
        return
    assert at.title[0].value.startswith("Compare")  # the switch went to the Compare page ...
    runs = state["compare_session"].runs  # ... which took the runs over
    assert [run.trainer.config for run in runs] == list(lesson.runs)
    assert [run.label for run in runs] == list(lesson.labels)


# ---------------------------------------------------------------------------------------------
# The gallery


def test_the_gallery_shows_every_lesson_with_its_link():
    at = open_app(page=LESSONS_PAGE)
    assert at.title[0].value == "Lessons"
    assert sorted(b.key for b in at.button if b.key.startswith("open_")) == sorted(f"open_{key}" for key in LESSONS)
    links = [code.value for code in at.code]
    assert len(links) == len(LESSONS)
    for lesson in LESSONS.values():
        assert any(link.endswith(f"?lesson={lesson.key}") for link in links)
    text = " ".join(m.value for m in at.markdown)
    for lesson in LESSONS.values():
        assert lesson.title in text and lesson.outcome in text


def test_the_presentation_toggles_go_into_every_link():
    at = open_app(page=LESSONS_PAGE)
    at.toggle(key="lessons_big").set_value(True)
    at.multiselect(key="lessons_hide").set_value(["share", "sidebar"])
    run(at)
    for code in at.code:
        assert code.value.endswith("&big=1&hide=share,sidebar"), code.value


@pytest.mark.parametrize("key", list(LESSONS))
def test_each_lesson_button_loads_the_lesson(key):
    lesson = LESSONS[key]
    at = open_app(page=LESSONS_PAGE)
    before = at.session_state[SESSION_KEY].config if SESSION_KEY in at.session_state else None
    at.button(key=f"open_{key}").click()
    run(at)
    if lesson.is_comparison:
        assert_comparison_handed_over(at, lesson)
        if before is not None:
            assert at.session_state[SESSION_KEY].config == before  # the Playground's run is left alone
    else:
        session = at.session_state[SESSION_KEY]
        assert session.config == lesson.config
        assert session.trainer.epoch == 0 and not session.running
        # the switch went to the lesson's page, which shows the lesson and its settings
        assert at.title[0].value == PAGE_TITLES[lesson.page]
        assert any(lesson.title in info.value for info in at.info)
        if lesson.page == "overfitting":  # a page without the sidebar's settings
            return
        assert at.session_state["cfg_dataset"] == lesson.config.data.dataset
        assert at.session_state["cfg_learning_rate"] == lesson.config.training.learning_rate


def test_a_lesson_opened_with_presentation_options_presents():
    at = open_app(page=LESSONS_PAGE)
    at.toggle(key="lessons_big").set_value(True)
    at.multiselect(key="lessons_hide").set_value(["sidebar"])
    run(at)
    at.button(key="open_overfitting").click()
    run(at)
    css = styles(at)
    assert f"font-size: {presentation.LARGE_FONT_PX}px" in css and '[data-testid="stSidebar"]' in css
    assert query(at)["big"] == "1" and query(at)["hide"] == "sidebar"


# ---------------------------------------------------------------------------------------------
# Lessons as links


@pytest.mark.parametrize("key", list(LESSONS))
def test_a_lesson_link_opens_its_config(key):
    lesson = LESSONS[key]
    at = open_app({"lesson": key})
    session = at.session_state[SESSION_KEY]
    assert session.config == lesson.config
    if lesson.is_comparison:
        assert_comparison_handed_over(at, lesson)
    else:
        assert at.title[0].value == PAGE_TITLES[lesson.page]
        assert any(lesson.title in info.value for info in at.info)
        if lesson.page == "overfitting":  # the page keeps the lesson in the address: it edits no settings
            return
        assert query(at) == lesson.config.to_query()  # the address now spells out the settings, not the lesson


def test_a_lesson_link_ignores_settings_beside_it_with_a_note():
    at = open_app({"lesson": "overfitting", "lr": "0.1"})
    assert at.session_state[SESSION_KEY].config == LESSONS["overfitting"].config
    assert any("'lr' were ignored" in shown(w.value) for w in at.warning)


def test_an_unknown_lesson_is_a_note_and_the_default_run():
    at = open_app({"lesson": "no-such-lesson"})
    assert any("There is no lesson 'no-such-lesson'" in shown(w.value) for w in at.warning)
    assert not any(info.value.startswith("**Lesson") for info in at.info)


def test_plain_config_links_still_work():
    at = open_app({"data": "xor", "lr": "0.1", "layers": "3relu"})
    config = at.session_state[SESSION_KEY].config
    assert (config.data.dataset, config.training.learning_rate, len(config.network.hidden)) == ("xor", 0.1, 1)
    assert not at.warning


def test_the_lesson_text_goes_once_another_run_is_loaded():
    at = open_app({"lesson": "overfitting"})
    assert any("Overfitting" in info.value for info in at.info)
    at.session_state["cfg_learning_rate"] = 0.01  # a live change keeps the lesson's run ...
    run(at)
    assert any("Overfitting" in info.value for info in at.info)
    at.switch_page(LESSONS_PAGE)
    run(at)
    at.button(key="open_feature-engineering").click()  # ... loading another replaces it
    run(at)
    assert not any("Overfitting" in info.value for info in at.info)


# ---------------------------------------------------------------------------------------------
# Presentation flags


def test_big_and_hide_sidebar_produce_the_css():
    at = open_app({"big": "1", "hide": "sidebar"})
    css = styles(at)
    assert f"html {{ font-size: {presentation.LARGE_FONT_PX}px; }}" in css
    assert '[data-testid="stSidebar"]' in css and "display: none !important" in css
    assert query(at)["big"] == "1" and query(at)["hide"] == "sidebar"  # kept in the address
    at.button(key="step").click()
    run(at)
    assert query(at)["hide"] == "sidebar"  # and still after a change


def test_unknown_hide_names_are_ignored_with_a_note():
    at = open_app({"hide": "sidebar,nonsense,share"})
    assert any("Unknown names in hide ignored: 'nonsense'" in shown(w.value) for w in at.warning)
    css = styles(at)
    assert ".st-key-panel_share" in css and '[data-testid="stSidebar"]' in css and "nonsense" not in css


def keyed_ids(node) -> set[str]:
    """The keys of every keyed element and container under `node` (their ids end in -<key>)."""
    found = set()
    for child in getattr(node, "children", {}).values():
        element_id = getattr(getattr(child, "proto", None), "id", "")
        if element_id.startswith("$$ID-"):
            found.add(element_id.split("-", 2)[2])
        found |= keyed_ids(child)
    return found


def test_the_playground_panels_are_in_keyed_containers():
    at = open_app({"lesson": "overfitting"})
    at.button(key="step").click()
    run(at)
    keys = keyed_ids(at.main)
    assert {"panel_lesson_text", "panel_replay", "panel_share", "boundary", "network", "health", "loss"} <= keys
    for name in ("lesson_text", "replay", "share", "decision_boundary", "network", "health_strip", "loss_curves"):
        assert any(selector.lstrip(".").removeprefix("st-key-") in keys for selector in presentation.selectors(name))


def test_leaving_presentation_mode_removes_the_css():
    at = open_app({"big": "1", "hide": "share"})
    at.button(key="presentation_leave").click()
    run(at)
    assert styles(at).find("font-size: 22px") == -1
    assert "big" not in query(at) and "hide" not in query(at)
    assert not [b for b in at.button if b.key == "presentation_leave"]


def test_css_for_every_hideable_name_and_none_without_flags():
    assert presentation.css(PresentationFlags()) == ""
    for name in HIDEABLE:
        assert presentation.selectors(name), name
        assert "display: none" in presentation.css(PresentationFlags(hidden=frozenset({name})))
    assert presentation.selectors("nonsense") == ()


def test_links_point_at_the_app_root_and_the_lesson_page():
    assert presentation.app_root("http://host:8501/lessons?x=1", "lessons") == "http://host:8501"
    assert presentation.app_root("http://host:8501/", "lessons") == "http://host:8501"
    assert presentation.app_root(None, "lessons") == ""
    flags = PresentationFlags(True, frozenset({"sidebar", "share"}))
    link = presentation.lesson_link("http://host:8501", LESSONS["dying-relu"], flags)
    assert link == "http://host:8501/?lesson=dying-relu&big=1&hide=share,sidebar"
