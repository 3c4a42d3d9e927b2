"""Shared helpers for the AppTest page tests."""

import re
from pathlib import Path

from streamlit import config
from streamlit.testing.v1 import AppTest

from playground.ui.text import WORD_JOINER

# The shipped .streamlit/config.toml hides error details from users (showErrorDetails = "none");
# a failing page test should show them.
config.set_option("client.showErrorDetails", "full")
APP = str(Path(__file__).resolve().parents[1] / "app.py")  # from_file resolves relative paths from the caller


def shown(markdown) -> str:
    """What a reader sees of an element's escaped markdown (see playground.ui.text): the text
    without its backslash escapes and word joiners."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace(WORD_JOINER, "")


def problems(at: AppTest) -> str:
    """Every exception the page showed, with its stack trace, for an assertion message."""
    return "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


def run(at: AppTest) -> AppTest:
    """Run the script and fail with the page's exceptions if it showed any."""
    at.run()
    assert not at.exception, problems(at)
    return at


def open_playground(query: dict[str, str] | None = None, steps: int = 0) -> AppTest:
    """A fresh browser session on the Playground at `?<query>`, after `steps` clicks on Step."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    run(at)
    for _ in range(steps):
        click(at, "step")
    return at


def click(at: AppTest, key: str) -> AppTest:
    """Click the (enabled) button with this key and run the script."""
    button = at.button(key=key)
    assert not button.disabled, f"button {key!r} is disabled"
    button.click()
    return run(at)
