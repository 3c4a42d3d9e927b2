"""Static PNG or SVG images of a figure through kaleido 1.x, which drives a Chromium browser.

kaleido is optional: without it (or without a browser) `static_image` raises
StaticExportUnavailable with the reason, and `static_export_available()` tells a page in advance,
so it can show a disabled button with that reason. MathJax is turned off (no LaTeX in our figures,
and kaleido would fetch it from a CDN). Each call starts a browser: expect a few seconds.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import plotly.graph_objects as go

FORMATS = ("png", "svg")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_KALEIDO = ("{fmt} export needs the kaleido package (version 1 or later) and a Chromium browser; install "
              "kaleido (pip install kaleido) or use the HTML export.")
NO_BROWSER = ("{fmt} export needs a Chromium browser for kaleido; install one (e.g. Debian's chromium package) or "
              "set BROWSER_PATH to its executable, or use the HTML export.")


class StaticExportUnavailable(RuntimeError):
    """PNG/SVG export cannot run here; the message says why and what to do instead."""


def find_browser() -> str | None:
    """The browser kaleido would use: $BROWSER_PATH if set, else the first Chromium on PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def static_export_available(fmt: str = "png") -> tuple[bool, str]:
    """(True, "") when `static_image` can work here, else (False, the reason to show a user)."""
    label = fmt.upper()
    if importlib.util.find_spec("kaleido") is None:
        return False, NO_KALEIDO.format(fmt=label)
    if find_browser() is None:
        return False, NO_BROWSER.format(fmt=label)
    return True, ""


def static_image(fig: go.Figure, fmt: str = "png", width: int | None = None, height: int | None = None,
                 scale: float = 2.0) -> bytes:
    """The figure as PNG or SVG bytes.

    width/height default to the figure's layout (else 800 x 560 pixels); `scale` multiplies the
    PNG's pixel density (2: crisp on projectors and high-DPI screens). Raises ValueError for an
    unknown format and StaticExportUnavailable when kaleido or a browser is missing or fails.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(FORMATS)}. Received: fmt={fmt!r}")
    available, reason = static_export_available(fmt)
    if not available:
        raise StaticExportUnavailable(reason)
    import kaleido

    figure = fig.to_dict()
    layout = figure.get("layout", {})
    opts = dict(format=fmt, width=width or layout.get("width") or 800, height=height or layout.get("height") or 560,
                scale=scale)
    try:
        return kaleido.calc_fig_sync(figure, opts=opts, kopts={"mathjax": False})
    except Exception as exc:  # kaleido's own errors (browser not found, crashed, timed out) all mean "not here"
        raise StaticExportUnavailable(f"{fmt.upper()} export failed in kaleido ({type(exc).__name__}: {exc}); "
                                      "use the HTML export instead.") from exc
