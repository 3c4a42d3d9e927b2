"""Tests for playground.nn.schedules: Keras's formulas, optimizer integration, configs, validation."""

import json
import math

import numpy as np
import pytest

from playground.nn import Dense, Sequential, optimizers, schedules
from playground.nn.optimizers import SGD
from playground.nn.schedules import Constant, CosineDecay, ExponentialDecay, StepDecay

RTOL = 1e-12


def _close(got, want):
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=0)


def test_constant():
    schedule = Constant(0.03)
    for step in (0, 1, 7, 10**6):
        assert schedule(step) == 0.03


@pytest.mark.parametrize(
    ("step", "want"),
    [(0, 0.1), (1, 0.1 * 0.5**0.1), (5, 0.1 * math.sqrt(0.5)), (10, 0.05), (15, 0.05 * math.sqrt(0.5)),
     (20, 0.025), (25, 0.1 * 0.5**2.5), (100, 0.1 / 1024)],
)
def test_exponential_decay_is_continuous(step, want):
    # Keras: initial_learning_rate * decay_rate ** (step / decay_steps)
    _close(ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)(step), want)


@pytest.mark.parametrize(
    ("step", "want"),
    [(0, 0.1), (1, 0.1), (9, 0.1), (10, 0.05), (19, 0.05), (20, 0.025), (29, 0.025), (35, 0.0125),
     (100, 0.1 / 1024)],
)
def test_step_decay_is_the_staircase_of_exponential_decay(step, want):
    # Keras's staircase=True: decay_rate ** floor(step / decay_steps)
    _close(StepDecay(0.1, decay_steps=10, decay_rate=0.5)(step), want)


def test_exponential_decay_with_a_growth_rate_and_fractional_steps():
    _close(ExponentialDecay(0.01, decay_steps=4, decay_rate=2.0)(6), 0.01 * 2.0**1.5)
    _close(StepDecay(0.01, decay_steps=4, decay_rate=2.0)(6), 0.02)
    _close(StepDecay(0.2, decay_steps=2.5, decay_rate=0.1)(5), 0.2 * 0.1**2)
    _close(StepDecay(0.2, decay_steps=2.5, decay_rate=0.1)(4), 0.2 * 0.1)


@pytest.mark.parametrize(
    ("step", "want"),
    [
        (0, 0.2),
        # alpha = 0.1: lr * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)
        (25, 0.2 * (0.9 * 0.5 * (1.0 + math.sqrt(0.5)) + 0.1)),
        (50, 0.2 * (0.9 * 0.5 + 0.1)),
        (75, 0.2 * (0.9 * 0.5 * (1.0 - math.sqrt(0.5)) + 0.1)),
        (100, 0.02),
        (101, 0.02),  # clamped after decay_steps
        (1000, 0.02),
    ],
)
def test_cosine_decay_with_alpha(step, want):
    _close(CosineDecay(0.2, decay_steps=100, alpha=0.1)(step), want)


def test_cosine_decay_without_alpha_reaches_zero_and_stays():
    schedule = CosineDecay(0.2, decay_steps=100)
    _close(schedule(50), 0.1)
    assert abs(schedule(100)) < 1e-18
    assert schedule(100) == schedule(500)
    values = [schedule(s) for s in range(101)]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_sgd_uses_the_scheduled_rate_at_steps_0_1_2():
    schedule = StepDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = SGD(learning_rate=schedule)
    params = np.array([1.0, -2.0, 0.5])
    grads = [[1.0, 0.0, -2.0], [0.5, -1.0, 0.0], [-4.0, 2.0, 1.0]]
    want = [1.0, -2.0, 0.5]
    for step, (g, lr) in enumerate(zip(grads, [0.1, 0.05, 0.025], strict=True)):
        assert opt.current_learning_rate == lr
        opt.apply(params, np.array(g))
        want = [w - lr * x for w, x in zip(want, g, strict=True)]
        _close(params, want)
        assert opt.iterations == step + 1


def test_live_change_of_initial_learning_rate_takes_effect_next_step():
    schedule = CosineDecay(0.1, decay_steps=4, alpha=0.0)
    opt = SGD(learning_rate=schedule, momentum=0.5)
    params = np.array([1.0])
    opt.apply(params, np.array([1.0]))  # lr 0.1, buffer 1
    _close(params, [1.0 - 0.1])
    schedule.initial_learning_rate = 0.4
    assert opt.current_learning_rate == pytest.approx(0.4 * 0.5 * (1.0 + math.cos(math.pi / 4)), rel=RTOL)
    opt.apply(params, np.array([1.0]))  # buffer 0.5 * 1 + 1 = 1.5 (momentum kept)
    lr1 = 0.4 * 0.5 * (1.0 + math.cos(math.pi / 4))
    _close(params, [1.0 - 0.1 - lr1 * 1.5])


def test_live_change_of_decay_rate():
    schedule = ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    assert schedule(2) == pytest.approx(0.025, rel=RTOL)
    schedule.decay_rate = 0.1
    _close(schedule(2), 0.001)


@pytest.mark.parametrize(
    "schedule",
    [Constant(0.05), ExponentialDecay(0.1, decay_steps=7, decay_rate=0.3), StepDecay(0.2, 3, 0.25),
     CosineDecay(0.05, decay_steps=11, alpha=0.1)],
    ids=["constant", "exponential", "step", "cosine"],
)
def test_config_round_trip(schedule):
    config = schedule.get_config()
    assert config["name"] == schedule.name
    from_json = json.loads(json.dumps(config))
    rebuilt = [
        schedules.get(config["name"], **{k: v for k, v in config.items() if k != "name"}),
        schedules.get(from_json.pop("name"), **from_json),
    ]
    for built in rebuilt:
        assert type(built) is type(schedule)
        assert built.get_config() == config
        for step in (0, 1, 3, 10, 50):
            assert built(step) == schedule(step)


def test_get_by_name_and_instance():
    assert type(schedules.get("exponential", 0.1, decay_steps=10, decay_rate=0.5)) is ExponentialDecay
    assert type(schedules.get("step", 0.1, decay_steps=10, decay_rate=0.5)) is StepDecay
    assert type(schedules.get("cosine", 0.1, decay_steps=10)) is CosineDecay
    assert type(schedules.get("constant", 0.1)) is Constant
    schedule = CosineDecay(0.1, 10)
    assert schedules.get(schedule, 0.5) is schedule
    with pytest.raises(ValueError, match="Received: schedule='linear'"):
        schedules.get("linear", 0.1)


BAD = [
    (Constant, {"initial_learning_rate": 0.0}, "initial_learning_rate=0.0"),
    (ExponentialDecay, {"initial_learning_rate": -0.1}, "initial_learning_rate=-0.1"),
    (ExponentialDecay, {"initial_learning_rate": math.nan}, "initial_learning_rate=nan"),
    (ExponentialDecay, {"initial_learning_rate": math.inf}, "initial_learning_rate=inf"),
    (ExponentialDecay, {"initial_learning_rate": "0.1"}, "initial_learning_rate='0.1'"),
    (ExponentialDecay, {"initial_learning_rate": 0.1, "decay_steps": 0}, "decay_steps=0"),
    (ExponentialDecay, {"initial_learning_rate": 0.1, "decay_steps": -5}, "decay_steps=-5"),
    (StepDecay, {"initial_learning_rate": 0.1, "decay_rate": 0.0}, "decay_rate=0.0"),
    (StepDecay, {"initial_learning_rate": 0.1, "decay_rate": math.nan}, "decay_rate=nan"),
    (CosineDecay, {"initial_learning_rate": 0.1, "decay_steps": math.inf}, "decay_steps=inf"),
    (CosineDecay, {"initial_learning_rate": 0.1, "alpha": 1.5}, "alpha=1.5"),
    (CosineDecay, {"initial_learning_rate": 0.1, "alpha": -0.1}, "alpha=-0.1"),
    (CosineDecay, {"initial_learning_rate": 0.1, "alpha": math.nan}, "alpha=nan"),
]


@pytest.mark.parametrize(("cls", "kwargs", "shown"), BAD, ids=[f"{c.__name__}-{s}" for c, _, s in BAD])
def test_bad_arguments_raise_value_error_naming_the_value(cls, kwargs, shown):
    with pytest.raises(ValueError, match="Received:") as info:
        cls(**kwargs)
    assert shown in str(info.value)


# Arguments that bring each schedule's learning rate to exactly 0 within a few steps (through a
# subnormal rate, 1e-321, for the decays); a constant rate never gets there. One entry per schedule.
TO_ZERO = {
    "constant": {},
    "exponential": {"decay_steps": 1, "decay_rate": 1e-160},
    "step": {"decay_steps": 1, "decay_rate": 1e-160},
    "cosine": {"decay_steps": 5},
}


def test_the_grid_below_covers_every_schedule():
    assert set(TO_ZERO) == set(schedules.SCHEDULES.names())


@pytest.mark.parametrize("schedule", schedules.SCHEDULES.names())
@pytest.mark.parametrize("optimizer", optimizers.OPTIMIZERS.names())
def test_every_optimizer_runs_through_every_schedule_to_a_rate_of_zero_and_past_it(optimizer, schedule):
    """A schedule that reaches 0 (cosine at decay_steps) once made Adam divide by zero."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 2)), rng.integers(0, 2, 16)
    model = Sequential([Dense(4, activation="tanh"), Dense(1, activation="sigmoid")], input_dim=2, seed=0)
    learning_rate = schedules.get(schedule, 0.1, **TO_ZERO[schedule])
    model.compile(optimizers.get(optimizer, learning_rate=learning_rate), "binary_crossentropy")
    rates = []
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        for _ in range(10):
            rates.append(model.optimizer.current_learning_rate)
            before = model.flat_params.copy()
            model.train_on_batch(X, y)
            if rates[-1] == 0.0:
                assert np.array_equal(model.flat_params, before)  # a step of rate 0 moves nothing
    assert np.all(np.isfinite(model.flat_params))
    if schedule != "constant":
        assert rates[0] == 0.1 and rates[-3:] == [0.0, 0.0, 0.0]
