"""Compare's seed spread in a browser, as a lecturer projects it: presentation mode (big type, no
sidebar) in a 1280 x 720 window, where the two panels' titles once ran into each other."""

from __future__ import annotations

import pytest
from browser import chromium_context, screenshot, wait_idle

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
SPREAD = ".st-key-spread_boundary"

# The boxes of the spread figure's panel titles and axis titles, and of its two plot areas (their drag
# rectangles cover them exactly).
BOXES_JS = f"""() => {{
  const box = (e) => {{ const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }};
  const figure = document.querySelector('{SPREAD}');
  return {{
    titles: [...figure.querySelectorAll('.annotation-text')].map(box),
    axis_titles: [...figure.querySelectorAll('.g-ytitle, .g-y2title')].filter(e => e.getBoundingClientRect().width > 0)
                 .map(box),
    plots: [...figure.querySelectorAll('.draglayer .nsewdrag')].map(box),
  }};
}}"""


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("data", ["blobs&classes=3", "circle"])
def test_the_spread_panels_titles_stay_apart_on_a_projector(playwright, app_url, data):
    with chromium_context(playwright, viewport=PROJECTOR) as context:
        page = context.new_page()
        page.goto(f"{app_url}compare?big=1&hide=sidebar&samples=60&data={data}")
        page.wait_for_selector(".st-key-compare_boundary_0 .live-chart .main-svg", timeout=60_000)
        wait_idle(page)
        page.locator('[data-testid="stExpander"] summary', has_text="Is it luck?").click()
        page.locator(".st-key-run_spread button").click()
        page.wait_for_selector(f"{SPREAD} .main-svg .annotation-text", timeout=180_000)
        wait_idle(page, timeout=60)
        page.locator(SPREAD).scroll_into_view_if_needed()
        screenshot(page, f"compare_spread_projector_{data.split('&')[0]}")
        boxes = page.evaluate(BOXES_JS)
        left, right = boxes["titles"]
        assert not overlap(left, right), boxes
        # one x2 title, left of the left panel: the right panel's own ran into the left panel
        assert [overlap(title, boxes["plots"][0]) for title in boxes["axis_titles"]] == [False], boxes
