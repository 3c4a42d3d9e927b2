"""`load.py --kill-one-after S`: kill one backend behind the proxy mid-round and see who notices.

Every page watches its own epoch counter (every 0.1 s) and notes, in wall-clock time, the first
moment it shows a smaller epoch than before with its script idle and its boundary chart drawn:
that is a session that came back on a new Streamlit session (training progress lost, settings
from the address bar). For the killed backend's sessions it is the time they took to come back;
for every other session it should never happen.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from dataclasses import dataclass

COME_BACK_WAIT = 30.0  # seconds after the window that a killed backend's sessions may still take

WATCH_RESETS = """() => {
  const w = window.__load;
  w.maxEpoch = 0; w.resetAt = null;
  setInterval(() => {
    const metric = document.querySelector('[data-testid="stMetric"]');
    if (!metric) return;
    const epoch = Number(metric.innerText.split('\\n').pop().replace(/[^0-9]/g, '')) || 0;
    const idle = document.querySelector('[data-testid="stApp"][data-test-script-state="notRunning"]');
    const drawn = document.querySelector('.live-chart .main-svg');
    if (epoch < w.maxEpoch && idle && drawn && w.resetAt === null) w.resetAt = Date.now();
    w.maxEpoch = Math.max(w.maxEpoch, epoch);
  }, 100);
}"""


@dataclass
class Kill:
    backend: str       # the backend killed: the one holding the most sessions
    pid: int
    at: float          # wall-clock time of the SIGKILL (time.time())
    victims: list[int]  # indices of the sessions it held


def kill_busiest(backends: dict[str, int], held: list[str]) -> Kill:
    """SIGKILL the backend that holds the most of the sessions (`held`: each session's backend)."""
    name = Counter(held).most_common(1)[0][0]
    pid = backends[name]
    os.kill(pid, signal.SIGKILL)
    return Kill(name, pid, time.time(), [index for index, backend in enumerate(held) if backend == name])


def reset_times(pages: list) -> list[float | None]:
    """Each page's first reset (wall-clock s), or None."""
    stamps = [page.evaluate("() => window.__load.resetAt") for page in pages]
    return [None if ms is None else ms / 1000 for ms in stamps]


def come_back(pages: list, kill: Kill) -> dict:
    """Wait (up to COME_BACK_WAIT s) for the killed backend's sessions to come back; then the
    seconds each took (None: not back), and the other sessions that were reset too."""
    deadline = time.monotonic() + COME_BACK_WAIT
    victims = [pages[index] for index in kill.victims]
    while any(at is None for at in reset_times(victims)) and time.monotonic() < deadline:
        time.sleep(0.25)
    resets = reset_times(pages)
    return {"kill": kill,
            "back_after": [None if resets[i] is None else resets[i] - kill.at for i in kill.victims],
            "others_reset": sum(at is not None for i, at in enumerate(resets) if i not in kill.victims)}


def fault_line(fault: dict, backends_after: dict[str, int], others_kept: float) -> str:
    """One line: what was killed, how long its sessions took to come back, whether it was restarted,
    and whether the other sessions noticed (a reset, or a drop in their epochs/s)."""
    kill, back = fault["kill"], fault["back_after"]
    came = sorted(seconds for seconds in back if seconds is not None)
    lost = len(back) - len(came)
    times = f"median {came[len(came) // 2]:.1f} s, slowest {came[-1]:.1f} s" if came else "none came back"
    new_pid = backends_after.get(kill.backend)
    restarted = f"restarted as pid {new_pid}" if new_pid not in (None, kill.pid) else "NOT restarted"
    return (f"killed backend {kill.backend} (pid {kill.pid}, {len(back)} sessions): they came back after "
            f"{times}{f', {lost} not within {COME_BACK_WAIT:g} s' if lost else ''}; the backend was {restarted}; "
            f"the other sessions: {fault['others_reset']} reset, epochs/s after the kill {others_kept:.0%} of before")
