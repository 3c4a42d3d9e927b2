"""Long plays that once ended in Streamlit's fatal "Cached ForwardMsg MISS" modal.

The three Compare lessons and a Playground run whose ReLUs die all draw charts that come back to
a figure they showed a few frames earlier; Streamlit then sent them as references to messages the
browser had dropped (see playground/ui/live_chart.py). Each link plays in its own tab, all four at
once, for PLAY_SECONDS; the test fails on any fatal connection error in any tab, and checks that
every tab kept training.
"""

from __future__ import annotations

import time

import pytest
from browser import chromium_context, press, require_chromium, streamlit_server, wait_idle
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

PLAY_SECONDS = 60
LINKS = ("?lesson=dying-relu", "?lesson=vanishing-gradients", "?lesson=batch-norm-rescues",
         "?samples=200&seed=1&layers=8relu,8relu,8relu&lr=0.3&batch=25")
PLAY = ".st-key-play button, .st-key-compare_play button"
FATAL = ("Cached ForwardMsg MISS", "fatal error")
TOOLBAR = ".st-key-pause button, .st-key-compare_pause button, " + PLAY
REDRAWS = "() => [...document.querySelectorAll('.live-chart')].reduce((n, c) => n + Number(c.dataset.reacts), 0)"


def fatal_errors(messages: list[str]) -> list[str]:
    """The browser console messages that mean Streamlit gave up the connection."""
    return [text for text in messages if any(mark in text for mark in FATAL)]


def test_long_plays_end_in_no_fatal_connection_error(tmp_path):
    require_chromium()
    with streamlit_server("app.py", tmp_path) as base, sync_playwright() as pw, chromium_context(pw) as context:
        tabs = []
        for link in LINKS:
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda message, log=console: log.append(message.text))
            page.goto(base + link)
            wait_idle(page, timeout=60)
            page.locator(PLAY).first.wait_for(timeout=30_000)
            tabs.append((link, page, console))
        for _, page, _ in tabs:
            page.wait_for_function(f"() => ({REDRAWS})() > 0", timeout=60_000)  # the charts are drawn
        drawn = [page.evaluate(REDRAWS) for _, page, _ in tabs]
        for _, page, _ in tabs:
            press(page, PLAY)
        started = time.monotonic()
        while time.monotonic() - started < PLAY_SECONDS:
            for link, _, console in tabs:
                assert not fatal_errors(console), f"{link}: {fatal_errors(console)[:1]}"
            tabs[0][1].wait_for_timeout(1000)  # a poll interval, not a condition: the test watches for a duration
        for (link, page, console), before in zip(tabs, drawn, strict=True):
            assert not fatal_errors(console), f"{link}: {fatal_errors(console)[:1]}"
            assert page.get_by_text("Connection error").count() == 0, link
            assert page.evaluate(REDRAWS) > before, f"{link}: the charts did not move while playing"
            # Still connected: the toolbar is live (a dead session greys every button out).
            assert page.locator(TOOLBAR).first.is_enabled(), f"{link}: the toolbar is disabled"
