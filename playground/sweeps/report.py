"""A sweep as a self-contained HTML page: the figures the Overfitting page draws, plotly.js inlined."""

from __future__ import annotations

import html
from collections.abc import Sequence

from ..figures.sweeps import epoch_figure, sweep_curve_figure
from .engine import RunRecord, SweepSpec
from .summary import best_value, summarize


def figures(records: Sequence[RunRecord], param: str) -> list:
    """The page's figures for these records: the U-curve (loss and error), the learning curve when
    the knob changes the training points, and the epoch-wise view."""
    out = [sweep_curve_figure(records, param, title="Loss after training"),
           sweep_curve_figure(records, param, error=True, title="Error after training")]
    if param in ("samples", "train"):
        out.append(sweep_curve_figure(records, param, x="n_train", title="Learning curve"))
    out.append(epoch_figure(records, param))
    return out


def html_report(spec: SweepSpec, records: Sequence[RunRecord]) -> str:
    """The whole report: a title, what was run, the best value and the figures (plotly.js inlined once)."""
    best = best_value(summarize(records))
    parts = []
    for i, fig in enumerate(figures(records, spec.param)):
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0)))
    link = "?" + "&".join(f"{k}={v}" for k, v in spec.config.to_query().items())
    summary = (f"{len(records)} runs: {spec.param} over {', '.join(f'{v:g}' for v in spec.values)}, "
               f"{spec.seeds} seeds, {spec.epochs} epochs, from the run {link}.")
    if best is not None:
        summary += f" Lowest mean test loss at {spec.param}={best.value:g} ({best.mean['test_loss']:.4g})."
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Sweep of "
            f"{html.escape(spec.param)}</title></head><body style='font-family:sans-serif;max-width:1000px;"
            f"margin:auto'><h1>Sweep of {html.escape(spec.param)}</h1><p>{html.escape(summary)}</p>"
            + "".join(parts) + "</body></html>")
