"""Shared helpers for the browser end-to-end tests: a Streamlit server and a headless Chromium.

    with streamlit_server("app.py", log_dir) as base_url:          # http://127.0.0.1:<port>/
        with sync_playwright() as pw, chromium_context(pw) as context:
            page = context.new_page()
            page.goto(base_url)
            wait_idle(page)

The server runs `python -m streamlit run <script>` from the project root (so .streamlit/config.toml,
with enableStaticServing, applies) on a free loopback port, in its own session, and is stopped
by its PID (its process group, which it leads), never by name. Chromium is Debian's
/usr/bin/chromium (never `playwright install`), with a fresh temporary user-data dir per context.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SCREENSHOTS = ROOT / "tests" / "screenshots"


def require_chromium() -> None:
    """Skip the calling test (or fixture) when Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(base: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"streamlit not healthy after {timeout} s:\n{log.read_text()}")


def _stop(server: subprocess.Popen) -> None:
    """Stop the server we started, by its PID (it leads its own process group)."""
    if server.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        try:
            server.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def streamlit_server(script: str, log_dir: Path, timeout: float = 30.0,
                     extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run `streamlit run <script>` (relative to the project root); yield its base URL (ends in '/')."""
    port = free_port()
    log = Path(log_dir) / "streamlit.log"
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *extra_args]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, server, log, timeout)
        yield base + "/"
    finally:
        _stop(server)


@contextlib.contextmanager
def chromium_context(playwright, viewport: dict | None = None, **kwargs):
    """A Chromium browser context with its own fresh user-data dir, closed (and the dir removed) on exit."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=viewport or {"width": 1400, "height": 1000}, **kwargs)
        try:
            yield context
        finally:
            context.close()


def wait_idle(page, timeout: float = 30.0) -> None:
    """Wait until the Streamlit script is not running (network idle never comes: the websocket stays open)."""
    page.wait_for_selector(IDLE, timeout=timeout * 1000)


def screenshot(page, name: str, full_page: bool = False) -> Path:
    """Save a screenshot as tests/screenshots/<name>.png (gitignored); return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
