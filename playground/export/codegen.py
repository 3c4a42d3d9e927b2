"""Runnable Python scripts that reproduce a playground run in Keras 3, PyTorch or `playground.nn`.

    source = keras_script(config, epochs=200)                       # data generated in the script
    source = playground_script(config, 200, "embed", trainer.data)  # the exact arrays of the run

Each script has the same layers (Dense -> BatchNorm -> Activation -> Dropout per hidden layer, as
`network.build_layers`), initializer, kernel penalties, output layer and loss for the task,
optimizer with its hyperparameters, schedule and clipping, batch size, epochs, seed and data,
and prints the final `train_<metric>=` and `test_<metric>=` (accuracy or R^2) as the app shows
them. Comments mark where a framework's defaults or formulas differ from the playground's.
The playground.nn script reproduces the app's run exactly (same engine, data, seed, batch order;
in both data modes, as "generate" redraws the app's points bit for bit); the Keras and PyTorch
ones reproduce the setup (their random streams differ, so the numbers are similar, not equal).
"""

from __future__ import annotations

import textwrap

from ..config import Config
from ..training import RunData
from . import codegen_keras, codegen_torch
from .codegen_common import Plan, call, num, optimizer_class, result_section, schedule_class
from .codegen_data import data_section

DATA_MODES = ("generate", "embed")
FRAMEWORKS = {"keras": "Keras 3", "pytorch": "PyTorch", "playground": "playground.nn"}
MAX_EPOCHS = 1_000_000
STDLIB = {"copy", "math"}


def _check(config: Config, epochs: int, data_mode: str, data: RunData | None) -> Plan:
    if not isinstance(config, Config):
        raise TypeError(f"config must be a Config. Received: {type(config).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be an integer between 1 and {MAX_EPOCHS}. Received: epochs={epochs!r}")
    if data_mode not in DATA_MODES:
        raise ValueError(f"data_mode must be one of {', '.join(DATA_MODES)}. Received: data_mode={data_mode!r}")
    if data is not None and not isinstance(data, RunData):
        raise TypeError(f"data must be the run's RunData (or None). Received: {type(data).__name__}")
    rule = getattr(config.training, "rule", "backprop")
    if rule != "backprop":
        raise ValueError(f"Code export reproduces backpropagation training only. Received: rule={rule!r}")
    return Plan(config, epochs)


def _assemble(plan: Plan, framework: str, imports: list[str], data: tuple[str, list[str]], model: str,
              train: str, notes: list[str] = ()) -> str:
    """Docstring, imports, constants and the data / model / training / result sections."""
    data_source, data_imports = data
    title = f"Reproduce a Neural Network Playground run with {FRAMEWORKS[framework]}."
    body = [*plan.describe(), *notes,
            f"Playground config (the app's config import reads it): {plan.config.to_json()}"]
    doc = "\n\n".join(textwrap.fill(text, 100, break_long_words=False, break_on_hyphens=False) for text in body)
    groups: dict[str, set[str]] = {"stdlib": set(), "third": set(), "first": set()}
    for line in [*imports, *data_imports, "import numpy as np"]:
        module = line.split()[1].split(".")[0]
        groups["stdlib" if module in STDLIB else "first" if module == "playground" else "third"].add(line)
    import_block = "\n\n".join("\n".join(sorted(lines, key=lambda x: (x.startswith("from"), x.split()[1])))
                                for lines in groups.values() if lines)
    constants = [f"SEED = {plan.config.data.seed}", f"EPOCHS = {plan.epochs}",
                 *([f"WEIGHTS_SEED = {plan.config.network_seed}"] if plan.config.network.weights_seed is not None
                   else []),
                 f"BATCH_SIZE = {plan.training.batch_size}"]
    sections = [f'"""{title}\n\n{doc}\n"""', import_block + "\n\n" + "\n".join(constants)]
    for heading, source in (("Data", data_source), ("Model", model), ("Training", train),
                            ("Result", result_section(plan))):
        sections.append(f"# ---- {heading} " + "-" * (93 - len(heading)) + "\n" + source.strip("\n"))
    return "\n\n\n".join(sections) + "\n"


def keras_script(config: Config, epochs: int, data_mode: str = "generate", data: RunData | None = None) -> str:
    """A Keras 3 script (any backend) for the config: see the module docstring."""
    plan = _check(config, epochs, data_mode, data)
    imports, model, train, notes = codegen_keras.sections(plan)
    return _assemble(plan, "keras", imports, data_section(plan, data_mode, data), model, train, notes)


def pytorch_script(config: Config, epochs: int, data_mode: str = "generate", data: RunData | None = None) -> str:
    """A PyTorch script for the config: see the module docstring."""
    plan = _check(config, epochs, data_mode, data)
    imports, model, train, notes = codegen_torch.sections(plan)
    return _assemble(plan, "pytorch", imports, data_section(plan, data_mode, data), model, train, notes)


def playground_script(config: Config, epochs: int, data_mode: str = "embed", data: RunData | None = None) -> str:
    """A `playground.nn` script for the config; with the same data it ends with the same weights and
    metrics as `Trainer(config).advance(epochs=epochs)` (it needs the playground package importable)."""
    plan = _check(config, epochs, data_mode, data)
    imports, model, train = _playground_sections(plan)
    notes = ["Run it from the project folder (or with the playground package installed)."]
    return _assemble(plan, "playground", imports, data_section(plan, data_mode, data), model, train, notes)


def script(framework: str, config: Config, epochs: int, data_mode: str | None = None,
           data: RunData | None = None) -> str:
    """The script for `framework` ("keras", "pytorch" or "playground"); data_mode None: the framework's
    default ("embed" for playground.nn, "generate" for the others)."""
    builders = {"keras": keras_script, "pytorch": pytorch_script, "playground": playground_script}
    if framework not in builders:
        raise ValueError(f"framework must be one of {', '.join(builders)}. Received: framework={framework!r}")
    if data_mode is None:
        data_mode = "embed" if framework == "playground" else "generate"
    return builders[framework](config, epochs, data_mode, data)


def _playground_sections(plan: Plan) -> tuple[list[str], str, str]:
    """Imports, model and training source of the playground.nn script: `network.build_model`'s
    layers and optimizer, and `fit`, whose batches are the Trainer's (same shuffle stream)."""
    network, training = plan.config.network, plan.training
    l1, l2 = plan.regularizer
    used = {"Dense", "Sequential"}
    dense_kw = {"kernel_initializer": f'"{network.initializer}"'}
    model, imports = [], []
    if l1 or l2:
        penalty = "L1L2" if l1 and l2 else "L1" if l1 else "L2"
        args = (f"l1={num(l1)}", f"l2={num(l2)}") if l1 and l2 else (num(l1 or l2),)
        imports.append(f"from playground.nn.regularizers import {penalty}")
        model.append(f"regularizer = {call(penalty, *args)}  # on kernels only, as Keras' kernel_regularizer")
        dense_kw["kernel_regularizer"] = "regularizer"
    layers = []
    hidden_kw = dict(dense_kw)
    if network.bias_init:
        imports.append("from playground.nn.initializers import Constant")
        hidden_kw["bias_initializer"] = f"Constant({num(network.bias_init)})"
    for spec in plan.hidden:
        if spec.batch_norm:  # batch norm normalises the pre-activations
            used |= {"BatchNorm", "Activation"}
            layers += [call("Dense", str(spec.units), indent=4, **hidden_kw), "BatchNorm(momentum=0.99, epsilon=0.001)",
                       f'Activation("{spec.activation}")']
        else:
            layers.append(call("Dense", str(spec.units), indent=4, activation=f'"{spec.activation}"', **hidden_kw))
        if spec.dropout:
            used.add("Dropout")
            layers.append(f"Dropout({num(spec.dropout)})")
    layers.append(call("Dense", str(plan.config.output_units), indent=4,
                       activation=f'"{plan.config.output_activation}"', **dense_kw))
    model.append("# The seed fixes the initial weights, the batch order and the dropout masks, as in the app.\n"
                 "model = Sequential([\n" + "".join(f"    {layer},\n" for layer in layers)
                 + f"], input_dim={plan.n_inputs}, "
                 + ("seed=WEIGHTS_SEED)" if network.weights_seed is not None else "seed=SEED)"))
    kwargs = {k: num(v) for k, v in training.optimizer_kwargs().items()}
    optimizer = optimizer_class(training.optimizer)
    imports.append(f"from playground.nn.optimizers import {optimizer}")
    if training.schedule != "constant":
        schedule = schedule_class(training.schedule)
        imports.append(f"from playground.nn.schedules import {schedule}")
        args = {"initial_learning_rate": num(training.learning_rate),
                **{k: num(v) for k, v in training.schedule_kwargs().items()}}
        model.append("# The schedule is evaluated at the optimizer's step count (0 for the first step).\n"
                     f"learning_rate = {call(schedule, **args)}")
        kwargs["learning_rate"] = "learning_rate"
    model.append(f"optimizer = {call(optimizer, indent=12, **kwargs)}")
    model.append(f'model.compile(optimizer=optimizer, loss="{plan.config.loss}")\nprint(model.summary())')
    callbacks = ""
    if training.early_stopping:
        used.add("EarlyStopping")
        model.append("# Early stopping: the app watches the test loss without penalties and restores the best "
                     "weights;\n# EarlyStopping here watches val_loss (with penalties) and keeps the last weights.")
        stopping = f'EarlyStopping(monitor="val_loss", patience={training.patience})'
        callbacks = f"\n                    callbacks=[{stopping}],"
    imports.append("from playground.nn import " + ", ".join(sorted(used)))
    train = (f"history = model.fit(X_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True,{callbacks}\n"
             "                    validation_data=(X_test, y_test))\n"
             "for epoch in range(len(history.epoch)):\n"
             "    if (epoch + 1) % max(1, EPOCHS // 10) == 0 or epoch + 1 == len(history.epoch):\n"
             "        print(f\"epoch {epoch + 1}: loss {history.history['loss'][epoch]:.4f}, \"\n"
             "              f\"val_loss {history.history['val_loss'][epoch]:.4f}\")\n"
             "P_train, P_test = model.predict(X_train), model.predict(X_test)  # inference mode: no dropout\n")
    return imports, "\n".join(model), train
