"""What the browser benchmarks share: the app on a free loopback port, Debian Chromium's flags,
and reading the Playground page (its epoch counter and the live chart's redraw counter).

The app runs in its own process group, so stopping it stops everything it started; nothing is
ever stopped by name.
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
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def require_chromium() -> None:
    if not os.path.exists(CHROMIUM):
        sys.exit(f"needs Debian's chromium at {CHROMIUM} (apt-get install -y chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(port: int, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"the app did not answer on port {port} within {seconds:.0f} s")


@dataclass
class App:
    url: str                   # the base URL, ending in "/"
    process: subprocess.Popen  # the server, leader of its own process group
    log: Path                  # its stdout and stderr


@contextlib.contextmanager
def app_server(name: str, options: Sequence[str] = ()) -> Iterator[App]:
    """Run `streamlit run app.py` on a free loopback port, with extra command-line `options`
    (e.g. "--runner.fastReruns", "false"). Its output goes to <tmp>/<name>-<port>.log; on exit its
    whole process group is stopped."""
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"{name}-{port}.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                   "--server.address", "127.0.0.1", "--server.port", str(port),
                                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                                   *options],
                                  cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(port)
        yield App(f"http://127.0.0.1:{port}/", server, log_path)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(10)


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
