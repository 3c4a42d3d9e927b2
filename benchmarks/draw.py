"""What one live frame costs the browser: each chart's message size and Plotly.react time.

    python benchmarks/draw.py [--frames 6] [--query data=spiral&samples=5000...]

Builds the Playground's live charts (boundary, network, health strip, loss curves) as the live
fragment does, for the default run and for the largest run a link accepts (bounds.BOUNDS_QUERY),
at two points of training so that consecutive frames differ, and encodes them as `live_chart`
sends them. Then one headless Chromium page (plotly.js from the plotly wheel, no server) draws
each chart's frames in turn the way the component does (JSON.parse, Plotly.react on the same
div) and times each redraw up to the next animation frame, layout and paint included. The first
draw of each chart (a newPlot) is not counted.

On a 2-core machine the browsers share the cores with the server: a chart that takes the main
thread 0.7 s per redraw holds back its page's widget changes behind it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bounds import BOUNDS_QUERY  # noqa: E402
from browser_session import CHROMIUM, CHROMIUM_ARGS, require_chromium  # noqa: E402

# Widths of the charts' columns on the 1600 px page (left 3/5, right 2/5 of the main area).
WIDTHS = {"boundary": 860, "network": 560, "health": 560, "loss": 1440}
DRAW = """async ([name, texts, width, height]) => {
  const div = document.getElementById(name) || Object.assign(document.createElement('div'), {id: name});
  div.style.cssText = `width:${width}px;height:${height}px`;
  document.body.appendChild(div);
  const times = [];
  for (const [i, text] of texts.entries()) {
    const start = performance.now();
    const fig = JSON.parse(text);
    await Plotly.react(div, fig.data, fig.layout, {responsive: true, displaylogo: false});
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
    if (i) times.push(performance.now() - start);  // the first draw is a newPlot
  }
  return times;
}"""


def frames(query: dict, count: int) -> dict[str, list[bytes]]:
    """Each live chart's encoded figures at `count` points of training (0.15 s of training apart)."""
    from playground import figures
    from playground.training import Trainer
    from playground.ui import live_view
    from playground.ui.live_chart import figure_bytes
    from playground.ui.presentation import read_url
    from playground.ui.serving import limit_blas_threads

    limit_blas_threads()
    config = read_url(query)[0]
    trainer = Trainer(config)
    charts: dict[str, list[bytes]] = {"boundary": [], "network": [], "health": [], "loss": []}
    for _ in range(count):
        trainer.advance(seconds=0.15)
        snapshot = trainer.snapshot()
        built = {
            "boundary": figures.boundary_figure(snapshot, trainer.data, config,
                                                predictions=live_view.predictions(snapshot),
                                                max_points=figures.MAX_POINTS_DRAWN,
                                                height=live_view.BOUNDARY_HEIGHT[0], as_dict=True),
            "network": live_view.network_chart(trainer, snapshot),
            "health": live_view.health_chart(snapshot),
            "loss": figures.loss_figure(trainer.history.thinned(live_view.LIVE_CURVE_POINTS), height=280,
                                        as_dict=True),
        }
        for name, figure in built.items():
            if figure is not None:
                charts[name].append(figure_bytes(figure))
    return charts


def draw_times(page, charts: dict[str, list[bytes]]) -> dict[str, list[float]]:
    """Milliseconds of each redraw after the first, per chart."""
    heights = {"boundary": 540, "network": 380, "health": 170, "loss": 280}
    return {name: page.evaluate(DRAW, [name, [b.decode() for b in texts], WIDTHS[name], heights[name]])
            for name, texts in charts.items() if texts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=6, help="frames per chart (the first is not timed)")
    parser.add_argument("--query", default="", help="a Playground link's query instead of the bounds link")
    args = parser.parse_args()
    require_chromium()
    import plotly
    from playwright.sync_api import sync_playwright

    runs = {"default": {}, "bounds": dict(parse_qsl(args.query)) if args.query else BOUNDS_QUERY}
    built = {name: frames(query, args.frames) for name, query in runs.items()}
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.add_script_tag(path=str(plotly_js))
            print(f"{'run':<8} {'chart':<9} {'bytes/frame':>12} {'redraw ms median':>17} {'min':>6} {'max':>6}")
            for run, charts in built.items():
                times = draw_times(page, charts)
                for name, texts in charts.items():
                    if not texts:
                        continue
                    size = max(len(b) for b in texts)
                    print(f"{run:<8} {name:<9} {size:>12,} {statistics.median(times[name]):>17.0f} "
                          f"{min(times[name]):>6.0f} {max(times[name]):>6.0f}")
                page.evaluate("() => document.body.replaceChildren()")
        finally:
            browser.close()


if __name__ == "__main__":
    main()
