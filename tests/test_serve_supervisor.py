"""The supervisor with stand-ins (fast, no Streamlit, no HAProxy): Python's http.server answering
/_stcore/health plays a Streamlit process, a bare listening socket plays HAProxy.

Checks the lines it prints, the restart of a killed process on its port, the exit on a signal
(0, no child left) and on the proxy's death (1, said on stderr).
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from pathlib import Path

from playground.serve.backends import StreamlitProcess, free_ports
from playground.serve.proxy_config import Backend, backend_name
from playground.serve.supervisor import Supervisor

LISTEN = ("import socket, sys, time; s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(); "
          "time.sleep(600)")
LINE = re.compile(r"backend (\d+) pid (\d+) port (\d+)")


class HealthServer(StreamlitProcess):
    """http.server on the backend's port, serving a directory that holds _stcore/health."""

    def __init__(self, backend: Backend, run_dir: Path):
        super().__init__(backend, run_dir, dict(os.environ))
        self.root = run_dir / "www"
        (self.root / "_stcore").mkdir(parents=True, exist_ok=True)
        (self.root / "_stcore" / "health").write_text("ok")

    def command(self) -> list[str]:
        return [sys.executable, "-m", "http.server", str(self.backend.port), "--bind", "127.0.0.1",
                "--directory", str(self.root)]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.05)


def hall(tmp_path: Path):
    ports = free_ports(3)
    processes = [HealthServer(Backend(backend_name(n), port), tmp_path) for n, port in enumerate(ports[1:], start=1)]
    out: list[str] = []
    err: list[str] = []
    supervisor = Supervisor(processes, [sys.executable, "-c", LISTEN, str(ports[0])], ports[0],
                            out=out.append, err=err.append)
    return supervisor, out, err


def backend_lines(out: list[str]) -> list[tuple[int, int, int]]:
    return [tuple(map(int, m.groups())) for line in out if (m := LINE.fullmatch(line))]


def test_lines_restart_on_the_same_port_and_a_clean_stop_on_sigterm(tmp_path):
    supervisor, out, err = hall(tmp_path)
    seen: dict[str, object] = {}

    def drive() -> None:
        try:
            wait_for(lambda: any(line.startswith("proxy pid") for line in out))
            first = backend_lines(out)
            seen["first"] = first
            os.kill(first[0][1], signal.SIGKILL)
            wait_for(lambda: len(backend_lines(out)) == 3)
            seen["children"] = [pid for _, pid, _ in backend_lines(out)] + [supervisor.proxy.pid]
        finally:
            os.kill(os.getpid(), signal.SIGTERM)   # what Ctrl-C or `kill` does; handled by run()

    driver = threading.Thread(target=drive)
    driver.start()
    code = supervisor.run()
    driver.join()
    first, lines = seen["first"], backend_lines(out)
    assert [(n, port) for n, _, port in first] == [(1, supervisor.processes[0].backend.port),
                                                    (2, supervisor.processes[1].backend.port)]
    assert out[2].startswith("proxy pid ") and out[2].endswith(f" port {supervisor.proxy_port}")
    restarted = lines[2]
    assert restarted[0] == 1 and restarted[2] == first[0][2] and restarted[1] != first[0][1], lines
    assert any("backend 1" in line and "exited with code -9" in line for line in err), err
    assert code == 0
    assert not [pid for pid in seen["children"] if alive(pid)]


def test_the_proxy_dying_stops_everything(tmp_path):
    supervisor, out, err = hall(tmp_path)

    def kill_proxy() -> None:
        wait_for(lambda: any(line.startswith("proxy pid") for line in out))
        os.kill(supervisor.proxy.pid, signal.SIGKILL)

    threading.Thread(target=kill_proxy, daemon=True).start()
    assert supervisor.run() == 1
    assert any("haproxy" in line and "exited" in line for line in err), err
    assert not [p for p in supervisor.processes if p.pid and alive(p.pid)]
