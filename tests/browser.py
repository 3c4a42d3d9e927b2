"""Shared helpers for the browser end-to-end tests: a Streamlit server and a headless Chromium.

    with streamlit_server("app.py", log_dir) as base_url:          # http://127.0.0.1:<port>/
        with sync_playwright() as pw, chromium_context(pw) as context:
            page = context.new_page()
            page.goto(base_url)
            wait_idle(page)

The server and the Chromium context come from benchmarks/browser_session.py (shared with the
browser benchmarks; pytest has benchmarks/ on its path).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import browser_session
import pytest
from browser_session import CHROMIUM, IDLE, ROOT, app_server, press  # noqa: F401  (press: for the tests)

SCREENSHOTS = ROOT / "tests" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}


def require_chromium() -> None:
    """Skip the calling test (or fixture) when Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")


@contextlib.contextmanager
def streamlit_server(script: str, log_dir: Path, timeout: float = 30.0,
                     extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run `streamlit run <script>` (relative to the project root); yield its base URL (ends in '/')."""
    with app_server("streamlit", extra_args, script, log_dir, timeout) as app:
        yield app.url


def chromium_context(playwright, viewport: dict | None = None, **kwargs):
    """browser_session.chromium_context, in the tests' default viewport."""
    return browser_session.chromium_context(playwright, viewport or VIEWPORT, **kwargs)


def wait_idle(page, timeout: float = 30.0) -> None:
    """Wait until the Streamlit script is not running (network idle never comes: the websocket stays open)."""
    page.wait_for_selector(IDLE, timeout=timeout * 1000)


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot as tests/screenshots/<name>.png (gitignored); return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
