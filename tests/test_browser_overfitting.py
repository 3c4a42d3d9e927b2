"""The Overfitting page end to end in headless Chromium: a small sweep runs to its end with its figures."""

from __future__ import annotations

import pytest
from browser import chromium_context, require_chromium, screenshot, streamlit_server, wait_idle
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser


def set_field(page, key: str, value: str) -> None:
    field = page.locator(f".st-key-{key} input")
    field.fill(value)
    field.press("Enter")
    wait_idle(page)


def test_a_small_sweep_runs_to_its_end_in_the_browser(tmp_path):
    require_chromium()
    errors: list[str] = []
    with streamlit_server("app.py", tmp_path) as url, sync_playwright() as pw, chromium_context(pw) as context:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{url}overfitting?data=xor&samples=100&layers=4tanh")
        wait_idle(page, timeout=60)
        expect(page.get_by_text("Starting from your Playground run")).to_be_visible()
        set_field(page, "sweep_values", "0.001, 0.1")
        set_field(page, "sweep_seeds", "2")
        set_field(page, "sweep_epochs", "5")
        page.locator(".st-key-sweep_run button").click()
        expect(page.get_by_text("4 of 4 runs.")).to_be_visible(timeout=180_000)  # the fragment polls the pool
        wait_idle(page, timeout=60)
        charts = page.locator(".st-key-panel_u_curve .js-plotly-plot")
        expect(charts).to_have_count(2, timeout=60_000)  # Plotly draws after the page's last script run
        expect(page.locator(".st-key-sweep_stop button")).to_be_disabled()
        screenshot(page, "overfitting_small_sweep", full_page=True)
    assert not errors
