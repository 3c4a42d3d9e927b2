"""Share links that try to put a link, an image or an icon on the page, in headless Chromium.

The notes about such a link show its text literally: the page holds no <a> or <img> pointing at
the link's site, no icon, colour or formula of its making, and the browser requests nothing from
that site (watched with Playwright's request events; requests off the loopback are aborted).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from browser import chromium_context, require_chromium, screenshot, streamlit_server, wait_idle
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

EVIL = "evil.example"
LINKS = {  # name -> query string as a user would paste it (keys and values percent-encoded here)
    "expired": [("lesson", "overfitting"),
                ("**Your session expired.** [Click here to sign in again](https://evil.example/login) "
                 "![t](https://evil.example/pixel.png)", "1")],
    "login": [("[Log in](https://evil.example)", "x")],
    "bare": [(key, "1") for key in ("https://evil.example/a", "www.evil.example", "me@evil.example", ":material/lock:",
                                     ":red[alarm]", "$x^2$", "<img src=https://evil.example/i.png>",
                                     "<a href=https://evil.example>b</a>")],
}
NOTES = '[data-testid="stAlert"]:has-text("The link asked for")'  # the link's notes (not the lesson's)
# Within the notes: anything markdown would have made of the link's text.
MADE = 'a, img, [data-testid="stIconMaterial"], .katex, span[class*="color"], b, strong, em'


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """The app under `streamlit run`, stopped by its PID when the module is done."""
    require_chromium()
    with streamlit_server("app.py", tmp_path_factory.mktemp("streamlit")) as url:
        yield url


def url_of(base: str, pairs) -> str:
    return base + "?" + "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs)


@pytest.mark.parametrize("name", list(LINKS))
def test_an_injection_link_renders_no_link_no_image_and_fetches_nothing(app_url, name):
    requests: list[str] = []
    with sync_playwright() as playwright, chromium_context(playwright) as context:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                      else route.abort())
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(url_of(app_url, LINKS[name]))
        wait_idle(page, timeout=60)
        page.wait_for_selector(NOTES, timeout=30_000)
        screenshot(page, f"safety-{name}")
        links = page.eval_on_selector_all(f"a[href*='{EVIL}']", "els => els.map(e => e.outerHTML)")
        images = page.eval_on_selector_all(f"img[src*='{EVIL}']", "els => els.map(e => e.outerHTML)")
        made = page.eval_on_selector_all(f"{NOTES} :is({MADE})", "els => els.map(e => e.outerHTML)")
        notes = page.locator(NOTES).all_inner_texts()
    assert not links and not images, (links, images)
    assert not made, made
    assert not [url for url in requests if EVIL in (urlsplit(url).hostname or "")], requests
    text = " ".join(notes).replace("\u2060", "")  # the notes' invisible word joiners
    shown = {"expired": "'**Your session expired.** [Click here to sign in again](...",  # cut, quoted
             "login": "'[Log in](https://evil.example)'", "bare": "Received: https://evil.example/a='1'"}
    assert shown[name] in text, text  # as typed, in plain text
