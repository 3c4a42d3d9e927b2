"""The app's sweeps: one process-wide pool of worker processes shared by every session, capped.

    job = shared_pool().submit(spec)     # SweepError when the sweep's work exceeds MAX_WORK
    job.place()                          # 0: running; k: k-th in the queue
    job.results()                        # the records finished so far, in task order
    job.stop()                           # no new runs start; what finished is kept

Why capped: one Streamlit process serves a lecture hall (DESIGN.md, "Cost, sharing and serving").
The pool has WORKERS processes (one core is left to the server's own script threads), at most
that many sweeps run at once (each gets at least one worker; runs of the running sweeps are
interleaved), the others wait in a queue in arrival order. A sweep's work, runs x epochs x points,
is capped at MAX_WORK sample-epochs: about 35 s of one worker for the overfitting lesson's
3 x 64 network (measured ~85,000 sample-epochs/s on one busy core here), so the queue moves.
A run is the slice: a worker trains one run to its end, then takes the next.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor

from ..config import ConfigError
from .engine import RunRecord, SweepSpec, run_task

MAX_WORK = 3_000_000   # sample-epochs of one sweep in the app (the command line has no cap)
WORKERS = max(1, min(4, int(os.environ.get("PLAYGROUND_SWEEP_WORKERS", (os.cpu_count() or 2) - 1))))


class SweepError(ConfigError):
    """A sweep the app refuses (too much work)."""


class SweepJob:
    """One session's sweep in the shared pool. Its fields are written by the pool under its lock."""

    def __init__(self, spec: SweepSpec, pool: WorkerPool):
        self.spec = spec
        self.tasks = spec.tasks()
        self.pool = pool
        self.state = "queued"        # queued, running, done, stopped, failed
        self.message = ""
        self._records: dict[int, RunRecord] = {}
        self._next = 0               # index of the next task to hand to a worker
        self._in_flight: set[Future] = set()

    @property
    def total(self) -> int:
        return len(self.tasks)

    def done_count(self) -> int:
        with self.pool.lock:
            return len(self._records)

    def results(self) -> list[RunRecord]:
        """The finished runs' records, in task order."""
        with self.pool.lock:
            return [self._records[i] for i in sorted(self._records)]

    def place(self) -> int:
        """0 while running (or finished); k while k-th in the queue."""
        return self.pool.place(self)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "stopped", "failed")

    def stop(self) -> None:
        self.pool.stop(self)


class WorkerPool:
    """A pool of `workers` processes shared by all sessions; see the module docstring."""

    def __init__(self, workers: int = WORKERS, max_work: int = MAX_WORK):
        self.workers = workers
        self.max_work = max_work
        self.lock = threading.RLock()
        self._executor: ProcessPoolExecutor | None = None
        self._active: list[SweepJob] = []
        self._queue: deque[SweepJob] = deque()
        self._turn = 0

    def submit(self, spec: SweepSpec) -> SweepJob:
        work = spec.work()
        if work > self.max_work:
            raise SweepError("work", f"A sweep in the app may train at most {self.max_work:,} sample-epochs (runs x "
                                     f"epochs x points), so that a shared server stays responsive for everyone. "
                                     f"Received: {spec.runs} runs, {work:,} sample-epochs. Use fewer values, seeds, "
                                     "epochs or points, or run it with python -m playground.sweep.")
        job = SweepJob(spec, self)
        with self.lock:
            self._queue.append(job)
            self._pump()
        return job

    def place(self, job: SweepJob) -> int:
        with self.lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def stop(self, job: SweepJob) -> None:
        with self.lock:
            if job.finished:
                return
            job.state = "stopped"
            self._cancel(job)
            if job in self._queue:
                self._queue.remove(job)
            self._retire(job)

    def shutdown(self) -> None:
        """Stop every job and the worker processes (tests; the app's pool lives as long as the server)."""
        with self.lock:
            for job in [*self._active, *self._queue]:
                self.stop(job)
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    # -- dispatching, under the lock ------------------------------------------------------------
    def _pump(self) -> None:
        while self._queue and len(self._active) < self.workers:
            job = self._queue.popleft()
            job.state = "running"
            self._active.append(job)
        busy = sum(len(job._in_flight) for job in self._active)
        while busy < self.workers:
            waiting = [job for job in self._active if job._next < job.total]
            if not waiting:
                return
            job = waiting[self._turn % len(waiting)]
            self._turn += 1
            self._start(job)
            busy += 1

    def _start(self, job: SweepJob) -> None:
        index = job._next
        job._next += 1
        try:
            future = self._pool().submit(run_task, job.tasks[index])
        except RuntimeError as error:  # a broken pool: the worker processes died
            self._fail(job, error)
            return
        job._in_flight.add(future)
        future.add_done_callback(lambda f, job=job, index=index: self._finished(job, index, f))

    def _finished(self, job: SweepJob, index: int, future: Future) -> None:
        with self.lock:
            if future not in job._in_flight:  # stopped meanwhile
                return
            job._in_flight.discard(future)
            error = None if future.cancelled() else future.exception()
            if error is not None:
                self._fail(job, error)
            elif not future.cancelled():
                job._records[index] = future.result()
                if len(job._records) == job.total:
                    job.state = "done"
                    self._retire(job)
            self._pump()

    def _fail(self, job: SweepJob, error: BaseException) -> None:
        if self._executor is not None and getattr(self._executor, "_broken", False):
            self._executor = None  # start fresh workers for the next sweep
        job.state, job.message = "failed", f"The sweep stopped: a run failed ({type(error).__name__}: {error})."
        self._cancel(job)
        self._retire(job)

    @staticmethod
    def _cancel(job: SweepJob) -> None:
        """Forget the job's runs in flight (first: cancelling calls their callbacks at once)."""
        futures, job._in_flight = job._in_flight, set()
        for future in futures:
            future.cancel()

    def _retire(self, job: SweepJob) -> None:
        if job in self._active:
            self._active.remove(job)
        self._pump()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:  # spawn: the server's threads must not be forked
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self._executor


_SHARED: WorkerPool | None = None
_SHARED_LOCK = threading.Lock()


def shared_pool() -> WorkerPool:
    """The process-wide pool, created on first use."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = WorkerPool()
        return _SHARED
