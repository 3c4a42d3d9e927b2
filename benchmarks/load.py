"""Many users at once (a lecture hall): how each session keeps up, and what the server spends.

Per session: chart updates and epochs per second, and the time a widget change takes to reach
the page while training; for the server: CPU and memory, in total and per session.

    python benchmarks/load.py [--sessions 1,5,10,20] [--seconds 30] [--change-every 5] [--pin]
                              [--bounds K] [--option runner.fastReruns=false ...]
                              [--url http://127.0.0.1:P [--kill-one-after S]]

Starts the app once on a free loopback port (with any `--option`s as Streamlit command-line
options) and one headless Debian Chromium (software rendering). A warm-up page loads the app's
imports first. Then for each N it opens N browser contexts (own cookies, so N Streamlit
sessions), each with one Playground page, presses Play in all of them, waits `--warmup` s and
watches for `--seconds`:

- epochs/s and chart updates/s of each session: its epoch metric and its boundary chart's
  `data-reacts` redraw counter (summed over remounts) at the start and the end of the window
  (median and slowest session);
- widget changes while training: every `--change-every` s (staggered over the sessions) each
  session moves the learning-rate slider one step with the keyboard (0.03 <-> 0.1). The page
  times from the keydown to the address bar's query string changing, which the script does
  right after it has applied the new rate to the running Trainer (median and 95th percentile
  over all changes; "lost": still pending 15 s after the window);
- server CPU in % of one core (utime + stime of the server's process tree over the window) and
  its RSS at the end, in total and per session (per session: CPU / N, and RSS above the idle
  server after the warm-up, / N);
- Chromium's CPU (all its processes), this benchmark's (script and Playwright driver), any other
  process's ("other": more than a few % means someone else disturbed the figures) and the whole
  machine's busy share: the browser shares the cores with the server, so a saturated machine
  slows both;
- with `--bounds K`, each round is run twice: N default sessions alone, then the same N beside K
  sessions on the largest run a link accepts; a line says which share of their chart updates/s
  the default sessions keep (target >= 50 %) and the widget-change p95 (target < 2 s);
- faults: how often a boundary chart was remounted (its div removed: blank for a moment) from
  the page's load to the end of the round, the sessions broken (no chart for 10 s when read;
  they count as 0 epochs and updates/s), the exceptions the app raised (Streamlit's
  "Uncaught app execution" in the server log), and the browsers' fatal connection errors
  (Streamlit's "Cached ForwardMsg MISS" and other "fatal error"s in the console; every run should
  report 0).

`--url` drives a running `python -m playground.serve --port P` (several Streamlit processes behind
HAProxy) instead: the server's figures cover the proxy and every backend, and a section per round
lists each backend with the sessions it holds (its sticky cookie) and its CPU, and each session
with its backend, epochs/s, updates/s and widget-change latency. `--kill-one-after S` then kills
(SIGKILL) the backend holding the most sessions S seconds into each window and reports how long
its sessions took to come back (their page on a new session: epoch reset, script idle, chart
drawn), whether serve restarted it, and whether the other sessions noticed (a reset, or fewer
epochs/s after the kill than before). Run it on the machine that runs serve (it reads /proc).

`--pin` puts the server on CPU 0 and Chromium, its driver and this script on the other cores,
as if the students' browsers ran on their own machines: the server's figures then show what
one core holds (though the browsers, on the remaining core, may fall behind first).
`--nice-browsers` runs Chromium, its driver and this script at nice 19 (and their scheduler
autogroup too, which nice alone does not reach): the server gets every cycle it asks for and the
browsers the rest, the nearest a single machine comes to a lecture hall where each browser has
its own. `--light` gives the pages a plotly.js stand-in (light_client.py): they receive, decode
and lay out every frame but draw no chart, so six pages no longer need 1.5 cores to keep up.

Between rounds every session is paused and its context closed, and the server settles for
`--settle` s; a round starts only once the machine is quiet (< 10 % busy). Streamlit keeps a
closed session's state for server.disconnectedSessionTTL (120 s), so later rounds' RSS includes
the earlier rounds' idle sessions. Target: every session at least 1 chart update/s; the last
line names the largest N measured that held it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from bounds import BOUNDS_QUERY
from browser_session import (
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    epoch_shown,
    open_playground,
    require_chromium,
    wait_playground,
)
from light_client import light
from load_fault import WATCH_RESETS, come_back, fault_line, kill_busiest
from load_targets import backend_of, load_target
from playwright.sync_api import Error, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from processes import CpuLedger, Usage, cpu_percent, pin, rss_mb, wait_for_quiet, yield_cpu

MIN_UPDATES = 1.0  # chart updates/s every session should still see
LOST_AFTER = 15.0  # seconds after the window when a pending widget change counts as lost
CHART_GONE_AFTER = 10.0  # seconds without a boundary chart that make a session count as broken
LR_SLIDER = '.st-key-cfg_learning_rate input[type="range"]'

# Times each learning-rate change from its keydown to the address bar's next change (Streamlit
# moves the query string with history.pushState/replaceState, so hooking those is exact), and
# counts the boundary chart's remounts: its `data-reacts` counter starts again at 0 in a new div,
# so the redraws of the divs it has lost are kept in `reactsBefore`.
WATCH = """() => {
  const w = window.__load = {latencies: [], pending: null, removals: 0, reactsBefore: 0,
                             chart: document.querySelector('.live-chart')};
  for (const name of ['pushState', 'replaceState']) {
    const original = history[name].bind(history);
    history[name] = (...args) => {
      const result = original(...args);
      if (w.pending && location.search !== w.pending.before) {
        w.latencies.push(performance.now() - w.pending.start);
        w.pending = null;
      }
      return result;
    };
  }
  document.addEventListener('keydown', (event) => {
    if (event.target.closest('.st-key-cfg_learning_rate'))
      w.pending = {start: performance.now(), before: location.search};
  }, {capture: true});
  new MutationObserver(() => {
    const chart = document.querySelector('.live-chart');
    if (chart === w.chart) return;
    if (w.chart) { w.removals++; w.reactsBefore += Number(w.chart.dataset.reacts); }
    w.chart = chart;
  }).observe(document.body, {childList: true, subtree: true});
}"""
# The boundary chart's redraws since the watcher went in, across remounts.
REDRAWS = "() => window.__load.reactsBefore + Number(document.querySelector('.live-chart').dataset.reacts)"


# --- sessions ----------------------------------------------------------------------------------

@dataclass
class Counters:
    time: float
    epoch: int
    reacts: int


def counters(page) -> Counters | None:
    """The session's counters; None when its page has shown no boundary chart for CHART_GONE_AFTER s
    (a broken session: a screenshot goes to <tmp>/load-broken-<time>.png)."""
    try:
        page.wait_for_selector(".live-chart", state="attached", timeout=CHART_GONE_AFTER * 1000)
    except PlaywrightTimeout:
        shot = Path(tempfile.gettempdir()) / f"load-broken-{time.time():.0f}.png"
        page.screenshot(path=shot)
        print(f"  a session has shown no chart for {CHART_GONE_AFTER:g} s: {shot}", flush=True)
        return None
    return Counters(time.perf_counter(), epoch_shown(page), int(page.evaluate(REDRAWS)))


FATAL = ("Cached ForwardMsg MISS", "fatal error")  # Streamlit's console errors when it gives a session up


def open_sessions(browser, urls: list[str], light_clients: bool = False) -> list:
    """One context with one Playground page per URL, all loaded and idle, the watcher in; each
    page counts its fatal connection errors in `page.fatal_errors` (a one-element list).
    `light_clients`: pages that do not draw their charts (light_client.py)."""
    pages = [browser.new_context(viewport=VIEWPORT).new_page() for _ in urls]
    for page, url in zip(pages, urls, strict=True):
        if light_clients:
            light(page)
        page.fatal_errors = [0]
        page.on("console", lambda message, count=page.fatal_errors: count.__setitem__(
            0, count[0] + any(mark in message.text for mark in FATAL)))
        page.goto(url)
    for page in pages:
        wait_playground(page)
        page.evaluate(WATCH)
        page.evaluate(WATCH_RESETS)
    return pages


def stop_sessions(pages: list) -> None:
    for page in pages:
        with contextlib.suppress(Error):  # the run had stopped by itself (or the page broke): nothing to pause
            page.locator(".st-key-pause button").click(timeout=10_000)
    for page in pages:
        page.context.close()


def change_schedule(count: int, start: float, seconds: float, every: float) -> list[tuple[float, int]]:
    """(time, session) of each learning-rate change, spread evenly over the sessions."""
    if every <= 0:
        return []
    events = [(start + every * (index + 0.5) / count + k * every, index)
              for index in range(count) for k in range(int(seconds // every) + 1)]
    return sorted(event for event in events if event[0] < start + seconds)


def change_pending(page) -> bool:
    return bool(page.evaluate("() => window.__load.pending !== null"))


def try_change(page, key: str) -> bool:
    """Press `key` on the learning-rate slider; False when the previous change has not arrived yet
    or the slider is not on the page (a full rerun is redrawing the sidebar)."""
    if change_pending(page):
        return False
    try:
        page.locator(LR_SLIDER).press(key, timeout=5_000)
    except PlaywrightTimeout:
        return False
    return True


def run_changes(pages: list, schedule: list[tuple[float, int]], until: float,
                kill: tuple[float, Callable[[], None]] | None = None) -> int:
    """Move each session's learning rate on schedule (right, then left: 0.03 <-> 0.1) and do `kill`
    = (time, action) at its time, then wait out the window; returns the number of turns skipped
    (see `try_change`)."""
    raised, skipped = [False] * len(pages), 0
    events = [(when, index) for when, index in schedule] + ([(kill[0], -1)] if kill else [])
    for when, index in sorted(events):
        time.sleep(max(0.0, when - time.perf_counter()))
        if index < 0:
            kill[1]()
        elif try_change(pages[index], "ArrowLeft" if raised[index] else "ArrowRight"):
            raised[index] = not raised[index]
        else:
            skipped += 1
    time.sleep(max(0.0, until - time.perf_counter()))
    return skipped


def page_watch(pages: list) -> dict:
    """All sessions' change latencies in seconds, the changes lost (still pending LOST_AFTER s
    after the window) and the chart removals."""
    deadline = time.perf_counter() + LOST_AFTER
    while any(change_pending(page) for page in pages) and time.perf_counter() < deadline:
        time.sleep(0.25)
    watched = [page.evaluate("() => ({...window.__load, chart: null})") for page in pages]
    return {"latencies": [ms / 1000 for w in watched for ms in w["latencies"]],
            "latencies_by_session": [[ms / 1000 for ms in w["latencies"]] for w in watched],
            "lost": sum(w["pending"] is not None for w in watched), "removals": sum(w["removals"] for w in watched)}


# --- one round ---------------------------------------------------------------------------------

def per_second(before: list[Counters | None], after: list[Counters | None], field: str) -> list[float]:
    """The rate of each session; 0 for a broken one."""
    return [0.0 if a is None or b is None else (getattr(b, field) - getattr(a, field)) / (b.time - a.time)
            for a, b in zip(before, after, strict=True)]


def session_urls(base: str, count: int, at_bounds: int) -> list[str]:
    """`count` default Playground links, then `at_bounds` links to the largest run (bounds.BOUNDS_QUERY)."""
    return [base] * count + [f"{base}?{urlencode(BOUNDS_QUERY)}"] * at_bounds


def measure_round(browser, target, count: int, args, idle_rss: float, at_bounds: int = 0) -> dict:
    """N = count default sessions plus `at_bounds` sessions on the largest run, all training; with
    `args.kill_one_after`, the backend holding the most sessions is killed that many seconds into
    the window."""
    errors_before = target.errors()
    pages = open_sessions(browser, session_urls(target.url, count, at_bounds), args.light)
    total, fault = count + at_bounds, None
    try:
        for page in pages:
            page.locator(".st-key-play button").click()
        time.sleep(args.warmup)
        held, backends = [backend_of(page) for page in pages], target.backends()
        before, usage_0 = [counters(page) for page in pages], Usage.now(target.server_pids())
        ledger = CpuLedger(target.server_groups())
        schedule = change_schedule(total, time.perf_counter(), args.seconds, args.change_every)
        kill, at_kill = None, []
        if args.kill_one_after is not None:
            def kill_one():
                nonlocal fault
                at_kill.extend(counters(page) for page in pages)
                ledger.read(target.server_groups())
                fault = kill_busiest(backends, held)
            kill = (usage_0.wall + args.kill_one_after, kill_one)
        skipped = run_changes(pages, schedule, until=usage_0.wall + args.seconds, kill=kill)
        after, usage_1 = [counters(page) for page in pages], Usage.now(target.server_pids())
        ledger.read(target.server_groups())
        rss = rss_mb(target.server_pids())
        watched = page_watch(pages)
        fatal = [page.fatal_errors[0] for page in pages]
        if fault is not None:
            fault = come_back(pages, fault)
            fault["others_kept"] = others_kept(before, at_kill, after, fault["kill"].victims)
            fault["backends_after"] = target.backends()
    finally:
        stop_sessions(pages)
    wall = usage_1.wall - usage_0.wall
    errors = target.errors()
    return {"n": total, "at_bounds": at_bounds, "epochs": per_second(before, after, "epoch"),
            "updates": per_second(before, after, "reacts"),
            "broken": sum(a is None or b is None for a, b in zip(before, after, strict=True)),
            "skipped": skipped, "cpu": cpu_percent(usage_0, usage_1, ledger), "rss": rss,
            "rss_per_session": (rss - idle_rss) / total,
            "errors": None if errors is None else errors - errors_before, "fatal": fatal, "held": held,
            "backend_cpu": {name: 100 * seconds / wall for name, seconds in ledger.spent().items() if name in backends},
            "fault": fault, **watched}


def others_kept(before: list, at_kill: list, after: list, victims: list[int]) -> float:
    """The median epochs/s of the sessions not on the killed backend after the kill, as a share of
    theirs before it."""
    others = [i for i in range(len(before)) if i not in victims]
    if not others:
        return float("nan")
    rate_before = statistics.median(per_second([before[i] for i in others], [at_kill[i] for i in others], "epoch"))
    rate_after = statistics.median(per_second([at_kill[i] for i in others], [after[i] for i in others], "epoch"))
    return rate_after / rate_before if rate_before else float("nan")


def warm_up(browser, url: str) -> None:
    """Load one page so the server has imported everything before the first round."""
    context = browser.new_context(viewport=VIEWPORT)
    open_playground(context.new_page(), url)
    context.close()


# --- report ------------------------------------------------------------------------------------

COLUMNS = [("N", "", 5), ("epochs/s/session", "median    min", 16), ("updates/s/session", "median    min", 17),
           ("change latency ms", "median   p95 (n, lost)", 23), ("server CPU %core", "total /session", 16),
           ("server RSS MB", "total /session", 15), ("chromium", "%core", 8), ("bench", "%core", 5),
           ("other", "%core", 5), ("machine", "% all", 7), ("chart", "gone", 5), ("broken", "", 6),
           ("app", "errors", 6), ("fatal", "conn.", 5)]


def _line(cells: list[str]) -> str:
    return " | ".join(cell.rjust(width) for cell, (_, _, width) in zip(cells, COLUMNS, strict=True))


def _latency(result: dict) -> str:
    latencies, count = result["latencies"], f"({len(result['latencies'])}, {result['lost']})"
    if not latencies:
        return f"-      - {count}"
    return f"{statistics.median(latencies) * 1000:.0f} {np.percentile(latencies, 95) * 1000:5.0f} {count}"


def survivors(result: dict, field: str) -> list[float]:
    """`field` ("epochs" or "updates") of each session whose backend was not killed in the round."""
    victims = result["fault"]["kill"].victims if result["fault"] else []
    return [value for index, value in enumerate(result[field]) if index not in victims]


def format_row(result: dict) -> str:
    """The round's line of the table (epochs and updates: the sessions whose backend was not killed)."""
    n, epochs, updates, cpu = result["n"], survivors(result, "epochs"), survivors(result, "updates"), result["cpu"]
    label = f"{n - result['at_bounds']}+{result['at_bounds']}b" if result["at_bounds"] else str(n)
    return _line([label, f"{statistics.median(epochs):.0f} {min(epochs):6.0f}",
                  f"{statistics.median(updates):.1f} {min(updates):6.1f}", _latency(result),
                  f"{cpu['server']:.0f} {cpu['server'] / n:8.1f}",
                  f"{result['rss']:.0f} {result['rss_per_session']:8.1f}",
                  f"{cpu['browser']:.0f}", f"{cpu['bench']:.0f}", f"{cpu['other']:.0f}", f"{cpu['machine']:.0f}",
                  str(result["removals"]), str(result["broken"]),
                  "-" if result["errors"] is None else str(result["errors"]), str(sum(result["fatal"]))])


def backend_lines(result: dict) -> list[str]:
    """Per backend: the sessions it held and its CPU; then per session: its backend, epochs/s,
    updates/s and widget-change latency (median, p95)."""
    lines = []
    for name, cpu in sorted(result["backend_cpu"].items()):
        held = result["held"].count(name)
        per = f", {cpu / held:.0f} % per session" if held else ""
        lines.append(f"  backend {name}: {held} sessions, CPU {cpu:.0f} % of a core{per}")
    victims = result["fault"]["kill"].victims if result["fault"] else []
    for index, backend in enumerate(result["held"]):
        if index in victims:  # its epochs/s and updates/s span a reset
            lines.append(f"    session {index + 1} on {backend}: its backend was killed (see below)")
            continue
        latencies = result["latencies_by_session"][index]
        latency = (f"{statistics.median(latencies) * 1000:.0f} / {_p95(latencies) * 1000:.0f} ms" if latencies
                   else "-")
        lines.append(f"    session {index + 1} on {backend}: {result['epochs'][index]:.0f} epochs/s, "
                     f"{result['updates'][index]:.1f} updates/s, widget change median / p95 {latency}")
    return lines


def report(results: list[dict], idle_rss: float, args) -> None:
    options = " ".join(f"--{option}" for option in args.option) or "none"
    pinned = "; server pinned to CPU 0, browser to the rest" if args.pin else ""
    pinned += "; browsers at nice 19" if args.nice_browsers else ""
    pinned += "; light clients (pages that do not draw their charts)" if args.light else ""
    print(f"{args.seconds:g} s of training per round, {os.cpu_count()} cores{pinned}; a learning-rate change every "
          f"{args.change_every:g} s per session; idle server RSS {idle_rss:.0f} MB; Streamlit options: {options}")
    print(_line([title for title, _, _ in COLUMNS]))
    print(_line([subtitle for _, subtitle, _ in COLUMNS]))
    for result in results:
        print(format_row(result))
    if args.url:
        for result in results:
            print(f"N={result['n']}:")
            print("\n".join(backend_lines(result)))
            if result["fault"]:
                fault = result["fault"]
                print("  " + fault_line(fault, fault["backends_after"], fault["others_kept"]))
    skipped = sum(result["skipped"] for result in results)
    if skipped:
        print(f"({skipped} scheduled changes skipped: the session's previous change had not arrived yet, "
              "or its slider was not on the page)")
    for alone, mixed in zip(results, results[1:], strict=False):
        if mixed["at_bounds"] and not alone["at_bounds"] and alone["n"] == mixed["n"] - mixed["at_bounds"]:
            print(fairness(alone, mixed))
    held = [result["n"] for result in results if min(result["updates"]) >= MIN_UPDATES and not result["at_bounds"]]
    print(f"largest N with every session at >= {MIN_UPDATES:g} chart update/s: {max(held) if held else 'none'}")


def fairness(alone: dict, mixed: dict) -> str:
    """How the default sessions fare beside sessions at the bounds, against the same sessions alone."""
    defaults = alone["n"]
    before, beside = statistics.median(alone["updates"]), statistics.median(mixed["updates"][:defaults])
    share = beside / before if before else float("nan")
    by_session = mixed["latencies_by_session"]
    default_p95, bounds_p95 = (_p95([x for latencies in group for x in latencies])
                               for group in (by_session[:defaults], by_session[defaults:]))
    return (f"beside {mixed['at_bounds']} session(s) at the bounds, the {defaults} default sessions keep "
            f"{share:.0%} of their chart updates/s alone ({beside:.1f} vs {before:.1f}; target >= 50 %); "
            f"widget change p95: default sessions {default_p95:.2f} s, sessions at the bounds {bounds_p95:.2f} s "
            f"(target < 2 s); fatal connection errors: {sum(mixed['fatal'])}")


def _p95(values: list[float]) -> float:
    return float(np.percentile(values, 95)) if values else float("nan")


def streamlit_options(pairs: list[str]) -> list[str]:
    """["runner.fastReruns=false"] -> ["--runner.fastReruns", "false"]"""
    return [part for pair in pairs for part in (f"--{pair.split('=', 1)[0]}", pair.split("=", 1)[1])]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="1,5,10,20", help="comma-separated session counts")
    parser.add_argument("--seconds", type=float, default=30.0, help="measuring window per round")
    parser.add_argument("--change-every", type=float, default=5.0, help="s between a session's widget changes; 0: none")
    parser.add_argument("--warmup", type=float, default=3.0, help="s of training before the window")
    parser.add_argument("--settle", type=float, default=5.0, help="s of rest between rounds")
    parser.add_argument("--quiet-patience", type=float, default=600.0,
                        help="s to wait at most for a quiet machine (< 10 %% busy) before each round")
    parser.add_argument("--pin", action="store_true",
                        help="server on CPU 0, browser and benchmark on the others (as if on their own machines)")
    parser.add_argument("--nice-browsers", action="store_true",
                        help="run Chromium (and this script) at nice 19: the server gets the CPU it asks for and "
                             "the browsers the rest, the nearest this machine comes to browsers on other machines")
    parser.add_argument("--light", action="store_true",
                        help="pages that receive and decode every frame but do not draw the charts, as if each "
                             "student's browser ran on its own machine (light_client.py)")
    parser.add_argument("--bounds", type=int, default=0, metavar="K",
                        help="after each round, the same N default sessions again plus K at the largest run "
                             "(bounds.BOUNDS_QUERY): how the defaults fare beside them")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a Streamlit option for the server, e.g. runner.fastReruns=false (repeatable)")
    parser.add_argument("--url", help="drive a running `python -m playground.serve` at this address (e.g. "
                        "http://127.0.0.1:8600) instead of starting a Streamlit process; reports per backend")
    parser.add_argument("--kill-one-after", type=float, metavar="S",
                        help="with --url: SIGKILL the backend holding the most sessions S seconds into each "
                             "window, and report how its sessions came back and whether the others noticed")
    args = parser.parse_args()
    if args.kill_one_after is not None and not args.url:
        parser.error("--kill-one-after needs --url (a proxy with several backends)")
    counts = [int(n) for n in args.sessions.split(",")]
    require_chromium()
    results = []
    with load_target(args.url, streamlit_options(args.option)) as target:
        if args.pin:
            for pid in target.server_pids():
                pin(pid, {0})
            pin(os.getpid(), set(range(1, os.cpu_count())))  # before Playwright starts its driver and Chromium
        if args.nice_browsers:
            yield_cpu()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                warm_up(browser, target.url)
                time.sleep(args.settle)
                idle_rss = rss_mb(target.server_pids())
                for count in counts:
                    for at_bounds in (0, args.bounds) if args.bounds else (0,):
                        wait_for_quiet(patience=args.quiet_patience)
                        results.append(measure_round(browser, target, count, args, idle_rss, at_bounds))
                        print(f"  N={count}{f' + {at_bounds} at the bounds' if at_bounds else ''} done", flush=True)
                        time.sleep(args.settle)
            finally:
                browser.close()
    report(results, idle_rss, args)


if __name__ == "__main__":
    main()
