"""Process-wide settings for serving many sessions from one Streamlit process."""

from __future__ import annotations

import functools

from threadpoolctl import threadpool_limits


@functools.cache
def limit_blas_threads() -> None:
    """One BLAS thread per process, set once. One process serves many sessions, each in its own
    script thread, and a lecture hall runs one process per core: a BLAS call that spawns a thread
    per core competes with the other sessions and processes for the same cores. On this 2-core
    machine with other work running, a large network's snapshot took 0.7-1.0 s with OpenBLAS's
    two threads and 0.085 s with one."""
    import scipy.linalg  # noqa: F401  (scikit-learn's BLAS, SciPy's own OpenBLAS: loaded, so it is limited too)

    threadpool_limits(limits=1, user_api="blas")
