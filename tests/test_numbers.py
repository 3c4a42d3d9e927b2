"""format_number: one readable way to write numbers (cards, tables, hover), and log axes that stay legible."""

from __future__ import annotations

import math

import pytest

from playground import figures
from playground.figures.numbers import format_number
from playground.training import RunHistory


@pytest.mark.parametrize("value, digits, text", [
    (0.693147, 4, "0.6931"), (1.0, 3, "1.000"), (0.995, 3, "0.995"), (12.3456, 4, "12.35"), (1234.5, 4, "1234"),
    (1499294499.3, 4, "1.5e+09"), (-84672000.0, 3, "-8.5e+07"), (3.2e-7, 4, "3.2e-07"), (0.0, 4, "0.0000"),
    (None, 4, "–"), (math.nan, 4, "–"), (math.inf, 4, "–"), (0.0012, 4, "0.0012"), (63.0, 0, "63"),
])
def test_format_number(value, digits, text):
    assert format_number(value, digits) == text


def test_no_number_is_written_longer_than_a_card_holds():
    for exponent in range(-40, 40):
        for mantissa in (1.0, 4.99999, 9.99999):
            for sign in (1, -1):
                assert len(format_number(sign * mantissa * 10.0 ** exponent)) <= 8


def _history(losses) -> RunHistory:
    history = RunHistory()
    for epoch, loss in enumerate(losses):
        history.record(epoch, loss, loss * 1.1, 0.5, 0.5, 1.0)
    return history


def test_a_diverging_runs_log_axis_is_labelled_by_powers_of_ten():
    exploding = figures.loss_figure(_history([0.5 * 10.0 ** (k / 2) for k in range(24)]), log_scale=True,
                                    as_dict=True)
    axis = exploding["layout"]["yaxis"]
    assert axis["type"] == "log" and axis.get("dtick") != "D2" and axis["exponentformat"] == "power"
    calm = figures.loss_figure(_history([0.7, 0.5, 0.3, 0.2]), log_scale=True, as_dict=True)
    assert calm["layout"]["yaxis"]["dtick"] == "D2"
