"""The model and training sections of a Keras 3 script (see `codegen`)."""

from __future__ import annotations

from .codegen_common import Plan, call, num, optimizer_class

ACTIVATIONS = {"linear": '"linear"', "relu": '"relu"', "leaky_relu": '"leaky_relu"', "elu": '"elu"',
               "gelu": "gelu_tanh", "swish": '"silu"', "silu": '"silu"', "softplus": '"softplus"',
               "sigmoid": '"sigmoid"', "tanh": '"tanh"', "step": "step"}
INITIALIZERS = {"glorot_uniform": '"glorot_uniform"', "glorot_normal": '"glorot_normal"', "he_normal": '"he_normal"',
                "he_uniform": '"he_uniform"', "lecun_normal": '"lecun_normal"',
                "random_normal": "keras.initializers.RandomNormal(mean=0.0, stddev=0.05)",
                "small": "keras.initializers.RandomNormal(mean=0.0, stddev=0.01)", "zeros": '"zeros"',
                "ones": '"ones"'}
OPTIMIZER_NOTES = {
    "sgd": "Keras keeps the velocity scaled by the learning rate (v = momentum v - lr g); the playground, like torch,\n"
           "# keeps b = momentum b + g and steps by lr b: the same steps while the learning rate is constant.",
    "rmsprop": "Keras adds epsilon inside the square root, lr g / sqrt(v + epsilon); the playground, like torch,\n"
               "# adds it after: lr g / (sqrt(v) + epsilon).",
    "adam": "Keras adds epsilon to sqrt(v) before the bias correction (Kingma and Ba's 'epsilon hat'); the\n"
            "# playground, like torch, after it. The difference is of the order of epsilon.",
    "adagrad": "Keras adds epsilon inside the square root, lr g / sqrt(s + epsilon); the playground, like torch,\n"
               "# adds it after. Both start the accumulator at 0.1 (Keras' default; torch's is 0).",
}
OPTIMIZER_NOTES["adamw"] = OPTIMIZER_NOTES["adam"]
GELU = '''def gelu_tanh(x):
    """GELU in its tanh approximation, the playground's gelu (Keras' "gelu" is the exact erf form)."""
    return keras.activations.gelu(x, approximate=True)'''
STEP = '''def step(x):
    """The Heaviside step (1 for x > 0, else 0), the playground's "step" activation. Its derivative is 0
    wherever it exists, so no gradient passes through it and the layers before it do not learn (as in
    the playground): the comparison has no gradient and 0 * x adds an explicit zero one."""
    return keras.ops.cast(keras.ops.greater(x, 0.0), x.dtype) + 0.0 * x'''


def _regularizer(l1: float, l2: float) -> str | None:
    if l1 and l2:
        return f"regularizers.L1L2(l1={num(l1)}, l2={num(l2)})"
    if l1:
        return f"regularizers.L1({num(l1)})"
    return f"regularizers.L2({num(l2)})" if l2 else None


def _optimizer(plan: Plan) -> tuple[list[str], str]:
    """Lines before the optimizer (schedule, notes) and the optimizer expression."""
    training = plan.training
    lines = [f"# {OPTIMIZER_NOTES[training.optimizer]}"]
    kwargs = {"learning_rate": num(training.learning_rate)}
    if training.schedule != "constant":
        lr, steps = num(training.learning_rate), num(training.decay_steps)
        if training.schedule == "cosine":
            schedule = f"optimizers.schedules.CosineDecay({lr}, decay_steps={steps}, alpha=0.0)"
        else:
            schedule = (f"optimizers.schedules.ExponentialDecay({lr}, decay_steps={steps}, "
                        f"decay_rate={num(training.decay_rate)}, staircase={training.schedule == 'step'})")
        lines.append(f"# Evaluated at the step count before each update, as in the app.\nlearning_rate = {schedule}")
        kwargs["learning_rate"] = "learning_rate"
    if training.optimizer == "sgd":
        kwargs.update(momentum=num(training.momentum), nesterov=num(training.nesterov))
    elif training.optimizer == "rmsprop":
        kwargs.update(rho=num(training.rho), momentum=num(training.momentum), epsilon=num(training.epsilon))
    elif training.optimizer in ("adam", "adamw"):
        if training.optimizer == "adamw":  # decoupled decay, theta -= lr * weight_decay * theta, as torch's AdamW
            kwargs["weight_decay"] = num(plan.weight_decay)
        kwargs.update(beta_1=num(training.beta_1), beta_2=num(training.beta_2), epsilon=num(training.epsilon))
    else:
        kwargs.update(initial_accumulator_value="0.1", epsilon=num(training.epsilon))
    if training.clipnorm is not None:
        lines.append("# global_clipnorm clips the norm of all gradients together, as the playground does (Keras'\n"
                     "# clipnorm would clip each variable separately).")
        kwargs["global_clipnorm"] = num(training.clipnorm)
    return lines, call(f"optimizers.{optimizer_class(training.optimizer)}", indent=12, **kwargs)


def sections(plan: Plan) -> tuple[list[str], str, str, list[str]]:
    """(import lines, model source, training source, notes for the docstring)."""
    config, training = plan.config, plan.training
    lines = ["keras.utils.set_random_seed(SEED)  # Python, NumPy and backend seeds",
             'keras.config.set_floatx("float64")  # the playground computes in float64 (Keras\' default: float32)']
    helpers = [GELU] if "gelu" in plan.activations else []
    helpers += [STEP] if "step" in plan.activations else []
    l1, l2 = plan.regularizer
    # The playground's weight decay (other than AdamW's) is torch's coupled form, g += weight_decay * theta:
    # the gradient of an L2 penalty weight_decay / 2 * sum(theta^2) on every weight.
    decay = plan.weight_decay / 2 if training.optimizer != "adamw" and plan.weight_decay else 0.0
    if decay:
        lines.append(f"# weight_decay={num(plan.weight_decay)} as torch's coupled form (g += weight_decay * theta): "
                     "an L2 penalty of\n# weight_decay / 2 on every weight (Keras' own weight_decay is decoupled).")
    kernel = _regularizer(l1, l2 + decay)
    init = INITIALIZERS[config.network.initializer]
    dense_kw = {"kernel_initializer": "kernel_initializer"}
    lines.append(f"kernel_initializer = {init}")
    if kernel:
        lines.append(f"kernel_regularizer = {kernel}  # kernels only" + (", with the weight decay" if decay else ""))
        dense_kw["kernel_regularizer"] = "kernel_regularizer"
    if decay:
        lines.append(f"decay = regularizers.L2({num(decay)})  # biases and batch norm's gamma and beta")
        dense_kw["bias_regularizer"] = "decay"
    layers = [f"keras.Input(shape=({plan.n_inputs},))"]
    hidden_kw = dict(dense_kw)
    if config.network.bias_init:
        hidden_kw["bias_initializer"] = f"keras.initializers.Constant({num(config.network.bias_init)})"
    for spec in plan.hidden:
        if spec.batch_norm:  # the playground's (and Keras') defaults
            norm = {"momentum": "0.99", "epsilon": "0.001"}
            if decay:
                norm.update(gamma_regularizer="decay", beta_regularizer="decay")
            layers += [call("layers.Dense", str(spec.units), indent=4, **hidden_kw),
                       call("layers.BatchNormalization", indent=4, **norm),
                       f"layers.Activation({ACTIVATIONS[spec.activation]})"]
        else:
            layers.append(call("layers.Dense", str(spec.units), indent=4, activation=ACTIVATIONS[spec.activation],
                               **hidden_kw))
        if spec.dropout:
            layers.append(f"layers.Dropout({num(spec.dropout)})")
    layers.append(call("layers.Dense", str(config.output_units), indent=4,
                       activation=f'"{config.output_activation}"', **dense_kw))
    if "leaky_relu" in plan.activations:
        lines.append("# leaky_relu: negative slope 0.2, Keras 3's default and the playground's.")
    lines.append("model = keras.Sequential([\n" + "".join(f"    {layer},\n" for layer in layers) + "])")
    optimizer_lines, optimizer = _optimizer(plan)
    lines += optimizer_lines
    lines.append(f"optimizer = {optimizer}")
    metrics = ', metrics=["accuracy"]' if plan.task != "regression" else ""
    lines.append(f'model.compile(optimizer=optimizer, loss="{config.loss}"{metrics})\nmodel.summary()')
    callbacks = ""
    if training.early_stopping:
        lines.append("# Early stopping on the test loss, back to the best epoch's weights, as in the app.")
        callbacks = ("\n          callbacks=[keras.callbacks.EarlyStopping(monitor=\"val_loss\", "
                     f"patience={training.patience}, restore_best_weights=True)],")
    train = (f"model.fit(X_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=True,{callbacks}\n"
             "          validation_data=(X_test, y_test), verbose=2)\n"
             "P_train, P_test = model.predict(X_train, verbose=0), model.predict(X_test, verbose=0)\n")
    source = "\n".join(lines)
    used = [name for name in ("layers", "optimizers", "regularizers") if f"{name}." in source]
    imports = ["import keras", f"from keras import {', '.join(used)}"]
    model = "".join(f"{helper}\n\n\n" for helper in helpers) + source
    notes = ["Needs keras>=3 with a backend (TensorFlow, JAX or PyTorch). Its random streams are not the "
             "playground's, so initial weights and batch order differ: expect similar, not identical, numbers."]
    return imports, model, train, notes
