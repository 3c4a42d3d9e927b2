"""Diagnostics: exact counts on constructed networks, and the findings on the classic failures."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from playground import diagnostics
from playground.config import Config, LayerConfig
from playground.network import hidden_layers
from playground.nn import Dense, Sequential
from playground.nn.optimizers import SGD
from playground.training import Trainer


def trainer_for(**changes):
    return Trainer(Config().replace(n_samples=200, **changes))


def test_dead_units_are_counted_exactly_on_a_constructed_network():
    trainer = trainer_for(hidden=(LayerConfig(6, "relu"), LayerConfig(4, "relu")))
    first = trainer.hidden[0].dense
    first.params["kernel"][:, [1, 4]] = 0.0
    first.params["bias"][[1, 4]] = -1.0  # units 1 and 4 output max(-1, 0) = 0 on every input
    first.params["bias"][[0, 2, 3, 5]] = 100.0  # the others are active everywhere
    stats = diagnostics.layer_stats(trainer.model, trainer.hidden, trainer.data.F_train, trainer.Y_train)
    assert stats[0].dead.tolist() == [False, True, False, False, True, False]
    assert stats[0].dead_count == 2 and stats[0].dead_share == pytest.approx(2 / 6)
    assert stats[0].activity.tolist() == [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    findings = diagnostics.layer_findings(stats, 1.0)
    assert any(f.kind == "dead" and f.message.startswith("Layer 1: 2 of 6 relu units are dead") for f in findings)


def test_saturation_share_is_exact_on_a_constructed_network():
    trainer = trainer_for(hidden=(LayerConfig(4, "tanh"),))
    dense = trainer.hidden[0].dense
    dense.params["kernel"][...] = 0.0
    dense.params["bias"][...] = [5.0, -5.0, 0.1, 0.0]  # tanh(5) = 0.9999: two of four units saturated
    stats = diagnostics.layer_stats(trainer.model, trainer.hidden, trainer.data.F_train, trainer.Y_train)
    assert stats[0].saturation == pytest.approx(0.5)
    assert stats[0].activation_mean == pytest.approx(np.tanh(0.1) / 4)
    assert any(f.kind == "saturated" for f in diagnostics.layer_findings(stats, 1.0))


def test_a_ten_layer_sigmoid_network_with_small_init_reports_vanishing_gradients():
    model = Sequential([*(Dense(8, "sigmoid", kernel_initializer="small") for _ in range(9)),
                        Dense(1, "sigmoid", kernel_initializer="small")], input_dim=2, seed=0)
    model.compile(SGD(learning_rate=0.1), "binary_crossentropy")
    X, y = make_moons(200, noise=0.1, random_state=0)
    model.fit(X, y, epochs=2, batch_size=20)
    hidden = hidden_layers(model)
    stats = diagnostics.layer_stats(model, hidden, X, y[:, None].astype(float))
    output_norm = float(np.linalg.norm(model.layers[-1].grads["kernel"]))
    vanishing = [f for f in diagnostics.layer_findings(stats, output_norm) if f.kind == "vanishing"]
    assert vanishing and "smaller than the output layer's: vanishing gradients" in vanishing[0].message
    assert stats[0].kernel_gradient_norm < stats[-1].kernel_gradient_norm / 1000
    signal = diagnostics.signal_findings(diagnostics.signal_propagation(Sequential(
        [Dense(8, "sigmoid", kernel_initializer="small"), Dense(1)], input_dim=2, seed=0)))
    assert signal and "the signal fades" in signal[0].message


def test_relu_with_a_huge_learning_rate_kills_units():
    trainer = trainer_for(hidden=(LayerConfig(16, "relu"),) * 3, optimizer="sgd", learning_rate=3.0)
    healthy = trainer.snapshot().layers
    trainer.advance(epochs=20)
    layers = trainer.snapshot().layers
    assert sum(layer.dead_count for layer in healthy) <= 2
    assert sum(layer.dead_count for layer in layers) >= 12
    dead = [f for f in trainer.findings() if f.kind == "dead"]
    assert dead and "since epoch" in dead[0].message


def test_update_ratio_is_the_log_of_step_over_weight_norm():
    trainer = trainer_for(optimizer="sgd", learning_rate=0.01)
    trainer.advance(epochs=1)
    model, dense = trainer.model, trainer.hidden[0].dense
    step = model.optimizer.last_step[model.slice_of(dense.params["kernel"])]
    expected = np.log10(np.linalg.norm(step) / np.linalg.norm(dense.params["kernel"]))
    assert diagnostics.update_ratio(model, dense) == pytest.approx(expected)


def test_signal_propagation_matches_the_initializer_variance():
    trainer = trainer_for(hidden=(LayerConfig(200, "relu"), LayerConfig(200, "relu")), initializer="he_normal")
    gains = diagnostics.signal_propagation(trainer.model)
    assert gains[1] == pytest.approx(2.0, rel=0.05)  # He: fan_in * Var(W) = 2


def test_overfitting_finding_needs_a_long_rise_while_training_loss_falls():
    epochs = np.arange(400)
    train = np.linspace(1.0, 0.01, 400)
    test = np.r_[np.linspace(1.0, 0.5, 100), np.linspace(0.5, 0.9, 300)]
    finding = diagnostics.overfitting_finding(train, test, epochs)
    assert finding and "risen for 300 epochs (best at epoch 99)" in finding.message
    assert diagnostics.overfitting_finding(train, np.linspace(1.0, 0.5, 400), epochs) is None


# ---------------------------------------------------------------------------------------------
# Which findings a class sees


def _shown(trainer) -> set[str]:
    return {f.kind for f in diagnostics.worth_showing(trainer.findings(), trainer.history.train_loss)}


def test_a_run_that_learns_shows_no_initialisation_or_tiny_step_findings():
    from playground.presets import LESSONS
    trainer = Trainer(LESSONS["overfitting"].runs[0])
    trainer.advance(epochs=LESSONS["overfitting"].epochs)
    assert "signal" in {f.kind for f in trainer.findings()}  # computed, since Glorot on a wide layer is below 0.1 ...
    assert _shown(trainer) == {"overfitting"}                 # ... but not shown: the network learns fine


def test_a_stalled_run_keeps_its_explanations():
    from playground.presets import LESSONS
    lesson = LESSONS["vanishing-gradients"]
    trainer = Trainer(lesson.runs[0])  # sigmoid, small init
    trainer.advance(epochs=lesson.epochs)
    assert diagnostics.stalled(trainer.history.train_loss)
    assert {"signal", "vanishing"} <= _shown(trainer)


def test_findings_speak_plain_words():
    signal = diagnostics.signal_findings([0.01, 1.0])[0].message
    assert signal.startswith("Layer 1 starts with weights so small") and "10x weaker" in signal
    stats = [type("S", (), dict(index=0, units=4, activation="tanh", dead_count=0, dead_share=0.0, saturation=None,
                                update_ratio=-34.4, kernel_gradient_norm=1.0))()]
    (low,) = diagnostics.layer_findings(stats, 1.0)
    assert low.kind == "update_low" and "log10" not in low.message and "-34.4" not in low.message
    assert "almost stopped" in low.message
