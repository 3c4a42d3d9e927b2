"""Finite-difference checks of every analytic gradient in the engine (float64, relative error < 1e-6)."""

import numpy as np
import pytest
from gradcheck import numerical_gradient, relative_error

from playground.nn import BatchNorm, Dense, Dropout, Sequential, activations, losses
from playground.nn.layers import Activation
from playground.nn.regularizers import L1, L1L2, L2

TOLERANCE = 1e-6


def away_from_kinks(rng, shape):
    """Pre-activations at least 0.05 from 0, where relu, leaky_relu, elu and step have kinks."""
    z = rng.normal(0.0, 2.0, shape)
    return np.where(np.abs(z) < 0.05, np.sign(z) * 0.05 + z, z)


@pytest.mark.parametrize("name", activations.ACTIVATIONS.names())
def test_activation_backward_matches_finite_differences(name):
    rng = np.random.default_rng(0)
    act = activations.get(name)
    z = away_from_kinks(rng, (6, 4))
    da = rng.normal(size=z.shape)
    analytic = act.backward(z, act(z.copy()), da)
    numeric = numerical_gradient(lambda: float(np.sum(da * act(z.copy()))), z)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("name", [n for n in activations.ACTIVATIONS.names() if n != "softmax"])
def test_elementwise_derivative_matches_finite_differences(name):
    act = activations.get(name)
    z = away_from_kinks(np.random.default_rng(1), (50,))
    numeric = np.array([(act(np.array([v + 1e-6]))[0] - act(np.array([v - 1e-6]))[0]) / 2e-6 for v in z])
    assert relative_error(act.derivative(z, act(z.copy())), numeric) < TOLERANCE


def test_step_passes_no_gradient_and_relu_derivative_is_zero_at_zero():
    step, relu = activations.get("step"), activations.get("relu")
    z = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(step(z), [0.0, 0.0, 1.0])
    assert np.array_equal(step.derivative(z, step(z)), [0.0, 0.0, 0.0])
    assert np.array_equal(relu.derivative(z, relu(z)), [0.0, 0.0, 1.0])


def test_sigmoid_and_softplus_do_not_overflow_on_extreme_inputs():
    z = np.array([-1000.0, 0.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.allclose(activations.get("sigmoid")(z), [0.0, 0.5, 1.0])
        assert np.allclose(activations.get("softplus")(z), [0.0, np.log(2.0), 1000.0])
        assert np.allclose(activations.get("softmax")(np.array([[1000.0, 0.0]])), [[1.0, 0.0]])


def targets_for(loss_name, rng, n, k):
    if loss_name == "binary_crossentropy":
        return (rng.random((n, k)) > 0.5).astype(float)
    if loss_name == "mse":
        return rng.normal(size=(n, k))
    Y = np.zeros((n, k))
    Y[np.arange(n), rng.integers(0, k, n)] = 1.0
    return Y


@pytest.mark.parametrize("name", losses.LOSSES.names())
def test_loss_gradient_matches_finite_differences(name):
    rng = np.random.default_rng(2)
    loss = losses.get(name)
    Y = targets_for(name, rng, 5, 3)
    P = rng.uniform(0.1, 0.9, (5, 3))  # probabilities well inside the clipping range
    numeric = numerical_gradient(lambda: loss(Y, P), P)
    assert relative_error(loss.gradient(Y, P), numeric) < TOLERANCE


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_fused_loss_value_and_gradient_match_the_unfused_composition(name):
    rng = np.random.default_rng(3)
    loss = losses.get(name)
    act = activations.get(loss.fused_activation)
    k = 1 if name == "binary_crossentropy" else 4
    Y = targets_for(name, rng, 6, k)
    Z = rng.normal(0.0, 2.0, (6, k))
    assert loss.fused_value(Y, Z) == pytest.approx(loss(Y, act(Z.copy())), rel=1e-12)
    numeric = numerical_gradient(lambda: loss.fused_value(Y, Z), Z)
    assert relative_error(loss.fused_gradient(Y, act(Z.copy())), numeric) < TOLERANCE


@pytest.mark.parametrize("name", ["binary_crossentropy", "categorical_crossentropy"])
def test_fused_value_is_exact_where_the_output_saturates(name):
    """At z = 40 the sigmoid rounds to 1 and the unfused loss clips; the fused one is still exact."""
    loss = losses.get(name)
    if name == "binary_crossentropy":
        Y, Z, exact = np.array([[0.0]]), np.array([[40.0]]), 40.0 + np.log1p(np.exp(-40.0))
    else:
        Y, Z = np.array([[0.0, 1.0, 0.0]]), np.array([[40.0, -40.0, 0.0]])
        exact = 80.0 + np.log1p(np.exp(-40.0) + np.exp(-80.0))
    assert loss.fused_value(Y, Z) == pytest.approx(exact, rel=1e-14)
    assert loss(Y, activations.get(loss.fused_activation)(Z)) < 0.5 * exact  # what clipping gives


def test_fused_losses_stay_finite_where_the_unfused_form_would_take_log_of_zero():
    bce = losses.get("binary_crossentropy")
    value = bce.fused_value(np.array([[0.0], [1.0]]), np.array([[800.0], [-800.0]]))
    assert value == pytest.approx(800.0)


@pytest.mark.parametrize("regularizer", [L1(0.03), L2(0.05), L1L2(l1=0.02, l2=0.07)])
def test_regularizer_gradient_matches_finite_differences(regularizer):
    W = away_from_kinks(np.random.default_rng(4), (4, 3))
    numeric = numerical_gradient(lambda: regularizer.penalty(W), W)
    assert relative_error(regularizer.gradient(W), numeric) < TOLERANCE


def test_regularizer_penalties_follow_keras_semantics():
    W = np.array([[1.0, -2.0], [0.5, 0.0]])
    assert L2(0.1).penalty(W) == pytest.approx(0.1 * 5.25)
    assert L1(0.1).penalty(W) == pytest.approx(0.1 * 3.5)
    assert L1L2(l1=0.1, l2=0.1).penalty(W) == pytest.approx(0.1 * 3.5 + 0.1 * 5.25)


def check_layer(layer, X, forward=None):
    """Check dL/dparams and dL/dX of L = sum(R * layer(X)) against finite differences."""
    rng = np.random.default_rng(5)
    forward = forward or (lambda: layer.forward(X, training=True))
    R = rng.normal(size=forward().shape)
    objective = lambda: float(np.sum(R * forward()))  # noqa: E731
    forward()
    dX = layer.backward(R)
    analytic = {key: grad.copy() for key, grad in layer.grads.items()}
    for key, param in layer.params.items():
        assert relative_error(analytic[key], numerical_gradient(objective, param)) < TOLERANCE, key
    assert relative_error(dX, numerical_gradient(objective, X)) < TOLERANCE


def built(layer, input_dim):
    layer.build(input_dim)
    layer.allocate()
    layer.initialize(np.random.default_rng(6))
    return layer


@pytest.mark.parametrize("activation", ["tanh", "relu", "gelu", "linear"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_gradients(activation, use_bias):
    layer = built(Dense(4, activation=activation, use_bias=use_bias, bias_initializer="random_normal"), 3)
    check_layer(layer, np.random.default_rng(7).normal(size=(5, 3)))


def test_dropout_gradient_with_a_fixed_mask():
    layer = built(Dropout(0.4), 6)
    X = np.random.default_rng(8).normal(size=(7, 6))

    def forward_with_fixed_mask():
        layer.rng = np.random.default_rng(11)  # the same mask on every evaluation
        return layer.forward(X, training=True)

    check_layer(layer, X, forward_with_fixed_mask)
    assert 0 < np.count_nonzero(layer.mask == 0) < layer.mask.size


def test_batch_norm_gradients_in_training_mode():
    layer = built(BatchNorm(), 3)
    layer.params["gamma"][...] = [0.5, 1.5, -2.0]
    layer.params["beta"][...] = [0.1, -0.3, 0.7]
    check_layer(layer, np.random.default_rng(9).normal(1.0, 3.0, (8, 3)))


def test_activation_layer_gradients():
    check_layer(built(Activation("swish"), 4), np.random.default_rng(10).normal(size=(5, 4)))


NETWORKS = {
    "binary_crossentropy": ("sigmoid", 1),
    "categorical_crossentropy": ("softmax", 3),
    "sparse_categorical_crossentropy": ("softmax", 3),
    "mse": ("linear", 2),
}


def mixed_network(loss_name, output_activation=None):
    out_act, units = NETWORKS[loss_name]
    model = Sequential([
        Dense(5, activation="tanh", kernel_regularizer=L2(0.01)),
        Dropout(0.3),
        Dense(4, activation="elu", kernel_regularizer=L1(0.01)),
        BatchNorm(momentum=0.9),
        Activation("swish"),
        Dense(4, activation="softplus"),
        Dense(units, activation=output_activation or out_act, kernel_regularizer=L1L2(0.005, 0.02)),
    ], input_dim=3, seed=12)
    model.compile(optimizer="sgd", loss=loss_name)
    return model


def check_network(model, loss_name):
    rng = np.random.default_rng(13)
    X = rng.normal(size=(9, 3))
    units = model.output_dim
    if loss_name == "sparse_categorical_crossentropy":
        y = rng.integers(0, units, 9)
    else:
        y = targets_for(loss_name, rng, 9, units)
    dropout = [layer for layer in model.layers if isinstance(layer, Dropout)]

    def loss_with_fixed_masks():
        for layer in dropout:
            layer.rng = np.random.default_rng(14)
        return model.compute_gradients(X, y)[0]

    loss_with_fixed_masks()
    analytic = model.flat_grads.copy()
    numeric = numerical_gradient(loss_with_fixed_masks, model.flat_params)
    assert relative_error(analytic, numeric) < TOLERANCE


@pytest.mark.parametrize("loss_name", list(NETWORKS))
def test_whole_network_gradient_for_every_loss(loss_name):
    check_network(mixed_network(loss_name), loss_name)


@pytest.mark.parametrize("loss_name,output", [("binary_crossentropy", "tanh"), ("mse", "sigmoid"),
                                              ("categorical_crossentropy", "sigmoid")])
def test_whole_network_gradient_through_unfused_outputs(loss_name, output):
    model = mixed_network(loss_name, output)
    if output == "tanh":  # keep BCE's probabilities inside (0, 1)
        model.layers[-1].activation = activations.get("sigmoid")
        model.compile("sgd", loss_name)
        model.fused = False
    check_network(model, loss_name)


def test_batch_norm_gradients_in_inference_mode_use_the_moving_statistics():
    layer = built(BatchNorm(), 3)
    layer.moving_mean[...] = [0.5, -1.0, 2.0]
    layer.moving_variance[...] = [2.0, 0.5, 1.5]
    layer.params["gamma"][...] = [0.5, 1.5, -2.0]
    X = np.random.default_rng(15).normal(size=(6, 3))
    check_layer(layer, X, lambda: layer.forward(X, training=False))
