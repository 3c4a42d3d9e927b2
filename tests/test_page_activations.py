"""The Activations page (AppTest, no browser) and the numbers behind its figures.

The numbers are checked against the engine's registry and against closed forms (sigmoid's slope
peaks at 1/4, tanh's at 1, ReLU's RMS slope under N(0, 1) is 1/sqrt(2)); the page is driven the
way a user does and must never end in an exception.
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest
from apptest_helpers import APP, run
from streamlit.testing.v1 import AppTest

from playground.figures import activations as act
from playground.nn import activations as engine

# ---------------------------------------------------------------------------------------------
# The numbers


def test_plottable_names_cover_the_registry_without_aliases_or_softmax():
    names = act.plottable_names()
    assert "softmax" not in names and "silu" not in names and "swish" in names
    assert {type(engine.get(n)) for n in names} == {type(engine.get(n)) for n in engine.hidden_names()}


def test_curves_are_the_engines_own():
    z = np.linspace(-4, 4, 81)
    for name in act.plottable_names():
        fn = engine.get(name)
        a, d = act.evaluate(name, z)
        expected = fn(z.copy())
        assert np.array_equal(a, expected) and np.array_equal(d, fn.derivative(z, expected) * np.ones_like(z))


@pytest.mark.parametrize("name,top,where", [("sigmoid", 0.25, "z = 0"), ("tanh", 1.0, "z = 0"),
                                            ("relu", 1.0, "z > 0"), ("step", 0.0, "everywhere"),
                                            ("linear", 1.0, "everywhere"), ("softplus", 1.0, "z → +∞")])
def test_facts_max_derivative_and_where(name, top, where):
    facts = act.activation_facts(name)
    assert facts.max_derivative == pytest.approx(top, abs=1e-9) and facts.argmax == where


def test_facts_ranges_centring_and_behaviour():
    facts = {name: act.activation_facts(name) for name in act.plottable_names()}
    assert (facts["sigmoid"].output_low, facts["sigmoid"].output_high) == (0.0, 1.0)
    assert (facts["tanh"].output_low, facts["tanh"].output_high) == (-1.0, 1.0)
    assert facts["relu"].output_low == 0.0 and facts["relu"].output_high == math.inf
    assert facts["linear"].output_low == -math.inf
    assert facts["elu"].output_low == pytest.approx(-1.0)
    assert facts["gelu"].output_low == pytest.approx(-0.17, abs=0.005)
    assert {n for n, f in facts.items() if f.zero_centred} == {"linear", "tanh"}
    assert facts["relu"].behaviour.startswith("dies")
    assert facts["step"].behaviour.startswith("no gradient")
    assert facts["sigmoid"].behaviour.startswith("saturates on both sides")
    assert facts["tanh"].behaviour.startswith("saturates on both sides")
    assert facts["leaky_relu"].behaviour == "never saturates"
    assert facts["sigmoid"].mean_output == pytest.approx(0.5, abs=1e-9)
    assert facts["relu"].mean_output == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-6)


def test_gradient_factors_match_closed_forms():
    assert act.gradient_factor("relu", "rms") == pytest.approx(math.sqrt(0.5), rel=1e-9)
    assert act.gradient_factor("relu", "mean") == pytest.approx(0.5, rel=1e-9)
    assert act.gradient_factor("leaky_relu", "rms") == pytest.approx(math.sqrt(0.5 + 0.5 * 0.04), rel=1e-9)
    assert act.gradient_factor("linear", "rms", 3.0) == pytest.approx(1.0)
    assert act.gradient_factor("sigmoid", "max") == pytest.approx(0.25)
    assert act.gradient_factor("step", "rms") == 0.0
    # A wider spread saturates sigmoid more: its typical slope falls.
    assert act.gradient_factor("sigmoid", "rms", 4.0) < act.gradient_factor("sigmoid", "rms", 1.0) < 0.25
    with pytest.raises(ValueError, match="Unknown measure"):
        act.gradient_factor("relu", "median")


@pytest.mark.parametrize("text,expected", [("2, 1, 0.1, -1", [2, 1, 0.1, -1]), ("1;2 3", [1, 2, 3]),
                                           (" −1.5,  2e1 ", [-1.5, 20])])
def test_parse_logits_accepts_numbers(text, expected):
    assert np.array_equal(act.parse_logits(text), expected)


@pytest.mark.parametrize("text", ["", "1", "__import__('os').system('true')", "1, 2, x", "1, nan", "1, inf",
                                  ",".join(["1"] * 11), "1, 1e9"])
def test_parse_logits_rejects_anything_else(text):
    with pytest.raises(ValueError, match="Expected"):
        act.parse_logits(text)


def test_softmax_is_the_engines_with_temperature():
    z = np.array([2.0, 1.0, 0.1, -1.0])
    for t in (0.1, 1.0, 10.0):
        p = act.softmax(z, t)
        assert np.array_equal(p, engine.get("softmax")(z[None, :] / t)[0]) and p.sum() == pytest.approx(1.0)
    assert act.softmax(z, 0.1).max() > act.softmax(z, 1.0).max() > act.softmax(z, 10.0).max()
    two = act.softmax(np.array([1.3, 0.0]))
    assert two[0] == pytest.approx(engine.get("sigmoid")(np.array([1.3]))[0], rel=1e-12)


def test_figures():
    figure = act.activation_figure(["sigmoid", "relu"], (-3, 3))
    assert len(figure.data) == 4 and figure.layout.xaxis.range == (-3, 3)
    depth = act.depth_figure(["sigmoid", "step", "tanh"], 12)
    assert len(depth.data) == 2 and depth.layout.yaxis.type == "log" and "step" in depth.layout.annotations[0].text
    sigmoid = depth.data[0]
    assert np.allclose(sigmoid.y, act.gradient_factor("sigmoid", "rms") ** np.arange(1, 13), rtol=1e-12)
    with pytest.raises(ValueError):
        act.activation_figure(["relu"], (1, 1))


# ---------------------------------------------------------------------------------------------
# The page


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    run(at)
    at.switch_page("app_pages/activations.py")
    return run(at)


def array(value) -> np.ndarray:
    """A trace's data array, decoded from Plotly's typed-array JSON ({"dtype", "bdata"}) if need be."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def charts(at: AppTest) -> list[dict]:
    """The page's Plotly figures in page order: curves, softmax, depth."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_default_page(page):
    assert page.title[0].value == "Activation functions"
    figures = charts(page)
    assert len(figures) == 3  # curves, softmax, depth
    names = {trace["name"] for trace in figures[0]["data"]}
    assert names == {"sigmoid", "tanh", "relu", "gelu"}
    facts = page.dataframe[0].value
    assert list(facts["activation"]) == ["sigmoid", "tanh", "relu", "gelu"]
    assert facts.set_index("activation").loc["sigmoid", "max f'"] == "0.25"
    assert not page.error


def test_every_activation_selected(page):
    page.multiselect(key="act_names").set_value(list(act.plottable_names()))
    run(page)
    figures = charts(page)
    assert len(figures[0]["data"]) == 2 * len(act.plottable_names())
    assert len(page.dataframe[0].value) == len(act.plottable_names())
    assert len(figures[2]["data"]) == len(act.plottable_names()) - 1  # step's factor 0 is noted, not drawn


def test_no_activation_selected(page):
    page.multiselect(key="act_names").set_value([])
    run(page)
    assert page.info and len(charts(page)) == 2


@pytest.mark.parametrize("temperature", [0.1, 10.0])
def test_temperature_at_its_bounds(page, temperature):
    slider = page.slider(key="act_temperature")
    assert temperature in (slider.min, slider.max)
    slider.set_value(temperature)
    run(page)
    bars = charts(page)[1]["data"][0]
    expected = act.softmax(np.array([2, 1, 0.1, -1.0]), temperature)
    np.testing.assert_allclose(array(bars["y"]), expected, rtol=1e-12)


def test_bad_logits_show_an_error_not_an_exception(page):
    page.text_input(key="act_logits").set_value("1, two, 3")
    run(page)
    assert page.error and "Expected" in page.error[0].value
    page.text_input(key="act_logits").set_value("5 0")
    run(page)
    assert not page.error and len(array(charts(page)[1]["data"][0]["y"])) == 2


def test_depth_at_its_max_with_every_measure(page):
    slider = page.slider(key="act_depth")
    slider.set_value(slider.max)
    run(page)
    assert slider.max == 30
    for measure in act.MEASURES:
        page.selectbox(key="act_measure").set_value(measure)
        page.slider(key="act_sigma").set_value(4.0)
        run(page)
        sigmoid = next(t for t in charts(page)[2]["data"] if t["name"].startswith("sigmoid"))
        values = array(sigmoid["y"])
        assert len(values) == 30
        np.testing.assert_allclose(values[-1], act.gradient_factor("sigmoid", measure, 4.0) ** 30, rtol=1e-9)


def test_z_range_at_its_ends(page):
    page.slider(key="act_range").set_value((-20.0, 20.0))
    run(page)
    assert charts(page)[0]["layout"]["xaxis"]["range"] == [-20.0, 20.0]
    page.slider(key="act_range").set_value((3.0, 3.0))
    run(page)
    assert page.warning
