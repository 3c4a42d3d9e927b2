"""Fair sharing inside one server process, without browsers: do sessions at the bounds slow the
default sessions' frames down?

    python benchmarks/fair_share.py [--defaults 4] [--bounds 2] [--seconds 12] [--gap 0.1]

Runs each session as the live fragment does, in its own thread of this one process (as
Streamlit runs each session's script thread): a frame trains at "max" speed for its budget
(pacing.advance_frame), takes the snapshot and builds and encodes the boundary figure; then
the thread waits `--gap` s, the time a browser takes to draw the frame and ask for the next.
First the default sessions alone, then the same beside `--bounds` sessions on the largest run
a link accepts (bounds.BOUNDS_QUERY). Prints each group's frames per second, the process's CPU,
and the share of their frames per second the default sessions keep (target >= 50 %).

benchmarks/load.py measures the same through Streamlit and real browsers; on a 2-core machine
its browsers take 1.2-1.5 cores, and what they take cannot be told apart from the server's
share. This one isolates the server: its figure is what one process does for its sessions.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time

from bounds import BOUNDS_QUERY

from playground import figures
from playground.config import Config
from playground.training import Trainer
from playground.ui.live_chart import figure_bytes
from playground.ui.pacing import Clock, advance_frame
from playground.ui.serving import limit_blas_threads


def session(config: Config, frames: list[int], index: int, gap: float, stop: threading.Event) -> None:
    """Live frames of `config` until `stop`, counted in frames[index]."""
    trainer, clock = Trainer(config), Clock(running=True)
    while not stop.is_set():
        advance_frame(trainer, clock, "max")
        snapshot = trainer.snapshot()
        figure_bytes(figures.boundary_figure(snapshot, trainer.data, trainer.config,
                                             max_points=figures.MAX_POINTS_DRAWN, as_dict=True))
        frames[index] += 1
        time.sleep(gap)


def measure(configs: list[Config], seconds: float, gap: float, warmup: float = 3.0) -> tuple[list[float], float]:
    """Frames per second of each config's session, all running at once, and the process's CPU
    in cores over the window."""
    stop, frames = threading.Event(), [0] * len(configs)
    threads = [threading.Thread(target=session, args=(config, frames, index, gap, stop))
               for index, config in enumerate(configs)]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    before, start, cpu = list(frames), time.perf_counter(), time.process_time()
    time.sleep(seconds)
    after, elapsed, cpu = list(frames), time.perf_counter() - start, time.process_time() - cpu
    stop.set()
    for thread in threads:
        thread.join()
    return [(b - a) / elapsed for a, b in zip(before, after, strict=True)], cpu / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--defaults", type=int, default=4)
    parser.add_argument("--bounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--gap", type=float, default=0.1, help="s a browser takes between two frames")
    args = parser.parse_args()
    limit_blas_threads()  # as the app does
    default, large = Config(), Config.from_query(BOUNDS_QUERY)
    alone, cpu_alone = measure([default] * args.defaults, args.seconds, args.gap)
    mixed, cpu_mixed = measure([default] * args.defaults + [large] * args.bounds, args.seconds, args.gap)
    before, beside = statistics.median(alone), statistics.median(mixed[:args.defaults])
    print(f"{args.defaults} default sessions alone: {before:.1f} frames/s each (median), the process "
          f"{cpu_alone:.2f} cores")
    print(f"beside {args.bounds} at the bounds: {beside:.1f} frames/s each; the bounds sessions "
          f"{', '.join(f'{rate:.1f}' for rate in mixed[args.defaults:])} frames/s; the process {cpu_mixed:.2f} cores")
    print(f"the default sessions keep {beside / before:.0%} of their frames per second (target >= 50 %)")


if __name__ == "__main__":
    main()
