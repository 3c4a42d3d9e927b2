"""Fixtures shared by the browser end-to-end test modules (each module gets its own server)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app under `streamlit run`, stopped by its PID when the module is done."""
    from browser import require_chromium, streamlit_server

    require_chromium()
    with streamlit_server("app.py", tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def playwright():
    """One Playwright driver per module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running
