"""One Streamlit process behind the proxy: started on its loopback port from the project root (so
.streamlit/config.toml applies), asked whether it answers, restarted on the same port, stopped.

    process = StreamlitProcess(Backend("b1", 8601), log_dir, env)
    process.start()
    while not process.healthy(): ...
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from playground.serve.proxy_config import Backend

ROOT = Path(__file__).resolve().parents[2]
BACKEND_ENV = "PLAYGROUND_BACKEND"   # the process's name, equal to its cookie value in the proxy


def free_ports(count: int, host: str = "127.0.0.1", avoid: Iterable[int] = ()) -> list[int]:
    """`count` distinct TCP ports free on `host` right now, none of them in `avoid`."""
    ports: list[int] = []
    avoid = set(avoid)
    while len(ports) < count:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
        if port not in avoid and port not in ports:
            ports.append(port)
    return ports


def _linux_parent_death_signal():
    """A preexec_fn that makes the child get SIGTERM when this process dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG), so that no Streamlit process outlives its supervisor; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    pr_set_pdeathsig = 1

    def set_signal() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return set_signal


def spawn(command: list[str], log: Path | None, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`command` from the project root in its own session (a Ctrl-C in the terminal reaches only the
    supervisor, which stops the children itself), output to `log` (None: inherit stderr)."""
    out = log.open("ab") if log is not None else None
    try:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                stdout=out if out else sys.stderr, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=_linux_parent_death_signal())
    finally:
        if out:
            out.close()


def stop_all(processes: Iterable[subprocess.Popen], timeout: float = 10.0) -> None:
    """SIGTERM each process's group, wait up to `timeout` s for all, then SIGKILL what is left."""
    alive = [p for p in processes if p is not None and p.poll() is None]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for process in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
        deadline = time.monotonic() + timeout
        for process in alive:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
        alive = [p for p in alive if p.poll() is None]
        if not alive:
            return


class StreamlitProcess:
    """`streamlit run app.py` on `backend.port`, with PLAYGROUND_BACKEND=`backend.name`, through
    the warm start (playground.ui.serving: the app's imports are done before the process answers
    its health check, so the proxy sends no student to a process still importing)."""

    def __init__(self, backend: Backend, log_dir: Path, env: dict[str, str]):
        self.backend = backend
        self.log = Path(log_dir) / f"{backend.name}.log"
        self.env = {**env, BACKEND_ENV: backend.name}
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "playground.ui.serving", "run", "app.py",
                "--server.address", self.backend.host, "--server.port", str(self.backend.port),
                "--server.headless", "true", "--server.fileWatcherType", "none"]

    def start(self) -> None:
        self.process = spawn(self.command(), self.log, self.env)
        self.started_at = time.monotonic()

    def exit_code(self) -> int | None:
        """The exit code once the process has ended (negative: killed by that signal); None while it runs."""
        return self.process.poll() if self.process else None

    def healthy(self, timeout: float = 0.5) -> bool:
        """Whether it answers 200 on /_stcore/health right now."""
        url = f"http://{self.backend.host}:{self.backend.port}/_stcore/health"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as answer:
                return answer.status == 200
        except OSError:
            return False

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""
