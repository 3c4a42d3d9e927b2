"""A lecture hall without internet: every request the app's pages make stays on the server's host,
and students see no developer toolbar (no Deploy button, no Rerun or Clear cache in the menu).

Records every request and WebSocket of a headless Chromium page across all pages of the app and
while the Playground plays.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser import chromium_context, screenshot, wait_idle
from browser_session import epoch_shown, wait_playground

pytestmark = pytest.mark.browser

PAGES = ["lessons", "compare", "overfitting", "diagnostics", "activations", "how_it_learns"]
DEVELOPER_ITEMS = ("Rerun", "Clear cache", "Deploy")


def test_no_request_leaves_the_server_and_no_developer_toolbar(playwright, app_url):
    server = urlsplit(app_url).netloc
    seen: list[str] = []
    with chromium_context(playwright) as context:
        context.on("request", lambda request: seen.append(request.url))
        page = context.new_page()
        page.on("websocket", lambda socket: seen.append(socket.url))
        page.goto(app_url)
        wait_playground(page)
        page.click(".st-key-play button")
        page.wait_for_function("() => Number(document.querySelector('.live-chart').dataset.reacts) > 2",
                               timeout=30_000)
        page.click(".st-key-pause button")
        page.wait_for_selector(".st-key-play button", timeout=10_000)
        assert epoch_shown(page) > 0

        assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
        page.locator('[data-testid="stMainMenu"] button').click()
        menu = page.locator('[data-testid="stMainMenuPopover"]')
        menu.wait_for(timeout=10_000)
        screenshot(page, "offline_main_menu")
        items = menu.inner_text()
        assert not [item for item in DEVELOPER_ITEMS if item in items], items
        page.keyboard.press("Escape")

        icon = page.evaluate("() => Array.from(document.querySelectorAll('link[rel~=icon]')).map(l => l.href)")
        assert icon and all(urlsplit(href).netloc == server for href in icon), icon
        for name in PAGES:
            page.goto(app_url + name)
            wait_idle(page, timeout=60)
    outside = sorted({url for url in seen if urlsplit(url).netloc != server and not url.startswith(("data:", "blob:"))})
    assert seen and not outside, f"requests left {server}: {outside}"
