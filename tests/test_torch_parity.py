"""The optimizers against torch.optim itself, in float64 (skipped when PyTorch is not installed).

tests/test_optimizers.py checks every rule against a hand-written scalar reference; this checks
the same rules against the independent implementation they are documented by: the same
gradients, the same learning rate at every step (a cosine schedule down to 0 included), the
parameters after every step equal at rtol 1e-12.
"""

import importlib.util

import numpy as np
import pytest

from playground.nn import optimizers
from playground.nn.schedules import CosineDecay

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")

# (engine name, engine kwargs, torch class name, torch kwargs): the same rule in both vocabularies.
RULES = [
    ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, "SGD",
     {"momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("sgd", {}, "SGD", {}),
    ("rmsprop", {"rho": 0.8, "momentum": 0.5, "centered": True, "epsilon": 1e-6}, "RMSprop",
     {"alpha": 0.8, "momentum": 0.5, "centered": True, "eps": 1e-6}),
    ("rmsprop", {}, "RMSprop", {"alpha": 0.9, "eps": 1e-7}),
    ("adam", {"amsgrad": True, "weight_decay": 0.01}, "Adam", {"amsgrad": True, "weight_decay": 0.01, "eps": 1e-7}),
    ("adam", {"beta_1": 0.5, "beta_2": 0.9}, "Adam", {"betas": (0.5, 0.9), "eps": 1e-7}),
    ("adamw", {"weight_decay": 0.1}, "AdamW", {"weight_decay": 0.1, "eps": 1e-7}),
    ("adagrad", {}, "Adagrad", {"initial_accumulator_value": 0.1, "eps": 1e-7}),
]


@pytest.mark.parametrize(("name", "kwargs", "torch_name", "torch_kwargs"), RULES,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(RULES)])
@pytest.mark.parametrize("clipnorm", [None, 1.0])
def test_every_step_equals_torch_optim(name, kwargs, torch_name, torch_kwargs, clipnorm):
    import torch

    rng = np.random.default_rng(0)
    theta0, grads = rng.normal(size=12), rng.normal(size=(14, 12))
    grads[6:, ::3] = 0.0  # some units die
    schedule = CosineDecay(0.05, decay_steps=10)  # reaches 0 at step 10
    optimizer = optimizers.get(name, learning_rate=schedule, clipnorm=clipnorm, **kwargs)
    param = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
    reference = getattr(torch.optim, torch_name)([param], lr=0.05, **torch_kwargs)
    theta = theta0.copy()
    for step, g in enumerate(grads):
        for group in reference.param_groups:
            group["lr"] = schedule(step)
        param.grad = torch.tensor(g, dtype=torch.float64)
        if clipnorm is not None:
            torch.nn.utils.clip_grad_norm_([param], clipnorm)
        reference.step()
        optimizer.apply(theta, g.copy())
        np.testing.assert_allclose(theta, param.detach().numpy(), rtol=1e-12, atol=1e-15, err_msg=f"step {step}")
