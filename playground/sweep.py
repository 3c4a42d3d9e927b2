"""Sweeps from the command line, for sweeps too big for a page:

    python -m playground.sweep "<share link or its query string>" --param reg_rate \
        --values 0,1e-4,1e-3,1e-2,1e-1 --seeds 5 --epochs 300 --jobs 2 [--backend serial|loky|dask] \
        [--scheduler tcp://HOST:8786] --out sweep.csv [--html sweep.html]

One CSV row per (value, seed): param,value,seed,train_loss,test_loss,train_metric,test_metric,best_epoch.
The command line has no work cap (the app's cap protects a shared server; this runs on your own
cores or cluster). Bad input gets a one-line message and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .config import Config, ConfigError
from .sweeps import backends, knobs
from .sweeps.engine import SweepSpec
from .sweeps.report import html_report
from .sweeps.summary import csv_text

BAR_WIDTH = 30


def parse_link(text: str) -> Config:
    """The config of a share link (https://...?data=...), its query string (?data=... or data=...)."""
    text = text.strip()
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    params = parse_qs(query, keep_blank_values=True)
    params.pop("lesson", None)
    for flag in ("big", "hide"):
        params.pop(flag, None)
    return Config.from_query(params)


def arguments(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m playground.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("link", help="a share link of the Playground, or its query string ('' for the default run)")
    parser.add_argument("--param", required=True, help=f"the knob: {', '.join(knobs.KNOBS)}")
    parser.add_argument("--values", help="0,1e-4,1e-3 or log:<low>:<high>:<count> or lin:<low>:<high>:<count> "
                                         "(default: the page's values for the knob)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (loky) or LocalCluster workers (dask)")
    parser.add_argument("--backend", choices=backends.BACKENDS, default=None,
                        help="serial (default with --jobs 1), loky (default with more jobs) or dask")
    parser.add_argument("--scheduler", help="a Dask scheduler's address, e.g. tcp://HOST:8786 (implies dask)")
    parser.add_argument("--out", required=True, help="the CSV file to write")
    parser.add_argument("--html", help="also write a self-contained HTML report")
    return parser.parse_args(argv)


def progress(done: int, total: int, started: float, stream=sys.stderr) -> None:
    filled = BAR_WIDTH * done // max(1, total)
    elapsed = time.perf_counter() - started
    stream.write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} runs, {elapsed:.1f} s")
    stream.write("\n" if done == total else "")
    stream.flush()


def main(argv=None) -> int:
    args = arguments(argv)
    try:
        config = parse_link(args.link)
        knobs.check_knob(args.param)
        values = (knobs.parse_values(args.values, args.param) if args.values is not None
                  else knobs.default_values(args.param, knobs.current_value(config, args.param, args.epochs)))
        spec = SweepSpec(config, args.param, values, seeds=args.seeds, epochs=args.epochs)
        backend = args.backend or ("dask" if args.scheduler else "loky" if args.jobs > 1 else "serial")
        if args.scheduler and backend != "dask":
            raise ConfigError("scheduler", f"--scheduler needs --backend dask. Received: --backend {backend}")
        tasks = spec.tasks()
        started, done = time.perf_counter(), []
        progress(0, len(tasks), started)
        for record in backends.records(tasks, backend, args.jobs, args.scheduler):
            done.append(record)
            progress(len(done), len(tasks), started)
    except (ConfigError, backends.BackendError) as error:
        print(f"\nError: {error}", file=sys.stderr)
        return 2
    Path(args.out).write_text(csv_text(done))
    if args.html:
        Path(args.html).write_text(html_report(spec, done))
    print(f"Wrote {len(done)} runs to {args.out}" + (f" and the report to {args.html}" if args.html else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
