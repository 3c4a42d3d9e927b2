"""Activations: every activation of the engine with its derivative, softmax, and gradients through depth."""

import streamlit as st

from playground import figures
from playground.figures import activations as act

NAMES = act.plottable_names()
DEFAULT = [name for name in ("sigmoid", "tanh", "relu", "gelu") if name in NAMES]
MEASURE_HELP = {
    "rms": "A gradient's variance is multiplied by E[f'(z)²] at each layer (and by the weights' fan × variance), "
           "so this is the factor its typical size changes by. He initialisation picks weights whose share, √2, "
           "exactly offsets ReLU's 1/√2.",
    "mean": "The average slope a gradient meets.",
    "max": "As if every unit sat at its steepest point: the best an activation can do (sigmoid: 0.25ⁿ).",
}

st.title("Activation functions")
st.caption("Each curve is computed by the engine's own activation and its derivative, the same code that "
           "trains the networks of the Playground.")

left, right = st.columns([3, 1])
selected = left.multiselect("Activations", NAMES, default=DEFAULT, key="act_names",
                            help="'silu' is another name for swish; softmax has its own section below.")
low, high = right.slider("Range of z", -20.0, 20.0, (-5.0, 5.0), step=0.5, key="act_range")
if not selected:
    st.info("Pick at least one activation.")
elif low >= high:
    st.warning("The range needs two different ends.")
else:
    st.plotly_chart(figures.activation_figure(selected, (low, high)), key="act_curves", width="stretch",
                    theme=None)
    st.markdown("**Key facts**, computed from the engine: the largest slope and where it is, the outputs "
                "reachable, the mean output for standard-normal inputs (zero-centred when near 0), and "
                "where the slope vanishes.")
    st.dataframe(act.facts_rows(selected), hide_index=True, width="stretch")
    facts = {name: act.activation_facts(name) for name in selected}
    notes = []
    if "sigmoid" in facts:
        notes.append(f"sigmoid's slope is at most {facts['sigmoid'].max_derivative:.4g} (at z = 0): "
                     "every sigmoid layer shrinks a gradient at least fourfold.")
    if "tanh" in facts:
        notes.append(f"tanh's slope peaks at {facts['tanh'].max_derivative:.4g} and its outputs are "
                     "zero-centred, but it saturates just like sigmoid.")
    if "relu" in facts:
        notes.append("ReLU passes gradients unchanged (slope 1) for z > 0 and not at all for z < 0: "
                     "a unit whose pre-activation is negative on every input is dead.")
    if "step" in facts:
        notes.append("step's slope is 0 wherever it exists: no gradient passes through, so it can only "
                     "be trained by the perceptron rule.")
    for note in notes:
        st.caption("• " + note)

st.header("Softmax")
st.markdown(r"Softmax turns a vector of scores (logits) into probabilities: "
            r"$p_j = e^{z_j / T} / \sum_k e^{z_k / T}$. The temperature $T$ sharpens ($T < 1$) or flattens "
            r"($T > 1$) the distribution; the order never changes.")
text_col, temp_col = st.columns([2, 1])
text = text_col.text_input("Logits z (2 to 10 numbers, separated by commas)", "2, 1, 0.1, -1", key="act_logits")
temperature = temp_col.slider("Temperature T", 0.1, 10.0, 1.0, step=0.1, key="act_temperature")
try:
    logits = act.parse_logits(text)
except ValueError as error:
    st.error(str(error))
else:
    st.plotly_chart(figures.softmax_figure(logits, temperature), key="act_softmax", width="stretch", theme=None)
    p = act.softmax(logits, temperature)
    st.caption(f"Largest probability {p.max():.4f}; with two logits, softmax([z, 0]) gives sigmoid(z) for the "
               "first: a sigmoid output is a two-class softmax.")

st.header("A gradient through n layers")
st.markdown("Backpropagation multiplies a gradient by the activation's slope f'(z) once per layer. "
            "Below, each line is a typical per-layer factor raised to the power n: **the activation's share "
            "only** (the weights multiply in too, and good initialisations choose them to compensate). "
            "Pre-activations are taken as z ~ N(0, σ²), the spread a well-initialised layer keeps.")
depth_col, measure_col, sigma_col = st.columns(3)
depth = depth_col.slider("Layers n", 1, 30, 10, key="act_depth")
measure = measure_col.selectbox("Typical factor", list(act.MEASURES), format_func=act.MEASURES.get,
                                key="act_measure")
sigma = sigma_col.slider("Spread σ of the pre-activations", 0.25, 4.0, 1.0, step=0.25, key="act_sigma")
st.caption(f"**{act.MEASURES[measure]}**, z ~ N(0, σ²). {MEASURE_HELP[measure]}")
names = selected or DEFAULT
st.plotly_chart(figures.depth_figure(names, depth, measure, sigma), key="act_depth_chart", width="stretch",
                theme=None)
factors = {name: act.gradient_factor(name, measure, sigma) for name in names}
st.dataframe([{"activation": name, "factor per layer": f"{f:.4g}", f"after {depth} layers": f"{f ** depth:.3g}"}
              for name, f in factors.items()], hide_index=True)
if "sigmoid" in factors:
    st.caption(f"A deep sigmoid network starves: after {depth} layers its first layers get "
               f"{factors['sigmoid'] ** depth:.2g} of the gradient its last layer gets (0.25ⁿ = "
               f"{0.25 ** depth:.2g} even in the best case).")
