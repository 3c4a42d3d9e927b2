"""First load of the Playground: how long a student waits, on a new server process and on a warm one.

    python benchmarks/first_load.py [--runs 3] [--url-query "data=spiral"] [--no-importtime] [--app DIR ...]

For each run it starts the app on a free loopback port (a cold process: nothing imported beyond
Streamlit itself), opens the Playground in a headless Debian Chromium context, then opens it
again in a second context (a new session on the now warm process). Per page, from the
navigation's start (`performance.now()` in the page):

- frame: the page title, the sidebar's first widget and the Play button are on the page;
- chart: the boundary chart is drawn (its Plotly SVG with the heatmap image);
- play: from the press of Play (pointerdown) to the epoch metric showing more than 0.

Then `python -X importtime` of the app's first script run (an AppTest run of app.py, so the
imports made lazily on the way, such as scikit-learn's, are counted): the largest packages
imported after Streamlit itself, cumulative milliseconds. Medians over `--runs` processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from browser_session import IDLE, ROOT, app_server, chromium_context, require_chromium

# Installed before any page script: records when each landmark first appears (ms since navigation).
MARKS = """(() => {
  const marks = (window.__marks = {});
  const landmarks = {
    frame: () => document.querySelector('h1') && document.querySelector('[data-testid="stSidebar"] input')
      && document.querySelector('.st-key-play button'),
    chart: () => document.querySelector('.st-key-boundary .live-chart .main-svg image'),
  };
  const observer = new MutationObserver(() => {
    for (const [name, found] of Object.entries(landmarks)) {
      if (!(name in marks) && found()) marks[name] = performance.now();
    }
    if (Object.keys(marks).length === Object.keys(landmarks).length) observer.disconnect();
  });
  observer.observe(document, {childList: true, subtree: true});
})();"""

# From the press of Play to the epoch metric (the first st.metric) showing more than 0.
PLAY = """() => {
  const button = document.querySelector('.st-key-play button');
  button.addEventListener('pointerdown', () => {
    const pressed = performance.now();
    function check() {
      const metric = document.querySelector('[data-testid="stMetricValue"]');
      const epoch = metric ? Number(metric.innerText.replace(/[^0-9]/g, '')) : 0;
      if (epoch > 0) window.__play = performance.now() - pressed; else requestAnimationFrame(check);
    }
    requestAnimationFrame(check);
  }, {capture: true, once: true});
}"""


def load_once(context, url: str) -> dict[str, float]:
    """Open `url` in a new page of `context`; seconds to the frame, the chart and the first epoch after Play."""
    page = context.new_page()
    page.add_init_script(MARKS)
    page.goto(url)
    page.wait_for_function("() => window.__marks && 'frame' in __marks && 'chart' in __marks", timeout=120_000,
                           polling=50)
    marks = page.evaluate("() => window.__marks")
    page.wait_for_selector(IDLE, timeout=60_000)
    page.evaluate(PLAY)
    page.locator(".st-key-play button").click()
    page.wait_for_function("() => window.__play !== undefined", timeout=60_000, polling=20)
    play = page.evaluate("() => window.__play")
    page.locator(".st-key-pause button").click()
    page.wait_for_selector(".st-key-play button", timeout=30_000)
    page.close()
    return {"frame": marks["frame"] / 1000, "chart": marks["chart"] / 1000, "play": play / 1000}


def measure(runs: int, query: str, apps: list[tuple[Path, str]]) -> dict[tuple[str, str], list[dict[str, float]]]:
    """Per (app, "cold" or "warm"): one result per run. An app is (checkout, launcher module); the
    apps take turns in every run, so a machine busy with other work disturbs them alike."""
    from playwright.sync_api import sync_playwright

    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    with sync_playwright() as pw:
        for _ in range(runs):
            for root, launcher in apps:
                with app_server("first-load", script=str(root / "app.py"), launcher=launcher) as app:
                    url = app.url + (f"?{query}" if query else "")
                    for kind in ("cold", "warm"):
                        with chromium_context(pw) as context:
                            results.setdefault((f"{root.name} ({launcher})", kind), []).append(load_once(context, url))
    return results


# The app's first script run under AppTest; a marker line separates Streamlit's imports from the app's.
_IMPORT_PROBE = """
import sys
from streamlit.testing.v1 import AppTest
print("import time: MARK", file=sys.stderr, flush=True)
at = AppTest.from_file("app.py", default_timeout=120).run()
assert not at.exception, at.exception
"""


def app_imports(top: int = 12) -> tuple[float, list[tuple[float, str]]]:
    """Seconds of imports in the app's first script run, and the `top` largest top-level ones (ms, name)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", _IMPORT_PROBE], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    lines = done.stderr.splitlines()
    after = lines[next(i for i, line in enumerate(lines) if "MARK" in line) + 1:]
    rows = []
    for line in after:
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split(":", 1)[1].split("|")
        if not name.startswith(" ") or name.startswith("  "):  # top level of each import statement only
            continue
        try:
            rows.append((int(cumulative) / 1000, name.strip()))
        except ValueError:
            continue
    return sum(ms for ms, _ in rows) / 1000, sorted(rows, reverse=True)[:top]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="server processes to start (default 3)")
    parser.add_argument("--url-query", default="", help="a query string for the Playground, e.g. data=spiral")
    parser.add_argument("--no-importtime", action="store_true", help="skip the import-time breakdown")
    parser.add_argument("--app", action="append", default=[],
                        help="DIR or DIR=MODULE: a checkout of the app to measure, started with `python -m MODULE run` "
                             "(default streamlit; playground.ui.serving is the warm start); repeat to compare, e.g. "
                             "--app . --app .=playground.ui.serving --app ../main (default: this checkout)")
    args = parser.parse_args()
    require_chromium()
    apps = [(Path(path).resolve(), launcher or "streamlit")
            for path, _, launcher in (spec.partition("=") for spec in args.app)] or [(ROOT, "streamlit")]
    start = time.perf_counter()
    results = measure(args.runs, args.url_query, apps)
    print(f"first load of the Playground, {args.runs} server process(es) per app, median [min-max], seconds "
          f"({time.perf_counter() - start:.0f} s in all):")
    for (app, kind), rows in results.items():
        parts = []
        for name, what in (("frame", "page frame"), ("chart", "boundary chart"), ("play", "Play -> epoch > 0")):
            values = [row[name] for row in rows]
            parts.append(f"{what} {statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]")
        print(f"  {app} {kind} process: " + "; ".join(parts))
    if not args.no_importtime:
        total, top = app_imports()
        print(f"imports of the app's first script run (after Streamlit's): {total:.2f} s in all; largest:")
        for ms, name in top:
            print(f"  {ms:7.0f} ms  {name}")


if __name__ == "__main__":
    main()
