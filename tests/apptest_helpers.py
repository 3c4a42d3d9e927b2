"""Shared helpers for the AppTest page tests."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")  # from_file resolves relative paths from the caller


def problems(at: AppTest) -> str:
    """Every exception the page showed, with its stack trace, for an assertion message."""
    return "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


def run(at: AppTest) -> AppTest:
    """Run the script and fail with the page's exceptions if it showed any."""
    at.run()
    assert not at.exception, problems(at)
    return at
