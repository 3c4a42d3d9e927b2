"""The supervisor: N Streamlit processes and HAProxy in front of them, kept running until told to stop.

On start it prints one line per process once it answers (`backend <n> pid <pid> port <port>`),
then `proxy pid <pid> port <port>` once HAProxy listens; it polls the children, restarts a
Streamlit process that died on the same port (printing its line again), stops everything when
HAProxy dies, and on SIGINT/SIGTERM/SIGHUP (a closed terminal) stops every child (SIGTERM, then SIGKILL after a timeout)
and returns 0. Machine-readable lines go to stdout, everything for people to stderr.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from playground.serve.backends import StreamlitProcess, spawn, stop_all

POLL = 0.25            # seconds between looks at the children
START_TIMEOUT = 120.0  # seconds for the first start of all processes (N cold imports share the cores)
QUICK_DEATH = 30.0     # a process that dies sooner than this after its start is restarted with a delay
MAX_DELAY = 30.0


@dataclass
class _Slot:
    """A Streamlit process and where it is in its life: starting (not yet announced) or serving."""

    process: StreamlitProcess
    number: int
    announced: bool = False
    ready: bool = False               # answered its health check during the first start
    restart_at: float | None = None   # when a dead process is due to start again
    delay: float = 0.0                # the current restart delay (doubles on quick deaths)


@dataclass
class Supervisor:
    processes: list[StreamlitProcess]
    proxy_command: list[str]
    proxy_port: int
    proxy_host: str = "127.0.0.1"
    out: Callable[[str], None] = field(default=lambda line: print(line, flush=True))
    err: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr, flush=True))

    def __post_init__(self):
        self.stopping = threading.Event()
        self.slots = [_Slot(p, n) for n, p in enumerate(self.processes, start=1)]
        self.proxy: subprocess.Popen | None = None

    # -- lifecycle -------------------------------------------------------------------------------

    def run(self) -> int:
        """Start everything, supervise until a signal or HAProxy's death; the exit code."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            return self._run()
        finally:
            self._stop_children()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum, frame) -> None:
        self.stopping.set()

    def _run(self) -> int:
        for slot in self.slots:
            slot.process.start()
        if not self._wait_first_start():
            return 0 if self.stopping.is_set() else 1
        self.proxy = spawn(self.proxy_command, None)
        if not self._wait_proxy():
            return 0 if self.stopping.is_set() else 1
        self.out(f"proxy pid {self.proxy.pid} port {self.proxy_port}")
        shown = "127.0.0.1" if self.proxy_host in ("127.0.0.1", "localhost") else self.proxy_host
        self.err(f"Serving the playground at http://{shown}:{self.proxy_port}/ with {len(self.slots)} "
                 f"Streamlit processes behind HAProxy. Ctrl-C stops everything.")
        while not self.stopping.wait(POLL):
            if self.proxy.poll() is not None:
                self.err(f"haproxy (pid {self.proxy.pid}) exited with code {self.proxy.returncode}; "
                         "stopping the Streamlit processes.")
                return 1
            for slot in self.slots:
                self._tend(slot)
        return 0

    def _wait_first_start(self) -> bool:
        """Wait until every process answers (announcing each); False on a signal, a death or the timeout."""
        deadline = time.monotonic() + START_TIMEOUT
        while not all(slot.announced for slot in self.slots):
            if self.stopping.wait(POLL):
                return False
            for slot in self.slots:
                code = slot.process.exit_code()
                if code is not None:
                    self.err(f"backend {slot.number} exited with code {code} while starting; its log "
                             f"({slot.process.log}) ends with:\n{slot.process.log_tail()}")
                    return False
                if not slot.ready and slot.process.healthy():
                    slot.ready = True
            if all(slot.ready for slot in self.slots):
                for slot in self.slots:   # in order, once all answer
                    self._announce(slot)
            elif time.monotonic() > deadline:
                self.err(f"the Streamlit processes did not all answer within {START_TIMEOUT:.0f} s; "
                         f"their logs are in {self.slots[0].process.log.parent}")
                return False
        return True

    def _wait_proxy(self) -> bool:
        """Wait until HAProxy accepts connections on its port; False if it exits or on a signal."""
        probe_host = "127.0.0.1" if self.proxy_host in ("0.0.0.0", "::", "") else self.proxy_host
        while not self.stopping.wait(0.05):
            if self.proxy.poll() is not None:
                self.err(f"haproxy exited with code {self.proxy.returncode} at start (see its message above).")
                return False
            try:
                with socket.create_connection((probe_host, self.proxy_port), timeout=0.5):
                    return True
            except OSError:
                continue
        return False

    def _stop_children(self) -> None:
        stop_all([self.proxy, *(slot.process.process for slot in self.slots)])

    # -- one process -----------------------------------------------------------------------------

    def _announce(self, slot: _Slot) -> None:
        slot.announced = True
        self.out(f"backend {slot.number} pid {slot.process.pid} port {slot.process.backend.port}")

    def _tend(self, slot: _Slot) -> None:
        """Announce a restarted process once it answers; schedule and do the restart of a dead one."""
        now = time.monotonic()
        if slot.restart_at is not None:
            if now >= slot.restart_at:
                slot.restart_at = None
                slot.process.start()
            return
        code = slot.process.exit_code()
        if code is None:
            if not slot.announced and slot.process.healthy():
                self._announce(slot)
            return
        quick = now - slot.process.started_at < QUICK_DEATH
        slot.delay = min(MAX_DELAY, max(1.0, 2 * slot.delay)) if quick else 0.0
        slot.restart_at = now + slot.delay
        slot.announced = False
        self.err(f"backend {slot.number} (pid {slot.process.pid}, port {slot.process.backend.port}) exited with "
                 f"code {code}; restarting it" + (f" in {slot.delay:.0f} s" if slot.delay else "") + ".")
