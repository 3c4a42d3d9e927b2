"""What the browser tests and benchmarks share: the app on a free loopback port, a headless
Debian Chromium context, and reading the Playground page (its epoch counter and the live chart's
redraw counter). tests/browser.py builds the tests' helpers on this module.

    with app_server("page-bench") as app:                 # app.url: http://127.0.0.1:<port>/
        with sync_playwright() as pw, chromium_context(pw) as context:
            open_playground(context.new_page(), app.url)

The server runs `python -m streamlit run <script>` from the project root (so .streamlit/config.toml
applies) in its own process group, which is stopped by its PID, never by name. Chromium is
Debian's /usr/bin/chromium (never `playwright install`), with a fresh user-data dir per context.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def require_chromium() -> None:
    """Exit the benchmark when Debian's chromium is not installed."""
    if not CHROMIUM.exists():
        sys.exit(f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")


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


@dataclass
class App:
    url: str                   # the base URL, ending in "/"
    process: subprocess.Popen  # the server, leader of its own process group
    log: Path                  # its stdout and stderr


@contextlib.contextmanager
def app_server(name: str, options: Sequence[str] = (), script: str = "app.py", log_dir: Path | None = None,
               timeout: float = 60.0, launcher: str = "streamlit") -> Iterator[App]:
    """Run `streamlit run <script>` (relative to the project root) on a free loopback port, with
    extra command-line `options` (e.g. "--runner.fastReruns", "false"). Its output goes to
    <log_dir or the temp dir>/<name>-<port>.log; on exit its whole process group is stopped.
    `launcher` is the module run with `python -m` (playground.ui.serving: the warm start)."""
    port = free_port()
    log = Path(log_dir or tempfile.gettempdir()) / f"{name}-{port}.log"
    command = [sys.executable, "-m", launcher, "run", script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(base, server, log, timeout)
        yield App(base + "/", server, log)
    finally:
        _stop(server)


@contextlib.contextmanager
def chromium_context(playwright, viewport: dict | None = None, **kwargs):
    """A Chromium browser context with its own fresh user-data dir, closed (and the dir removed) on exit."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=viewport or VIEWPORT, **kwargs)
        try:
            yield context
        finally:
            context.close()


def press(page, selector: str, timeout: float = 30.0) -> None:
    """Click the first visible match of `selector` with the mouse, where it is now. Unlike
    Playwright's click, this neither waits for the element to be stable (a toolbar redrawn with
    every frame may never be) nor then for "scheduled navigations": on a machine busy with several
    playing pages that wait once outlived its 30 s timeout by 20 minutes."""
    box = None
    while box is None:  # None: the element found was replaced before it was measured
        box = page.wait_for_selector(f"{selector} >> visible=true", timeout=timeout * 1000).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def wait_playground(page) -> None:
    """Wait until the Playground's first script run is over and its boundary chart is drawn."""
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_selector(".live-chart .main-svg", timeout=60_000)


def open_playground(page, url: str) -> None:
    page.goto(url)
    wait_playground(page)


def epoch_shown(page) -> int:
    text = page.locator('[data-testid="stMetric"]').first.inner_text()
    return int(re.sub(r"[^0-9]", "", text.split("\n")[-1]) or 0)


def reacts(page) -> int:
    return int(page.evaluate("() => Number(document.querySelector('.live-chart').dataset.reacts)"))
