"""One training step made visible: a traced step (see `tracing.py`) told as a list of steps.

    trace = trace_step(model, X, y)          # playground.tracing: on a copy of the model
    steps = walkthrough_steps(trace, ["x₁", "x₂"])

Each step has a formula, a short text, the tables of numbers it shows and the values to draw
on the network's graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .nn import activations, losses
from .tracing import LayerTrace, StepTrace

PREVIEW_ROWS = 6   # rows of a matrix shown in full; more are summarised
PREVIEW_COLS = 8


@dataclass(frozen=True, eq=False)
class Table:
    """A named array to show: values (rows, cols) or (cols,); `rows` labels rows ('example', 'input' ...)."""

    title: str
    values: np.ndarray
    rows: str = "example"
    columns: tuple[str, ...] | None = None
    row_names: tuple[str, ...] | None = None

    def preview(self, max_rows: int = PREVIEW_ROWS, max_cols: int = PREVIEW_COLS):
        """(values (r, c) shown, row labels, column labels, note on what was left out)."""
        values = np.atleast_2d(self.values)
        shown = values[:max_rows, :max_cols] + 0.0  # + 0.0 shows -0.0 as 0
        if self.row_names is not None:
            row_labels = list(self.row_names[:max_rows])
        elif np.ndim(self.values) == 1:
            row_labels = [""]
        else:
            row_labels = [f"{self.rows} {i + 1}" for i in range(shown.shape[0])]
        columns = self.columns or tuple(str(j + 1) for j in range(values.shape[1]))
        note = ""
        if values.shape != shown.shape:
            note = (f"shape {tuple(np.shape(self.values))}, Frobenius norm {np.linalg.norm(values):.4g}; "
                    f"first {shown.shape[0]} rows and {shown.shape[1]} columns shown")
        return shown, row_labels, list(columns[:max_cols]), note


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the walkthrough.

    phase: 'forward', 'loss', 'backward' or 'update'. column: the active graph column.
    nodes: per graph column, (n, units) values known at this step (drawn on the network);
    node_label says what the active column's values are. edges: per Dense layer, (in, out)
    values drawn on the edges (weights, gradients or changes: `edge_label`); edge_focus: the
    column whose incoming edges the step is about (None: none or all).
    """

    phase: str
    title: str
    latex: str
    text: str
    tables: tuple[Table, ...]
    column: int
    nodes: dict[int, np.ndarray]
    node_label: str
    edges: tuple[np.ndarray, ...]
    edge_label: str
    edge_focus: int | None


def _activation_latex(name: str) -> str:
    """f(z) of the engine's activation `name`, as LaTeX (its formula lives with its code)."""
    return activations.get(name).formula if name in activations.ACTIVATIONS else name


def _derivative_latex(name: str) -> str:
    return activations.get(name).derivative_formula if name in activations.ACTIVATIONS else "f'(z)"


def _loss_latex(name: str) -> str:
    return losses.get(name).formula if name in losses.LOSSES else name


PARAM_SYMBOLS = {"kernel": "W", "bias": "b", "gamma": "γ", "beta": "β"}


def _sup(column: int) -> str:
    return f"^{{[{column}]}}"


def _aligned(*lines: str) -> str:
    """Formulas one under the other (st.latex does not wrap long lines)."""
    lines = [line for line in lines if line]
    if len(lines) == 1:
        return lines[0]
    return r"\begin{aligned}" + r" \\ ".join(f"&{line}" for line in lines) + r"\end{aligned}"


def _units(width: int) -> tuple[str, ...]:
    return tuple(f"unit {j + 1}" for j in range(width))


def _output_columns(trace: StepTrace) -> tuple[str, ...]:
    k = trace.Y.shape[1]
    if trace.loss_name == "mse":
        return ("ŷ",) if k == 1 else tuple(f"ŷ{j + 1}" for j in range(k))
    return ("P(class 1)",) if k == 1 else tuple(f"class {j}" for j in range(k))


def _optimizer_latex(config: dict) -> str:
    name = config["name"]
    lines = []
    if config.get("clipnorm"):
        lines.append(r"g \leftarrow g \cdot \min\!\big(1, \tfrac{c}{\lVert g \rVert + 10^{-6}}\big)")
    if config.get("weight_decay") and name != "adamw":
        lines.append(r"g \leftarrow g + \lambda\theta")
    if name == "sgd" and config.get("momentum"):
        lines.append(r"b \leftarrow \mu b + g")
        lines.append(r"\theta \leftarrow \theta - \eta\,(g + \mu b)" if config.get("nesterov")
                     else r"\theta \leftarrow \theta - \eta\, b")
    elif name == "sgd":
        lines.append(r"\theta \leftarrow \theta - \eta\, g")
    elif name == "rmsprop":
        lines += [r"v \leftarrow \rho v + (1 - \rho) g^2",
                  r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{v} + \epsilon}"]
    elif name in ("adam", "adamw"):
        if name == "adamw" and config.get("weight_decay"):
            lines.append(r"\theta \leftarrow \theta\,(1 - \eta\lambda)")
        lines += [r"m \leftarrow \beta_1 m + (1 - \beta_1) g,\quad v \leftarrow \beta_2 v + (1 - \beta_2) g^2",
                  r"\theta \leftarrow \theta - \frac{\eta}{1 - \beta_1^t}\,"
                  r"\frac{m}{\sqrt{v} / \sqrt{1 - \beta_2^t} + \epsilon}"]
    elif name == "adagrad":
        lines += [r"s \leftarrow s + g^2", r"\theta \leftarrow \theta - \eta\, \frac{g}{\sqrt{s} + \epsilon}"]
    else:
        lines.append(r"\theta \leftarrow \theta - \Delta\theta")
    return _aligned(*lines)


def walkthrough_steps(trace: StepTrace, input_names: list[str] | None = None) -> list[Step]:
    """The trace told as steps: the batch, the forward pass layer by layer, the loss, the output
    error, the backward pass layer by layer, the penalties' gradient and the optimizer's update."""
    story = _Story(trace, input_names)
    story.forward()
    story.loss()
    story.backward()
    story.update()
    return story.steps


class _Story:
    """Builds the steps; `nodes` holds, per graph column, the values known so far in the current phase."""

    def __init__(self, trace: StepTrace, input_names: list[str] | None):
        self.trace, self.dense = trace, trace.dense
        self.n, self.last = trace.X.shape[0], len(self.dense)
        self.inputs = tuple(input_names or (f"x{j + 1}" for j in range(trace.X.shape[1])))
        self.weights = tuple(layer.params["kernel"] for layer in self.dense)
        self.outputs = _output_columns(trace)
        self.steps: list[Step] = []
        self.nodes: dict[int, np.ndarray] = {0: trace.X}

    def add(self, phase, title, latex, text, tables, *, column, label, edges=None, edge_label="weights", focus=None):
        """One step: its phase, title, formula, text and tables; where it sits on the graph (`column`,
        the nodes' `label`), the edges' values (default: the weights) and the column to highlight."""
        self.steps.append(Step(phase, title, latex, text, tuple(tables), column, dict(self.nodes), label,
                               self.weights if edges is None else edges, edge_label, focus))

    def columns(self, layer: LayerTrace) -> tuple[str, ...]:
        return self.outputs if layer.column == self.last else _units(layer.outputs.shape[1])

    def name(self, column: int) -> str:
        return "output layer" if column == self.last else f"layer {column}"

    # -- forward --------------------------------------------------------------------------------
    def forward(self) -> None:
        trace, n = self.trace, self.n
        self.add("forward", "The mini-batch", r"a^{[0]} = X \in \mathbb{R}^{" + f"{n} \\times {trace.X.shape[1]}}}",
                 f"{n} example{'s' if n > 1 else ''} with {len(self.inputs)} standardised input features, and "
                 "their targets. The whole batch goes through the network at once: one row per example.",
                 [Table("inputs X", trace.X, columns=self.inputs), self.targets()], column=0, label="x")
        for layer in trace.layers:
            getattr(self, f"forward_{layer.kind}")(layer)

    def targets(self) -> Table:
        Y = self.trace.Y
        columns = ("y",) if Y.shape[1] == 1 else tuple(f"y = {j}" for j in range(Y.shape[1]))
        return Table("targets y", Y, columns=columns)

    def forward_dense(self, layer: LayerTrace) -> None:
        c, sup, cols = layer.column, _sup(layer.column), self.columns(layer)
        tables = [Table(f"W{c}", layer.params["kernel"], "input", cols)]
        if "bias" in layer.params:
            tables.append(Table(f"b{c}", layer.params["bias"], columns=cols))
        self.nodes[c] = layer.z
        width_in, width = layer.inputs.shape[1], layer.z.shape[1]
        self.add("forward", f"Forward, {self.name(c)}: pre-activations", f"z{sup} = a^{{[{c - 1}]}} W{sup} + b{sup}",
                 "Each unit takes a weighted sum of the previous layer's outputs plus its bias: "
                 f"({self.n} × {width_in}) @ ({width_in} × {width}) gives z ({self.n} × {width}).",
                 [*tables, Table(f"z{c}", layer.z, columns=cols)], column=c, label="z", focus=c)
        if layer.activation != "linear":
            self.forward_activation(layer)

    def forward_activation(self, layer: LayerTrace) -> None:
        c, sup = layer.column, _sup(layer.column)
        argument = f"z{sup}" if layer.kind == "dense" else "y"
        self.nodes[c] = layer.outputs
        self.add("forward", f"Forward, {self.name(c)}: activations",
                 f"a{sup} = f({argument}),\\quad f(z) = {_activation_latex(layer.activation)}",
                 f"The activation **{layer.activation}** is applied to every "
                 + ("normalised value." if layer.kind != "dense" else "pre-activation"
                    + (" (over each row: softmax couples a row's outputs)." if layer.activation == "softmax" else ".")),
                 [Table(f"a{c}", layer.outputs, columns=self.columns(layer))], column=c, label="a")

    def forward_batch_norm(self, layer: LayerTrace) -> None:
        c, cols = layer.column, self.columns(layer)
        self.nodes[c] = layer.outputs
        self.add("forward", f"Forward, {self.name(c)}: batch normalisation",
                 r"\hat z = \frac{z - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}},\quad y = \gamma \hat z + \beta",
                 "Each unit's pre-activations are standardised with the batch's own mean and variance, then "
                 "scaled by γ and shifted by β (both learned). Training also moves the moving statistics used "
                 "at inference.",
                 [Table("batch mean μ_B", layer.extras["mean"], columns=cols),
                  Table("batch variance σ²_B", layer.extras["variance"], columns=cols),
                  Table("y", layer.outputs, columns=cols)], column=c, label="y")

    def forward_dropout(self, layer: LayerTrace) -> None:
        c, mask = layer.column, layer.extras.get("mask")
        self.nodes[c] = layer.outputs
        self.add("forward", f"Forward, {self.name(c)}: dropout",
                 r"\tilde a = a \odot m,\quad m_{ij} \in \{0, \tfrac{1}{1 - p}\}",
                 "Each activation is zeroed with probability p, the others scaled by 1/(1 − p). This is the mask "
                 "the run's next step on this batch would draw"
                 + ("." if mask is not None else " (here p = 0: nothing is dropped)."),
                 [Table("mask m", mask, columns=self.columns(layer))] if mask is not None else [], column=c, label="ã")

    # -- loss -----------------------------------------------------------------------------------
    def loss(self) -> None:
        trace, out = self.trace, self.trace.layers[-1]
        penalty = f" + penalty {trace.penalty:.10g}" if trace.penalty else ""
        self.add("loss", "The loss", f"L = {_loss_latex(trace.loss_name)}"
                 + (r" + \text{penalty}" if trace.penalty else ""),
                 f"**{trace.loss_name}** of the outputs against the targets: data loss {trace.data_loss:.10g}"
                 f"{penalty} = **{trace.loss:.10g}**. This is the loss train_on_batch reports for this step "
                 "(before the update).",
                 [Table("outputs a", out.outputs, columns=self.outputs), self.targets()], column=self.last, label="a")

    # -- backward -------------------------------------------------------------------------------
    def backward(self) -> None:
        trace, last, sup = self.trace, self.last, _sup(self.last)
        out = trace.layers[-1]
        if trace.fused:
            latex = r"\delta" + sup + r" = \frac{\partial L}{\partial z" + sup + r"} = \frac{a - y}{n}"
            text = (f"With a {out.activation} output and {trace.loss_name} the gradient with respect to the "
                    "pre-activations simplifies to (a − y)/n: each example's error, divided by the batch size.")
        else:
            latex = r"\delta" + sup + r" = \frac{\partial L}{\partial a} \odot f'(z) = \frac{2}{nk}(a - y) \odot f'(z)"
            text = "The loss's gradient with respect to the outputs, times the output activation's slope."
        self.nodes = {last: trace.output_error}
        self.add("backward", "Backward: the output error", latex, text,
                 [Table(f"δ{last}", trace.output_error, columns=self.outputs)], column=last, label="δ")
        for layer in reversed(trace.layers):
            getattr(self, f"backward_{layer.kind}")(layer)
        if trace.penalty:
            self.penalty()

    def backward_dense(self, layer: LayerTrace) -> None:
        c, sup, cols = layer.column, _sup(layer.column), self.columns(layer)
        if c != self.last:
            self.nodes[c] = layer.grad_z
            if layer.activation == "linear":
                self.add("backward", f"Backward, {self.name(c)}: delta",
                         r"\delta" + sup + r" = \frac{\partial L}{\partial z" + sup + "}",
                         "This Dense layer has no activation of its own (batch norm follows it), so its delta "
                         "is the gradient that came back.", [Table(f"δ{c}", layer.grad_z, columns=cols)],
                         column=c, label="δ")
            else:
                self.add("backward", f"Backward, {self.name(c)}: delta",
                         r"\delta" + sup + r" = \frac{\partial L}{\partial a" + sup + r"} \odot f'(z" + sup
                         + r"),\quad f'(z) = " + _derivative_latex(layer.activation),
                         "The gradient arriving at the activations is multiplied, element by element, by the "
                         "activation's slope at each pre-activation: where the slope is small, little gets through.",
                         [Table(f"∂L/∂a{c}", layer.grad_output, columns=cols),
                          Table(f"f'(z{c})", layer.derivative, columns=cols),
                          Table(f"δ{c}", layer.grad_z, columns=cols)], column=c, label="δ")
        tables = [Table(f"∂L/∂W{c}", layer.data_grads["kernel"], "input", cols)]
        if "bias" in layer.params:
            tables.append(Table(f"∂L/∂b{c}", layer.data_grads["bias"], columns=cols))
        previous = ""
        if layer.grad_input is not None:
            tables.append(Table(f"∂L/∂a{c - 1}", layer.grad_input, columns=_units(layer.grad_input.shape[1])))
            previous = (r"\frac{\partial L}{\partial a^{[" + f"{c - 1}" + r"]}} = \delta" + sup + r" (W" + sup
                        + r")^\top")
        self.add("backward", f"Backward, {self.name(c)}: weight gradients",
                 _aligned(r"\frac{\partial L}{\partial W" + sup + r"} = (a^{[" + f"{c - 1}" + r"]})^\top \delta"
                          + sup + r",\quad \frac{\partial L}{\partial b" + sup + r"} = \sum_i \delta_i" + sup,
                          previous),
                 "Each weight's gradient sums, over the batch, its input times the delta of the unit it feeds"
                 + ("; the deltas also flow back through the weights to the previous layer." if previous else
                    ". The inputs need no gradient, so the backward pass ends here."),
                 tables, column=c, label="δ", edges=tuple(d.data_grads["kernel"] for d in self.dense),
                 edge_label="gradients", focus=c)

    def backward_dropout(self, layer: LayerTrace) -> None:
        if layer.grad_input is None:
            return
        c = layer.column
        self.nodes[c] = layer.grad_input
        self.add("backward", f"Backward, {self.name(c)}: through dropout",
                 r"\frac{\partial L}{\partial a} = \frac{\partial L}{\partial \tilde a} \odot m",
                 "Dropped units pass no gradient back; kept ones pass it scaled by the same 1/(1 − p).",
                 [Table("∂L/∂a", layer.grad_input, columns=self.columns(layer))], column=c, label="∂L/∂a")

    def backward_activation(self, layer: LayerTrace) -> None:
        c, cols = layer.column, self.columns(layer)
        self.nodes[c] = layer.grad_input
        self.add("backward", f"Backward, {self.name(c)}: through the activation",
                 r"\frac{\partial L}{\partial y} = \frac{\partial L}{\partial a} \odot f'(y),\quad f'(z) = "
                 + _derivative_latex(layer.activation),
                 "The gradient is multiplied by the activation's slope at each normalised value.",
                 [Table(f"∂L/∂a{c}", layer.grad_output, columns=cols), Table("f'(y)", layer.derivative, columns=cols),
                  Table("∂L/∂y", layer.grad_input, columns=cols)], column=c, label="∂L/∂y")

    def backward_batch_norm(self, layer: LayerTrace) -> None:
        c, cols = layer.column, self.columns(layer)
        tables = [Table("∂L/∂γ", layer.data_grads["gamma"], columns=cols),
                  Table("∂L/∂β", layer.data_grads["beta"], columns=cols)]
        if layer.grad_input is not None:
            self.nodes[c] = layer.grad_input
            tables.append(Table(f"∂L/∂z{c}", layer.grad_input, columns=cols))
        self.add("backward", f"Backward, {self.name(c)}: through batch norm",
                 _aligned(r"\frac{\partial L}{\partial \gamma} = \sum_i g_i \hat z_i,\quad "
                          r"\frac{\partial L}{\partial \beta} = \sum_i g_i",
                          r"\frac{\partial L}{\partial z} = \frac{\gamma}{\sqrt{\sigma_B^2 + \epsilon}}"
                          r"\big(g - \bar g - \hat z\, \overline{g \hat z}\big)"),
                 "γ and β get their gradients (g = ∂L/∂y); the gradient to the pre-activations also flows through "
                 "the batch mean and variance, which every example of the batch shares.", tables,
                 column=c, label="∂L/∂z")

    def penalty(self) -> None:
        dense = self.dense
        norms = np.array([[np.linalg.norm(d.data_grads["kernel"]), np.linalg.norm(d.grads["kernel"])]
                          for d in dense])
        self.add("backward", "The penalty's gradient",
                 r"\frac{\partial L}{\partial W} \mathrel{+}= 2\lambda_2 W + \lambda_1 \operatorname{sign}(W)",
                 f"The regularizer adds {self.trace.penalty:.6g} to the loss and pulls every kernel weight "
                 "towards 0.",
                 [Table("gradient norms", norms, columns=("data loss only", "with penalty"),
                        row_names=tuple(f"W{d.column}" for d in dense))],
                 column=self.last, label="δ", edges=tuple(d.grads["kernel"] for d in dense), edge_label="gradients")

    # -- update ---------------------------------------------------------------------------------
    def update(self) -> None:
        trace, dense = self.trace, self.dense
        summary, rows = [], []
        for layer in trace.layers:
            for key in layer.params:
                summary.append([np.linalg.norm(layer.params[key]), np.linalg.norm(layer.grads[key]),
                                np.linalg.norm(layer.updates[key])])
                rows.append(f"{PARAM_SYMBOLS.get(key, key)}{layer.column}")
        tables = [Table("norms per parameter", np.array(summary), columns=("‖θ‖", "‖g‖", "‖Δθ‖"),
                        row_names=tuple(rows))]
        tables += [Table(f"ΔW{d.column}", -d.updates["kernel"], "input", self.columns(d)) for d in dense]
        name = trace.optimizer["name"]
        note = ""
        if name in ("adam", "adamw") and trace.iteration == 1:
            note = (" On Adam's first step m/√v is ±1 for every parameter with a gradient, so each of them "
                    "moves by about η, whatever its gradient's size.")
        self.nodes = {d.column: -d.updates["bias"][None, :] for d in dense if "bias" in d.updates}
        self.add("update", f"The update ({name}, step t = {trace.iteration})", _optimizer_latex(trace.optimizer),
                 f"Learning rate η = {trace.learning_rate:.6g}. The optimizer turns the gradients into a change of "
                 "every parameter (Δθ = new − old, shown here and on the edges)." + note + " It was computed on a "
                 "copy of the network: the run itself is unchanged.", tables, column=self.last, label="Δb",
                 edges=tuple(-d.updates["kernel"] for d in dense), edge_label="changes")
