"""The model and training sections of a PyTorch script (see `codegen`)."""

from __future__ import annotations

from .codegen_common import Plan, call, num, optimizer_class, schedule_factor

ACTIVATIONS = {"linear": "nn.Identity()", "relu": "nn.ReLU()",
               "leaky_relu": "nn.LeakyReLU(0.2)  # Keras 3's and the playground's slope (torch's default 0.01)",
               "elu": "nn.ELU(alpha=1.0)", "gelu": 'nn.GELU(approximate="tanh")  # the playground\'s GELU form',
               "swish": "nn.SiLU()", "silu": "nn.SiLU()", "softplus": "nn.Softplus()", "sigmoid": "nn.Sigmoid()",
               "tanh": "nn.Tanh()", "step": "Step()"}
STEP = '''class Step(nn.Module):
    """The Heaviside step (1 for x > 0, else 0), the playground's "step" activation. Its derivative is 0
    wherever it exists, so no gradient passes through it and the layers before it do not learn (as in
    the playground): the comparison has no gradient and 0 * x adds an explicit zero one."""

    def forward(self, x):
        return (x > 0).to(x.dtype) + 0.0 * x'''
TRUNCATED = '''def truncated_normal_(weight, variance):
    """Keras' truncated normal: N(0, 1) cut at 2 standard deviations, rescaled to `variance`."""
    std = variance**0.5 / 0.87962566103423978
    nn.init.trunc_normal_(weight, mean=0.0, std=std, a=-2.0 * std, b=2.0 * std)'''
INITIALIZERS = {  # torch's Linear weight is (fan_out, fan_in)
    "glorot_uniform": "nn.init.xavier_uniform_(weight)  # U(-l, l), l = sqrt(6 / (fan_in + fan_out))",
    "he_uniform": 'nn.init.kaiming_uniform_(weight, nonlinearity="relu")  # U(-l, l), l = sqrt(6 / fan_in)',
    "glorot_normal": "truncated_normal_(weight, 2.0 / (fan_in + fan_out))",
    "he_normal": "truncated_normal_(weight, 2.0 / fan_in)",
    "lecun_normal": "truncated_normal_(weight, 1.0 / fan_in)",
    "random_normal": "nn.init.normal_(weight, 0.0, 0.05)",
    "small": "nn.init.normal_(weight, 0.0, 0.01)",
    "zeros": "nn.init.zeros_(weight)", "ones": "nn.init.ones_(weight)",
}
LOSSES = {"binary": ("nn.BCEWithLogitsLoss()", "torch.sigmoid(logits)"),
          "multiclass": ("nn.CrossEntropyLoss()", "torch.softmax(logits, dim=1)"),
          "regression": ("nn.MSELoss()", "logits")}


def _optimizer(plan: Plan) -> str:
    training = plan.training
    kwargs = {"lr": num(training.learning_rate)}
    name = training.optimizer
    if name == "sgd":
        kwargs.update(momentum=num(training.momentum), nesterov=num(training.nesterov))
    elif name == "rmsprop":  # torch's alpha is Keras' rho
        kwargs.update(alpha=num(training.rho), eps=num(training.epsilon), momentum=num(training.momentum))
    elif name in ("adam", "adamw"):
        kwargs.update(betas=f"({num(training.beta_1)}, {num(training.beta_2)})", eps=num(training.epsilon))
    else:
        kwargs.update(initial_accumulator_value="0.1", eps=num(training.epsilon))
    kwargs["weight_decay"] = num(plan.weight_decay)
    return call(f"torch.optim.{optimizer_class(name)}", "model.parameters()", indent=12, **kwargs)


def sections(plan: Plan) -> tuple[list[str], str, str, list[str]]:
    """(import lines, model source, training source, notes for the docstring)."""
    config, training = plan.config, plan.training
    imports = ["import torch", "from torch import nn"]
    if training.early_stopping:
        imports.insert(0, "import copy")
    helpers = [STEP] if "step" in plan.activations else []
    initializer = config.network.initializer
    if "truncated_normal_" in INITIALIZERS[initializer]:
        helpers.append(TRUNCATED)
    layers, width = [], plan.n_inputs
    for spec in plan.hidden:
        layers.append(f"nn.Linear({width}, {spec.units})")
        if spec.batch_norm:
            layers.append(f"nn.BatchNorm1d({spec.units}, eps=0.001, momentum=0.01)  # see the note above")
        layers.append(ACTIVATIONS[spec.activation])
        if spec.dropout:
            layers.append(f"nn.Dropout({num(spec.dropout)})")
        width = spec.units
    loss, probabilities = LOSSES[plan.task]
    layers.append(f"nn.Linear({width}, {config.output_units})  # logits; the output activation is in the loss")
    lines = ["torch.manual_seed(SEED)",
             "torch.set_default_dtype(torch.float64)  # the playground computes in float64 (torch's default: float32)"]
    if plan.batch_norm:
        lines.append("# BatchNorm1d: torch's momentum weights the new batch, 1 - Keras' (and the playground's) 0.99;\n"
                     "# eps 0.001 as Keras (torch's default 1e-5). torch's running variance uses the unbiased batch\n"
                     "# variance, the playground's the biased one.")
    rows = [layer.partition("  # ") for layer in layers]  # code, "  # ", comment
    lines.append("model = nn.Sequential(\n" + "".join(f"    {code},{sep}{comment}\n" for code, sep, comment in rows)
                 + ")")
    lines.append("kernels = [m.weight for m in model if isinstance(m, nn.Linear)]\n"
                 f"with torch.no_grad():  # the playground's {initializer} kernels and zero biases replace torch's "
                 "defaults\n"
                 "    for weight in kernels:\n"
                 "        fan_out, fan_in = weight.shape\n"
                 f"        {INITIALIZERS[initializer]}\n"
                 "    for m in model:\n"
                 "        if isinstance(m, nn.Linear):\n"
                 "            nn.init.zeros_(m.bias)")
    if config.network.bias_init:
        lines.append("with torch.no_grad():  # the hidden layers' biases start at the playground's bias_init\n"
                     "    for m in [m for m in model if isinstance(m, nn.Linear)][:-1]:\n"
                     f"        nn.init.constant_(m.bias, {num(config.network.bias_init)})")
    probability_note = {"binary": "sigmoid + binary cross-entropy", "multiclass": "softmax + cross-entropy",
                        "regression": "mean squared error"}[plan.task]
    lines.append(f"loss_fn = {loss}  # {probability_note}")
    l1, l2 = plan.regularizer
    terms = ([f"{num(l1)} * w.abs().sum()"] if l1 else []) + ([f"{num(l2)} * (w**2).sum()"] if l2 else [])
    if terms:
        lines.append(f"\n\ndef penalty():\n    \"\"\"Keras-style kernel regularizer: {' + '.join(terms)} over the "
                     f"kernels.\"\"\"\n    return sum({' + '.join(terms)} for w in kernels)\n\n")
    note = {"rmsprop": "# RMSprop: torch's alpha is Keras' rho.",
            "adagrad": "# Adagrad: the accumulator starts at 0.1 (Keras' default and the playground's; torch's is 0).",
            "adam": "# Adam: epsilon 1e-7 is Keras' default (torch's is 1e-8).",
            "adamw": "# AdamW: decoupled weight decay (0.004 is Keras' default, torch's 0.01)."}.get(training.optimizer)
    if note:
        lines.append(note)
    if plan.weight_decay and training.optimizer != "adamw":
        lines.append("# weight_decay: torch's coupled form, g += weight_decay * theta, as the playground's.")
    lines.append(f"optimizer = {_optimizer(plan)}")
    factor = schedule_factor(plan)
    if factor:
        imports.insert(0, "import math")
        lines.append("\n\ndef lr_factor(step):\n"
                     "    \"\"\"The playground's schedule: the learning rate's factor at an optimizer step count "
                     "(0 first).\"\"\"\n"
                     f"    return {factor}\n\n\n"
                     "scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)  # stepped after each update")
    return imports, "".join(f"{helper}\n\n\n" for helper in helpers) + "\n".join(lines), \
        _training(plan, probabilities, bool(terms), factor is not None), \
        ["Its random streams are not the playground's, so initial weights, batch order and dropout masks "
         "differ: expect similar, not identical, numbers."]


def _training(plan: Plan, probabilities: str, penalty: bool, schedule: bool) -> str:
    training = plan.training
    # class indices for cross-entropy; (n, 1) float columns for BCE and MSE
    target = "torch.from_numpy(y_{}).long()" if plan.task == "multiclass" else \
        "torch.from_numpy(y_{}).double().reshape(-1, 1)"
    step = ["loss = loss_fn(model(inputs_train[batch]), targets_train[batch])" + (" + penalty()" if penalty else ""),
            "loss.backward()"]
    if training.clipnorm is not None:
        step.append(f"nn.utils.clip_grad_norm_(model.parameters(), {num(training.clipnorm)})  # the global norm")
    step.append("optimizer.step()")
    if schedule:
        step.append("scheduler.step()")
    step.append("total += loss.item() * len(batch)")
    guard = ("        if len(batch) < 2:  # BatchNorm1d cannot train on one sample (the playground can)\n"
             "            continue\n") if plan.batch_norm else ""
    early = ""
    if training.early_stopping:
        early = (f"    if test_loss < best[0]:  # early stopping on the test loss, patience {training.patience}\n"
                 "        best = (test_loss, epoch, copy.deepcopy(model.state_dict()))\n"
                 f"    elif epoch - best[1] >= {training.patience}:\n"
                 "        model.load_state_dict(best[2])  # back to the best epoch, as the app does\n"
                 "        break\n")
    body = "".join(f"        {line}\n" for line in step)
    source = (f"inputs_train, inputs_test = torch.from_numpy(X_train), torch.from_numpy(X_test)\n"
              f"targets_train = {target.format('train')}\ntargets_test = {target.format('test')}\n"
              "n = len(inputs_train)\n"
              + ("best = (float(\"inf\"), 0, None)\n" if training.early_stopping else "")
              + "for epoch in range(EPOCHS):\n"
              "    model.train()  # dropout on, batch norm uses batch statistics\n"
              "    total = 0.0\n"
              "    for batch in torch.randperm(n).split(BATCH_SIZE):  # reshuffled every epoch; last batch as is\n"
              + guard +
              "        optimizer.zero_grad()\n" + body +
              "    model.eval()\n"
              "    with torch.no_grad():\n"
              "        test_loss = loss_fn(model(inputs_test), targets_test).item()\n"
              "    if (epoch + 1) % max(1, EPOCHS // 10) == 0 or epoch + 1 == EPOCHS:\n"
              "        print(f\"epoch {epoch + 1}: loss {total / n:.4f}, val_loss {test_loss:.4f}\")\n" + early +
              "\n\n"
              "def predict(X):\n"
              "    \"\"\"Outputs (n, k) in inference mode, as the playground's predict.\"\"\"\n"
              "    model.eval()\n"
              "    with torch.no_grad():\n"
              "        logits = model(torch.from_numpy(X))\n"
              f"        return {probabilities}.numpy()\n\n\n"
              "P_train, P_test = predict(X_train), predict(X_test)\n")
    return source
