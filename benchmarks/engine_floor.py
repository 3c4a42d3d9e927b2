"""How close the engine's step is to its NumPy floor: the same calls written inline in one function.

    python benchmarks/engine_floor.py [--rounds 40]

For a 2-8-8-1 ReLU network with a sigmoid output, binary cross-entropy and Adam at batch 10, this
times `Sequential._step` against `InlineStep`, a single function making the NumPy calls the engine
makes for that step (32 of them), on preallocated arrays, with no layers, no method calls and no
checks. It first trains both from the same weights on the same batches and checks that they reach
the same weights, so the two do the same arithmetic. The gap between them is what the engine's
structure (layers, losses, optimizers as objects) costs; the rest is NumPy's cost per call.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.nn import Dense, Sequential  # noqa: E402
from playground.nn.optimizers import Adam  # noqa: E402

BATCH, WIDTH, LEARNING_RATE = 10, 8, 0.001
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7


class InlineStep:
    """One Adam step of a 2-WIDTH-WIDTH-1 ReLU/sigmoid network on a batch of BATCH rows, inline."""

    def __init__(self, flat_params: np.ndarray):
        n, w = BATCH, WIDTH
        self.params = flat_params.copy()
        self.grads = np.zeros_like(self.params)
        sizes = [3 * w, (w + 1) * w, w + 1]  # [kernel; bias] of each layer, as the engine stores them
        ends = np.cumsum(sizes)
        shapes = [(3, w), (w + 1, w), (w + 1, 1)]
        self.M = [self.params[e - s:e].reshape(shape) for s, e, shape in zip(sizes, ends, shapes, strict=True)]
        self.G = [self.grads[e - s:e].reshape(shape) for s, e, shape in zip(sizes, ends, shapes, strict=True)]
        self.K_T = [M[:-1].T for M in self.M]
        self.R = [np.ones((n, 3)), np.ones((n, w + 1)), np.ones((n, w + 1))]  # [inputs, 1] of each layer
        self.R_T = [R.T for R in self.R]
        self.inputs = [R[:, :-1] for R in self.R]
        self.z = [np.empty((n, w)), np.empty((n, w)), np.empty((n, 1))]
        self.a = [np.empty((n, w)), np.empty((n, w)), np.empty((n, 1))]
        self.dz = [np.empty((n, w)), np.empty((n, w)), np.empty((n, 1))]
        self.dx = [np.empty((n, w)), np.empty((n, w))]
        self.zero, self.ones, self.mean = np.zeros(()), np.ones(n), np.array(1.0 / n)
        tables = np.zeros((2, 5, self.params.size))  # Adam's rows g, m, g^2, v, w, in two tables
        self.tables = [tables[0], tables[1]]
        self.first, self.second, self.epsilon_term = np.zeros(2), np.zeros((2, 2)), np.zeros(())
        self.step_vector = np.zeros_like(self.params)
        self.t = 0

    def __call__(self, X: np.ndarray, Y: np.ndarray) -> float:
        R, M, z, a, dz, dx = self.R, self.M, self.z, self.a, self.dz, self.dx
        self.inputs[0][...] = X
        np.dot(R[0], M[0], out=z[0])
        np.fmax(z[0], self.zero, out=a[0])
        self.inputs[1][...] = a[0]
        np.dot(R[1], M[1], out=z[1])
        np.fmax(z[1], self.zero, out=a[1])
        self.inputs[2][...] = a[1]
        np.dot(R[2], M[2], out=z[2])
        softplus = np.logaddexp(self.zero, z[2], out=a[2])
        loss = (float(np.dot(self.ones, softplus.ravel())) - float(np.vdot(Y, z[2]))) / BATCH
        np.subtract(z[2], softplus, out=a[2])
        np.exp(a[2], out=a[2])
        np.subtract(a[2], Y, out=dz[2])
        dz[2] *= self.mean
        for layer in (2, 1, 0):
            if layer < 2:
                np.sign(a[layer], out=dz[layer])
                dz[layer] *= dx[layer]
            np.dot(self.R_T[layer], dz[layer], out=self.G[layer])
            if layer > 0:
                np.dot(dz[layer], self.K_T[layer], out=dx[layer - 1])
        self._adam()
        return loss

    def _adam(self) -> None:
        self.t += 1
        old, new = self.tables
        scale = LEARNING_RATE / (1.0 - BETA_1**self.t)
        inverse_q = 1.0 / ((1.0 - BETA_2**self.t) * scale * scale)
        self.first[0], self.first[1] = 1.0 - BETA_1, BETA_1
        self.second[0, 0], self.second[0, 1] = 1.0 - BETA_2, BETA_2
        self.second[1, 0], self.second[1, 1] = (1.0 - BETA_2) * inverse_q, BETA_2 * inverse_q
        old[0] = self.grads
        np.multiply(self.grads, self.grads, out=old[2])
        np.dot(self.first, old[0:2], out=new[1])
        np.dot(self.second, old[2:4], out=new[3:5])
        np.sqrt(new[4], out=new[4])
        self.epsilon_term[()] = EPSILON / scale
        new[4] += self.epsilon_term
        np.divide(new[1], new[4], out=self.step_vector)
        self.params -= self.step_vector
        self.tables.reverse()


def engine_model() -> Sequential:
    model = Sequential([Dense(WIDTH, activation="relu"), Dense(WIDTH, activation="relu"),
                        Dense(1, activation="sigmoid")], input_dim=2, seed=0)
    model.compile(Adam(learning_rate=LEARNING_RATE, beta_1=BETA_1, beta_2=BETA_2, epsilon=EPSILON),
                  "binary_crossentropy")
    return model


def batches(count: int = 64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(count * BATCH, 2))
    Y = (X[:, :1] * X[:, 1:] > 0).astype(np.float64)
    return [(X[s:s + BATCH], Y[s:s + BATCH]) for s in range(0, count * BATCH, BATCH)]


def check_same_arithmetic(data) -> float:
    """Train both for a few hundred steps from the same weights; the largest weight difference."""
    model = engine_model()
    inline = InlineStep(model.flat_params)
    for _ in range(5):
        for X, Y in data:
            model._step(X, Y)
            inline(X, Y)
    return float(np.max(np.abs(model.flat_params - inline.params)))


def time_steps(step, data) -> float:
    start = time.perf_counter()
    for X, Y in data:
        step(X, Y)
    return (time.perf_counter() - start) / len(data) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="interleaved timing rounds")
    args = parser.parse_args()
    data = batches()
    difference = check_same_arithmetic(data)
    print(f"same weights after {5 * len(data)} steps: largest difference {difference:.1e}")
    if difference > 1e-9:
        sys.exit("The inline step no longer does the engine's arithmetic; update InlineStep.")
    model = engine_model()
    inline = InlineStep(model.flat_params)
    engine_times, inline_times = [], []
    for _ in range(args.rounds):
        engine_times.append(time_steps(model._step, data))
        inline_times.append(time_steps(inline, data))
    for label, times in (("engine Sequential._step", engine_times), ("inline NumPy floor", inline_times)):
        print(f"{label:24s} min {min(times):6.2f} us, median {statistics.median(times):6.2f} us per step")
    print(f"engine / floor: {min(engine_times) / min(inline_times):.3f} (min), "
          f"{statistics.median(engine_times) / statistics.median(inline_times):.3f} (median)")


if __name__ == "__main__":
    main()
