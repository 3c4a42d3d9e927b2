"""Your own data: a CSV file or points drawn on the plot, checked and scaled into the domain.

A CSV has two feature columns and a label column (class names or numbers for classification,
a numeric target for regression); a header row is optional; comma, semicolon or tab separated.
Features are rescaled linearly per axis into FEATURE_SPAN (inside the plot's DOMAIN) and a
regression target into [-1, 1]; the scaling is kept so the page can show it. Anything wrong
raises DataError with one clear message; nothing is ever evaluated or unpickled.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MIN_ROWS = 20
MAX_CLASSES = 10
FEATURE_SPAN = (-5.5, 5.5)        # inside DOMAIN (-6, 6), so no point sits on the frame
DELIMITERS = (",", ";", "\t")
INTEGER_LABELS_UP_TO = MAX_CLASSES  # integer labels with at most this many values are classes
DEFAULT_COLUMNS = ("x1", "x2", "label")  # column names of a file without a header, and of drawn points


class DataError(ValueError):
    """A file or a set of points that cannot be used, with the reason in plain words."""


@dataclass(frozen=True, eq=False)
class CustomData:
    """A user's dataset, scaled into the domain.

    X: (n, 2) float64 in FEATURE_SPAN; y: (n,) int64 classes 0..K-1 (names in class_names) or
    float64 targets in [-1, 1]; scaling: one human-readable line per scaled column.
    """

    X: np.ndarray
    y: np.ndarray
    task: str                      # "classification" or "regression"
    class_names: tuple[str, ...]
    column_names: tuple[str, str, str]
    scaling: tuple[str, ...]
    source: str                    # "upload" or "drawn"

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        kind = f"{self.n_classes} classes" if self.task == "classification" else "regression"
        return f"CustomData({self.source}, {len(self.y)} points, {kind})"

    def to_csv(self) -> bytes:
        """The data as CSV (domain coordinates, class names or targets), e.g. to download drawn points."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.column_names)
        for (x1, x2), label in zip(self.X, self.y, strict=True):
            value = self.class_names[int(label)] if self.task == "classification" else repr(float(label))
            writer.writerow([repr(float(x1)), repr(float(x2)), value])
        return out.getvalue().encode()


def _decode(data: bytes) -> str:
    if not data:
        raise DataError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise DataError(f"The file is {len(data) / 2**20:.1f} MB; at most {MAX_BYTES // 2**20} MB is accepted.")
    if b"\x00" in data:
        raise DataError("This is not a text file (it contains binary data). Expected a CSV text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"The file is not UTF-8 text (byte {error.start} cannot be read). "
                        "Save it as CSV UTF-8 and try again.") from None


def _delimiter(text: str) -> str:
    """The delimiter that splits the first record into the most cells (a quoted cell may hold one
    of the others, or a newline)."""
    counts = {}
    for delimiter in DELIMITERS:
        try:
            first = next((row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                          if any(cell.strip() for cell in row)), [])
        except csv.Error:
            first = []
        counts[delimiter] = len(first)
    best = max(counts, key=counts.get)
    if counts[best] <= 1:
        raise DataError("Found a single column. Expected two feature columns and a label column, "
                        "separated by commas, semicolons or tabs.")
    return best


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _rows(text: str) -> tuple[tuple[str, str, str], list[list[str]]]:
    delimiter = _delimiter(text)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise DataError(f"The file is not valid CSV ({error}).") from None
    rows = [row for row in rows if any(row)]
    if not rows:
        raise DataError("The file has no rows with values.")
    if len(rows[0]) != 3:
        raise DataError(f"Found {len(rows[0])} columns. Expected exactly 3: two features and a label.")
    ragged = next((i for i, row in enumerate(rows) if len(row) != 3), None)
    if ragged is not None:
        raise DataError(f"Row {ragged + 1} has {len(rows[ragged])} cells; every row needs 3.")
    header = None
    if _number(rows[0][0]) is None or _number(rows[0][1]) is None:
        header = tuple(rows[0])
        rows = rows[1:]
        if len(set(header)) < 3:
            raise DataError(f"The header repeats a column name: {', '.join(header)}. Each column needs its own name.")
    names = header or DEFAULT_COLUMNS
    if len(rows) > MAX_ROWS:
        raise DataError(f"The file has {len(rows):,} rows; at most {MAX_ROWS:,} are accepted.")
    if len(rows) < MIN_ROWS:
        raise DataError(f"The file has {len(rows)} data rows; at least {MIN_ROWS} are needed to train and test.")
    return names, rows


def _features(rows: list[list[str]], names) -> np.ndarray:
    X = np.empty((len(rows), 2))
    for i, row in enumerate(rows):
        for j in range(2):
            value = _number(row[j])
            if value is None:
                raise DataError(f"Row {i + 1}, column '{names[j]}': {row[j][:40]!r} is not a number. "
                                "The two feature columns must be numeric.")
            if not math.isfinite(value):
                raise DataError(f"Row {i + 1}, column '{names[j]}' is {row[j][:40]!r}; features must be finite.")
            X[i, j] = value
    return X


def _scale(values: np.ndarray, low: float, high: float, name: str) -> tuple[np.ndarray, str]:
    """Map values linearly from their own [min, max] onto [low, high]; a constant column maps to the middle.

    A range that overflows (1e308 - -1e308 is inf) or is subnormal (its reciprocal overflows)
    cannot be mapped: DataError naming the column.
    """
    vmin, vmax = float(values.min()), float(values.max())
    if vmax == vmin:
        return np.full_like(values, (low + high) / 2), f"{name}: constant {vmin:g} -> {(low + high) / 2:g}"
    with np.errstate(over="ignore", invalid="ignore"):
        span = vmax - vmin
        scaled = low + (values - vmin) * ((high - low) / span)
    if not (math.isfinite(span) and span >= np.finfo(float).tiny and np.all(np.isfinite(scaled))):
        raise DataError(f"Column '{name}' ranges from {vmin:g} to {vmax:g}, a range that cannot be scaled into "
                        f"the plot. Expected a range between {np.finfo(float).tiny:.1e} and "
                        f"{np.finfo(float).max:.1e}: rescale the column (other units) and try again.")
    return scaled, f"{name}: [{vmin:g}, {vmax:g}] -> [{low:g}, {high:g}]"


def _labels(cells: list[str], name: str) -> tuple[str, np.ndarray, tuple[str, ...], str | None]:
    numbers = [_number(cell) for cell in cells]
    if any(cell == "" for cell in cells):
        raise DataError(f"Column '{name}' has empty cells; every row needs a label.")
    numeric = all(v is not None for v in numbers)
    if numeric and not all(math.isfinite(v) for v in numbers):
        raise DataError(f"Column '{name}' contains NaN or infinite values.")
    integers = numeric and all(float(v).is_integer() for v in numbers)
    distinct = sorted(set(numbers if numeric else cells))
    if numeric and not (integers and len(distinct) <= INTEGER_LABELS_UP_TO):
        target, line = _scale(np.asarray(numbers, dtype=float), -1.0, 1.0, name)
        return "regression", target, (), line
    if len(distinct) < 2:
        raise DataError(f"Column '{name}' has one class only ({distinct[0]!r}); at least two are needed.")
    if len(distinct) > MAX_CLASSES:
        raise DataError(f"Column '{name}' has {len(distinct)} classes; at most {MAX_CLASSES} are supported.")
    index = {value: i for i, value in enumerate(distinct)}
    y = np.array([index[v] for v in (numbers if numeric else cells)], dtype=np.int64)
    class_names = tuple(f"{v:g}" if numeric else str(v) for v in distinct)
    return "classification", y, class_names, None


def load_csv(data: bytes) -> CustomData:
    """Parse and check an uploaded CSV file; DataError with one clear message if it cannot be used."""
    try:
        return _load_csv(data)
    except DataError:
        raise
    except Exception as exc:  # a safety net: an upload must never show the user a traceback
        raise DataError(f"The file could not be read ({type(exc).__name__}). Expected a CSV text file.") from None


def _load_csv(data: bytes) -> CustomData:
    names, rows = _rows(_decode(data))
    X_raw = _features(rows, names)
    task, y, class_names, target_line = _labels([row[2] for row in rows], names[2])
    x1, line1 = _scale(X_raw[:, 0], *FEATURE_SPAN, names[0])
    x2, line2 = _scale(X_raw[:, 1], *FEATURE_SPAN, names[1])
    scaling = (line1, line2) + ((target_line,) if target_line else ())
    return CustomData(np.column_stack([x1, x2]), y, task, class_names, tuple(names), scaling, "upload")


def drawn_data(points: list[tuple[float, float, int]], class_names: tuple[str, ...]) -> CustomData:
    """Points clicked on the plot, (x1, x2, class) in domain coordinates, as a dataset (no rescaling).

    `class_names[k]` names class k; classes nobody drew are left out and the rest renumbered
    0..K-1 in order, so the network gets one output per class that has points.
    """
    if len(points) < MIN_ROWS:
        raise DataError(f"{len(points)} points drawn; draw at least {MIN_ROWS} to train and test.")
    labels = np.array([c for _, _, c in points], dtype=np.int64)
    used = np.unique(labels)
    if len(used) < 2:
        raise DataError("All drawn points have the same class; draw points of at least two classes.")
    X = np.array([(x1, x2) for x1, x2, _ in points], dtype=float)
    names = tuple(class_names[k] for k in used)
    return CustomData(X, np.searchsorted(used, labels), "classification", names, DEFAULT_COLUMNS, (), "drawn")
