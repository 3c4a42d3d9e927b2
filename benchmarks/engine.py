"""Engine speed: median microseconds per optimizer step, next to scikit-learn (and PyTorch if present).

    python benchmarks/engine.py [--quick]

For each case, playground.nn trains with `fit` for a fixed number of epochs (per-step time =
wall time / steps, median over repeats) and scikit-learn's MLPClassifier does the same work:
same layer sizes, activation, batch size and solver, per-step time from `fit` over the same
epochs (MLPClassifier always uses a logistic output for two classes; playground uses the named
output). A last run trains the large net for 10,000 steps at batch 10 and compares the speed of
its last 1,000 steps with its first 1,000 (subnormal slow-down check), and, as the host's speed
drifts, once more at the same moments: its next 1,000 steps against a fresh model's first 1,000,
in alternating blocks of 50.

Absolute times depend on the host far more than ratios do: the first line prints what one small
NumPy call costs here (a 2-8-8-1 Adam step makes about 45 of them), measured before and after the cases.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.nn import Dense, Sequential  # noqa: E402
from playground.nn.optimizers import Adam  # noqa: E402

CASES = [  # (label, hidden sizes, classes, softmax output, batch size, samples)
    ("2-8-8-1, batch 10, Adam", (8, 8), 2, False, 10, 500),
    ("2-16-16-16-2 softmax, batch 32, Adam", (16, 16, 16), 2, True, 32, 640),
    ("2-64-64-64-64-3 softmax, batch 1000, Adam", (64, 64, 64, 64), 3, True, 1000, 5000),
]


def data(n: int, classes: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (np.arctan2(X[:, 1], X[:, 0]) + np.pi) * classes // (2 * np.pi + 1e-9) % classes
    return X, y.astype(int)


def playground_model(hidden, classes, softmax, seed=0):
    layers = [Dense(units, activation="relu") for units in hidden]
    if not softmax:
        model = Sequential([*layers, Dense(1, activation="sigmoid")], input_dim=2, seed=seed)
        model.compile(Adam(learning_rate=0.001), "binary_crossentropy")
    else:
        model = Sequential([*layers, Dense(classes, activation="softmax")], input_dim=2, seed=seed)
        model.compile(Adam(learning_rate=0.001), "sparse_categorical_crossentropy")
    return model


def steps_per_epoch(n, batch):
    return -(-n // batch)


def playground_sampler(hidden, classes, softmax, batch, n, epochs):
    """A function that trains `epochs` epochs and returns the seconds per step."""
    X, y = data(n, classes)
    model = playground_model(hidden, classes, softmax)
    model.fit(X, y, epochs=1, batch_size=batch)  # warm-up: buffers and slots

    def sample():
        start = time.perf_counter()
        model.fit(X, y, epochs=epochs, batch_size=batch)
        return (time.perf_counter() - start) / (epochs * steps_per_epoch(n, batch))
    return sample


def sklearn_sampler(hidden, classes, batch, n, epochs):
    """A function that fits a fresh MLPClassifier for `epochs` epochs and returns the seconds per step."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X, y = data(n, classes)

    def sample():
        clf = MLPClassifier(hidden_layer_sizes=hidden, activation="relu", solver="adam", batch_size=batch,
                            learning_rate_init=0.001, max_iter=epochs, tol=0.0, n_iter_no_change=10**9,
                            alpha=0.0, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            clf.fit(X, y)
            return (time.perf_counter() - start) / (epochs * steps_per_epoch(n, batch))
    return sample


def interleaved_medians(samplers, repeats):
    """Median microseconds per step of each sampler, their samples taken in turn (ABAB...), so
    that a busy spell of a shared machine falls on both sides of a comparison."""
    samples = [[] for _ in samplers]
    for _ in range(repeats):
        for sampler, taken in zip(samplers, samples, strict=True):
            taken.append(sampler())
    return [statistics.median(taken) * 1e6 for taken in samples]


def time_torch(hidden, classes, batch, n, epochs, repeats):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    X, y = data(n, classes)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    layers, width = [], 2
    for units in hidden:
        layers += [torch.nn.Linear(width, units).double(), torch.nn.ReLU()]
        width = units
    net = torch.nn.Sequential(*layers, torch.nn.Linear(width, classes).double())
    optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(epochs):
            order = torch.randperm(n)
            for s in range(0, n, batch):
                index = order[s:s + batch]
                optimizer.zero_grad()
                loss_fn(net(Xt[index]), yt[index]).backward()
                optimizer.step()
        samples.append((time.perf_counter() - start) / (epochs * steps_per_epoch(n, batch)))
    return statistics.median(samples) * 1e6


def long_run_model():
    model = playground_model((64, 64, 64, 64), 3, softmax=True)
    model.optimizer.learning_rate = 0.01  # fast enough that some ReLU units die
    return model


def timed_steps(model, X, Y, start_step: int, count: int) -> float:
    """Seconds of `count` batch-10 steps on rows from `start_step * 10` on."""
    begin = time.perf_counter()
    for step in range(start_step, start_step + count):
        model.train_step(X[step * 10:(step + 1) * 10], Y[step * 10:(step + 1) * 10])
    return time.perf_counter() - begin


def long_run(steps: int = 10_000, window: int = 1_000, block: int = 50):
    """Large net, batch 10, ReLU + Adam: seconds of the first and last `window` steps; then, as
    this host's speed drifts over seconds, the same comparison taken at the same moments: the
    trained model's next `window` steps against a fresh model's first, in alternating blocks."""
    X, y = data(10 * (steps + window), 3, seed=1)
    Y = np.eye(3)[y]
    model = long_run_model()
    times = [timed_steps(model, X, Y, step, 1) for step in range(steps)]
    first, last = sum(times[:window]), sum(times[-window:])
    dead = sum(int(np.all(layer.a == 0, axis=0).sum()) for layer in model.layers[:-1])
    fresh, trained_time, fresh_time = long_run_model(), 0.0, 0.0
    for offset in range(0, window, block):
        trained_time += timed_steps(model, X, Y, steps + offset, block)
        fresh_time += timed_steps(fresh, X, Y, offset, block)
    return first, last, dead, trained_time / fresh_time


def small_call_cost(rounds: int = 30, number: int = 2000) -> float:
    """Microseconds of one element-wise NumPy call on (10, 8) arrays: the unit a small step is made of."""
    a, b, out = np.ones((10, 8)), np.ones((10, 8)), np.empty((10, 8))
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            np.multiply(a, b, out=out)
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter long run")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    print(f"numpy {np.__version__}; median of {repeats} interleaved repeats; microseconds per optimizer step")
    print(f"this host: one small NumPy call takes {small_call_cost():.2f} us")
    print(f"{'case':45s} {'playground':>11s} {'sklearn MLP':>12s} {'ratio':>7s} {'torch':>9s} {'ratio':>7s}")
    for label, hidden, classes, softmax, batch, n in CASES:
        epochs = 20 if batch < 100 else 10
        ours, theirs = interleaved_medians([playground_sampler(hidden, classes, softmax, batch, n, epochs),
                                            sklearn_sampler(hidden, classes, batch, n, epochs)], repeats)
        torch_time = time_torch(hidden, classes, batch, n, epochs, repeats)
        torch_text = "n/a" if torch_time is None else f"{torch_time:9.1f} {torch_time / ours:6.1f}x"
        print(f"{label:45s} {ours:11.1f} {theirs:12.1f} {theirs / ours:6.1f}x {torch_text:>17s}")
    steps = 3_000 if args.quick else 10_000
    first, last, dead, interleaved = long_run(steps)
    print(f"long run, 2-64x4-3 batch 10, {steps} steps: first 1000 steps {first * 1e3:.1f} ms, "
          f"last 1000 {last * 1e3:.1f} ms, ratio {last / first:.2f} (dead ReLU units at the end: {dead}); "
          f"its next 1000 against a fresh model's first 1000, in alternating blocks: ratio {interleaved:.2f}")
    print(f"this host: one small NumPy call takes {small_call_cost():.2f} us (again, after the cases)")


if __name__ == "__main__":
    main()
