"""The Playground page in a real browser: chart updates per second, blank or faded frames,
epochs of progress per second, time to the first frame after Play, and JS heap growth.

    python benchmarks/page.py [--seconds 60] [--url-query "data=spiral&layers=8relu,8relu"]

Starts the app on a free loopback port, opens it in headless Debian Chromium (software
rendering), presses Play on the default run and watches for `--seconds`. A sampler in the page
checks on every animation frame whether the boundary chart is painted (its Plotly SVG is
there and has its heatmap image) and not faded (Streamlit dims stale elements while a script
runs). Heap: the used JS heap after a forced garbage collection, at Play and at the end.
Targets (issue 4): >= 4 updates/s, no blank or faded frames, >= 60 epochs/s, first frame
within 1 s, heap growth < 10 MB over 60 s. TensorFlow Playground, the peer, does 1 epoch per
animation frame (at most 60 epochs/s).
"""

from __future__ import annotations

import argparse
import time

from browser_session import app_server, chromium_context, epoch_shown, open_playground, reacts, require_chromium

SAMPLER = """() => {
  const s = window.__sampler = {frames: 0, blank: 0, faded: 0, reactsAtStart: null};
  const chart = () => document.querySelector('.live-chart');
  function tick() {
    const div = chart();
    s.frames++;
    if (!div || !div.querySelector('.main-svg') || !div.querySelector('.heatmaplayer image, .hm image, image'))
      s.blank++;
    else {
      let el = div, opacity = 1;
      while (el && el !== document.body) { opacity *= Number(getComputedStyle(el).opacity); el = el.parentElement; }
      if (opacity < 0.99) s.faded++;
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
}"""


# From the press of Play (pointerdown, as the user feels it) to the next boundary redraw.
FIRST_FRAME = """() => {
  const chart = document.querySelector('.live-chart');
  const button = document.querySelector('.st-key-play button');
  button.addEventListener('pointerdown', () => {
    const pressed = performance.now(), before = chart.dataset.reacts;
    new MutationObserver((_, observer) => {
      if (chart.dataset.reacts !== before) { window.__firstFrame = performance.now() - pressed; observer.disconnect(); }
    }).observe(chart, {attributes: true, attributeFilter: ['data-reacts']});
  }, {capture: true, once: true});
}"""


def heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20


def measure(url: str, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, chromium_context(pw) as context:
        page = context.new_page()
        open_playground(page, url)
        page.wait_for_timeout(1500)
        cdp = context.new_cdp_session(page)
        heap_start = heap_mb(cdp)
        page.evaluate(SAMPLER)
        page.evaluate(FIRST_FRAME)
        page.locator(".st-key-play button").click()
        page.wait_for_function("() => window.__firstFrame !== undefined", timeout=30_000, polling=10)
        first_frame = page.evaluate("() => window.__firstFrame") / 1000
        page.wait_for_timeout(1000)
        epoch_0, reacts_0, start = epoch_shown(page), reacts(page), time.perf_counter()
        page.wait_for_timeout(seconds * 1000)
        elapsed = time.perf_counter() - start
        epoch_1, reacts_1 = epoch_shown(page), reacts(page)
        sampler = page.evaluate("() => window.__sampler")
        heap_end = heap_mb(cdp)
        page.locator(".st-key-pause button").click()
        context.close()
    return {
        "updates_per_s": (reacts_1 - reacts_0) / elapsed, "epochs_per_s": (epoch_1 - epoch_0) / elapsed,
        "first_frame_s": first_frame, "heap_growth_mb": heap_end - heap_start, "heap_start_mb": heap_start,
        "frames_sampled": sampler["frames"], "blank": sampler["blank"], "faded": sampler["faded"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url-query", default="")
    args = parser.parse_args()
    require_chromium()
    with app_server("page-bench") as app:
        url = app.url + (f"?{args.url_query}" if args.url_query else "")
        result = measure(url, args.seconds)
    print(f"over {args.seconds:.0f} s of training ({url}):")
    print(f"  chart updates shown: {result['updates_per_s']:.1f}/s (target >= 4)")
    print(f"  epochs of progress:  {result['epochs_per_s']:.0f}/s (target >= 60; TensorFlow Playground <= 60)")
    print(f"  first frame after Play: {result['first_frame_s'] * 1000:.0f} ms (target <= 1000)")
    print(f"  animation frames sampled {result['frames_sampled']}: blank {result['blank']}, "
          f"faded {result['faded']} (target 0)")
    print(f"  JS heap: {result['heap_start_mb']:.1f} MB at Play, growth {result['heap_growth_mb']:+.1f} MB "
          f"(target < 10 MB over 60 s)")


if __name__ == "__main__":
    main()
