"""Sequential's contract: training semantics, determinism, weights and config round trips, errors."""

import pickle
import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import make_circles, make_moons

from playground.nn import BatchNorm, Callback, Dense, Dropout, EarlyStopping, Sequential, losses
from playground.nn.model import PREDICT_BUDGET_BYTES
from playground.nn.optimizers import SGD, Adam
from playground.nn.regularizers import L2


def small_model(seed=0, optimizer=None, **dense):
    model = Sequential([Dense(6, activation="tanh", **dense), Dropout(0.2), BatchNorm(),
                        Dense(1, activation="sigmoid")], input_dim=2, seed=seed)
    model.compile(optimizer=optimizer or Adam(learning_rate=0.01), loss="binary_crossentropy")
    return model


def moons(n=200):
    return make_moons(n, noise=0.1, random_state=0)


def test_same_seed_gives_identical_weights_and_loss_trajectory_bit_for_bit():
    X, y = moons()
    runs = []
    for _ in range(2):
        model = small_model(seed=7)
        initial = model.get_weights()
        losses = model.fit(X, y, epochs=5, batch_size=16).history["loss"]
        runs.append((initial, losses, model.get_weights()))
    for a, b in zip(runs[0][0] + runs[0][2], runs[1][0] + runs[1][2], strict=True):
        assert np.array_equal(a, b)
    assert runs[0][1] == runs[1][1]
    other = small_model(seed=8)
    assert not np.array_equal(other.get_weights()[0], runs[0][0][0])


def test_reset_restores_the_initial_weights_and_batch_order():
    X, y = moons()
    model = small_model(seed=3)
    initial = model.get_weights()
    first = model.fit(X, y, epochs=2, batch_size=20).history["loss"]
    model.reset()
    for a, b in zip(initial, model.get_weights(), strict=True):
        assert np.array_equal(a, b)
    assert model.fit(X, y, epochs=2, batch_size=20).history["loss"] == first


class RecordBatches(Callback):
    """Wraps the model's step to record the rows of every batch."""

    def __init__(self):
        self.batches = []

    def on_train_begin(self):
        step = self.model.train_step

        def recording_step(X, Y):
            self.batches.append(X[:, 0].copy())
            return step(X, Y)

        self.model.train_step = recording_step


def test_fit_reshuffles_every_epoch_and_uses_the_last_partial_batch():
    X = np.arange(46, dtype=float).reshape(23, 2)
    y = np.arange(23) % 2
    model = Sequential([Dense(1, activation="sigmoid")], input_dim=2, seed=0)
    model.compile(SGD(learning_rate=1e-4), "binary_crossentropy")
    recorder = RecordBatches()
    model.fit(X, y, epochs=2, batch_size=10, callbacks=[recorder])
    sizes = [len(b) for b in recorder.batches]
    assert sizes == [10, 10, 3, 10, 10, 3]
    epoch1, epoch2 = np.concatenate(recorder.batches[:3]), np.concatenate(recorder.batches[3:])
    assert sorted(epoch1) == sorted(epoch2) == list(X[:, 0])  # every sample exactly once per epoch
    assert not np.array_equal(epoch1, epoch2)  # in a new order


def test_epoch_loss_is_the_size_weighted_mean_of_batch_losses():
    X, y = moons(25)
    model = small_model(seed=1)
    reference = small_model(seed=1)
    history = model.fit(X, y, epochs=1, batch_size=10, shuffle=False)
    batch_losses = [reference.train_on_batch(X[s:s + 10], y[s:s + 10]) for s in (0, 10, 20)]
    expected = (batch_losses[0] * 10 + batch_losses[1] * 10 + batch_losses[2] * 5) / 25
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-12)


def test_train_on_batch_returns_the_loss_before_the_step_with_penalties():
    X, y = moons(30)
    model = small_model(seed=2, kernel_regularizer=L2(0.01))
    model.layers[1].rate = 0.0  # deterministic forward
    expected = model.compute_gradients(X, y)[0]
    assert model.train_on_batch(X, y) == pytest.approx(expected, rel=1e-12)
    assert model.penalty() > 0
    assert model.train_on_batch(X, y) < expected


def test_a_regularizer_set_between_steps_counts_from_the_next_step_and_leaves_when_removed():
    X, y = moons(30)
    model = small_model(seed=2)
    model.layers[1].rate = 0.0  # deterministic forward
    model.train_on_batch(X, y)
    plain_loss, plain_grads = model.compute_gradients(X, y)
    kernel = model.layers[0].params["kernel"]
    where = model.slice_of(kernel)
    model.layers[0].kernel_regularizer = L2(0.1)
    loss, grads = model.compute_gradients(X, y)
    assert loss == pytest.approx(plain_loss + 0.1 * float(np.sum(kernel**2)), rel=1e-12)
    np.testing.assert_allclose(grads[where], plain_grads[where] + 0.2 * kernel.ravel(), rtol=1e-12)
    copied = pickle.loads(pickle.dumps(model))  # a copy carries the regularizer into its penalty
    assert copied.compute_gradients(X, y)[0] == pytest.approx(loss, rel=1e-12)
    model.layers[0].kernel_regularizer = None
    assert model.compute_gradients(X, y)[0] == pytest.approx(plain_loss, rel=1e-12)


def test_validation_loss_and_early_stopping():
    X, y = moons(200)
    model = small_model(seed=4, optimizer=Adam(learning_rate=0.5))
    stopper = EarlyStopping(patience=2)
    history = model.fit(X[:100], y[:100], epochs=200, batch_size=100, validation_data=(X[100:], y[100:]),
                        callbacks=[stopper])
    assert len(history.history["val_loss"]) == len(history.epoch) < 200
    assert min(history.history["val_loss"]) == pytest.approx(stopper.best)


def accuracy(model, X, y):
    probabilities = model.predict(X)
    if probabilities.shape[1] == 1:
        return float(np.mean((probabilities[:, 0] > 0.5) == y))
    return float(np.mean(probabilities.argmax(axis=1) == y))


def two_arm_spiral(n, seed=0):
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.25, 1.0, n) * 3 * np.pi
    arm = np.arange(n) % 2
    angle = t + np.pi * arm
    X = np.c_[t * np.cos(angle), t * np.sin(angle)] / 3 + rng.normal(0, 0.05, (n, 2))
    return X, arm


@pytest.mark.parametrize("dataset,layers,epochs", [
    ("moons", [Dense(16, activation="relu"), Dense(16, activation="relu")], 60),
    ("circles", [Dense(8, activation="tanh"), Dense(8, activation="tanh")], 60),
    ("spiral", [Dense(32, activation="relu"), Dense(32, activation="relu"), Dense(32, activation="relu")], 150),
])
def test_small_networks_learn_the_classic_toy_problems(dataset, layers, epochs):
    if dataset == "moons":
        X, y = make_moons(500, noise=0.1, random_state=0)
    elif dataset == "circles":
        X, y = make_circles(500, noise=0.05, factor=0.5, random_state=0)
    else:
        X, y = two_arm_spiral(500)
    model = Sequential([*layers, Dense(2, activation="softmax")], input_dim=2, seed=0)
    model.compile(Adam(learning_rate=0.01), "sparse_categorical_crossentropy")
    model.fit(X, y, epochs=epochs, batch_size=32)
    assert accuracy(model, X, y) >= 0.97


def test_dropout_is_the_identity_at_inference_and_scales_in_training():
    layer = Dropout(0.5, seed=0)
    layer.build(1000)
    X = np.ones((50, 1000))
    assert layer.forward(X, training=False) is X
    dropped = layer.forward(X, training=True)
    assert set(np.unique(dropped)) == {0.0, 2.0}
    assert dropped.mean() == pytest.approx(1.0, abs=0.02)  # inverted dropout keeps the expectation


def test_batch_norm_moving_statistics_converge_to_the_data_statistics():
    rng = np.random.default_rng(0)
    X = rng.normal([3.0, -1.0], [2.0, 0.5], (20000, 2))
    layer = BatchNorm(momentum=0.9)
    layer.build(2)
    layer.allocate()
    layer.initialize(rng)
    for start in range(0, 20000, 200):
        layer.forward(X[start:start + 200], training=True)
    assert layer.moving_mean == pytest.approx([3.0, -1.0], abs=0.1)
    assert layer.moving_variance == pytest.approx([4.0, 0.25], rel=0.1)
    normalised = layer.forward(X[:5000], training=False)
    assert normalised.mean(axis=0) == pytest.approx([0.0, 0.0], abs=0.1)
    assert normalised.std(axis=0) == pytest.approx([1.0, 1.0], abs=0.1)


def test_config_round_trip_predicts_identically_and_continues_identically():
    X, y = moons()
    model = small_model(seed=5, kernel_regularizer=L2(0.001))
    model.fit(X, y, epochs=3, batch_size=32)
    clone = Sequential.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    assert np.array_equal(clone.predict(X), model.predict(X))
    assert clone.get_config() == model.get_config()


def test_save_and_load_weights_through_npz(tmp_path):
    X, _ = moons()
    model = small_model(seed=6)
    model.fit(X, np.zeros(len(X)), epochs=1)
    path = tmp_path / "weights.npz"
    model.save_weights(path)
    clone = small_model(seed=99)
    clone.load_weights(path)
    assert np.array_equal(clone.predict(X), model.predict(X))


def test_load_weights_refuses_pickles_and_mismatched_shapes(tmp_path):
    model = small_model()
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, w000=np.array([{"evil": 1}], dtype=object))
    with pytest.raises(ValueError):
        model.load_weights(pickled)
    wrong = tmp_path / "wrong.npz"
    weights = model.get_weights()
    weights[0] = np.zeros((3, 6))
    np.savez(wrong, **{f"w{i:03d}": w for i, w in enumerate(weights)})
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"shape \(2, 6\). Received: shape=\(3, 6\)"):
        model.load_weights(wrong)
    for a, b in zip(before, model.get_weights(), strict=True):
        assert np.array_equal(a, b)  # nothing changed


def test_weights_are_in_keras_order_and_share_the_flat_buffer():
    model = small_model()
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(2, 6), (6,), (6,), (6,), (6,), (6,), (6, 1), (1,)]
    assert model.count_params() == 2 * 6 + 6 + 6 + 6 + 6 + 1
    model.layers[0].params["kernel"][0, 0] = 42.0
    assert model.flat_params[0] == 42.0
    # Each layer owns one contiguous stretch of the buffer, its parameters in Keras order.
    for layer, where in zip(model.layers, model.layer_slices, strict=True):
        stored = [p.ravel() for p in layer.params.values()]
        assert np.array_equal(model.flat_params[where], np.concatenate(stored) if stored else [])
    assert model.layer_slices[-1].stop == model.flat_params.size


def test_a_layer_refuses_storage_of_the_wrong_size():
    layer = Dense(3)
    layer.build(2)
    with pytest.raises(ValueError, match="Expected 9 floats"):
        layer.bind(np.zeros(8), np.zeros(8))


def test_summary_lists_layers_and_parameter_counts():
    text = small_model().summary()
    assert "dense_0 (Dense, tanh)" in text and "batch_norm_0 (BatchNorm)" in text
    assert "Total params: 49" in text and "Non-trainable params: 12" in text


@pytest.mark.parametrize("call,message", [
    (lambda: Dense(4, activation="relux"), r"Expected one of: linear, relu.*Received: activation='relux'"),
    (lambda: Dense(0), r"Received: units=0"),
    (lambda: Dense(2, kernel_initializer="he"), r"Received: initializer='he'"),
    (lambda: Dropout(1.0), r"Received: rate=1.0"),
    (lambda: Adam(learning_rate=-1), r"Received: learning_rate=-1"),
    (lambda: small_model().predict(np.zeros((4, 3))), r"shape \(n, 2\). Received: X.shape=\(4, 3\)"),
    (lambda: small_model().train_on_batch(np.zeros((4, 2)), np.zeros(5)), r"X.shape=\(4, 2\), y.shape=\(5,\)"),
    (lambda: Sequential([Dense(2)]).compile("adam", "hinge"), r"Received: loss='hinge'"),
])
def test_errors_say_what_was_expected_and_what_was_received(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sparse_targets_out_of_range_are_rejected():
    model = Sequential([Dense(3, activation="softmax")], input_dim=2, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match=r"classes in 0..2"):
        model.train_on_batch(np.zeros((2, 2)), np.array([0, 3]))


def test_learning_rate_change_between_steps_keeps_the_optimizer_state():
    X, y = moons(50)
    model = small_model(seed=0)
    model.fit(X, y, epochs=2, batch_size=50)
    moments = model.optimizer.slots["m"].copy()
    iterations = model.optimizer.iterations
    model.optimizer.learning_rate = 0.1
    model.train_on_batch(X, y)
    assert model.optimizer.iterations == iterations + 1
    assert np.allclose(model.optimizer.slots["m"], 0.9 * moments + 0.1 * model.flat_grads)


def test_a_pickled_model_trains_on_as_the_original():
    X, y = moons(60)
    model = small_model()
    model.fit(X, y, epochs=2, batch_size=10)
    copy = pickle.loads(pickle.dumps(model))
    model.fit(X, y, epochs=2, batch_size=10)
    copy.fit(X, y, epochs=2, batch_size=10)
    assert np.array_equal(copy.flat_params, model.flat_params)
    assert np.shares_memory(copy.layers[0].params["kernel"], copy.flat_params)


def widest_model():
    """The widest network the app allows: 8 hidden layers of 256 units, each with batch norm."""
    layers = [layer for _ in range(8) for layer in (Dense(256, activation="relu"), BatchNorm())]
    model = Sequential([*layers, Dense(1, activation="sigmoid")], input_dim=2, seed=0)
    model.compile("adam", "binary_crossentropy")
    return model


# One predict may hold one chunk's arrays (PREDICT_BUDGET_BYTES), a few transient arrays of one
# layer (~0.5 MB each here) and its result; the buffers kept per batch size before took ~500 MB.
PREDICT_PEAK_BOUND = PREDICT_BUDGET_BYTES + 8 * 2**20


def test_predicting_a_large_grid_through_the_widest_network_stays_within_its_byte_budget():
    model = widest_model()
    grid = np.random.default_rng(0).uniform(-1.0, 1.0, (40_000, 2))
    tracemalloc.start()
    try:
        model.predict(grid)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PREDICT_PEAK_BOUND
    assert kept < PREDICT_BUDGET_BYTES + grid.nbytes  # the last chunk's pass stays, for the diagnostics


def test_a_layer_keeps_only_its_last_pass_whatever_sizes_went_before():
    model = widest_model()
    X, y = moons(300)
    rows = model.chunk_rows()
    assert 64 <= rows < 1000
    model.predict(np.resize(X, (1000, 2)))
    assert all(layer.outputs.shape[0] == 1000 % rows for layer in model.layers)
    model.fit(X, y, epochs=1, batch_size=10)
    for layer in model.layers:  # every array of a pass is the last batch's: no other size is kept
        batch_arrays = [a for a in vars(layer).values() if isinstance(a, np.ndarray) and a.ndim == 2
                        and a.shape[1] == layer.output_dim and a.shape[0] != layer.input_dim]
        assert batch_arrays and {a.shape[0] for a in batch_arrays} == {10}


def test_chunked_predict_and_evaluate_equal_one_pass_over_all_rows():
    model = widest_model()
    X, y = moons(1000)
    assert model.chunk_rows() < 1000
    whole = model.forward(X, training=False).copy()
    loss = model.data_loss(losses.prepare_targets(model.loss, y, 1))
    np.testing.assert_allclose(model.predict(X), whole, rtol=1e-12)
    assert model.evaluate(X, y) == pytest.approx(loss, rel=1e-12)
