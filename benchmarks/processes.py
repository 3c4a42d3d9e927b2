"""The load benchmark's view of processes, from /proc: process trees, CPU seconds, memory, the
machine's busy share, pinning, and the backends of a `python -m playground.serve` proxy.

Linux only (it reads /proc); run as the user who started the server, or root, to read its
environment.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")

def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): field 3 (state) first."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(int(_stat_fields(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, ValueError):
                continue  # the process ended while we looked
    return children


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants."""
    children, tree = _children(), [root]
    for pid in tree:
        tree.extend(children.get(pid, []))
    return tree


def _is_chromium(pid: int) -> bool:
    """/usr/bin/chromium is a shell script; the browser's processes run /usr/lib/chromium/chrom*."""
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name.startswith("chrom")
    except OSError:
        return False


def pin(pid: int, cpus: set[int]) -> None:
    """Pin every thread of `pid`'s process tree to `cpus` (what they start later inherits it)."""
    for process in process_tree(pid):
        for task in Path(f"/proc/{process}/task").iterdir():
            os.sched_setaffinity(int(task.name), cpus)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def rss_mb(pids: list[int]) -> float:
    total_kb = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kb / 1024


def machine_ticks() -> tuple[int, int]:
    """(busy, total) clock ticks of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def wait_for_quiet(max_busy: float = 10.0, patience: float = 600.0) -> None:
    """Wait (up to `patience` s) until the machine is less than `max_busy` % busy over 2 s: another
    process's load would show up as slow sessions."""
    deadline = time.monotonic() + patience
    while True:
        busy_0, total_0 = machine_ticks()
        time.sleep(2)
        busy_1, total_1 = machine_ticks()
        busy = 100 * (busy_1 - busy_0) / max(1, total_1 - total_0)
        if busy < max_busy or time.monotonic() > deadline:
            return
        print(f"  waiting for the machine to quiet down ({busy:.0f} % busy)", flush=True)
        time.sleep(10)


@dataclass
class Usage:
    """Cumulative CPU use at one moment."""

    wall: float
    server: float    # CPU seconds of the server's process tree
    browser: float   # CPU seconds of Chromium's processes (under our Playwright driver)
    bench: float     # CPU seconds of this script and its Playwright driver
    busy: int        # machine busy ticks
    total: int       # machine ticks

    @classmethod
    def now(cls, server_pids: list[int]) -> Usage:
        """`server_pids`: every process of the server (e.g. `process_tree(pid)`)."""
        ours = [pid for pid in process_tree(os.getpid()) if pid not in server_pids]
        browser = [pid for pid in ours if _is_chromium(pid)]
        bench = [pid for pid in ours if pid not in browser]
        return cls(time.perf_counter(), cpu_seconds(server_pids), cpu_seconds(browser), cpu_seconds(bench),
                   *machine_ticks())


def cpu_percent(start: Usage, end: Usage, server: CpuLedger | None = None) -> dict[str, float]:
    """% of one core for the server, Chromium, this benchmark (script and Playwright driver) and any
    other process; % of all cores for the machine. With a `server` ledger, the server's share is
    the ledger's (which counts a process that died or started during the window)."""
    wall = end.wall - start.wall
    used = {name: 100 * (getattr(end, name) - getattr(start, name)) / wall for name in ("server", "browser", "bench")}
    if server is not None:
        used["server"] = 100 * sum(server.spent().values()) / wall
    machine = 100 * (end.busy - start.busy) / max(1, end.total - start.total)
    return {**used, "other": machine * os.cpu_count() - sum(used.values()), "machine": machine}


# --- the backends behind a playground.serve proxy -----------------------------------------------

def listening_pid(port: int) -> int | None:
    """The process listening on loopback or any address at TCP `port`, from /proc/net/tcp."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # 0A: LISTEN
            inodes.add(f"socket:[{inode}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                return int(entry.name)
        except OSError:
            continue  # the process ended, or is not ours to read
    return None


def environment_value(pid: int, variable: str) -> str | None:
    """The value of `variable` in the environment of `pid`, if any."""
    try:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    prefix = f"{variable}=".encode()
    return next((item[len(prefix):].decode() for item in environment if item.startswith(prefix)), None)


def serve_backends(proxy_port: int, variable: str) -> dict[str, int]:
    """{backend name: pid} of the Streamlit processes behind the proxy on `proxy_port`: the
    processes named by the environment `variable` (playground.serve's PLAYGROUND_BACKEND) under
    the proxy's parent (the `playground.serve` process). Empty when nothing listens there."""
    proxy = listening_pid(proxy_port)
    if proxy is None:
        return {}
    supervisor = int(_stat_fields(proxy)[1])
    found = {}
    for pid in process_tree(supervisor):
        name = environment_value(pid, variable)
        if name is not None and pid != proxy:
            found.setdefault(name, pid)  # the top process of a backend (its children inherit the variable)
    return found


class CpuLedger:
    """CPU seconds of named groups of processes whose members may die or start during the
    window (a backend killed and restarted): each process counts from its first reading (or from 0
    if it started after the window opened) to its last reading while alive."""

    def __init__(self, groups: dict[str, list[int]]):
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group: dict[int, str] = {}
        self.read(groups, opening=True)

    def read(self, groups: dict[str, list[int]], opening: bool = False) -> None:
        for name, pids in groups.items():
            for pid in pids:
                try:
                    fields = _stat_fields(pid)
                except OSError:
                    continue  # gone: its last reading stands
                seconds = (int(fields[11]) + int(fields[12])) / TICKS
                self.first.setdefault(pid, seconds if opening else 0.0)
                self.last[pid], self.group[pid] = seconds, name

    def spent(self) -> dict[str, float]:
        """CPU seconds per group between the opening reading and the last."""
        totals: dict[str, float] = {}
        for pid, name in self.group.items():
            totals[name] = totals.get(name, 0.0) + self.last[pid] - self.first[pid]
        return totals


def yield_cpu() -> None:
    """Run this process, and every process it starts from now on, at the lowest priority: nice 19,
    and (where the kernel groups processes by session, sched_autogroup) the same for its session's
    group, whose weight against the server's group the nice value alone would not change."""
    os.nice(19 - os.nice(0))
    autogroup = Path("/proc/self/autogroup")
    if autogroup.exists():
        with contextlib.suppress(OSError):
            autogroup.write_text("19")
