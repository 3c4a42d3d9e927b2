"""Presentation mode's larger text for the static charts (`st.plotly_chart`).

The live charts scale their text in the browser (playground/ui/live_chart.py, `scaled`): every
font size, and the left, top and bottom margins and the annotations' pixel shifts that make room
for text, times k = the page's root font size / 16. `scale_text` does the same in Python for a
figure drawn by Streamlit's own chart element, which has no such hook.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

_SCALARS = ("font_size", "xshift", "yshift")  # a dict figure may say font_size=12 for font=dict(size=12)
_MARGIN_SIDES = "ltb"


def _scaled(spec: Any, k: float) -> Any:
    if isinstance(spec, list | tuple):
        return [_scaled(value, k) for value in spec]
    if not isinstance(spec, dict):
        return spec
    out = {}
    for name, value in spec.items():
        if isinstance(value, dict | list | tuple):
            value = _scaled(value, k)
            if name.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
                value["size"] = value["size"] * k
            elif name == "margin" and isinstance(value, dict):
                value.update({side: value[side] * k for side in _MARGIN_SIDES
                              if isinstance(value.get(side), int | float)})
        elif name in _SCALARS and isinstance(value, int | float) and not isinstance(value, bool):
            value = value * k
        out[name] = value
    return out


def scale_text(figure: go.Figure | dict, k: float) -> go.Figure | dict:
    """The figure with its text `k` times larger, as a dict (for `st.plotly_chart`), as the live
    charts draw it in presentation mode; `figure` itself as it is when k is 1. Frames keep their data."""
    if abs(k - 1.0) < 1e-9:
        return figure
    spec = figure.to_dict() if isinstance(figure, go.Figure) else figure
    return {name: value if name == "frames" else _scaled(value, k) for name, value in spec.items()}
