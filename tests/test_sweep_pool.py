"""The app's shared sweep pool: capped work, a queue with places, results as they arrive, Stop."""

import time

import pytest

from playground.config import Config, LayerConfig
from playground.sweeps.engine import SweepSpec, run_task
from playground.sweeps.pool import SweepError, WorkerPool

TINY = Config().replace(dataset="circle", n_samples=60, seed=1, hidden=(LayerConfig(4, "tanh"),), batch_size=10)


def wait_until(condition, limit: float = 120.0) -> None:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert condition()


@pytest.fixture
def pool():
    pool = WorkerPool(workers=1, max_work=100_000)
    yield pool
    pool.shutdown()


def test_a_second_sweep_waits_in_the_queue_and_both_finish(pool):
    first = pool.submit(SweepSpec(TINY, "lr", (0.01, 0.1), seeds=2, epochs=3))
    second = pool.submit(SweepSpec(TINY, "lr", (0.03,), seeds=1, epochs=3))
    third = pool.submit(SweepSpec(TINY, "lr", (0.03,), seeds=1, epochs=3))
    assert (first.state, first.place(), second.place(), third.place()) == ("running", 0, 1, 2)
    wait_until(lambda: third.finished)
    assert [job.state for job in (first, second, third)] == ["done"] * 3
    assert first.results() == [run_task(task) for task in first.tasks]  # in task order, as a serial run


def test_stop_keeps_what_finished(pool):
    job = pool.submit(SweepSpec(TINY, "lr", (0.01, 0.03, 0.1), seeds=3, epochs=150))
    wait_until(lambda: job.done_count() >= 1)
    job.stop()
    kept = job.results()
    assert job.state == "stopped" and 1 <= len(kept) < job.total
    after = pool.submit(SweepSpec(TINY, "lr", (0.01,), seeds=1, epochs=2))  # the pool goes on with others
    wait_until(lambda: after.finished)
    assert job.results() == kept and after.state == "done"


def test_a_sweep_over_the_work_cap_is_refused(pool):
    spec = SweepSpec(TINY, "epochs", (1000, 2000), seeds=1)
    with pytest.raises(SweepError, match=r"at most 100,000 sample-epochs .* Received: 2 runs, 180,000 sample-epochs"):
        pool.submit(spec)
