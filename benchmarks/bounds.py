"""A session at the bounds: how long each action holds the server, and how much memory it keeps.

    python benchmarks/bounds.py

The largest run a link can ask for (BOUNDS_QUERY: 5,000 spiral points, 90 % for training,
8 hidden layers of 256 ReLU units with batch norm, batch 1, a 200 x 200 grid, all nine input
features) is opened as a student would, through the app's own pages (Streamlit's AppTest runs
them in this process, as the server would). Each scenario runs in a fresh process: first a
default Playground session (the idle server), then the bounds session's actions, each timed from
click to page. Memory is the process's resident size above the idle server, and its peak.

The live frame is timed apart, as the fragment does it: train for the frame's budget, take the
snapshot, build and encode the figures.

Targets (issue "Bounded cost per session"): every action returns within 1 s; a live frame within
2x its training budget; <= 300 MB for a Playground session and <= 800 MB for a 4-run Compare.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BOUNDS_QUERY = {"data": "spiral", "samples": "5000", "train": "0.9", "layers": ",".join(["256relu-bn"] * 8),
                "batch": "1", "grid": "200", "features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2,cosx1,cosx2"}
APP = str(ROOT / "app.py")
FRAMES = 5
TARGETS = {"action": 1.0, "playground": 300, "compare": 800}


def memory_mb() -> tuple[float, float]:
    """(resident, peak resident) of this process in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from VmRSS


class Recorder:
    """Times each action and keeps the memory after it."""

    def __init__(self, idle_mb: float):
        self.idle, self.rows = idle_mb, []

    def __call__(self, name: str, action) -> None:
        reset_peak()
        start = time.perf_counter()
        action()
        seconds = time.perf_counter() - start
        rss, peak = memory_mb()
        self.rows.append({"action": name, "seconds": round(seconds, 3), "above_idle_mb": round(rss - self.idle),
                          "peak_above_idle_mb": round(peak - self.idle)})


def apptest(query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.query_params.update(query or {})
    return at


def run(at):
    at.run()
    if at.exception:
        raise RuntimeError("\n".join(e.message for e in at.exception))
    return at


def click(at, key: str):
    at.button(key=key).click()
    return run(at)


def idle_server() -> float:
    run(apptest())
    return memory_mb()[0]


def playground(record: Recorder) -> None:
    at = apptest(BOUNDS_QUERY)
    record("open the bounds link (Playground)", lambda: run(at))
    record("Play (click)", lambda: click(at, "play"))
    for frame in range(FRAMES):
        record(f"page rerun while playing ({frame + 1})", lambda: run(at))
    record("Pause", lambda: click(at, "pause"))
    record("Step (click; the epoch goes on in frames)", lambda: click(at, "step"))
    record("a Step frame", lambda: run(at))
    record("Pause (stops the Step)", lambda: click(at, "pause"))
    at.switch_page("app_pages/diagnostics.py")
    record("open Diagnostics", lambda: run(at))
    record("10 epochs (click)", lambda: click(at, "diag_ten"))
    record("Stop", lambda: click(at, "steps_stop"))
    at.switch_page("app_pages/how_it_learns.py")
    record("open How it learns (trace)", lambda: run(at))
    record("Next step (trace reused)", lambda: click(at, "hil_next"))
    at.switch_page("app_pages/playground.py")
    record("back to the Playground", lambda: run(at))
    record("Reset", lambda: click(at, "reset"))


def compare(record: Recorder) -> None:
    at = apptest(BOUNDS_QUERY)
    run(at)
    at.switch_page("app_pages/compare.py")
    record("open Compare (1 run)", lambda: run(at))
    for runs in (2, 3, 4):
        record(f"Add run ({runs} runs)", lambda: click(at, "compare_add"))
    record("Play (click)", lambda: click(at, "compare_play"))
    for frame in range(FRAMES):
        record(f"page rerun while playing ({frame + 1})", lambda: run(at))
    record("Pause", lambda: click(at, "compare_pause"))
    record("Step (click)", lambda: click(at, "compare_step"))
    record("Pause (stops the Step)", lambda: click(at, "compare_pause"))
    at.selectbox(key="compare_form_optimizer_3").set_value("sgd")
    record("change run D (rebuilds 4 runs)", lambda: click(at, "compare_form_apply_3"))
    record("Run seed spread (click)", lambda: click(at, "run_spread"))
    record("a seed spread slice", lambda: run(at))
    record("Stop the seed spread", lambda: click(at, "spread_stop"))


def live_frame() -> list[dict]:
    """The fragment's work for one frame at the bounds: train, snapshot, figures, encoding."""
    from playground import figures
    from playground.training import Trainer
    from playground.ui.live_chart import figure_bytes
    from playground.ui.pacing import TRAIN_SECONDS
    from playground.ui.presentation import read_url
    from playground.ui.serving import limit_blas_threads

    limit_blas_threads()
    config = read_url(BOUNDS_QUERY)[0]
    trainer = Trainer(config)
    rows = []
    for frame in range(FRAMES):
        start = time.perf_counter()
        trainer.advance(seconds=TRAIN_SECONDS[1])
        trained = time.perf_counter() - start
        snapshot = trainer.snapshot()
        figure_bytes(figures.boundary_figure(snapshot, trainer.data, config, height=540, as_dict=True))
        figure_bytes(figures.health_figure(snapshot.layers, height=170, as_dict=True))
        figure_bytes(figures.loss_figure(trainer.history.thinned(600), height=280, as_dict=True))
        total = time.perf_counter() - start
        rows.append({"frame": frame + 1, "train_s": round(trained, 3), "frame_s": round(total, 3),
                     "x_budget": round(total / TRAIN_SECONDS[1], 2), "grid": trainer.grid_size})
    return rows


def scenario(name: str) -> None:
    """Run one scenario in this process and print its rows as JSON."""
    if name == "frame":
        print(json.dumps({"rows": live_frame()}))
        return
    idle = idle_server()
    record = Recorder(idle)
    {"playground": playground, "compare": compare}[name](record)
    print(json.dumps({"idle_mb": round(idle), "rows": record.rows}))


def report(name: str, result: dict) -> None:
    rows = result["rows"]
    if name == "frame":
        print("\nLive frame at the bounds (train for the frame's budget, snapshot, figures):")
        for row in rows:
            print(f"  frame {row['frame']}: trained {row['train_s']:.3f} s, whole frame {row['frame_s']:.3f} s "
                  f"= {row['x_budget']:.2f}x the training budget (grid {row['grid']}x{row['grid']})")
        worst = max(row["x_budget"] for row in rows)
        print(f"  worst: {worst:.2f}x the budget (target <= 2x): {'met' if worst <= 2 else 'NOT met'}")
        return
    print(f"\n{name.capitalize()} session at the bounds (idle server: {result['idle_mb']} MB):")
    print(f"  {'action':<44} {'seconds':>8} {'MB kept':>8} {'MB peak':>8}")
    for row in rows:
        print(f"  {row['action']:<44} {row['seconds']:>8.3f} {row['above_idle_mb']:>8} {row['peak_above_idle_mb']:>8}")
    slowest = max(rows, key=lambda row: row["seconds"])
    peak = max(row["peak_above_idle_mb"] for row in rows)
    kept = rows[-1]["above_idle_mb"]
    print(f"  slowest action: {slowest['action']} {slowest['seconds']:.2f} s (target <= {TARGETS['action']} s): "
          f"{'met' if slowest['seconds'] <= TARGETS['action'] else 'NOT met'}")
    print(f"  memory above idle: {kept} MB at the end, {peak} MB at the peak (target <= {TARGETS[name]} MB): "
          f"{'met' if peak <= TARGETS[name] else 'NOT met'}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        scenario(sys.argv[2])
        return
    for name in ("playground", "compare", "frame"):
        output = subprocess.run([sys.executable, __file__, "--scenario", name], cwd=ROOT, capture_output=True,
                                text=True, check=False)
        lines = [line for line in output.stdout.splitlines() if line.startswith("{")]
        if output.returncode or not lines:
            print(f"{name}: failed\n{output.stderr[-3000:]}")
            continue
        report(name, json.loads(lines[-1]))


if __name__ == "__main__":
    main()
