"""Training-run speed: one snapshot (grid + neuron tiles + diagnostics) and epochs per second.

    python benchmarks/runs.py

For the default config (circle, 500 points, 2-4-2-1 tanh, Adam, batch 10): the median time of
a snapshot, and the epochs per second of `Trainer.advance` without drawing, next to the same
epochs run by bare `Sequential.fit` (the peer: what recording curves and snapshots costs).
Target: a snapshot under 5 ms median.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.config import Config  # noqa: E402
from playground.training import Trainer  # noqa: E402


def median_ms(function, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def main():
    config = Config()
    trainer = Trainer(config)
    trainer.advance(epochs=20)
    snapshot_ms = median_ms(trainer._make_snapshot, 50)
    print(f"snapshot (grid {config.view.grid}x{config.view.grid}, {trainer.tile_size}x{trainer.tile_size} tiles, "
          f"diagnostics): {snapshot_ms:.2f} ms median (target < 5 ms)")

    trainer = Trainer(config)
    start = time.perf_counter()
    epochs = trainer.advance(seconds=3.0)
    elapsed = time.perf_counter() - start
    print(f"Trainer.advance, default run: {epochs / elapsed:.0f} epochs/s "
          f"({len(trainer.history.snapshots)} snapshots taken)")

    model = Trainer(config).model
    data = trainer.data
    start = time.perf_counter()
    model.fit(data.F_train, data.y_train, epochs=200, batch_size=config.training.batch_size)
    bare = 200 / (time.perf_counter() - start)
    print(f"bare Sequential.fit, same net and data: {bare:.0f} epochs/s; "
          f"recording costs {bare / (epochs / elapsed):.2f}x")


if __name__ == "__main__":
    main()
