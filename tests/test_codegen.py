"""Code export: every script compiles and is lint-clean, the generated data is the app's bit for bit,
the playground.nn script reproduces a Trainer run exactly, and framework notes are where they belong."""

import dataclasses
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from playground.config import Config, LayerConfig, TrainingConfig
from playground.datasets import DATASETS, FEATURES
from playground.export import codegen, keras_script, playground_script, pytorch_script
from playground.export.codegen_common import Plan, schedule_factor
from playground.export.codegen_data import FEATURE_CODE, data_section
from playground.network import build_optimizer
from playground.training import Trainer, make_run_data

ROOT = Path(__file__).resolve().parents[1]
BUILDERS = {"keras": keras_script, "pytorch": pytorch_script, "playground": playground_script}
SMALL = {"n_samples": 120}

CONFIGS = {
    "binary": Config().replace(**SMALL),
    "multiclass": Config().replace(dataset="blobs", n_classes=4, hidden=(LayerConfig(8, "relu"),), **SMALL),
    "regression": Config().replace(dataset="gaussians", hidden=(LayerConfig(8, "tanh"), LayerConfig(4, "elu")),
                                   **SMALL),
    "dropout_batchnorm": Config().replace(hidden=(LayerConfig(8, "relu", 0.2, True), LayerConfig(4, "gelu", 0.1)),
                                          **SMALL),
    "sgd_nesterov": Config().replace(optimizer="sgd", momentum=0.9, nesterov=True, weight_decay=0.001, **SMALL),
    "rmsprop": Config().replace(optimizer="rmsprop", rho=0.95, momentum=0.5, epsilon=1e-6, **SMALL),
    "adam": Config().replace(optimizer="adam", beta_1=0.8, beta_2=0.99, **SMALL),
    "adamw": Config().replace(optimizer="adamw", weight_decay=0.01, **SMALL),
    "adagrad": Config().replace(optimizer="adagrad", learning_rate=0.1, **SMALL),
    "step_schedule": Config().replace(schedule="step", decay_steps=50, decay_rate=0.3, **SMALL),
    "exponential_schedule": Config().replace(schedule="exponential", decay_steps=80, **SMALL),
    "cosine_clipnorm": Config().replace(schedule="cosine", decay_steps=100, clipnorm=0.5, **SMALL),
    "penalties": Config().replace(regularization="l1l2", reg_rate=0.002, initializer="he_normal", **SMALL),
    "early_stopping": Config().replace(early_stopping=True, patience=5, **SMALL),
    "features": Config().replace(dataset="spiral", features=tuple(FEATURES), **SMALL),
    "activations": Config().replace(hidden=tuple(LayerConfig(3, name) for name in (
        "linear", "leaky_relu", "swish", "silu", "softplus", "sigmoid", "step")), initializer="small", **SMALL),
}
for name in ("glorot_normal", "he_uniform", "lecun_normal", "random_normal", "zeros", "ones"):
    CONFIGS[f"init_{name}"] = Config().replace(initializer=name, **SMALL)


@pytest.mark.parametrize("mode", ["generate", "embed"])
@pytest.mark.parametrize("framework", list(BUILDERS))
@pytest.mark.parametrize("name", list(CONFIGS))
def test_every_script_compiles(name, framework, mode):
    source = BUILDERS[framework](CONFIGS[name], 30, mode)
    compile(source, f"{name}_{framework}_{mode}.py", "exec")
    assert "SEED = 0" in source and "EPOCHS = 30" in source and f"BATCH_SIZE = {CONFIGS[name].training.batch_size}" \
        in source
    assert source.count("X_train = ") == 1 and "print(f\"train_" in source


def test_scripts_are_lint_clean(tmp_path):
    for name in ("dropout_batchnorm", "cosine_clipnorm", "early_stopping", "activations", "features", "penalties",
                 "regression", "multiclass"):
        for framework, build in BUILDERS.items():
            for mode in ("generate", "embed"):
                (tmp_path / f"{name}_{framework}_{mode}.py").write_text(build(CONFIGS[name], 30, mode))
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,B",
                             "--line-length", "120", "--config", "lint.isort.known-first-party=['playground']",
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_generated_data_is_the_apps_bit_for_bit(dataset):
    info = DATASETS[dataset]
    for noise, seed in ((0.0, 0), (0.3, 12345)):
        changes = dict(dataset=dataset, noise=noise, seed=seed, n_samples=173, train_share=0.7,
                       features=tuple(FEATURES))
        if info.variable_classes:
            changes["n_classes"] = 5
        config = Config().replace(**changes)
        source, imports = data_section(Plan(config, 1), "generate", None)
        namespace = {"SEED": seed}
        exec("import numpy as np\n" + "\n".join(imports) + "\n" + source, namespace)
        expected = make_run_data(config)
        for name, attribute in (("X_train", "F_train"), ("X_test", "F_test"), ("y_train", "y_train"),
                                ("y_test", "y_test")):
            assert namespace[name].dtype == getattr(expected, attribute).dtype
            assert np.array_equal(namespace[name], getattr(expected, attribute)), (dataset, noise, name)


def test_feature_expressions_match_the_feature_catalogue():
    X = np.random.default_rng(1).uniform(-6, 6, (40, 2))
    for name, feature in FEATURES.items():
        assert np.array_equal(eval(FEATURE_CODE[name], {"np": np, "X": X}), feature.fn(X))


def test_embedded_data_is_exact_and_needs_no_generator():
    config = CONFIGS["features"]
    data = make_run_data(config)
    source, imports = data_section(Plan(config, 1), "embed", data)
    assert imports == [] and "rng" not in source
    namespace = {"np": np}
    exec(source, namespace)
    assert np.array_equal(namespace["X_train"], data.F_train) and np.array_equal(namespace["y_test"], data.y_test)


@pytest.mark.parametrize("schedule", ["step", "exponential", "cosine"])
def test_the_torch_schedule_factor_is_the_engines_schedule(schedule):
    import math  # noqa: F401 (the factor expression uses it)

    config = Config().replace(schedule=schedule, decay_steps=100, decay_rate=0.3, learning_rate=0.02)
    factor = schedule_factor(Plan(config, 1))
    engine = build_optimizer(config.training).learning_rate
    for step in (0, 1, 99, 100, 101, 250, 10_000):
        assert math.isclose(eval(factor, {"math": math, "step": step}) * 0.02, engine(step), rel_tol=1e-12)
    assert schedule_factor(Plan(Config(), 1)) is None


def _run(source: str, tmp_path: Path, name: str, env: dict | None = None) -> dict[str, float]:
    path = tmp_path / f"script_{name}.py"  # never named like a package it imports
    path.write_text(source)
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300, cwd=ROOT,
                            env=environment)
    assert result.returncode == 0, result.stderr[-3000:]
    return {key: float(value) for key, value in re.findall(r"^(\w+)=(\S+)$", result.stdout, re.MULTILINE)}


RUNS = {
    "batchnorm_dropout_sgd": (Config().replace(dataset="spiral", noise=0.1, n_samples=200, optimizer="sgd",
                                               momentum=0.9, hidden=(LayerConfig(8, "relu", 0.2, True),
                                                                     LayerConfig(6, "tanh", 0.1))), "embed"),
    "multiclass_adamw_cosine_clip": (Config().replace(dataset="rings", n_classes=3, n_samples=200, optimizer="adamw",
                                                      schedule="cosine", decay_steps=300, clipnorm=0.5,
                                                      regularization="l2", features=("x1", "x2", "x1sq", "x2sq"),
                                                      hidden=(LayerConfig(8, "swish"),)), "generate"),
    "regression_rmsprop_step_l1": (Config().replace(dataset="sine", n_samples=200, optimizer="rmsprop",
                                                    learning_rate=0.003, schedule="step", decay_steps=100,
                                                    regularization="l1", reg_rate=1e-4, batch_size=7,
                                                    hidden=(LayerConfig(8, "elu"),)), "embed"),
    "adagrad_decay_exponential": (Config().replace(dataset="xor", n_samples=150, optimizer="adagrad",
                                                   learning_rate=0.1, weight_decay=0.001, schedule="exponential",
                                                   decay_steps=200, initializer="he_uniform",
                                                   hidden=(LayerConfig(8, "leaky_relu", 0.0, True),)), "generate"),
    "bias_start_own_weights_seed": (Config().replace(dataset="circle", n_samples=150, seed=3, weights_seed=8,
                                                     bias_init=-0.5, learning_rate=0.1,
                                                     hidden=(LayerConfig(8, "relu"), LayerConfig(4, "tanh"))),
                                    "embed"),
}


@pytest.mark.parametrize("name", list(RUNS))
def test_the_playground_script_reproduces_the_trainers_run_exactly(name, tmp_path):
    config, mode = RUNS[name]
    trainer = Trainer(config)
    assert trainer.advance(epochs=30) == 30 and trainer.status == "ready"
    metric = "r2" if config.data.task == "regression" else "accuracy"
    printed = _run(playground_script(config, 30, mode, trainer.data), tmp_path, name)
    assert printed[f"train_{metric}"] == pytest.approx(trainer.history.train_metric[-1], abs=1e-9)
    assert printed[f"test_{metric}"] == pytest.approx(trainer.history.test_metric[-1], abs=1e-9)


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", ["batchnorm_dropout_sgd", "multiclass_adamw_cosine_clip",
                                  "regression_rmsprop_step_l1", "bias_start_own_weights_seed"])
def test_the_pytorch_script_runs_and_learns(name, tmp_path):
    config, mode = RUNS[name]
    trainer = Trainer(config)
    trainer.advance(epochs=30)
    metric = "r2" if config.data.task == "regression" else "accuracy"
    printed = _run(pytorch_script(config, 30, mode, trainer.data), tmp_path, name)
    assert printed[f"train_{metric}"] > trainer.history.train_metric[-1] - 0.25  # similar, not identical


@pytest.mark.skipif(importlib.util.find_spec("keras") is None or not any(
    importlib.util.find_spec(b) for b in ("tensorflow", "jax", "torch")),
    reason="Keras 3 with a backend is not installed")
def test_the_keras_script_runs_and_learns(tmp_path):
    config, mode = RUNS["batchnorm_dropout_sgd"]
    backend = next(b for b in ("tensorflow", "jax", "torch") if importlib.util.find_spec(b))
    printed = _run(keras_script(config, 30, mode), tmp_path, "keras", {"KERAS_BACKEND": backend})
    assert printed["train_accuracy"] > 0.5


def test_framework_differences_are_spelled_out():
    keras = keras_script(CONFIGS["rmsprop"].replace(clipnorm=1.0, hidden=(LayerConfig(4, "gelu", 0.0, True),
                                                                          LayerConfig(3, "leaky_relu"))), 5)
    assert "global_clipnorm=1.0" in keras and "rho=0.95" in keras and "inside the square root" in keras
    assert "approximate=True" in keras and "BatchNormalization(momentum=0.99, epsilon=0.001)" in keras
    assert "negative slope 0.2" in keras
    torch = pytorch_script(CONFIGS["rmsprop"].replace(clipnorm=1.0, hidden=(LayerConfig(4, "gelu", 0.0, True),
                                                                            LayerConfig(3, "leaky_relu"))), 5)
    assert "alpha=0.95" in torch and "alpha is Keras' rho" in torch and "clip_grad_norm_(model.parameters(), 1.0)" \
        in torch
    assert 'nn.GELU(approximate="tanh")' in torch and "nn.LeakyReLU(0.2)" in torch
    assert "BatchNorm1d(4, eps=0.001, momentum=0.01)" in torch and "1 - Keras' (and the playground's) 0.99" in torch
    assert "stddev=0.01" in keras_script(CONFIGS["activations"], 5)
    assert "nn.init.normal_(weight, 0.0, 0.01)" in pytorch_script(CONFIGS["activations"], 5)
    assert "def step(x)" in keras_script(CONFIGS["activations"], 5)
    assert "class Step(nn.Module)" in pytorch_script(CONFIGS["activations"], 5)
    assert "initial_accumulator_value=0.1" in pytorch_script(CONFIGS["adagrad"], 5)
    assert "L2(0.0005)" in keras_script(CONFIGS["sgd_nesterov"], 5)  # coupled weight decay as an L2 penalty
    assert "weight_decay=0.01" in keras_script(CONFIGS["adamw"], 5)
    assert "restore_best_weights=True" in keras_script(CONFIGS["early_stopping"], 5)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="epochs must be an integer"):
        keras_script(Config(), 0)
    with pytest.raises(ValueError, match="data_mode must be one of generate, embed"):
        pytorch_script(Config(), 5, "download")
    with pytest.raises(TypeError, match="config must be a Config"):
        playground_script({"data": {}}, 5)
    with pytest.raises(ValueError, match="framework must be one of"):
        codegen.script("jax", Config(), 5)
    assert codegen.script("keras", Config(), 5) == keras_script(Config(), 5)


@pytest.mark.skipif("rule" not in {f.name for f in dataclasses.fields(TrainingConfig)},
                    reason="the config has no training rule")
def test_the_perceptron_rule_is_not_exported():
    config = Config().replace(hidden=(), rule="perceptron")
    with pytest.raises(ValueError, match="backpropagation"):
        playground_script(config, 5)
