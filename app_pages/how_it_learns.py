"""How it learns: one training step of the Playground's current network, forward and backward, step by step."""

import math

import pandas as pd
import streamlit as st

from playground import figures, tracing, walkthrough
from playground.datasets import FEATURES
from playground.figures import walkthrough as graph
from playground.ui import state

MAX_BATCHES = 20   # the batch picker offers the training set's first batches
MODES = ("A mini-batch", "One point")


def clamp(key: str, low: int, high: int) -> int:
    """Keep a widget's stored value within [low, high] (the network or data may have changed)."""
    value = min(max(int(st.session_state.get(key, low)), low), high)
    st.session_state[key] = value
    return value


def move(delta: int, total: int) -> None:
    st.session_state["hil_step"] = min(max(1, st.session_state.get("hil_step", 1) + delta), total)


def show_table(table: walkthrough.Table) -> None:
    values, rows, columns, note = table.preview()
    frame = pd.DataFrame(values, index=rows, columns=columns)
    st.markdown(f"**{table.title}** &nbsp; <span style='color:#777'>{tuple(table.values.shape)}</span>",
                unsafe_allow_html=True)
    number = st.column_config.NumberColumn(format="%.4g")
    st.dataframe(frame, width="stretch", column_config={column: number for column in frame.columns})
    if note:
        st.caption(note)


session = state.session()
trainer, config = session.trainer, session.config
data = trainer.data
n_train, batch_size = data.F_train.shape[0], config.training.batch_size

st.title("How it learns")
st.caption("One optimizer step of the Playground's current network (same weights, same optimizer state), "
           f"at epoch {trainer.epoch}. Everything is computed by the engine on a copy of the network: "
           "stepping through here does not change the run.")

pick, which, example = st.columns(3)
mode = pick.radio("Trace", MODES, horizontal=True, key="hil_mode")
if mode == MODES[0]:
    n_batches = min(MAX_BATCHES, math.ceil(n_train / batch_size))
    clamp("hil_batch", 1, n_batches)
    index = which.number_input(f"Batch (of {batch_size} points, in stored order)", 1, n_batches, key="hil_batch",
                               help="Training reshuffles the points every epoch; these are the stored order's "
                                    "first batches.")
    rows = slice((index - 1) * batch_size, min(index * batch_size, n_train))
else:
    clamp("hil_point", 1, n_train)
    index = which.number_input("Point of the training set", 1, n_train, key="hil_point")
    rows = slice(index - 1, index)
X, y = data.F_train[rows], data.y_train[rows]
input_names = [FEATURES[name].label for name in config.data.features]
trace = tracing.trace_step(trainer.model, X, y)
steps = walkthrough.walkthrough_steps(trace, input_names)
small = graph.is_small(trace.widths)
row = 0
if X.shape[0] > 1 and small:
    clamp("hil_row", 1, X.shape[0])
    row = example.number_input("Example drawn on the graph", 1, X.shape[0], key="hil_row") - 1

total = len(steps)
current = clamp("hil_step", 1, total)
back, forth, slider = st.columns([1, 1, 5], vertical_alignment="bottom")
back.button("Previous step", icon=":material/arrow_back:", key="hil_prev", on_click=move, args=(-1, total),
            disabled=current <= 1, width="stretch")
forth.button("Next step", icon=":material/arrow_forward:", key="hil_next", on_click=move, args=(1, total),
             disabled=current >= total, type="primary", width="stretch")
number = slider.slider("Step", 1, total, key="hil_step")
step = steps[number - 1]

loss_col, data_col, penalty_col, t_col = st.columns(4)
loss_col.metric("Batch loss", f"{trace.loss:.6g}", help="Data loss + penalty: what train_on_batch returns.")
data_col.metric("Data loss", f"{trace.data_loss:.6g}", help=trace.loss_name)
penalty_col.metric("Penalty", f"{trace.penalty:.6g}")
t_col.metric("Optimizer step t", f"{trace.iteration}", help=f"{trace.optimizer['name']}, "
             f"learning rate {trace.learning_rate:.4g}")
st.progress(number / total, text=f"Step {number} of {total} · {step.phase}")

drawing, details = st.columns([5, 4])
with drawing:
    if small:
        output_names = None
        if config.data.task == "regression":
            output_names = ["ŷ"]
        elif trace.widths[-1] == 1:
            output_names = ["P(class 1)"]
        figure = figures.step_graph_figure(step, trace.widths, input_names, output_names, row=row)
        st.plotly_chart(figure, key="hil_graph", width="stretch", theme=None)
        st.caption("Nodes show the values of one example (coloured by value within each layer: blue positive, "
                   "orange negative); edges are weights, or gradients and changes where the step is about them. "
                   "Hover for exact numbers.")
    else:
        st.plotly_chart(figures.step_layers_figure(step, trace.widths), key="hil_layers", width="stretch",
                        theme=None)
        st.caption("A large network is summarised per layer; the tables show the first rows and columns.")
with details:
    st.subheader(step.title)
    st.latex(step.latex)
    st.markdown(step.text)
    for table in step.tables:
        show_table(table)
