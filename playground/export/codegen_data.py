"""The data part of a generated script: it defines X_train, y_train, X_test, y_test, the network's
standardised inputs (n, n_features) and labels or targets (n,).

"embed" writes the arrays as Python literals (floats in their shortest exact form), so a script
trains on exactly the numbers the app trained on. "generate" writes a small generator that
reproduces the playground's dataset bit for bit (same NumPy draws, the same scikit-learn calls
and split), then the input features and the training-set standardisation.
"""

from __future__ import annotations

import textwrap

import numpy as np

from ..datasets import DATASETS
from ..training import RunData
from .codegen_common import Plan, num

FEATURE_CODE = {"x1": "X[:, 0]", "x2": "X[:, 1]", "x1sq": "X[:, 0] ** 2", "x2sq": "X[:, 1] ** 2",
                "x1x2": "X[:, 0] * X[:, 1]", "sinx1": "np.sin(X[:, 0])", "sinx2": "np.sin(X[:, 1])",
                "cosx1": "np.cos(X[:, 0])", "cosx2": "np.cos(X[:, 1])"}

_POLAR = "X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])\n"
_JITTER = "X = X + NOISE * rng.standard_normal(X.shape)  # position noise\n"
_BLOBS = ("X, y = make_blobs(n_samples=counts, centers=centers, cluster_std=0.5 + 2.0 * NOISE, shuffle=False,\n"
          "                  random_state=int(rng.integers(0, 2**31 - 1)))\n")
_REGRESSION = ("X = rng.uniform(-6.0, 6.0, (N_SAMPLES, 2))\n"
               "y = np.clip({target} + NOISE * rng.standard_normal(N_SAMPLES), -1.0, 1.0)  # target noise\n")
_FLIP = '''def flip(y):
    """Give round(NOISE * (n // 2)) points of each class the other label (label noise)."""
    k = round(NOISE * (len(y) // 2))
    flipped = y.copy()
    for c in (0, 1):
        flipped[rng.permutation(np.flatnonzero(y == c))[:k]] = 1 - c
    return flipped


'''
GENERATORS = {
    "circle": ("r = np.concatenate([np.sqrt(rng.uniform(3.5**2, 5.0**2, counts[0])),  # class 0: a ring\n"
               "                    2.5 * np.sqrt(rng.uniform(0, 1, counts[1]))])  # class 1: a disc inside it\n"
               "theta = rng.uniform(0, TAU, len(r))\n" + _POLAR + "y = flip(labels)\n"),
    "xor": ("# class 1 where x1 * x2 > 0; no point closer than 0.3 to an axis\n"
            "X = rng.uniform(0.3, 5.5, (N_SAMPLES, 2)) * rng.choice([-1.0, 1.0], size=(N_SAMPLES, 1))\n"
            "X[:, 1] *= np.where(labels == 1, 1.0, -1.0)\ny = flip(labels)\n"),
    "gauss": "centers = np.array([[-2.0, -2.0], [2.0, 2.0]])\n" + _BLOBS,
    "blobs": ("angles = np.pi / 2 + TAU * np.arange(N_CLASSES) / N_CLASSES\n"
              "centers = np.column_stack([3.5 * np.cos(angles), 3.5 * np.sin(angles)])\n" + _BLOBS),
    "spiral": ("s = rng.uniform(0, 1, N_SAMPLES)  # position along an arm: 1.75 turns from r = 0.25 to 5.5\n"
               "r, theta = 0.25 + 5.25 * s, 1.75 * TAU * s + TAU * labels / N_CLASSES\n"
               + _POLAR + _JITTER + "y = labels\n"),
    "moons": ("X, y = make_moons(n_samples=tuple(counts), shuffle=False, noise=None)\n"
              "X = (X - np.array([0.5, 0.25])) * 3.0  # centred and scaled into the domain\n" + _JITTER),
    "linear": ("angle = rng.uniform(0, TAU)\n"
               "w, b = np.array([np.cos(angle), np.sin(angle)]), rng.uniform(-1.5, 1.5)\n"
               "parts = []\n"
               "for c, m in enumerate(counts):  # rejection sampling: points at least 0.5 away from the line\n"
               "    side = 1.0 if c == 1 else -1.0\n"
               "    got = np.empty((0, 2))\n"
               "    while len(got) < m:\n"
               "        candidates = rng.uniform(-5.5, 5.5, (4 * m, 2))\n"
               "        got = np.concatenate([got, candidates[side * (candidates @ w + b) >= 0.5]])\n"
               "    parts.append(got[:m])\n"
               "X = np.concatenate(parts)\n" + _JITTER + "y = labels\n"),
    "checkerboard": ("# a 4 x 4 board of 3 x 3 cells; cell (i, j) has class (i + j) % 2\n"
                     "cells = np.array([[(i, j) for i in range(4) for j in range(4) if (i + j) % 2 == c]\n"
                     "                  for c in (0, 1)])\n"
                     "ij = cells[labels, rng.integers(0, 8, N_SAMPLES)]\n"
                     "X = -6.0 + 3.0 * ij + rng.uniform(0.05, 2.95, (N_SAMPLES, 2))\ny = flip(labels)\n"),
    "rings": ("width = 5.5 / N_CLASSES  # class 0 is a central disc, class c the c-th ring\n"
              "low = np.where(labels == 0, 0.0, (labels + 0.15) * width)\n"
              "high = (labels + 0.85) * width\n"
              "r = np.sqrt(rng.uniform(low**2, high**2))\n"
              "theta = rng.uniform(0, TAU, N_SAMPLES)\n"
              "r = r + NOISE * rng.standard_normal(r.shape)  # radial noise\n" + _POLAR + "y = labels\n"),
    "plane": _REGRESSION.format(target="(X[:, 0] + X[:, 1]) / 12.0"),
    "sine": _REGRESSION.format(target="np.sin(X[:, 0])"),
    "gaussians": ("BUMPS = np.array([[-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],  # x1, x2, sign\n"
                  "                  [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0]])\n"
                  "d2 = ((X[:, None, :] - BUMPS[None, :, :2]) ** 2).sum(axis=2)\n"
                  "target = (BUMPS[:, 2] * np.exp(-d2 / (2 * 1.2**2))).sum(axis=1)\n"),
}
GENERATORS["spirals"] = GENERATORS["spiral"]


def _regression_body(name: str) -> str:
    if name == "gaussians":
        return ("X = rng.uniform(-6.0, 6.0, (N_SAMPLES, 2))\n" + GENERATORS["gaussians"]
                + "y = np.clip(target + NOISE * rng.standard_normal(N_SAMPLES), -1.0, 1.0)  # target noise\n")
    return GENERATORS[name]


def can_generate(dataset: str) -> bool:
    return dataset in GENERATORS


def data_section(plan: Plan, mode: str, data: RunData | None) -> tuple[str, list[str]]:
    """Source defining X_train, y_train, X_test, y_test, and the import lines it needs."""
    if mode == "generate" and can_generate(plan.config.data.dataset):
        return _generated(plan)
    return _embedded(plan, data), []


def _generated(plan: Plan) -> tuple[str, list[str]]:
    data = plan.config.data
    classification = data.task == "classification"
    imports = ["from sklearn.model_selection import train_test_split"]
    if data.dataset in ("gauss", "blobs"):
        imports.append("from sklearn.datasets import make_blobs")
    if data.dataset == "moons":
        imports.append("from sklearn.datasets import make_moons")
    info = DATASETS[data.dataset]
    lines = [f"# The {data.dataset!r} dataset ({info.description.rstrip('.').lower()}), generated as the playground",
             "# does it: same random draws, same split, so the points are exactly the app's.",
             f"N_SAMPLES, NOISE, TRAIN_SHARE = {data.n_samples}, {num(data.noise)}, {num(data.train_share)}"]
    if classification:
        lines += [f"N_CLASSES = {data.class_count}"]
    lines += ["TAU = 2.0 * np.pi", "rng = np.random.default_rng(SEED)"]
    if classification:
        lines += ["counts = [N_SAMPLES // N_CLASSES + (c < N_SAMPLES % N_CLASSES) for c in range(N_CLASSES)]",
                  "labels = np.repeat(np.arange(N_CLASSES, dtype=np.int64), counts)"]
    body = GENERATORS[data.dataset] if classification else _regression_body(data.dataset)
    source = "\n".join(lines) + "\n"
    if "flip(" in body:
        source += "\n\n" + _FLIP
    source += body
    dtype = "np.int64" if classification else "np.float64"
    stratify = "y" if classification else "None"
    features = ", ".join(FEATURE_CODE[name] for name in data.features)
    if len(features) > 80:
        features = "\n" + "\n".join(_wrap([FEATURE_CODE[name] for name in data.features], "        ")) + "\n    "
    source += f"""order = rng.permutation(N_SAMPLES)
X, y = np.clip(np.asarray(X, dtype=np.float64)[order], -6.0, 6.0), y[order].astype({dtype})
points_train, points_test, y_train, y_test = train_test_split(
    X, y, train_size=TRAIN_SHARE, random_state=SEED, shuffle=True, stratify={stratify})


def features(X):
    \"\"\"The network's inputs ({", ".join(data.features)}) of points X (n, 2).\"\"\"
    return np.column_stack([{features}])


# Standardise with the training split's statistics only (a constant column gets scale 1).
F_train = features(points_train)
mean, std = F_train.mean(axis=0), F_train.std(axis=0)
scale = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
X_train = (F_train - mean) / scale
X_test = (features(points_test) - mean) / scale
"""
    return source, imports


def _wrap(items: list[str], indent: str, width: int = 116) -> list[str]:
    """Comma-separated items packed into lines of at most `width` characters."""
    lines, line = [], ""
    for item in items:
        if line and len(indent) + len(line) + len(item) + 2 > width:
            lines.append(indent + line + ",")
            line = ""
        line = f"{line}, {item}" if line else item
    return [*lines, indent + line + ","]


def array_literal(name: str, values: np.ndarray) -> str:
    """`name = np.array([...])` with every value written exactly (a row per line for 2-D arrays, wrapped
    when long). ValueError for a non-finite value (see `num`)."""
    values = np.asarray(values)
    integer = values.dtype.kind in "iub"
    write = (lambda v: str(int(v))) if integer else num
    if values.ndim == 2:
        lines = []
        for row in values:
            wrapped = _wrap([write(v) for v in row], "     ")
            wrapped[0] = "    [" + wrapped[0][5:]
            wrapped[-1] = wrapped[-1][:-1] + "],"
            lines += wrapped
    else:
        lines = _wrap([write(v) for v in values], "    ")
    dtype = ", dtype=np.int64" if integer else ""
    return f"{name} = np.array([\n" + "\n".join(lines) + f"\n]{dtype})\n"


def _embedded(plan: Plan, data: RunData | None) -> str:
    if data is None:
        from ..training import make_run_data

        data = make_run_data(plan.config)
    config = plan.config.data
    stats = data.standardizer
    mean = ", ".join(num(v) for v in stats.mean)
    scale = ", ".join(num(v) for v in stats.scale)
    comment = (f"The exact inputs the playground trained on: features {', '.join(config.features)} of the "
               f"{config.dataset!r} points, standardised with the training split's mean [{mean}] and scale "
               f"[{scale}]; then the labels or targets.")
    lines = textwrap.wrap(comment, 110, break_long_words=False, break_on_hyphens=False)
    return ("".join(f"# {line}\n" for line in lines)
            + array_literal("X_train", data.F_train) + array_literal("y_train", data.y_train)
            + array_literal("X_test", data.F_test) + array_literal("y_test", data.y_test))
