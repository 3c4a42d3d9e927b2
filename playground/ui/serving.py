"""Process-wide settings for serving many sessions from one Streamlit process, and a warm start.

    python -m playground.ui.serving run app.py [streamlit run options]

is `streamlit run app.py [options]` that first imports what a page's first run needs
(scikit-learn's split, SciPy's BLAS, the pages' own modules: ~1-3 s, see benchmarks/first_load.py)
and then starts the server. Streamlit runs an app's script only when a browser opens a session,
so without this the first student on every new process waits for those imports; with it the
server answers (its health check too) only once they are done. Not in a thread beside the
server's start: two threads importing the same packages (narwhals, via plotly and Streamlit)
deadlocked on Python's module locks.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from threadpoolctl import threadpool_limits

# What the pages import (directly or on their first run) beyond Streamlit and the project itself.
WARM_MODULES = ("sklearn.model_selection", "sklearn.datasets", "pandas")


@functools.cache
def limit_blas_threads() -> None:
    """One BLAS thread per process, set once. One process serves many sessions, each in its own
    script thread, and a lecture hall runs one process per core: a BLAS call that spawns a thread
    per core competes with the other sessions and processes for the same cores. On this 2-core
    machine with other work running, a large network's snapshot took 0.7-1.0 s with OpenBLAS's
    two threads and 0.085 s with one."""
    import scipy.linalg  # noqa: F401  (scikit-learn's BLAS, SciPy's own OpenBLAS: loaded, so it is limited too)

    threadpool_limits(limits=1, user_api="blas")


def warm_imports(modules: tuple[str, ...] = WARM_MODULES) -> None:
    """Limit BLAS to one thread and import `modules` and every module of the project (but the
    serving command's own), so that a session's first run finds them loaded."""
    import playground

    limit_blas_threads()
    project = (info.name for info in pkgutil.walk_packages(playground.__path__, "playground."))
    for name in (*modules, *project):
        if not name.endswith("__main__") and not name.startswith("playground.serve"):
            importlib.import_module(name)


def main(argv: list[str] | None = None) -> None:
    """`warm_imports`, then Streamlit's command line (`run app.py ...`)."""
    warm_imports()
    from streamlit.web import cli

    cli.main(args=argv, prog_name="streamlit")


if __name__ == "__main__":
    main()
