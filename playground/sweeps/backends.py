"""Running a sweep's tasks: in this process, on joblib's processes (loky) or on a Dask cluster.

    for record in records(spec.tasks(), backend="loky", n_jobs=2):   # in task order, as they finish
        ...

Dask is reached through joblib (``parallel_config(backend="dask")`` with a ``distributed.Client``):
a LocalCluster of `n_jobs` single-threaded worker processes on 127.0.0.1 by default, or the
scheduler at `scheduler` (e.g. ``tcp://10.0.0.5:8786``). Dask is imported only when asked for, so
the app and the other backends run without it installed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator

from ..config import ConfigError, show_value
from .engine import RunRecord, SweepTask, run_task

BACKENDS = ("serial", "loky", "dask")
CONNECT_TIMEOUT = 5.0  # seconds to reach a Dask scheduler before giving up with a message


class BackendError(RuntimeError):
    """A backend that cannot run: Dask missing, a scheduler out of reach."""


def records(tasks: Iterable[SweepTask], backend: str = "serial", n_jobs: int = 1,
            scheduler: str | None = None) -> Iterator[RunRecord]:
    """Each task's record, in task order, yielded as soon as it and those before it are done."""
    if backend not in BACKENDS:
        raise ConfigError("backend", f"backend must be one of {', '.join(BACKENDS)}. "
                                     f"Received: backend={show_value(backend)}")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs < 1:
        raise ConfigError("n_jobs", f"n_jobs must be a positive integer. Received: n_jobs={show_value(n_jobs)}")
    tasks = list(tasks)
    if backend == "serial":
        yield from map(run_task, tasks)
        return
    from joblib import Parallel, delayed, parallel_config

    if backend == "loky":
        yield from Parallel(n_jobs=n_jobs, backend="loky", return_as="generator")(delayed(run_task)(t) for t in tasks)
        return
    with dask_client(scheduler, n_jobs), parallel_config(backend="dask"):
        yield from Parallel(n_jobs=-1, return_as="generator")(delayed(run_task)(t) for t in tasks)


@contextlib.contextmanager
def dask_client(scheduler: str | None, n_workers: int):
    """A distributed.Client on `scheduler`, or on a LocalCluster of `n_workers` processes on loopback
    (closed on exit). BackendError when Dask is not installed or the scheduler cannot be reached."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BackendError("The Dask backend needs the packages dask and distributed "
                           "(pip install -r requirements-dev.txt). Received: backend='dask' without them") from None
    if scheduler is None:
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise BackendError(f"Cannot reach the Dask scheduler within {CONNECT_TIMEOUT:g} s ({type(error).__name__}: "
                           f"{error}). Expected an address like tcp://HOST:8786 of a running scheduler. "
                           f"Received: scheduler={show_value(scheduler)}") from None
    with client:
        yield client
