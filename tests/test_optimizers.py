"""Tests for playground.nn.optimizers against a hand-written reference of torch.optim's update rules.

The reference below is written from the formulas torch.optim documents (with Keras 3's argument
names and defaults), one parameter at a time with plain Python floats, so it shares no code and no
vectorisation tricks with the engine. Every comparison is at rtol 1e-12.
"""

import copy
import json
import math
import pickle

import numpy as np
import pytest

from playground.nn import optimizers
from playground.nn.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from playground.nn.schedules import CosineDecay, ExponentialDecay, StepDecay

RTOL = 1e-12

CLASSES = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW, "adagrad": Adagrad}

# Keras 3's documented defaults.
DEFAULTS = {
    "sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False, "weight_decay": None, "clipnorm": None},
    "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False,
                "weight_decay": None, "clipnorm": None},
    "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
             "weight_decay": None, "clipnorm": None},
    "adamw": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False,
              "weight_decay": 0.004, "clipnorm": None},
    "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7,
                "weight_decay": None, "clipnorm": None},
}

THETA0 = [0.5, -1.25, 2.0, 0.75]
# One gradient per step; each has a zero and a negative entry. Norms: 1.54, 0.844, 2.66.
GRADS = [
    [0.3, -0.2, 0.0, 1.5],
    [-0.7, 0.4, 0.25, 0.0],
    [0.1, 0.0, -0.9, 2.5],
]


def _norm(g):
    return math.sqrt(sum(x * x for x in g))


# ---------------------------------------------------------------------------------------------
# The reference: scalar loops written from torch.optim's documentation.
# ---------------------------------------------------------------------------------------------


def _clip(g, clipnorm):
    """torch.nn.utils.clip_grad_norm_: scale by clipnorm / (norm + 1e-6) when that is below 1."""
    if clipnorm is None:
        return g
    factor = clipnorm / (_norm(g) + 1e-6)
    return [x * factor for x in g] if factor < 1.0 else g


def _sgd(g, lr, t, hp, s, i):
    mu = hp["momentum"]
    if mu == 0.0:
        return lr * g
    # torch: the buffer starts as a copy of the first gradient, then b = mu * b + g (no dampening).
    s["buf"][i] = g if s["buf"][i] is None else mu * s["buf"][i] + g
    if hp["nesterov"]:
        return lr * (g + mu * s["buf"][i])
    return lr * s["buf"][i]


def _rmsprop(g, lr, t, hp, s, i):
    rho, mu, eps = hp["rho"], hp["momentum"], hp["epsilon"]
    s["v"][i] = rho * s["v"][i] + (1.0 - rho) * g * g
    if hp["centered"]:
        s["a"][i] = rho * s["a"][i] + (1.0 - rho) * g
        denom = math.sqrt(s["v"][i] - s["a"][i] * s["a"][i]) + eps
    else:
        denom = math.sqrt(s["v"][i]) + eps
    if mu > 0.0:
        s["buf"][i] = mu * (s["buf"][i] or 0.0) + g / denom  # torch: the buffer starts at zero
        return lr * s["buf"][i]
    return lr * g / denom


def _adam(g, lr, t, hp, s, i):
    b1, b2, eps = hp["beta_1"], hp["beta_2"], hp["epsilon"]
    s["m"][i] = b1 * s["m"][i] + (1.0 - b1) * g
    s["v"][i] = b2 * s["v"][i] + (1.0 - b2) * g * g
    v = s["v"][i]
    if hp["amsgrad"]:
        s["vmax"][i] = max(s["vmax"][i], v)
        v = s["vmax"][i]
    denom = math.sqrt(v) / math.sqrt(1.0 - b2**t) + eps
    return lr / (1.0 - b1**t) * s["m"][i] / denom


def _adagrad(g, lr, t, hp, s, i):
    if s["acc"][i] is None:
        s["acc"][i] = hp["initial_accumulator_value"]
    s["acc"][i] += g * g
    return lr * g / (math.sqrt(s["acc"][i]) + hp["epsilon"])


UPDATES = {"sgd": _sgd, "rmsprop": _rmsprop, "adam": _adam, "adamw": _adam, "adagrad": _adagrad}


def _reference(kind, theta0, grads, changes=None, **overrides):
    """Parameters after every step (list of lists) and the final slot state.

    `changes` maps a 0-based step index to hyperparameters set just before that step;
    `learning_rate` may be a list of per-step values (a hand-computed schedule).
    """
    hp = {**DEFAULTS[kind], **overrides}
    theta = [float(x) for x in theta0]
    n = len(theta)
    state = {"m": [0.0] * n, "v": [0.0] * n, "vmax": [0.0] * n, "a": [0.0] * n, "buf": [None] * n,
             "acc": [None] * n}
    history = []
    for step, raw in enumerate(grads):
        hp.update((changes or {}).get(step, {}))
        t = step + 1
        lr = hp["learning_rate"]
        if isinstance(lr, list):
            lr = lr[step]
        g = _clip([float(x) for x in raw], hp["clipnorm"])
        wd = hp["weight_decay"] or 0.0
        for i in range(n):
            gi = g[i]
            if kind == "adamw":
                theta[i] = theta[i] - lr * wd * theta[i]  # decoupled, before the Adam step
            else:
                gi = gi + wd * theta[i]  # coupled
            theta[i] = theta[i] - UPDATES[kind](gi, lr, t, hp, state, i)
        history.append(list(theta))
    return history, state


def _run(opt, theta0, grads, changes=None):
    """Apply `opt` to a copy of theta0, one step per gradient; the parameters after every step."""
    params = np.array(theta0, dtype=np.float64)
    history = []
    for step, g in enumerate(grads):
        for name, value in (changes or {}).get(step, {}).items():
            setattr(opt, name, value)
        opt.apply(params, np.array(g, dtype=np.float64))
        history.append(params.copy())
    return np.array(history)


def _check(got, want):
    np.testing.assert_allclose(got, np.array(want), rtol=RTOL, atol=0)


# ---------------------------------------------------------------------------------------------
# 1. Step values
# ---------------------------------------------------------------------------------------------

CASES = [
    ("sgd", {}),
    ("sgd", {"learning_rate": 0.1}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("sgd", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("sgd", {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05}),
    ("rmsprop", {}),
    ("rmsprop", {"learning_rate": 0.01}),
    ("rmsprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9}),
    ("rmsprop", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.5, "momentum": 0.5, "centered": True, "epsilon": 1e-3,
                 "weight_decay": 0.05}),
    ("adam", {}),
    ("adam", {"learning_rate": 0.01}),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adam", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3, "amsgrad": True,
              "weight_decay": 0.05}),
    ("adamw", {}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": 0.1, "beta_1": 0.5, "amsgrad": True}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": None}),
    ("adagrad", {}),
    ("adagrad", {"learning_rate": 0.1}),
    ("adagrad", {"learning_rate": 0.1, "weight_decay": 0.05}),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.0, "epsilon": 1e-3}),
]


def _case_id(case):
    kind, kwargs = case
    return kind + "".join(f"-{k}={v}" for k, v in kwargs.items()) if kwargs else kind + "-defaults"


@pytest.mark.parametrize(("kind", "kwargs"), CASES, ids=[_case_id(c) for c in CASES])
def test_first_and_third_step_match_reference(kind, kwargs):
    got = _run(CLASSES[kind](**kwargs), THETA0, GRADS)
    want, _ = _reference(kind, THETA0, GRADS, **kwargs)
    _check(got[0], want[0])
    _check(got[2], want[2])
    _check(got, want)


def test_reference_cases_exercise_their_features():
    """Guard the test data: each variant changes the third step, so a test of it can fail."""
    lr = {"learning_rate": 0.01}
    pairs = [
        ("sgd", {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}),
        ("rmsprop", lr, {**lr, "centered": True}),
        ("rmsprop", lr, {**lr, "momentum": 0.9}),
        ("adam", lr, {**lr, "amsgrad": True}),
        ("adam", lr, {**lr, "weight_decay": 0.05}),
        ("adamw", {**lr, "weight_decay": None}, {**lr, "weight_decay": 0.1}),
        ("adagrad", lr, {**lr, "initial_accumulator_value": 0.0}),
    ]
    for kind, a, b in pairs:
        assert _reference(kind, THETA0, GRADS, **a)[0][2] != _reference(kind, THETA0, GRADS, **b)[0][2]


def test_defaults_are_keras_defaults():
    for kind, cls in CLASSES.items():
        config = cls().get_config()
        assert config.pop("name") == kind
        assert config == DEFAULTS[kind], kind


def test_iterations_count_steps_and_zero_gradient_leaves_plain_sgd_unchanged():
    opt = SGD(learning_rate=0.1)
    params = np.array(THETA0)
    for k in range(3):
        assert opt.iterations == k
        opt.apply(params, np.zeros(4))
    assert opt.iterations == 3
    np.testing.assert_array_equal(params, THETA0)


# ---------------------------------------------------------------------------------------------
# clipnorm (global norm, before weight decay)
# ---------------------------------------------------------------------------------------------

BASE = {
    "sgd": {"learning_rate": 0.1, "momentum": 0.9},
    "rmsprop": {"learning_rate": 0.01, "momentum": 0.5},
    "adam": {"learning_rate": 0.01},
    "adamw": {"learning_rate": 0.01, "weight_decay": 0.1},
    "adagrad": {"learning_rate": 0.1},
}


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize("clipnorm", [1.0, _norm(GRADS[1])], ids=["clip-steps-1-3", "clip-at-boundary"])
@pytest.mark.parametrize("decay", [False, True], ids=["no-decay", "with-decay"])
def test_clipnorm_that_triggers(kind, clipnorm, decay):
    norms = [_norm(g) for g in GRADS]
    assert norms[0] > 1.0 > norms[1] and norms[2] > 1.0
    kwargs = {**BASE[kind], "clipnorm": clipnorm}
    if decay:
        kwargs["weight_decay"] = 0.2
    got = _run(CLASSES[kind](**kwargs), THETA0, GRADS)
    want, _ = _reference(kind, THETA0, GRADS, **kwargs)
    _check(got[0], want[0])
    _check(got[2], want[2])
    _check(got, want)
    unclipped, _ = _reference(kind, THETA0, GRADS, **{**kwargs, "clipnorm": None})
    assert unclipped[0] != want[0]  # clipping changed the first step


@pytest.mark.parametrize("kind", CLASSES)
def test_clipnorm_that_does_not_trigger(kind):
    assert max(_norm(g) for g in GRADS) < 10.0
    kwargs = {**BASE[kind], "clipnorm": 10.0}
    got = _run(CLASSES[kind](**kwargs), THETA0, GRADS)
    want, _ = _reference(kind, THETA0, GRADS, **kwargs)
    _check(got, want)
    np.testing.assert_array_equal(got, _run(CLASSES[kind](**BASE[kind]), THETA0, GRADS))


def test_clipnorm_scales_the_gradient_in_place_by_the_global_norm():
    opt = SGD(learning_rate=1.0, clipnorm=1.0)
    params = np.zeros(4)
    grads = np.array(GRADS[2])
    opt.apply(params, grads)
    factor = 1.0 / (_norm(GRADS[2]) + 1e-6)
    np.testing.assert_allclose(grads, [x * factor for x in GRADS[2]], rtol=RTOL)
    np.testing.assert_allclose(params, [-x * factor for x in GRADS[2]], rtol=RTOL)


# ---------------------------------------------------------------------------------------------
# 2. Live hyperparameter changes keep the slot state
# ---------------------------------------------------------------------------------------------

LIVE = [
    ("sgd", {"learning_rate": 0.1, "momentum": 0.9},
     {1: {"learning_rate": 0.05, "momentum": 0.5}, 2: {"nesterov": True}}),
    ("rmsprop", {"learning_rate": 0.01, "momentum": 0.9},
     {1: {"learning_rate": 0.02, "rho": 0.5}, 2: {"momentum": 0.3, "centered": True}}),
    ("adam", {"learning_rate": 0.01},
     {1: {"learning_rate": 0.03, "beta_1": 0.5}, 2: {"beta_2": 0.9, "epsilon": 1e-3}}),
    ("adam", {"learning_rate": 0.01, "amsgrad": True}, {2: {"learning_rate": 0.002, "beta_1": 0.7}}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": 0.1},
     {1: {"learning_rate": 0.005, "weight_decay": 0.2}, 2: {"beta_1": 0.6}}),
    ("adagrad", {"learning_rate": 0.1}, {1: {"learning_rate": 0.3}, 2: {"epsilon": 1e-3}}),
]


@pytest.mark.parametrize(("kind", "kwargs", "changes"), LIVE, ids=[c[0] for c in LIVE])
def test_live_hyperparameter_change_takes_effect_next_step_without_reset(kind, kwargs, changes):
    opt = CLASSES[kind](**kwargs)
    got = _run(opt, THETA0, GRADS, changes)
    want, _ = _reference(kind, THETA0, GRADS, changes, **kwargs)
    _check(got, want)
    assert opt.iterations == 3
    # A reset would have restarted the moments: the third step would then match a fresh optimizer.
    fresh = _run(CLASSES[kind](**{**kwargs, **changes.get(1, {}), **changes[2]}), got[1], GRADS[2:])
    assert not np.allclose(fresh[0], got[2], rtol=RTOL, atol=0)


def test_live_change_keeps_the_slot_arrays():
    opt = Adam(learning_rate=0.01)
    params = np.array(THETA0)
    opt.apply(params, np.array(GRADS[0]))
    m, v = opt.slots["m"].copy(), opt.slots["v"].copy()
    opt.learning_rate = 0.5
    opt.beta_1 = 0.1
    np.testing.assert_array_equal(opt.slots["m"], m)
    np.testing.assert_array_equal(opt.slots["v"], v)
    assert opt.iterations == 1


@pytest.mark.parametrize("kind", list(CLASSES))
@pytest.mark.parametrize("duplicate", [copy.deepcopy, lambda opt: pickle.loads(pickle.dumps(opt))],
                         ids=["deepcopy", "pickle"])
def test_a_copy_taken_mid_run_steps_on_exactly_as_the_original(kind, duplicate):
    opt = CLASSES[kind](learning_rate=0.01)
    params = np.array(THETA0)
    opt.apply(params, np.array(GRADS[0]))
    twin, twin_params = duplicate(opt), params.copy()
    for g in GRADS[1:]:
        opt.apply(params, np.array(g))
        twin.apply(twin_params, np.array(g))
    np.testing.assert_array_equal(twin_params, params)
    want, _ = _reference(kind, THETA0, GRADS, learning_rate=0.01)
    _check(twin_params, want[2])


def test_adam_given_another_adams_slots_continues_its_run():
    """The Trainer swaps in a new optimizer with the old one's slots when only the schedule
    changes: the new one must take those moments, whatever it holds itself."""
    opt, other = Adam(learning_rate=0.01), Adam(learning_rate=0.01)
    params, other_params = np.array(THETA0), np.array(THETA0)
    opt.apply(params, np.array(GRADS[0]))
    other.apply(other_params, np.array(GRADS[2]))  # state of its own, to be replaced
    other.slots, other.iterations, other_params = opt.slots, opt.iterations, params.copy()
    for g in GRADS[1:]:
        other.apply(other_params, np.array(g))
    want, _ = _reference("adam", THETA0, GRADS, learning_rate=0.01)
    _check(other_params, want[2])


# ---------------------------------------------------------------------------------------------
# 3. Schedules drive every optimizer
# ---------------------------------------------------------------------------------------------

SCHEDULES = [
    (lambda: StepDecay(0.1, decay_steps=1, decay_rate=0.5), [0.1, 0.05, 0.025]),
    (lambda: ExponentialDecay(0.1, decay_steps=2, decay_rate=0.25), [0.1, 0.05, 0.025]),
    (lambda: StepDecay(0.1, decay_steps=2, decay_rate=0.5), [0.1, 0.1, 0.05]),
    (lambda: CosineDecay(0.1, decay_steps=2, alpha=0.2), [0.1, 0.06, 0.02]),
]


@pytest.mark.parametrize("kind", CLASSES)
@pytest.mark.parametrize(("make", "rates"), SCHEDULES, ids=["step1", "exp", "step2", "cosine"])
def test_schedule_rate_at_steps_0_1_2(kind, make, rates):
    kwargs = {k: v for k, v in BASE[kind].items() if k != "learning_rate"}
    opt = CLASSES[kind](learning_rate=make(), **kwargs)
    seen = []
    params = np.array(THETA0)
    got = []
    for g in GRADS:
        seen.append(opt.current_learning_rate)
        opt.apply(params, np.array(g))
        got.append(params.copy())
    np.testing.assert_allclose(seen, rates, rtol=RTOL)
    want, _ = _reference(kind, THETA0, GRADS, learning_rate=rates, **kwargs)
    _check(np.array(got), want)


@pytest.mark.parametrize("kind", CLASSES)
def test_live_change_of_schedule_initial_learning_rate(kind):
    kwargs = {k: v for k, v in BASE[kind].items() if k != "learning_rate"}
    schedule = ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = CLASSES[kind](learning_rate=schedule, **kwargs)
    params = np.array(THETA0)
    got = []
    for step, g in enumerate(GRADS):
        if step == 2:
            schedule.initial_learning_rate = 0.4
        opt.apply(params, np.array(g))
        got.append(params.copy())
    want, _ = _reference(kind, THETA0, GRADS, learning_rate=[0.1, 0.05, 0.4 * 0.25], **kwargs)
    _check(np.array(got), want)


# ---------------------------------------------------------------------------------------------
# 4. get / get_config / from_config
# ---------------------------------------------------------------------------------------------

CONFIGS = [
    ("sgd", {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True, "weight_decay": 0.05, "clipnorm": 1.0}),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.5, "momentum": 0.5, "epsilon": 1e-3, "centered": True,
                 "weight_decay": 0.05, "clipnorm": 2.0}),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3, "amsgrad": True,
              "weight_decay": 0.05, "clipnorm": 1.0}),
    ("adamw", {"learning_rate": 0.01, "weight_decay": 0.1, "beta_1": 0.8, "clipnorm": 1.0}),
    ("adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-3,
                 "weight_decay": 0.05, "clipnorm": 1.0}),
]


@pytest.mark.parametrize(("kind", "kwargs"), CONFIGS, ids=[c[0] for c in CONFIGS])
def test_config_round_trip_gives_identical_next_step(kind, kwargs):
    opt = CLASSES[kind](**kwargs)
    _run(opt, THETA0, GRADS)  # the original has state; the rebuilt one must not
    config = opt.get_config()
    assert config["name"] == kind
    assert {k: config[k] for k in kwargs} == kwargs
    snapshot = copy.deepcopy(config)
    rebuilt = optimizers.from_config(config)
    assert config == snapshot  # from_config does not consume its argument
    assert type(rebuilt) is type(opt)
    assert rebuilt.get_config() == config
    assert rebuilt.iterations == 0 and not rebuilt.slots
    via_json = optimizers.from_config(json.loads(json.dumps(config)))
    fresh = CLASSES[kind](**kwargs)
    steps = [_run(o, THETA0, GRADS[:1])[0] for o in (rebuilt, via_json, fresh)]
    np.testing.assert_array_equal(steps[0], steps[2])
    np.testing.assert_array_equal(steps[1], steps[2])
    want, _ = _reference(kind, THETA0, GRADS[:1], **kwargs)
    _check(steps[0], want[0])


def test_config_round_trip_with_schedules():
    for schedule in (ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5), StepDecay(0.2, 2, 0.25),
                     CosineDecay(0.05, decay_steps=10, alpha=0.1)):
        opt = Adam(learning_rate=schedule, clipnorm=1.0)
        _run(opt, THETA0, GRADS)
        config = opt.get_config()
        rebuilt = optimizers.from_config(json.loads(json.dumps(config)))
        assert type(rebuilt.learning_rate) is type(schedule)
        assert rebuilt.learning_rate is not schedule
        assert rebuilt.get_config() == config
        fresh = Adam(learning_rate=copy.deepcopy(schedule), clipnorm=1.0)
        np.testing.assert_array_equal(_run(rebuilt, THETA0, GRADS), _run(fresh, THETA0, GRADS))


def test_get_by_name_instance_and_dict():
    opt = optimizers.get("adam", learning_rate=0.02, amsgrad=True)
    assert type(opt) is Adam
    assert opt.learning_rate == 0.02 and opt.amsgrad is True and opt.beta_1 == 0.9
    assert optimizers.get(opt) is opt
    sgd = optimizers.get({"name": "sgd", "momentum": 0.9})
    assert type(sgd) is SGD and sgd.momentum == 0.9 and sgd.learning_rate == 0.01
    for name, cls in CLASSES.items():
        assert type(optimizers.get(name)) is cls
    with pytest.raises(ValueError, match="Received: optimizer='adamax'"):
        optimizers.get("adamax")


# ---------------------------------------------------------------------------------------------
# 5. Invalid hyperparameters
# ---------------------------------------------------------------------------------------------

BAD = [
    (SGD, {"learning_rate": -0.1}, "learning_rate=-0.1"),
    (SGD, {"learning_rate": 0.0}, "learning_rate=0.0"),
    (SGD, {"learning_rate": math.nan}, "learning_rate=nan"),
    (Adam, {"learning_rate": math.inf}, "learning_rate=inf"),
    (Adam, {"learning_rate": "0.01"}, "learning_rate='0.01'"),
    (Adam, {"learning_rate": None}, "learning_rate=None"),
    (SGD, {"momentum": -0.5}, "momentum=-0.5"),
    (SGD, {"momentum": 1.5}, "momentum=1.5"),
    (SGD, {"momentum": math.nan}, "momentum=nan"),
    (SGD, {"nesterov": True}, "nesterov=True"),
    (SGD, {"weight_decay": -0.01}, "weight_decay=-0.01"),
    (RMSprop, {"rho": -0.1}, "rho=-0.1"),
    (RMSprop, {"rho": 1.5}, "rho=1.5"),
    (RMSprop, {"epsilon": 0.0}, "epsilon=0.0"),
    (RMSprop, {"momentum": math.nan}, "momentum=nan"),
    (Adam, {"beta_1": 1.1}, "beta_1=1.1"),
    (Adam, {"beta_1": -0.1}, "beta_1=-0.1"),
    (Adam, {"beta_2": math.nan}, "beta_2=nan"),
    (Adam, {"epsilon": -1e-7}, "epsilon=-1e-07"),
    (Adam, {"clipnorm": 0.0}, "clipnorm=0.0"),
    (Adam, {"clipnorm": -1.0}, "clipnorm=-1.0"),
    (Adam, {"clipnorm": math.nan}, "clipnorm=nan"),
    (AdamW, {"weight_decay": math.nan}, "weight_decay=nan"),
    (AdamW, {"beta_2": 2.0}, "beta_2=2.0"),
    (Adagrad, {"initial_accumulator_value": -1.0}, "initial_accumulator_value=-1.0"),
    (Adagrad, {"epsilon": math.inf}, "epsilon=inf"),
]


@pytest.mark.parametrize(("cls", "kwargs", "shown"), BAD, ids=[f"{c.__name__}-{s}" for c, _, s in BAD])
def test_bad_hyperparameter_raises_value_error_naming_it(cls, kwargs, shown):
    with pytest.raises(ValueError, match="Received:") as info:
        cls(**kwargs)
    assert shown in str(info.value)


@pytest.mark.parametrize(("name", "value"), [("beta_1", 1.0), ("beta_2", 1.0)])
def test_beta_of_one_is_rejected_like_torch(name, value):
    """torch.optim.Adam requires 0 <= beta < 1: at beta = 1 the bias correction 1 - beta**t is 0."""
    with pytest.raises(ValueError, match=f"Received: {name}=1.0"):
        opt = Adam(**{name: value})
        opt.apply(np.array(THETA0), np.array(GRADS[0]))  # would divide by 1 - 1**1 = 0


# ---------------------------------------------------------------------------------------------
# 6. Long runs with dead units (the subnormal flush must not change any result)
# ---------------------------------------------------------------------------------------------

# (kind, kwargs, the slots whose dead-unit entries fall below 1e-200 by step 512 and so get flushed)
LONG = [
    ("adam", {"learning_rate": 0.01}, ()),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.3, "beta_2": 0.3}, ("m", "v")),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.3, "beta_2": 0.3, "amsgrad": True}, ("m", "v")),
    ("adam", {"learning_rate": 0.01, "beta_1": 0.3, "beta_2": 0.5, "clipnorm": 1.0}, ("m",)),
    ("adamw", {"learning_rate": 0.01, "beta_1": 0.3, "beta_2": 0.3, "weight_decay": 0.01}, ("m", "v")),
    ("rmsprop", {"learning_rate": 0.01, "rho": 0.3, "momentum": 0.3, "centered": True},
     ("square_avg", "grad_avg", "momentum")),
    ("sgd", {"learning_rate": 0.01, "momentum": 0.3, "nesterov": True}, ("momentum",)),
    ("adagrad", {"learning_rate": 0.1}, ()),
]
# Parameters well away from zero, so that rtol 1e-12 compares values, not rounding noise at a crossing.
LONG_THETA0 = [3.0, -3.5, 4.0, -4.5, 5.0, -5.5, 6.0, -6.5]


def _long_gradients(steps=600, size=8):
    grads = np.random.default_rng(0).normal(size=(steps, size))
    grads[10:, ::2] = 0.0  # half the units die at step 10
    return grads


@pytest.mark.parametrize(("kind", "kwargs", "flushed"), LONG, ids=[_case_id(c[:2]) for c in LONG])
def test_long_run_with_dead_units_matches_reference(kind, kwargs, flushed):
    grads = _long_gradients()
    opt = CLASSES[kind](**kwargs)
    params = np.array(LONG_THETA0)
    got = []
    for step, g in enumerate(grads, start=1):
        opt.apply(params, g.copy())
        got.append(params.copy())
        if step == 512:
            # The flush really happened: the dead units' decaying slots are exactly zero ...
            for name in flushed:
                assert np.all(opt.slots[name][::2] == 0.0), name
    want, _ = _reference(kind, LONG_THETA0, grads, **kwargs)
    assert opt.iterations == 600
    _check(np.array(got), want)


def test_long_run_reference_moments_are_still_nonzero_after_step_512():
    """... while the unflushed float64 reference still carries (tiny, normal) moments there."""
    grads = _long_gradients()[:512]
    _, state = _reference("adam", np.zeros(8), grads, learning_rate=0.01, beta_1=0.3, beta_2=0.3)
    dead_m = state["m"][::2]
    assert all(0.0 < abs(x) < 1e-200 for x in dead_m)


def test_flush_of_centered_rmsprop_with_tiny_gradients_keeps_the_variance_non_negative():
    """A unit whose gradients were tiny (|g| < 1e-38, e.g. a saturated sigmoid) and then die.

    square_avg ~ g**2 and grad_avg ~ g decay at the same rate rho, so square_avg crosses 1e-200 while
    grad_avg is still ~1e-141 and grad_avg**2 ~ 1e-282 is a normal float. Flushing square_avg alone
    makes square_avg - grad_avg**2 negative; the reference (no flush) keeps it >= 0.
    """
    grads = _long_gradients(steps=520, size=4) * 1e-60
    kwargs = {"learning_rate": 0.01, "rho": 0.69, "centered": True}
    theta0 = LONG_THETA0[:4]
    want, _ = _reference("rmsprop", theta0, grads, **kwargs)
    got = _run(RMSprop(**kwargs), theta0, grads)
    assert np.all(np.isfinite(got))
    _check(got, want)
