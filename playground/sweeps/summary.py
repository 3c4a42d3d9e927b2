"""A sweep's records summarised: per value, the mean and spread over seeds; the best value; CSV rows.

    table = summarize(records)          # one ValueSummary per value, ascending
    best = best_value(table)            # the value of the lowest mean test loss
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .engine import RunRecord

CSV_COLUMNS = ("param", "value", "seed", "train_loss", "test_loss", "train_metric", "test_metric", "best_epoch")
MEASURES = ("train_loss", "test_loss", "train_error", "test_error")


@dataclass(frozen=True)
class ValueSummary:
    """The runs of one value: `mean[m]` and `std[m]` over seeds for each measure m of MEASURES
    (errors are 1 - accuracy, or 1 - R² for regression), the training points and the runs' seeds."""

    value: float
    n_train: float
    seeds: tuple[int, ...]
    mean: dict[str, float]
    std: dict[str, float]
    diverged: int


def measure(record: RunRecord, name: str) -> float:
    if name.endswith("_error"):
        metric = record.train_metric if name.startswith("train") else record.test_metric
        return 1.0 - metric
    return getattr(record, name)


def summarize(records: Sequence[RunRecord]) -> list[ValueSummary]:
    """One summary per value present, in ascending order of value (NaNs, e.g. no test split, skipped)."""
    by_value: dict[float, list[RunRecord]] = {}
    for record in records:
        by_value.setdefault(record.value, []).append(record)
    table = []
    for value in sorted(by_value):
        group = by_value[value]
        mean, std = {}, {}
        for name in MEASURES:
            values = np.array([measure(r, name) for r in group], dtype=float)
            finite = values[np.isfinite(values)]
            mean[name] = float(finite.mean()) if finite.size else math.nan
            std[name] = float(finite.std()) if finite.size else math.nan
        table.append(ValueSummary(value, float(np.mean([r.n_train for r in group])), tuple(r.seed for r in group),
                                  mean, std, sum(r.status == "diverged" for r in group)))
    return table


def best_value(table: Sequence[ValueSummary], measure_name: str = "test_loss") -> ValueSummary | None:
    """The summary with the lowest mean of `measure_name` (None when there is none)."""
    finite = [row for row in table if math.isfinite(row.mean[measure_name])]
    return min(finite, key=lambda row: row.mean[measure_name]) if finite else None


def csv_row(record: RunRecord) -> dict:
    """A record as a CSV row of CSV_COLUMNS (floats in their shortest exact form)."""
    return {"param": record.param, "value": repr(record.value), "seed": record.seed,
            "train_loss": repr(record.train_loss), "test_loss": repr(record.test_loss),
            "train_metric": repr(record.train_metric), "test_metric": repr(record.test_metric),
            "best_epoch": "" if record.best_epoch is None else record.best_epoch}


def csv_text(records: Sequence[RunRecord]) -> str:
    """All records as CSV text with a header of CSV_COLUMNS."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_row(record) for record in records)
    return out.getvalue()
