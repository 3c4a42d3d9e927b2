"""python -m playground.sweep: a small sweep to CSV and HTML, and clear messages for bad input."""

import csv
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = "http://127.0.0.1:8501/?data=circle&samples=60&seed=2&layers=4tanh&batch=10"


def sweep(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "playground.sweep", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_a_small_sweep_writes_its_csv_and_report(tmp_path):
    done = sweep(LINK, "--param", "width", "--values", "lin:2:4:2", "--seeds", "2", "--epochs", "3",
                 "--out", "s.csv", "--html", "s.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "4/4 runs" in done.stderr  # the progress bar
    rows = list(csv.DictReader((tmp_path / "s.csv").open()))
    assert list(rows[0]) == ["param", "value", "seed", "train_loss", "test_loss", "train_metric", "test_metric",
                             "best_epoch"]
    assert [(r["param"], r["value"], r["seed"]) for r in rows] == [("width", "2", "2"), ("width", "2", "3"),
                                                                    ("width", "4", "2"), ("width", "4", "3")]
    report = (tmp_path / "s.html").read_text()
    assert report.startswith("<!DOCTYPE html>") and "Plotly.newPlot" in report and '<script src="http' not in report


@pytest.mark.parametrize("args,message", [
    (["--param", "colour", "--values", "1"], "param must be one of samples, noise, train, bias, reg_rate"),
    (["--param", "reg_rate", "--values", "0,1e-4,5"], "reg_rate must be between 0 and 1. Received: reg_rate=5"),
    (["--param", "lr", "--values", "log:1:0.1:3"], "values must read like"),
    (["--param", "width", "--values", "8", "--scheduler", "tcp://127.0.0.1:9", "--backend", "loky"],
     "--scheduler needs --backend dask"),
])
def test_bad_input_is_a_message_not_a_traceback(tmp_path, args, message):
    done = sweep(LINK, *args, "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "s.csv").exists()


def test_a_bad_link_is_a_message(tmp_path):
    done = sweep("?data=moon&lr=fast", "--param", "lr", "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "data" in done.stderr


def test_an_unreachable_scheduler_is_a_message_within_seconds(tmp_path):
    pytest.importorskip("distributed")
    started = time.monotonic()
    done = sweep(LINK, "--param", "width", "--values", "2", "--epochs", "1", "--scheduler", "tcp://127.0.0.1:9",
                 "--out", "s.csv", cwd=tmp_path)
    assert done.returncode == 2 and "Cannot reach the Dask scheduler" in done.stderr
    assert "Traceback" not in done.stderr
    assert time.monotonic() - started < 60  # a generous bound on "a few seconds": the message comes, no hang
