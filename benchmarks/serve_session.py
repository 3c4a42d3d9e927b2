"""`python -m playground.serve` for tests and benchmarks: started on a free loopback port, its
`backend <n> pid <pid> port <port>` lines read as they come, stopped with SIGTERM.

    with lecture_hall(processes=2) as hall:          # hall.url: http://127.0.0.1:<port>/
        hall.backends                                # {"b1": (pid, port), "b2": (pid, port)}
        hall.wait_line(lambda b: b.name == "b1" and b.pid != old, timeout=60)
"""

from __future__ import annotations

import contextlib
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from browser_session import ROOT, free_port

LINE = re.compile(r"backend (\d+) pid (\d+) port (\d+)$")
PROXY = re.compile(r"proxy pid (\d+) port (\d+)$")


@dataclass(frozen=True)
class BackendLine:
    name: str   # b1, b2, ...: the sticky cookie's value
    pid: int
    port: int


@dataclass
class Hall:
    process: subprocess.Popen
    url: str = ""
    proxy_pid: int = 0
    lines: list[BackendLine] = field(default_factory=list)   # every backend line so far, in order
    _queue: queue.Queue = field(default_factory=queue.Queue)

    @property
    def backends(self) -> dict[str, tuple[int, int]]:
        """The newest pid and port of each backend."""
        return {line.name: (line.pid, line.port) for line in self.lines}

    def _read(self, timeout: float) -> str | None:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            return None

    def wait_line(self, wanted: Callable[[BackendLine], bool], timeout: float) -> BackendLine:
        """The first backend line (already seen or to come) for which `wanted` holds."""
        deadline = time.monotonic() + timeout
        while True:
            for line in self.lines:
                if wanted(line):
                    return line
            if self.process.poll() is not None and self._queue.empty():
                raise RuntimeError(f"playground.serve exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no such backend line within {timeout} s; lines so far: {self.lines}")
            self._take(self._read(0.2))

    def _take(self, text: str | None) -> None:
        if text is None:
            return
        if match := LINE.match(text):
            self.lines.append(BackendLine(f"b{match[1]}", int(match[2]), int(match[3])))
        elif match := PROXY.match(text):
            self.proxy_pid = int(match[1])


def _pump(stream, sink: queue.Queue) -> None:
    for text in stream:
        sink.put(text.strip())


@contextlib.contextmanager
def lecture_hall(processes: int = 2, log_dir: Path | None = None, timeout: float = 180.0) -> Iterator[Hall]:
    """`python -m playground.serve --processes <processes>` on a free loopback port, until HAProxy
    listens; SIGTERM on exit (then SIGKILL if it does not stop within 30 s). Its stderr goes to
    <log_dir>/serve.log (or is dropped)."""
    port = free_port()
    err = (Path(log_dir) / "serve.log").open("wb") if log_dir else subprocess.DEVNULL
    process = subprocess.Popen([sys.executable, "-m", "playground.serve", "--processes", str(processes),
                                "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True)
    hall = Hall(process, url=f"http://127.0.0.1:{port}/")
    threading.Thread(target=_pump, args=(process.stdout, hall._queue), daemon=True).start()
    try:
        deadline = time.monotonic() + timeout
        while not hall.proxy_pid:
            if process.poll() is not None:
                raise RuntimeError(f"playground.serve exited with {process.returncode} while starting")
            if time.monotonic() > deadline:
                raise TimeoutError(f"playground.serve did not start within {timeout} s")
            hall._take(hall._read(0.2))
        yield hall
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if err is not subprocess.DEVNULL:
            err.close()
