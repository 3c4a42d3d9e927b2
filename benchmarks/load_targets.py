"""What the load benchmark drives: one Streamlit process it starts itself, or a running
`python -m playground.serve` proxy given by `--url` (several Streamlit processes behind HAProxy).

Both answer the same questions: the URL to open, every server process (for CPU and memory), the
backends by name with their PIDs, and the app exceptions logged so far (None when the logs are
not ours to read).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from browser_session import ROOT, app_server
from processes import listening_pid, process_tree, serve_backends

sys.path.insert(0, str(ROOT))
from playground.serve.backends import BACKEND_ENV  # noqa: E402  (the project, from the benchmarks' folder)
from playground.serve.proxy_config import COOKIE  # noqa: E402


def app_errors(log: Path) -> int:
    """Exceptions the app raised so far (Streamlit logs each one; a closed websocket is not counted)."""
    return log.read_text(errors="replace").count("Uncaught app execution")


class LocalApp:
    """One Streamlit process started by this benchmark: one backend, named "app"."""

    def __init__(self, app):
        self.url, self.pid, self.log = app.url, app.process.pid, app.log

    def server_pids(self) -> list[int]:
        return process_tree(self.pid)

    def server_groups(self) -> dict[str, list[int]]:
        return {"app": self.server_pids()}

    def backends(self) -> dict[str, int]:
        return {"app": self.pid}

    def errors(self) -> int | None:
        return app_errors(self.log)


class Proxy:
    """A running `playground.serve` at `url`: the proxy and its backends, found through /proc."""

    def __init__(self, url: str):
        self.url = url.rstrip("/") + "/"
        self.port = urlsplit(url).port or 80
        self.proxy_pid = listening_pid(self.port)
        if self.proxy_pid is None or not self.backends():
            raise SystemExit(f"Expected `python -m playground.serve` listening at {url} (on this machine). "
                             f"Received: no playground backends behind port {self.port}.")

    def server_pids(self) -> list[int]:
        """The proxy and every backend's process tree."""
        return [pid for pids in self.server_groups().values() for pid in pids]

    def server_groups(self) -> dict[str, list[int]]:
        """{"proxy": [its pid], backend name: its process tree, ...}"""
        return {"proxy": [self.proxy_pid], **{name: process_tree(pid) for name, pid in self.backends().items()}}

    def backends(self) -> dict[str, int]:
        return serve_backends(self.port, BACKEND_ENV)

    def errors(self) -> int | None:
        return None


@contextlib.contextmanager
def load_target(url: str | None, options: list[str]) -> Iterator[LocalApp | Proxy]:
    """The proxy at `url`, or (no `url`) a Streamlit process of our own with `options`."""
    if url:
        yield Proxy(url)
        return
    with app_server("load-bench", options) as app:
        yield LocalApp(app)


def backend_of(page) -> str:
    """The backend a page's session is on: the proxy's cookie, or "app" without a proxy."""
    cookies = page.context.cookies()
    return next((cookie["value"] for cookie in cookies if cookie["name"] == COOKIE), "app")
