"""The Playground end to end in headless Chromium: what only a real browser shows.

Runs `streamlit run app.py` on a free loopback port (see tests/browser.py) and checks, as a user
would see them: the boundary chart is drawn before Play and then updates in place while the epoch
counter rises; Pause stops both; the replay plays in the browser with Plotly's own Play button;
a link reopened in a fresh browser shows the same settings and the same epoch-0 run.
Screenshots of the key moments go to tests/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
import re
import time

import pytest
from browser import chromium_context, screenshot, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BOUNDARY = ".st-key-boundary .live-chart"
REPLAY = ".st-key-replay .js-plotly-plot"
SHARED = "?noise=0.2&layers=8relu&seed=3"

# The page as a user reads it: metrics by label, and the boundary chart's node, paint count and heatmap.
STATE_JS = """() => {
  const metrics = {};
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const label = m.querySelector('[data-testid="stMetricLabel"]');
    const value = m.querySelector('[data-testid="stMetricValue"]');
    if (label && value) metrics[label.innerText.trim()] = value.innerText.trim();
  }
  const charts = document.querySelectorAll('.st-key-boundary .live-chart');
  const gd = charts[0];
  const heat = gd && gd._fullData ? gd._fullData.find(t => t.type === 'heatmap') : null;
  let digest = '';
  if (heat) {  // a cheap fingerprint of the whole heatmap
    let h = 0, i = 0;
    for (const row of heat.z) for (const v of row) h = (h * 31 + Math.round(v * 1000) + (i++)) % 2147483647;
    digest = String(h);
  }
  return {
    metrics, charts: charts.length, digest,
    reacts: gd ? Number(gd.dataset.reacts) : 0,
    tagged: !!gd && gd.__playgroundTest === 'boundary',
    drawn: !!gd && !!gd.querySelector('.main-svg'),
    error: gd ? gd.dataset.error || '' : 'no chart',
  };
}"""


# The replay's boundary panel (subplot xy): its heatmap image and its data points, and the slider position.
REPLAY_DRAWN_JS = f"""() => {{
  const gd = document.querySelector('{REPLAY}');
  return {{active: gd._fullLayout.sliders[0].active,
           images: gd.querySelectorAll('.subplot.xy .heatmaplayer image').length,
           points: gd.querySelectorAll('.subplot.xy .scatterlayer .point').length}};
}}"""


def epoch(state: dict) -> int:
    return int(state["metrics"]["Epoch"].replace(",", ""))


def open_app(context, url: str, errors: list[str]):
    """A new tab on `url`, idle, with the boundary chart drawn."""
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    wait_idle(page, timeout=60)
    page.wait_for_selector(f"{BOUNDARY} .main-svg", timeout=30_000)
    # On a busy machine the metrics can still be skeletons after the chart is drawn.
    page.wait_for_function("() => [...document.querySelectorAll('[data-testid=\"stMetricLabel\"]')]"
                           ".some(label => label.innerText.trim() === 'Epoch')", timeout=30_000)
    return page


def state(page) -> dict:
    return page.evaluate(STATE_JS)


def sample(page, seconds: float) -> list[dict]:
    """The page's state every 100 ms for `seconds`."""
    samples, start = [], time.monotonic()
    while time.monotonic() - start < seconds:
        samples.append(state(page))
        page.wait_for_timeout(100)
    return samples + [state(page)]


def play_for(page, seconds: float) -> list[dict]:
    """Press Play and sample the page for `seconds` from the first live frame (the first sample is before Play)."""
    before = state(page)
    page.click(".st-key-play button")
    page.wait_for_function(f"n => Number(document.querySelector('{BOUNDARY}').dataset.reacts) > n",
                           arg=before["reacts"], timeout=10_000)
    return [before, *sample(page, seconds)]


def overloaded() -> str:
    """Why frame-rate numbers mean little right now ('' when the machine is not overloaded)."""
    load, cpus = os.getloadavg()[0], os.cpu_count() or 1
    return f"load average {load:.1f} on {cpus} CPUs" if load > cpus else ""


def pause(page) -> dict:
    page.click(".st-key-pause button")
    page.wait_for_selector(".st-key-play button", timeout=10_000)
    wait_idle(page)
    page.wait_for_timeout(500)  # a frame already on its way may still land
    return state(page)


def test_boundary_updates_in_place_while_playing_and_stops_on_pause(playwright, app_url):
    errors: list[str] = []
    with chromium_context(playwright) as context:
        page = open_app(context, app_url, errors)
        before = state(page)
        assert before["charts"] == 1 and before["drawn"] and before["reacts"] >= 1, before
        assert epoch(before) == 0
        page.evaluate(f"() => {{ document.querySelector('{BOUNDARY}').__playgroundTest = 'boundary'; }}")
        screenshot(page, "playground_loaded")

        samples, window = play_for(page, 4.0), 4
        busy = overloaded()
        if samples[-1]["reacts"] - before["reacts"] < 8 and busy:
            samples, window = samples + sample(page, 4.0), 8  # other jobs hold the CPUs: allow twice the time
        screenshot(page, "playground_playing")
        after = samples[-1]
        epochs = [epoch(s) for s in samples]
        updates = after["reacts"] - before["reacts"]
        print(f"\nplayground: {updates} boundary updates and epochs {epochs[0]} -> {epochs[-1]} in ~{window} s, "
              f"{len(set(epochs))} distinct epoch readings" + (f" ({busy})" if busy else ""))
        assert all(s["charts"] == 1 and s["tagged"] and s["drawn"] and not s["error"] for s in samples), \
            "the boundary chart was replaced, blanked or broken while playing"
        assert epochs == sorted(epochs) and len(set(epochs)) >= 4, f"the epoch counter did not keep rising: {epochs}"
        assert updates >= 8, f"only {updates} boundary updates in {window} s" + (f" ({busy})" if busy else "")
        assert len({s["digest"] for s in samples}) >= 4, "the decision boundary itself did not change"

        paused = pause(page)
        page.wait_for_timeout(1_500)
        still = state(page)
        assert epoch(still) == epoch(paused) >= epochs[-1]
        assert still["reacts"] == paused["reacts"] and still["tagged"]
        assert not errors, errors


def test_replay_plays_in_the_browser(playwright, app_url):
    errors: list[str] = []
    with chromium_context(playwright) as context:
        page = open_app(context, app_url, errors)
        play_for(page, 1.5)
        paused = pause(page)
        assert epoch(paused) > 0

        page.locator('[data-testid="stExpander"] summary', has_text="Replay the run").click()
        page.locator(".st-key-replay_on label").click()
        page.wait_for_selector(f"{REPLAY} .slider-container", timeout=30_000)
        wait_idle(page)
        replay = page.locator(REPLAY)
        replay.scroll_into_view_if_needed()
        info = page.evaluate(f"""() => {{
            const gd = document.querySelector('{REPLAY}');
            return {{frames: (gd._transitionData._frames || []).length, active: gd._fullLayout.sliders[0].active,
                     buttons: Array.from(gd.querySelectorAll('.updatemenu-button')).map(b => b.textContent)}};
        }}""")
        assert info["frames"] >= 2 and info["active"] == 0, info
        assert any("Play" in b for b in info["buttons"]), info
        grip = page.locator(f"{REPLAY} .slider-grip-rect").first.get_attribute("transform")
        drawn = page.evaluate(REPLAY_DRAWN_JS)
        assert drawn["images"] == 1 and drawn["points"] > 0, drawn

        replay.locator(".updatemenu-button", has_text="Play").click()
        during = []
        for _ in range(10):
            page.wait_for_timeout(150)
            during.append(page.evaluate(REPLAY_DRAWN_JS))
            if len(during) == 3:
                screenshot(page, "playground_replay")
        page.wait_for_function(f"() => document.querySelector('{REPLAY}')._fullLayout.sliders[0].active >= 3",
                               timeout=10_000)
        assert page.locator(f"{REPLAY} .slider-grip-rect").first.get_attribute("transform") != grip
        assert max(d["active"] for d in during) > 0, during
        assert not errors, errors
        # What the replay is for: the boundary and the points stay drawn while the frames play.
        blank = [d for d in during if d["images"] != 1 or d["points"] != drawn["points"]]
        assert not blank, (f"the boundary panel went blank during playback in {len(blank)} of {len(during)} samples "
                           f"(heatmap images, points): before {drawn}, during {during}")


def test_share_link_reopens_the_same_run_in_a_fresh_browser(playwright, app_url):
    errors: list[str] = []
    with chromium_context(playwright) as first:
        page = open_app(first, app_url + SHARED, errors)
        # A change in the UI: the learning rate one notch up (0.03 -> 0.1), a live change.
        page.focus(".st-key-cfg_learning_rate input[type=range]")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => new URLSearchParams(location.search).get('lr') === '0.1'", timeout=10_000)
        wait_idle(page)
        link, original = page.url, state(page)
        for part in ("noise=0.2", "layers=8relu", "seed=3", "lr=0.1"):
            assert re.search(rf"[?&]{re.escape(part)}(&|$)", link), (part, link)
        assert epoch(original) == 0

        with chromium_context(playwright) as second:
            shared = open_app(second, link, errors)
            copy = state(shared)
            screenshot(shared, "playground_shared_link")
            assert shared.url == link
            expect(shared.locator(".st-key-cfg_noise [data-testid=stSliderThumbValue]")).to_have_text("0.20")
            expect(shared.locator(".st-key-cfg_noise input[type=range]")).to_have_value("0.2")
            expect(shared.locator(".st-key-cfg_seed input")).to_have_value("3")
            expect(shared.locator(".st-key-cfg_layer0_units input")).to_have_value("8")
            expect(shared.locator(".st-key-cfg_layer0_activation input[role=combobox]")).to_have_value("relu")
            expect(shared.locator(".st-key-cfg_layer1_units")).to_have_count(0)
            expect(shared.locator(".st-key-cfg_learning_rate input[type=range]")).to_have_attribute(
                "aria-valuetext", "0.1")
            # Same seed, same data and initial weights: the same epoch-0 numbers and boundary.
            assert copy["metrics"] == original["metrics"]
            assert copy["digest"] == original["digest"] != ""
    assert not errors, errors



# ---------------------------------------------------------------------------------------------
# Your own data: a real file through the uploader, real clicks on the plot

DRAWN_JS = f"""() => {{
  const gd = document.querySelector('{BOUNDARY}');
  const drawn = gd._fullData.find(t => t.name === 'drawn');
  return drawn ? drawn.x.length : -1;
}}"""


def open_own_data(page) -> None:
    page.locator(".st-key-panel_own_data summary").click()
    page.wait_for_selector(".st-key-own_draw", timeout=10_000)


def test_an_uploaded_csv_is_trained_on_and_shown(playwright, app_url, tmp_path):
    rows = [f"{x};{y};{'warm' if x * y > 0 else 'cold'}" for x in range(-60, 61, 12) for y in range(-50, 51, 10)]
    csv_file = tmp_path / "fruit.csv"
    csv_file.write_text("length;weight;kind\n" + "\n".join(rows) + "\n")
    errors: list[str] = []
    with chromium_context(playwright) as context:
        page = open_app(context, app_url, errors)
        open_own_data(page)
        page.locator('.st-key-own_csv input[type="file"]').set_input_files(str(csv_file))
        expect(page.get_by_text("Loaded fruit.csv: 121 points")).to_be_visible(timeout=20_000)
        wait_idle(page)
        warm = sum(row.endswith("warm") for row in rows)
        expect(page.get_by_text(f"classes cold ({121 - warm}), warm ({warm})", exact=False)).to_be_visible()
        assert "data=custom" in page.url
        points = page.evaluate(f"() => document.querySelector('{BOUNDARY}')._fullData"
                               ".filter(t => t.name === 'train')[0].x.length")
        assert points == 60  # the file's 121 rows, split in half
        screenshot(page, "own-data-uploaded")
    assert not errors, errors


def test_clicks_on_the_plot_draw_points_and_a_click_on_one_removes_it(playwright, app_url):
    errors: list[str] = []
    with chromium_context(playwright, viewport={"width": 1400, "height": 1400}) as context:
        page = open_app(context, app_url, errors)
        open_own_data(page)
        page.locator(".st-key-own_draw label").first.click()
        page.wait_for_function(f"() => ({DRAWN_JS})() === 0", timeout=20_000)  # clickable, nothing drawn yet
        wait_idle(page)
        page.locator(BOUNDARY).scroll_into_view_if_needed()
        box = page.locator(f"{BOUNDARY} .nsewdrag").first.bounding_box()

        def click(x: float, y: float) -> None:  # as a hand does: Plotly reports what the pointer hovers
            page.mouse.move(box["x"] + box["width"] * x, box["y"] + box["height"] * y)
            page.wait_for_timeout(150)
            page.mouse.click(box["x"] + box["width"] * x, box["y"] + box["height"] * y)

        for i in range(3):
            click(0.15 + 0.1 * i, 0.12)
            page.wait_for_function(f"n => ({DRAWN_JS})() === n", arg=i + 1, timeout=15_000)
        expect(page.get_by_text("Drawing: 3 points (class 0: 3", exact=False)).to_be_visible(timeout=10_000)
        click(0.25, 0.12)  # on the second point
        page.wait_for_function(f"() => ({DRAWN_JS})() === 2", timeout=15_000)
        screenshot(page, "own-data-drawing")
    assert not errors, errors
