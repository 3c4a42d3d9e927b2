"""The walkthrough's numbers are the engine's: `trace_step` against `train_on_batch` and
`compute_gradients` on identical twins, the run left untouched, the backpropagation identities,
and the steps and figures built from a trace.

Twins are models built and trained identically from the same seed (the engine is deterministic),
so the reference never goes through the walkthrough's own copying code.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons

from playground import figures
from playground.config import Config, LayerConfig
from playground.figures import walkthrough as graph
from playground.nn import Activation, BatchNorm, Dense, Dropout, Sequential
from playground.nn.optimizers import SGD, AdamW, RMSprop
from playground.nn.regularizers import L1L2, L2
from playground.tracing import copy_model, trace_step
from playground.training import Trainer
from playground.walkthrough import walkthrough_steps


def binary_model():
    """Dense -> batch norm -> tanh -> dropout -> sigmoid, L2 on the kernels, Adam (fused BCE)."""
    model = Sequential([Dense(6, kernel_regularizer=L2(1e-3)), BatchNorm(), Activation("tanh"), Dropout(0.3),
                        Dense(1, activation="sigmoid", kernel_regularizer=L2(1e-3))], input_dim=2, seed=3)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    X, y = make_moons(64, noise=0.1, random_state=0)
    return model, X, y


def multiclass_model():
    """tanh -> batch norm -> elu -> softmax, L2, SGD with Nesterov momentum and clipping (fused CCE)."""
    model = Sequential([Dense(5, activation="tanh", kernel_regularizer=L2(1e-2)),
                        Dense(4, kernel_regularizer=L2(1e-2)), BatchNorm(), Activation("elu"),
                        Dense(3, activation="softmax", kernel_regularizer=L2(1e-2))], input_dim=2, seed=5)
    model.compile(optimizer=SGD(0.1, momentum=0.9, nesterov=True, clipnorm=0.5),
                  loss="sparse_categorical_crossentropy")
    X, y = make_blobs(60, centers=3, random_state=1)
    return model, X, y


def regression_model():
    """relu -> batch norm -> relu -> linear, L1 + L2, RMSprop with momentum and weight decay (unfused MSE)."""
    model = Sequential([Dense(4, activation="relu", kernel_regularizer=L1L2(1e-3, 1e-3)), BatchNorm(),
                        Activation("relu"), Dense(1, kernel_regularizer=L1L2(1e-3, 1e-3))], input_dim=2, seed=9)
    model.compile(optimizer=RMSprop(0.01, momentum=0.5, weight_decay=1e-3), loss="mse")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    return model, X, np.sin(X[:, 0]) + 0.1 * X[:, 1]


def plain_model():
    """No batch norm, no dropout: the textbook deltas hold layer to layer."""
    model = Sequential([Dense(5, activation="sigmoid"), Dense(4, activation="gelu"), Dense(3, activation="tanh"),
                        Dense(2, activation="softmax")], input_dim=3, seed=2)
    model.compile(optimizer=AdamW(0.01), loss="categorical_crossentropy")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(12, 3))
    return model, X, np.eye(2)[rng.integers(0, 2, 12)]


BUILDERS = {"binary": binary_model, "multiclass": multiclass_model, "regression": regression_model,
            "plain": plain_model}


def twin(name: str, epochs: int = 2):
    """A model trained for a few epochs, and the batch of its next step."""
    model, X, y = BUILDERS[name]()
    if epochs:
        model.fit(X, y, epochs=epochs, batch_size=16)
    return model, X[:16], y[:16]


def state_of(model: Sequential) -> list:
    """Everything a step can change: weights, gradients, optimizer state, random streams, batch-norm stats."""
    optimizer = model.optimizer
    rngs = {id(layer.rng): layer.rng.bit_generator.state for layer in model.layers if isinstance(layer, Dropout)}
    moving = [(layer.moving_mean.copy(), layer.moving_variance.copy()) for layer in model.layers
              if isinstance(layer, BatchNorm)]
    slots = {k: v.copy() for k, v in optimizer.slots.items()}
    return [model.flat_params.copy(), model.flat_grads.copy(), optimizer.iterations, slots,
            model.shuffle_rng.bit_generator.state, rngs, moving]


def assert_same_state(a: list, b: list) -> None:
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    assert a[3].keys() == b[3].keys() and all(np.array_equal(a[3][k], b[3][k]) for k in a[3])
    assert a[4] == b[4] and a[5] == b[5]
    assert all(np.array_equal(x, y) for pair_a, pair_b in zip(a[6], b[6], strict=True)
               for x, y in zip(pair_a, pair_b, strict=True))


# ---------------------------------------------------------------------------------------------
# The traced numbers are train_on_batch's


@pytest.mark.parametrize("name", ["binary", "multiclass", "regression", "plain"])
@pytest.mark.parametrize("epochs", [0, 2])
def test_trace_equals_train_on_batch_and_compute_gradients_exactly(name, epochs):
    model, X, y = twin(name, epochs)
    stepped, _, _ = twin(name, epochs)
    measured, _, _ = twin(name, epochs)
    before = stepped.flat_params.copy()
    trace = trace_step(model, X, y)
    loss = stepped.train_on_batch(X, y)
    assert trace.loss == loss
    assert np.array_equal(stepped.flat_params - before, -trace.flat_update)
    assert np.array_equal(stepped.flat_params, before - trace.flat_update)
    gradient_loss, gradient = measured.compute_gradients(X, y)
    assert trace.loss == gradient_loss and trace.data_loss + trace.penalty == loss
    assert np.array_equal(trace.flat_grads, gradient)
    for traced, layer in zip(trace.layers, measured.layers, strict=True):
        assert traced.grads.keys() == layer.grads.keys()
        for key in layer.grads:
            assert np.array_equal(traced.grads[key], layer.grads[key])
            assert np.array_equal(traced.updates[key], trace.flat_update[measured.slice_of(layer.params[key])]
                                  .reshape(layer.params[key].shape))
    assert trace.iteration == stepped.optimizer.iterations
    if name != "plain":
        assert trace.penalty > 0


@pytest.mark.parametrize("name", ["binary", "multiclass", "regression"])
def test_tracing_leaves_the_model_untouched_and_its_next_step_unchanged(name):
    model, X, y = twin(name)
    reference, _, _ = twin(name)
    before = state_of(model)
    trace_step(model, X, y)
    trace_step(model, X, y)
    assert_same_state(before, state_of(model))
    # Its future is unchanged too: the same steps as the untraced twin, bit for bit.
    assert model.train_on_batch(X, y) == reference.train_on_batch(X, y)
    model.fit(X, y, epochs=2, batch_size=8)
    reference.fit(X, y, epochs=2, batch_size=8)
    assert np.array_equal(model.flat_params, reference.flat_params)


def test_dropout_mask_is_the_one_the_next_step_draws():
    model, X, y = twin("binary")
    stepped, _, _ = twin("binary")
    trace = trace_step(model, X, y)
    stepped.train_on_batch(X, y)
    dropout = next(i for i, layer in enumerate(stepped.layers) if isinstance(layer, Dropout))
    mask = trace.layers[dropout].extras["mask"]
    assert np.array_equal(mask, stepped.layers[dropout].mask)
    assert set(np.unique(mask)) <= {0.0, 1.0 / 0.7} and 0 < np.count_nonzero(mask) < mask.size


def test_trace_of_the_playground_trainer_equals_its_own_step():
    """The page's path: the session's Trainer, a batch of its training set, raw labels."""
    config = Config().replace(dataset="blobs", n_classes=4, n_samples=120, regularization="l2",
                              hidden=(LayerConfig(5, "relu", 0.2, True), LayerConfig(3, "tanh")))
    trainer, twin_trainer = Trainer(config), Trainer(config)
    trainer.advance(epochs=3)
    twin_trainer.advance(epochs=3)
    rows = slice(10, 20)
    trace = trace_step(trainer.model, trainer.data.F_train[rows], trainer.data.y_train[rows])
    before = twin_trainer.model.flat_params.copy()
    loss = twin_trainer.model.train_step(twin_trainer.data.F_train[rows], twin_trainer.Y_train[rows])
    assert trace.loss == loss
    assert np.array_equal(twin_trainer.model.flat_params, before - trace.flat_update)
    assert np.array_equal(trainer.model.flat_params, before)


def test_copy_model_binds_the_copy_to_its_own_flat_buffers():
    model, X, y = twin("binary")
    model.predict(np.zeros((5000, 2)))  # a large last pass the copy should not carry
    clone = copy_model(model)
    assert all(getattr(layer, name) is None for layer in clone.layers for name in layer._last_pass)
    for source, layer in zip(model.layers, clone.layers, strict=True):
        for key in layer.params:
            assert np.shares_memory(layer.params[key], clone.flat_params)
            assert np.shares_memory(layer.grads[key], clone.flat_grads)
            assert not np.shares_memory(layer.params[key], model.flat_params)
            assert np.array_equal(layer.params[key], source.params[key])
    assert clone.optimizer is not model.optimizer and clone.optimizer.iterations == model.optimizer.iterations
    clone.train_on_batch(X, y)
    assert not np.array_equal(clone.flat_params, model.flat_params)


# ---------------------------------------------------------------------------------------------
# Backpropagation identities, on the traced numbers


def test_deltas_follow_the_backpropagation_recursion():
    model, X, y = twin("plain")
    trace = trace_step(model, X, y)
    dense = trace.dense
    assert len(dense) == 4
    for lower, upper in zip(dense[:-1], dense[1:], strict=True):
        expected = (upper.grad_z @ upper.params["kernel"].T) * lower.derivative
        np.testing.assert_allclose(lower.grad_z, expected, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(lower.grad_output, upper.grad_z @ upper.params["kernel"].T, rtol=1e-12)
        assert np.array_equal(upper.grad_input, lower.grad_output)
    for layer in dense:
        np.testing.assert_allclose(layer.data_grads["kernel"], layer.inputs.T @ layer.grad_z, rtol=1e-12)
        np.testing.assert_allclose(layer.data_grads["bias"], layer.grad_z.sum(axis=0), rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(layer.z, layer.inputs @ layer.params["kernel"] + layer.params["bias"], rtol=1e-12)
    assert dense[0].grad_input is None


@pytest.mark.parametrize("name", ["binary", "multiclass", "plain"])
def test_fused_output_error_is_a_minus_y_over_n(name):
    model, X, y = twin(name)
    trace = trace_step(model, X, y)
    out = trace.layers[-1]
    assert trace.fused and out.grad_output is None
    np.testing.assert_allclose(trace.output_error, (out.outputs - trace.Y) / X.shape[0], rtol=1e-12)


def test_mse_output_error_is_two_over_nk_times_a_minus_y():
    model, X, y = twin("regression")
    trace = trace_step(model, X, y)
    out = trace.layers[-1]
    assert not trace.fused
    np.testing.assert_allclose(trace.output_error, 2.0 / trace.Y.size * (out.outputs - trace.Y), rtol=1e-12)
    np.testing.assert_allclose(out.grad_output, trace.output_error, rtol=1e-12)


def test_penalty_gradient_is_the_regularizer_gradient():
    model, X, y = twin("regression")
    trace = trace_step(model, X, y)
    for layer in trace.dense:
        regularizer = L1L2(1e-3, 1e-3)
        np.testing.assert_allclose(layer.grads["kernel"] - layer.data_grads["kernel"],
                                   regularizer.gradient(layer.params["kernel"]), rtol=1e-9, atol=1e-15)
        assert np.array_equal(layer.grads["bias"], layer.data_grads["bias"])


# ---------------------------------------------------------------------------------------------
# Steps and figures


@pytest.mark.parametrize("name", ["binary", "multiclass", "regression", "plain"])
def test_steps_tell_forward_loss_backward_update_with_the_trace_numbers(name):
    model, X, y = twin(name)
    trace = trace_step(model, X, y)
    steps = walkthrough_steps(trace, ["a", "b", "c"][:X.shape[1]])
    phases = [s.phase for s in steps]
    assert phases == sorted(phases, key=["forward", "loss", "backward", "update"].index)
    assert phases.count("loss") == 1 and phases[-1] == "update"
    loss_step = steps[phases.index("loss")]
    assert f"**{trace.loss:.10g}**" in loss_step.text
    widths = trace.widths
    assert widths[0] == X.shape[1] and len(widths) == 1 + len(trace.dense)
    gradient_steps = [s for s in steps if s.edge_label == "gradients" and s.edge_focus]
    assert sorted(s.edge_focus for s in gradient_steps) == list(range(1, len(widths)))
    for step in steps:
        assert 0 <= step.column < len(widths)
        assert [e.shape for e in step.edges] == [(widths[i], widths[i + 1]) for i in range(len(widths) - 1)]
        for column, values in step.nodes.items():
            assert np.atleast_2d(values).shape[1] == widths[column]
        for table in step.tables:
            shown, rows, columns, _ = table.preview()
            assert shown.shape == (len(rows), len(columns))
        assert step.latex.count("{") == step.latex.count("}")
        figure = figures.step_graph_figure(step, widths, ["a", "b", "c"][:X.shape[1]], row=3)
        assert len(figure.data) >= 2
        figures.step_layers_figure(step, widths)
    update = steps[-1]
    assert np.array_equal(update.edges[0], -trace.dense[0].updates["kernel"])


def test_table_preview_summarises_large_arrays():
    from playground.walkthrough import Table

    small = Table("t", np.arange(6.0).reshape(2, 3))
    shown, rows, columns, note = small.preview()
    assert shown.shape == (2, 3) and rows == ["example 1", "example 2"] and note == ""
    big = Table("t", np.ones((40, 20)))
    shown, rows, columns, note = big.preview()
    assert shown.shape == (6, 8) and len(columns) == 8 and "shape (40, 20)" in note and "norm" in note


def test_graph_only_for_small_networks():
    assert graph.is_small([2, 4, 2, 1]) and graph.is_small([7, 8, 8, 8, 6]) and graph.is_small([2, 1])
    assert not graph.is_small([2, 9, 1]) and not graph.is_small([2, 4, 4, 4, 4, 1])


def test_graph_nodes_show_the_chosen_example():
    model, X, y = twin("plain")
    trace = trace_step(model, X, y)
    step = next(s for s in walkthrough_steps(trace) if s.title.startswith("Forward, layer 2: activations"))
    figure = figures.step_graph_figure(step, trace.widths, ["a", "b", "c"], row=5)
    nodes = next(t for t in figure.data if t.mode == "markers+text")
    texts = list(nodes.text)
    offset = sum(trace.widths[:2])
    expected = [graph.short(v) for v in trace.dense[1].outputs[5]]
    assert texts[offset:offset + trace.widths[2]] == expected
    assert graph.short(0.000312) == "3e-4" and graph.short(-0.4213) == "-0.42" and graph.short(0) == "0"
