"""Sweep throughput: runs per second serially, on joblib's processes (n_jobs=2) and on Dask (2 workers),
on the same sweep, and the time of each page preset. Prints ratios; asserts nothing (see DESIGN.md).

    python benchmarks/sweep.py [--runs-only]

Target: n_jobs=2 at least 1.7x serial on 2 cores. Worker start-up (importing NumPy and scikit-learn
in each new process) is measured apart: each backend first runs one warm-up sweep.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from joblib import Parallel, delayed, parallel_config  # noqa: E402

from playground.presets import LESSONS  # noqa: E402
from playground.sweeps import backends  # noqa: E402
from playground.sweeps.engine import SweepSpec, run_task  # noqa: E402
from playground.sweeps.presets import PRESETS  # noqa: E402

# The overfitting lesson's network (3 x 64 ReLU, 60 training points): 4 values x 4 seeds x 100 epochs.
SPEC = SweepSpec(LESSONS["overfitting"].config, "reg_rate", (1e-4, 1e-3, 1e-2, 1e-1), seeds=4, epochs=100)
WARM_UP = SweepSpec(SPEC.config, "reg_rate", (1e-3, 1e-2), seeds=1, epochs=2)


def timed(backend: str, n_jobs: int) -> tuple[float, float]:
    """(seconds of start-up and warm-up, seconds of the sweep) with one backend, its workers kept warm."""
    if backend == "serial":
        start = time.perf_counter()
        list(backends.records(WARM_UP.tasks()))
        warm = time.perf_counter()
        list(backends.records(SPEC.tasks()))
        return warm - start, time.perf_counter() - warm
    dask = backend == "dask"
    start = time.perf_counter()
    with backends.dask_client(None, n_jobs) if dask else contextlib.nullcontext(), \
            parallel_config(backend=backend, n_jobs=-1 if dask else n_jobs), Parallel() as parallel:
        parallel(delayed(run_task)(t) for t in WARM_UP.tasks() * n_jobs)  # one pool for warm-up and sweep
        warm = time.perf_counter()
        parallel(delayed(run_task)(t) for t in SPEC.tasks())
        return warm - start, time.perf_counter() - warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs-only", action="store_true", help="skip the presets")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; sweep: {SPEC.runs} runs, "
          f"{SPEC.work():,} sample-epochs")
    serial = None
    for backend, n_jobs in (("serial", 1), ("loky", 2), ("dask", 2)):
        try:
            startup, seconds = timed(backend, n_jobs)
        except backends.BackendError as error:
            print(f"{backend:>7}: skipped ({error})")
            continue
        serial = serial or seconds
        print(f"{backend:>7} n_jobs={n_jobs}: {SPEC.runs / seconds:6.2f} runs/s ({seconds:.2f} s, start-up "
              f"{startup:.2f} s), {serial / seconds:.2f}x serial")
    if not args.runs_only:
        for key, preset in PRESETS.items():
            spec = preset.spec()
            start = time.perf_counter()
            list(backends.records(spec.tasks(), "loky", 2))
            print(f"preset {key:>8}: {spec.runs} runs, {spec.work():,} sample-epochs, "
                  f"{time.perf_counter() - start:.1f} s on loky n_jobs=2")


if __name__ == "__main__":
    main()
