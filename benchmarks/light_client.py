"""Light clients for the load benchmark: browser pages that do everything a student's page does
except drawing the charts.

On this benchmark's machine the browsers share the server's cores: N pages that each redraw their
Plotly charts as fast as frames arrive take ~1.5 of 2 cores at N = 6, and a widget change then
waits mostly for a busy browser, not for the server. In a lecture hall every student's browser
runs on its own machine. A light page gets a stand-in for plotly.js: it still receives every frame
over its WebSocket, decodes it, renders Streamlit's elements (metrics, captions, the sidebar) and
parses each figure's JSON, but `Plotly.react` only marks the chart as drawn. So the figures then
measure the server and the network path, with a browser per student that costs what the page
itself costs.

    light(page)   # before page.goto(...)
"""

from __future__ import annotations

# plotly.js's interface as the live chart uses it (react, purge, on); a drawn chart gets the SVG
# the benchmarks wait for.
PLOTLY_STAND_IN = """
window.Plotly = {
  react(div, data, layout, config) {
    if (!div.querySelector('.main-svg')) {
      div.innerHTML = '<svg class="main-svg"><image></image></svg>';
      div.on = () => {};
    }
    div._fullLayout = layout;
    div._fullData = data;
    return Promise.resolve(div);
  },
  purge(div) { div.textContent = ''; },
};
"""


def light(page) -> None:
    """Serve `page` the plotly.js stand-in instead of the real library (see the module docstring)."""
    page.route("**/plotly.min.js", lambda route: route.fulfill(
        status=200, content_type="application/javascript", body=PLOTLY_STAND_IN))
